// mock-keepa's Keepa semantics (KEEPA_API.md §1-§8), one rule per test,
// driven through the handler with a fake clock.

#include "io/gzip.hpp"
#include "io/keepa_json.hpp"
#include "mock/handler.hpp"
#include "mock/server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <doctest/doctest.h>

using namespace keepa;
using namespace keepa::mock;

namespace {

constexpr int64_t t0 = 1793491200000; // 2026-11-01T00:00:00Z

struct mock_fixture {
  options opts;
  std::unique_ptr<handler> h;
  int64_t now = t0;

  void start(std::optional<int64_t> initial = std::nullopt) {
    opts.products = 2000;
    opts.deal_rate = 2000;
    opts.initial_tokens = initial;
    h = std::make_unique<handler>(opts, t0);
  }

  http_answer get(const std::string& target) {
    return h->handle({"GET", target, ""}, now);
  }

  keepa_body body(const http_answer& a) {
    std::string error;
    auto b = parse_keepa_body(a.body, error);
    INFO(error);
    REQUIRE(b);
    return *b;
  }

  /// The first `n` ASINs of the catalog, comma-separated.
  std::string asins(int n) {
    catalog c{opts.seed, opts.products, opts.deal_rate};
    std::string out;
    for (int i = 0; i < n; ++i)
      out += (i == 0 ? "" : ",") + c.at(i).asin;
    return out;
  }

  int64_t consumed(const std::string& target) {
    auto b = body(get(target));
    REQUIRE(b.envelope);
    return b.envelope->tokens_consumed;
  }
};

std::string selection(int page, int sort = 1) {
  return "/deal?key=mock-key&selection=%7B%22domainId%22%3A1%2C%22priceTypes"
         "%22%3A%5B2%5D%2C%22sortType%22%3A"
         + std::to_string(sort) + "%2C%22page%22%3A" + std::to_string(page)
         + "%7D";
}

} // namespace

TEST_CASE_FIXTURE(mock_fixture, "/token is free and carries the envelope") {
  start();
  auto b = body(get("/token?key=mock-key"));
  CHECK(b.envelope->tokens_left == 1200);
  CHECK(b.envelope->tokens_consumed == 0);
  CHECK(b.envelope->refill_rate == 20);
  CHECK(b.envelope->refill_in_ms == 60000);
  CHECK(body(get("/token/?key=mock-key")).envelope->tokens_left == 1200);
}

TEST_CASE_FIXTURE(mock_fixture, "the cost of each /product parameter set") {
  start();
  auto three = asins(3);
  CHECK(consumed("/product?key=mock-key&domain=1&asin=" + three) == 3);
  CHECK(consumed("/product?key=mock-key&domain=1&stats=365&asin=" + three)
        == 3);
  CHECK(consumed("/product?key=mock-key&domain=1&history=0&asin=" + three)
        == 3);
  catalog c{opts.seed, opts.products, opts.deal_rate};
  int64_t expected = 0;
  for (int i = 0; i < 3; ++i)
    expected += 6 * std::max(1, (std::min(c.at(i).offers, 20) + 9) / 10);
  CHECK(consumed("/product?key=mock-key&domain=1&offers=20&asin=" + three)
        == expected);
  CHECK(consumed("/product?key=mock-key&domain=1&asin=NOSUCHASIN") == 1);
  auto unknown = body(get("/product?key=mock-key&domain=1&asin=NOSUCHASIN"));
  CHECK(unknown.products.at(0).product_type == 4);
}

TEST_CASE_FIXTURE(mock_fixture, "history=0 drops csv; stats adds stats") {
  start();
  auto with = body(get("/product?key=mock-key&domain=1&stats=365&asin="
                       + asins(1)));
  REQUIRE(with.products.at(0).stats);
  CHECK_FALSE(with.products[0].csv[2].empty());
  auto without = body(get("/product?key=mock-key&domain=1&history=0&asin="
                          + asins(1)));
  CHECK_FALSE(without.products.at(0).stats);
  CHECK(without.products[0].csv[2].empty());
}

TEST_CASE_FIXTURE(mock_fixture, "429 at a zero balance, with the envelope "
                                "and tokensConsumed 0") {
  start(0);
  auto a = get("/product?key=mock-key&domain=1&asin=" + asins(1));
  CHECK(a.status == 429);
  auto b = body(a);
  CHECK(b.envelope->tokens_left == 0);
  CHECK(b.envelope->tokens_consumed == 0);
  CHECK(h->stats(now).http_429 == 1);
}

TEST_CASE_FIXTURE(mock_fixture, "a positive balance admits a call that "
                                "drives it negative") {
  start(5);
  auto a = get("/product?key=mock-key&domain=1&asin=" + asins(10));
  CHECK(a.status == 200);
  CHECK(body(a).envelope->tokens_left == -5);
  CHECK(get("/product?key=mock-key&domain=1&asin=" + asins(1)).status == 429);
  CHECK(h->stats(now).lowest_balance == -5);
}

TEST_CASE_FIXTURE(mock_fixture, "refill ticks every 60 s from start, up to "
                                "the cap") {
  start(0);
  now = t0 + 59999;
  CHECK(body(get("/token?key=mock-key")).envelope->tokens_left == 0);
  now = t0 + 60000;
  auto b = body(get("/token?key=mock-key"));
  CHECK(b.envelope->tokens_left == 20);
  CHECK(b.envelope->refill_in_ms == 60000);
  now = t0 + 120 * 60000;
  CHECK(body(get("/token?key=mock-key")).envelope->tokens_left == 1200);
  CHECK(h->stats(now).tokens_refilled == 1200);
}

