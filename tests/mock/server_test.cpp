// The HTTP layer over loopback: gzip on every status, keep-alive, injected
// faults, the /_mock endpoints, restarts; and a printed throughput figure.

#include "mock/mock_support.hpp"
#include "mock/server.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>

using namespace keepa::mock;
using namespace keepa::mock::test;

namespace {

/// Options with a small catalog and a fake clock read from `clock`.
options small(std::atomic<int64_t>& clock) {
  options o;
  o.products = 200;
  o.clock_ms = [&clock] { return clock.load(); };
  return o;
}

} // namespace

TEST_CASE("gzip on 200, 429, 404 and 400 when asked, plain otherwise") {
  std::atomic<int64_t> clock{t0};
  auto o = small(clock);
  o.initial_tokens = 1;
  server srv{o};
  http_conn c{srv.start()};
  auto ok = c.send("/product?key=mock-key&domain=1&asin=B0XXXXXXXX", true);
  CHECK(ok.status == 200);
  CHECK(ok.encoding == "gzip");
  CHECK(num(parse(ok.body), "tokensConsumed") == 1);
  auto tired = c.send("/product?key=mock-key&domain=1&asin=B0XXXXXXXX", true);
  CHECK(tired.status == 429);
  CHECK(tired.encoding == "gzip");
  CHECK(num(parse(tired.body), "tokensConsumed") == 0);
  for (auto target : {"/nothing", "/token?key=bad"}) {
    auto r = c.send(target, true);
    CHECK(r.encoding == "gzip");
    CHECK((r.status == 404 || r.status == 400));
  }
  auto plain = c.send("/token?key=mock-key", false);
  CHECK(plain.status == 200);
  CHECK(plain.encoding.empty());
  CHECK(num(parse(plain.body), "timestamp") == t0); // the fake clock
  CHECK(plain.keep_alive);
}

TEST_CASE("the fake clock drives refill ticks through the server") {
  std::atomic<int64_t> clock{t0};
  auto o = small(clock);
  o.initial_tokens = 0;
  o.refill_rate = 5;
  server srv{o};
  http_conn c{srv.start()};
  CHECK(c.send("/deal?key=mock-key&selection=%7B%22domainId%22%3A1%2C%22"
               "priceTypes%22%3A%5B2%5D%7D")
          .status
        == 429);
  clock += 60000;
  auto d = c.send("/deal?key=mock-key&selection=%7B%22domainId%22%3A1%2C%22"
                  "priceTypes%22%3A%5B2%5D%7D");
  CHECK(d.status == 200);
  CHECK(num(parse(d.body), "tokensLeft") == 0);
  srv.set_refill_rate(9);
  clock += 60000;
  CHECK(num(parse(c.send("/token?key=mock-key").body), "tokensLeft") == 9);
  auto s = srv.stats();
  CHECK(s.tokens_refilled == 14);
  CHECK(s.http_429 == 1);
  CHECK(srv.stats_json().find("\"tokens_consumed\":5") != std::string::npos);
  CHECK(c.send("/_mock/refill?rate=30", false, "POST").status == 200);
  CHECK(srv.stats().refill_rate == 30);
  auto stats = parse(c.send("/_mock/stats").body);
  CHECK(num(stats, "refill_rate") == 30);
}

TEST_CASE("a restart on the same port works (reuse_address)") {
  std::atomic<int64_t> clock{t0};
  uint16_t port = 0;
  {
    server first{small(clock)};
    port = first.start();
    http_conn c{port};
    CHECK(c.send("/token?key=mock-key").status == 200);
  }
  auto o = small(clock);
  o.port = port;
  server second{o};
  CHECK(second.start() == port);
  http_conn c{port};
  CHECK(c.send("/token?key=mock-key").status == 200);
  second.stop();
  second.stop(); // idempotent
}

TEST_CASE("fault: 500 with a body without the envelope") {
  std::atomic<int64_t> clock{t0};
  auto o = small(clock);
  o.faults.http500 = 1;
  server srv{o};
  http_conn c{srv.start()};
  auto r = c.send("/token?key=mock-key", true);
  CHECK(r.status == 500);
  CHECK(r.encoding == "gzip");
  CHECK(r.body.find("tokensLeft") == std::string::npos);
  CHECK(c.send("/_mock/stats").status == 200); // never faulted
  CHECK(srv.stats().faults_injected == 1);
  CHECK(srv.stats().requests_by_status[500] == 1);
}

