#include "io/http_client.hpp"
#include "mock/server.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <future>

using namespace keepa;

namespace {

/// Sends one request and waits for its completion (the test is no actor).
http_response send(http_client& client, http_request req) {
  std::promise<http_response> done;
  auto result = done.get_future();
  client.async_send(std::move(req), [&done](http_response res) {
    done.set_value(std::move(res));
  });
  REQUIRE(result.wait_for(std::chrono::seconds{30})
          == std::future_status::ready);
  return result.get();
}

struct mock_fixture {
  mock::options opts;
  std::optional<mock::server> server;
  std::string base;

  void start() {
    opts.products = 500;
    server.emplace(opts);
    base = "http://127.0.0.1:" + std::to_string(server->start());
  }

  http_request get(const std::string& path_and_query) {
    http_request req;
    req.url = base + path_and_query;
    req.timeout = std::chrono::milliseconds{5000};
    return req;
  }
};

/// A port that was free a moment ago: nothing listens there.
uint16_t closed_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor{
    ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  return acceptor.local_endpoint().port();
}

} // namespace

TEST_CASE_FIXTURE(mock_fixture, "GET with gzip: the body arrives inflated") {
  start();
  http_client client;
  auto res = send(client, get("/token?key=mock-key"));
  CHECK(res.status == 200);
  CHECK(res.error.empty());
  CHECK(res.body.find("\"tokensLeft\"") != std::string::npos);
}

TEST_CASE_FIXTURE(mock_fixture, "keep-alive: the second request reuses") {
  start();
  http_client client;
  auto first = send(client, get("/token?key=mock-key"));
  auto second = send(client, get("/token?key=mock-key"));
  CHECK(first.status == 200);
  CHECK(second.status == 200);
  CHECK_FALSE(first.reused_connection);
  CHECK(second.reused_connection);
  CHECK(client.stats().connections_opened == 1);
  CHECK(client.stats().reused == 1);
}

TEST_CASE_FIXTURE(mock_fixture, "a kept-alive connection the server closed "
                                "is replaced transparently") {
  opts.port = closed_port();
  start();
  http_client client;
  CHECK(send(client, get("/token?key=mock-key")).status == 200);
  // The server restarts on the same port: the idle connection is dead.
  server.reset();
  start();
  auto res = send(client, get("/token?key=mock-key"));
  CHECK(res.status == 200);
  CHECK(res.error.empty());
  CHECK(client.stats().connections_opened == 2);
}

TEST_CASE_FIXTURE(mock_fixture, "POST sends the body") {
  start();
  http_client client;
  auto req = get("/deal?key=mock-key&domain=1");
  req.method = "POST";
  req.content_type = "application/json";
  req.body = R"({"page":0,"domainId":1,"priceTypes":[2],"sortType":1})";
  auto res = send(client, req);
  CHECK(res.status == 200);
  CHECK(res.body.find("\"deals\"") != std::string::npos);
}

TEST_CASE_FIXTURE(mock_fixture, "the answer's headers arrive with names in "
                                "lower case") {
  start();
  http_client client;
  auto req = get("/token?key=mock-key");
  req.headers.emplace_back("Idempotency-Key", "B000000001-100-new_deal");
  auto res = send(client, req);
  CHECK(res.status == 200);
  CHECK(res.headers["server"] == "mock-keepa");
  CHECK(res.headers["content-type"] == "application/json;charset=UTF-8");
  CHECK(res.headers.count("Server") == 0);
}

TEST_CASE_FIXTURE(mock_fixture, "a slow answer times out at the deadline") {
  opts.faults.slow = 1.0;
  opts.slow_ms = 3000;
  start();
  http_client client;
  auto req = get("/token?key=mock-key");
  req.timeout = std::chrono::milliseconds{200};
  auto res = send(client, req);
  CHECK(res.status == 0);
  CHECK(res.timed_out);
  CHECK(res.error.find("timeout") != std::string::npos);
}

TEST_CASE("a refused connection is an error, not a crash") {
  http_client client;
  http_request req;
  req.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/token";
  auto res = send(client, req);
  CHECK(res.status == 0);
  CHECK_FALSE(res.timed_out);
  CHECK(res.error.find("connect") != std::string::npos);
}

TEST_CASE("a malformed or unsupported URL is an error") {
  http_client client;
  for (const char* url : {"not a url", "ftp://example.com/x", "http://"}) {
    CAPTURE(url);
    http_request req;
    req.url = url;
    auto res = send(client, req);
    CHECK(res.status == 0);
    CHECK_FALSE(res.error.empty());
  }
}

TEST_CASE("https verifies the peer: a plain server fails the handshake") {
  // A plain-HTTP server answering a TLS client: the handshake must fail
  // cleanly rather than hang or crash.
  mock::options opts;
  opts.products = 10;
  mock::server server{opts};
  auto port = server.start();
  http_client client;
  http_request req;
  req.url = "https://127.0.0.1:" + std::to_string(port) + "/token";
  req.timeout = std::chrono::milliseconds{5000};
  auto res = send(client, req);
  CHECK(res.status == 0);
  CHECK(res.error.find("TLS handshake") != std::string::npos);
}