TEST_CASE_FIXTURE(mock_fixture, "/deal: 5 tokens a page of 150, newest "
                                "first, only the last 12 h") {
  start();
  auto p0 = body(get(selection(0)));
  CHECK(p0.envelope->tokens_consumed == 5);
  REQUIRE(p0.deals);
  REQUIRE(p0.deals->deals.size() == 150);
  auto& d = p0.deals->deals;
  for (size_t i = 1; i < d.size(); ++i)
    CHECK(d[i - 1].last_update >= d[i].last_update);
  auto newest_allowed = to_keepa_minutes(now);
  auto oldest_allowed = to_keepa_minutes(now - 12 * 3600000);
  for (auto& x : d) {
    CHECK(x.last_update <= newest_allowed);
    CHECK(x.last_update >= oldest_allowed);
  }
  auto p1 = body(get(selection(1)));
  CHECK(p1.deals->deals.front().last_update <= d.back().last_update);
  CHECK(body(get(selection(60))).deals->deals.empty());
}

TEST_CASE_FIXTURE(mock_fixture, "/deal: a query is a snapshot for 120 s; "
                                "after that new deals appear") {
  start();
  auto first = body(get(selection(0))).deals->deals.front();
  now += 119000;
  CHECK(body(get(selection(0))).deals->deals.front().asin == first.asin);
  now += 3600000;
  auto later = body(get(selection(0))).deals->deals.front();
  CHECK(later.last_update > first.last_update);
}

TEST_CASE_FIXTURE(mock_fixture, "/deal by POST equals GET selection=") {
  start();
  auto by_get = body(get(selection(0))).deals->deals;
  auto by_post = body(h->handle({"POST", "/deal?key=mock-key",
                                 R"({"domainId":1,"priceTypes":[2],)"
                                 R"("sortType":1,"page":0})"},
                                now))
                   .deals->deals;
  REQUIRE(by_get.size() == by_post.size());
  CHECK(by_get.front().asin == by_post.front().asin);
}

TEST_CASE_FIXTURE(mock_fixture, "sortType 4 orders by percent drop") {
  start();
  catalog c{opts.seed, opts.products, opts.deal_rate};
  auto d = body(get(selection(0, 4))).deals->deals;
  for (size_t i = 1; i < d.size(); ++i)
    CHECK(c.find(d[i - 1].asin)->drop_percent
          >= c.find(d[i].asin)->drop_percent);
}

TEST_CASE_FIXTURE(mock_fixture, "error shapes: 400, 402, 404, 200 with "
                                "error") {
  start();
  auto bad_key = get("/token?key=wrong");
  CHECK(bad_key.status == 400);
  CHECK(body(bad_key).error->type == "invalidParameter");
  CHECK(body(bad_key).envelope->tokens_left == 0);
  CHECK(get("/product?domain=1&asin=X").status == 400);
  auto expired = get("/token?key=expired-key");
  CHECK(expired.status == 402);
  CHECK(get("/nothing?key=mock-key").status == 404);
  for (auto target : {"/product?key=mock-key&domain=1",
                      "/product?key=mock-key&domain=3&asin=X",
                      "/product?key=mock-key&domain=1&offers=5&asin=X"}) {
    CAPTURE(target);
    auto a = get(target);
    CHECK(a.status == 200);
    auto b = body(a);
    REQUIRE(b.error);
    CHECK(b.envelope->tokens_consumed == 0);
    CHECK_FALSE(b.has_products);
  }
  auto bad_selection = body(h->handle({"POST", "/deal?key=mock-key", "[1]"},
                                      now));
  CHECK(bad_selection.error);
}

TEST_CASE_FIXTURE(mock_fixture, "the catalog is deterministic per seed") {
  start();
  auto target = "/product?key=mock-key&domain=1&stats=365&asin=" + asins(5);
  auto a = get(target).body;
  auto again = std::make_unique<handler>(opts, t0);
  CHECK(again->handle({"GET", target, ""}, now).body == a);
  opts.seed = 2;
  auto other = std::make_unique<handler>(opts, t0);
  CHECK(other->handle({"GET", "/deal?key=mock-key&selection=%7B%22domainId"
                              "%22%3A1%2C%22priceTypes%22%3A2%7D",
                       ""},
                      now)
          .body
        != get("/deal?key=mock-key&selection=%7B%22domainId%22%3A1%2C%22"
               "priceTypes%22%3A2%7D")
             .body);
}

TEST_CASE_FIXTURE(mock_fixture, "/_mock/stats counts by endpoint and status") {
  start();
  get("/token?key=mock-key");
  get("/product?key=mock-key&domain=1&asin=" + asins(2));
  get("/nothing");
  auto s = h->stats(now);
  CHECK(s.requests_by_endpoint["token"] == 1);
  CHECK(s.requests_by_endpoint["product"] == 1);
  CHECK(s.requests_by_status[404] == 1);
  CHECK(s.tokens_consumed == 2);
  CHECK(get("/_mock/stats").body.find("\"tokens_consumed\":2")
        != std::string::npos);
  CHECK(h->handle({"POST", "/_mock/refill?rate=50", ""}, now).status == 200);
  CHECK(h->stats(now).refill_rate == 50);
}

TEST_CASE("every status is gzip-encoded when the client asks") {
  namespace beast = boost::beast;
  namespace http = beast::http;
  options opts;
  opts.products = 10;
  server srv{opts};
  auto port = srv.start();
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket{ioc};
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  for (auto target : {"/token?key=mock-key", "/nothing", "/token?key=bad"}) {
    CAPTURE(target);
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::accept_encoding, "gzip");
    http::write(socket, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(socket, buf, res);
    CHECK(res[http::field::content_encoding] == "gzip");
    auto plain = gzip_decompress(res.body());
    CHECK(plain.has_value());
  }
}