TEST_CASE("fault: slow answers normally after slow_ms (asio timer)") {
  std::atomic<int64_t> clock{t0};
  auto o = small(clock);
  o.faults.slow = 1;
  o.slow_ms = 150;
  server srv{o};
  http_conn c{srv.start()};
  auto start = std::chrono::steady_clock::now();
  auto r = c.send("/token?key=mock-key");
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(r.status == 200);
  CHECK(num(parse(r.body), "tokensLeft") == 1200);
  CHECK(waited >= std::chrono::milliseconds{150});
}

TEST_CASE("fault: reset closes the connection without an answer") {
  std::atomic<int64_t> clock{t0};
  auto o = small(clock);
  o.faults.reset = 1;
  server srv{o};
  auto port = srv.start();
  http_conn c{port};
  CHECK(c.send("/token?key=mock-key").status == 0);
  http_conn admin{port};
  CHECK(admin.send("/_mock/stats").status == 200);
  CHECK(srv.stats().faults_injected == 1);
}

TEST_CASE("fault: badjson is a 200 whose body is not JSON") {
  std::atomic<int64_t> clock{t0};
  auto o = small(clock);
  o.faults.badjson = 1;
  server srv{o};
  http_conn c{srv.start()};
  auto r = c.send("/token?key=mock-key", true);
  CHECK(r.status == 200);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  CHECK(d.HasParseError());
}

TEST_CASE("fault: truncate is a 200 with half the body and a matching "
          "Content-Length") {
  std::atomic<int64_t> clock{t0};
  auto whole_opts = small(clock);
  server whole{whole_opts};
  auto o = small(clock);
  o.faults.truncate = 1;
  server cut{o};
  auto full = http_conn{whole.start()}.send("/token?key=mock-key");
  auto half = http_conn{cut.start()}.send("/token?key=mock-key");
  CHECK(half.status == 200);
  CHECK(half.body.size() == full.body.size() / 2);
  CHECK(half.content_length == half.body.size());
  CHECK(full.body.substr(0, half.body.size()) == half.body);
}

TEST_CASE("fault: http200error is a 200 with an error and the envelope") {
  std::atomic<int64_t> clock{t0};
  auto o = small(clock);
  o.faults.http200error = 1;
  server srv{o};
  http_conn c{srv.start()};
  auto r = c.send("/product?key=mock-key&domain=1&asin=B0XXXXXXXX", true);
  CHECK(r.status == 200);
  auto d = parse(r.body);
  CHECK(d.HasMember("error"));
  CHECK(num(d, "tokensLeft") == 1200);
  CHECK(num(d, "tokensConsumed") == 0);
  CHECK_FALSE(d.HasMember("products"));
}

TEST_CASE("faults are drawn per request from the seed") {
  std::atomic<int64_t> clock{t0};
  auto run = [&clock] {
    auto o = small(clock);
    o.faults.http500 = 0.3;
    o.faults.badjson = 0.2;
    server srv{o};
    http_conn c{srv.start()};
    std::string statuses;
    for (int i = 0; i < 40; ++i) {
      auto r = c.send("/token?key=mock-key");
      statuses += r.status == 500 ? 'E' : r.body[0] == '<' ? 'B' : '.';
    }
    return statuses;
  };
  auto a = run();
  CHECK(a == run());
  CHECK(a.find('E') != std::string::npos);
  CHECK(a.find('B') != std::string::npos);
  CHECK(a.find('.') != std::string::npos);
}

TEST_CASE("parse_faults") {
  std::string error;
  auto f = parse_faults("500:0.03,slow:0.02,reset:0.01,badjson:0.01,"
                        "truncate:0.01,http200error:0.01",
                        error);
  REQUIRE(f);
  CHECK(f->http500 == doctest::Approx(0.03));
  CHECK(f->slow == doctest::Approx(0.02));
  CHECK(f->http200error == doctest::Approx(0.01));
  CHECK(parse_faults("", error));
  CHECK_FALSE(parse_faults("500", error));
  CHECK_FALSE(parse_faults("nope:0.1", error));
  CHECK_FALSE(parse_faults("500:2", error));
  CHECK_FALSE(parse_faults("500:x", error));
}

TEST_CASE("throughput: /token over one kept-alive connection (printed, not "
          "asserted)") {
  options o;
  o.products = 100;
  server srv{o};
  http_conn c{srv.start()};
  constexpr int n = 5000;
  for (bool gzip : {false, true}) {
    auto start = std::chrono::steady_clock::now();
    int ok = 0;
    for (int i = 0; i < n; ++i)
      ok += c.send("/token?key=mock-key", gzip).status == 200;
    auto s
      = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
    CHECK(ok == n);
    std::printf("mock-keepa /token keep-alive%s: %.0f req/s\n",
                gzip ? " gzip" : "", n / s);
  }
}
