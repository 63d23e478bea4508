// The board's server over real sockets: every route, every limit, the
// security headers, cross-site actions and paths outside the assets.

#include "web/board_server.hpp"

#include <boost/beast/core.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <vector>

using namespace keepa;
using namespace keepa::web;
using keepa::test::board_db;
using keepa::test::board_row;
using keepa::test::board_server;
using keepa::test::connect;
using keepa::test::reply;

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

/// Sends one request and reads the answer.
reply ask(uint16_t port, http::verb method, const std::string& target,
          const std::string& body = "",
          std::vector<std::pair<std::string, std::string>> fields = {}) {
  net::io_context ioc;
  beast::tcp_stream stream{connect(ioc, port)};
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (auto& [name, value] : fields)
    req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  stream.expires_after(std::chrono::seconds{20});
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return {static_cast<int>(res.result_int()), res.body(), res.base()};
}

/// A GET.
reply get(uint16_t port, const std::string& target) {
  return ask(port, http::verb::get, target);
}

/// Writes raw bytes and reads whatever answer comes.
reply raw(uint16_t port, const std::string& bytes) {
  net::io_context ioc;
  beast::tcp_stream stream{connect(ioc, port)};
  stream.expires_after(std::chrono::seconds{20});
  return keepa::test::round_trip(stream, bytes);
}

/// The headers of a same-origin action from the board's own scripts.
std::vector<std::pair<std::string, std::string>> board_action(uint16_t port) {
  return {{"X-Keepa-Board", "1"},
          {"Origin", "http://127.0.0.1:" + std::to_string(port)},
          {"Sec-Fetch-Site", "same-origin"},
          {"Content-Type", "application/json"}};
}

} // namespace

TEST_SUITE_BEGIN("web_server");

TEST_CASE("the pages and assets are served with the security headers") {
  board_server s;
  for (auto* target : {"/", "/deal/B000000001", "/health", "/assets/board.js",
                       "/assets/app.css"}) {
    CAPTURE(target);
    auto r = get(s.port, target);
    CHECK(r.status == 200);
    CHECK(std::string{r.headers["Content-Security-Policy"]}.find(
            "script-src 'self'")
          != std::string::npos);
    CHECK(std::string{r.headers["Content-Security-Policy"]}.find(
            "frame-ancestors 'none'")
          != std::string::npos);
    CHECK(r.headers["X-Content-Type-Options"] == "nosniff");
  }
  CHECK(get(s.port, "/").headers[http::field::content_type]
        == "text/html; charset=utf-8");
  CHECK(get(s.port, "/assets/board.js").headers[http::field::content_type]
        == "text/javascript; charset=utf-8");
  CHECK(get(s.port, "/").body.find("<script src=\"/assets/board.js\"")
        != std::string::npos);
}

TEST_CASE("/api/deals answers the filter's page as JSON, 400 for a bad "
          "parameter") {
  board_server s;
  auto r = get(s.port, "/api/deals?sort=sales_rank&order=asc&limit=1");
  CHECK(r.status == 200);
  CHECK(r.headers[http::field::content_type] == "application/json");
  CHECK(r.body.rfind("{\"total\":2,\"deals\":[{\"asin\":\"B000000002\"", 0)
        == 0);
  auto bad = get(s.port, "/api/deals?min_profit=abc");
  CHECK(bad.status == 400);
  CHECK(
    bad.body
    == R"({"error":"min_profit: must be a number, got 'abc'","parameter":"min_profit"})");
  CHECK(get(s.port, "/api/deals?sort=nope").status == 400);
  CHECK(get(s.port, "/api/deals?limit=-1").status == 400);
  auto one = get(s.port, "/api/deals/B000000001");
  CHECK(one.status == 200);
  CHECK(one.body.find(R"("title":"<script>alert(1)</script>")")
        != std::string::npos);
  CHECK(one.body.find("\"costs\":{") != std::string::npos);
  CHECK(get(s.port, "/api/deals/B000000404").status == 404);
}

TEST_CASE("/api/rejections lists the turned-down listings with their links") {
  board_server s;
  {
    database w{s.db.path};
    w.reject({"B00000000R", 100, "unprofitable: <b>profit</b> -3.20"},
             "2026-12-01T10:00:00Z");
  }
  auto r = get(s.port, "/api/rejections?q=unprofitable");
  CHECK(r.status == 200);
  CHECK(
    r.body
    == R"({"total":1,"rejections":[{"asin":"B00000000R","reason":"unprofitable: <b>profit</b> -3.20","keepa_last_update":100,"rejected_utc":"2026-12-01T10:00:00Z","amazon_url":"https://www.amazon.com/dp/B00000000R?psc=1&aod=1","keepa_url":"https://keepa.com/#!product/1-B00000000R"}]})");
  auto bad = get(s.port, "/api/rejections?min_profit=5");
  CHECK(bad.status == 400);
  CHECK(bad.body.find(R"("parameter":"min_profit")") != std::string::npos);
}

TEST_CASE("a deal's stored chart is served in Unix ms and dollars") {
  auto charted = board_row("B000000003", "Charted", 10, 5, 900);
  charted.set(column::chart,
              std::string{R"({"used":[[8000000,1250]],"landed":[],)"
                          R"("rank":[[8000000,4200],[8000060,"x"]]})"});
  board_db db{charted};
  server_settings settings;
  settings.port = 0;
  settings.db_path = db.path;
  web_server server{settings, nullptr, [] { return int64_t{0}; }};
  REQUIRE_FALSE(server.start());
  auto url = server.url();
  auto port = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  auto r = get(port, "/api/deals/B000000003");
  CHECK(r.status == 200);
  // Keepa minute 8,000,000 is Unix minute 29,564,000.
  CHECK(r.body.find(R"("chart":{"used":[[1773840000000,12.5]],"landed":[],)"
                    R"("rank":[[1773840000000,4200]]})")
        != std::string::npos);
  CHECK(get(port, "/api/deals/B000000001").status == 404);
}

TEST_CASE("/deals.csv answers every matching row") {
  board_server s;
  auto r = get(s.port, "/deals.csv?min_profit=10");
  CHECK(r.status == 200);
  CHECK(r.headers[http::field::content_type] == "text/csv; charset=utf-8");
  CHECK(std::string{r.headers["Content-Disposition"]}.find("deals.csv")
        != std::string::npos);
  CHECK(r.body.rfind("asin,title,", 0) == 0);
  CHECK(r.body.find("B000000002,Biology,") != std::string::npos);
  CHECK(r.body.find("B000000001") == std::string::npos);
}

TEST_CASE("/api/status and /metrics come from the engine's dump") {
  board_server s;
  auto status = get(s.port, "/api/status");
  CHECK(status.status == 200);
  CHECK(status.body == s.dump);
  auto metrics = get(s.port, "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.body.find("keepa_ingest_token_balance 7\n")
        != std::string::npos);
  CHECK(metrics.body.find("keepa_ingest_web_requests_total{status=\"200\"}")
        != std::string::npos);
  CHECK(s.received() == std::vector<std::string>{"dump", "dump"});
}

TEST_CASE("a seller's action reaches the engine as a console line") {
  board_server s;
  auto marked = ask(s.port, http::verb::post, "/api/deals/B000000001/mark",
                    R"({"mark":"dismissed"})", board_action(s.port));
  CHECK(marked.status == 200);
  auto cleared = ask(s.port, http::verb::post, "/api/deals/B000000001/mark",
                     R"({"mark":null})", board_action(s.port));
  CHECK(cleared.status == 200);
  auto refresh = ask(s.port, http::verb::post, "/api/deals/B000000001/refresh",
                     "", board_action(s.port));
  CHECK(refresh.status == 200);
  auto verify = ask(s.port, http::verb::post, "/api/deals/B000000001/verify",
                    "", board_action(s.port));
  CHECK(verify.status == 200);
  CHECK(s.received()
        == std::vector<std::string>{"mark B000000001 dismissed",
                                    "mark B000000001 none",
                                    "refresh B000000001", "verify B000000001"});
  CHECK(ask(s.port, http::verb::post, "/api/deals/B000000001/mark",
            R"({"mark":"love"})", board_action(s.port))
          .status
        == 400);
}

TEST_CASE("the health page's alert buttons run alerts test and retry") {
  board_server s;
  auto test = ask(s.port, http::verb::post, "/api/alerts/test", "{}",
                  board_action(s.port));
  CHECK(test.status == 200);
  CHECK(test.body == R"({"ok":true,"answer":"ok: alerts test"})");
  CHECK(ask(s.port, http::verb::post, "/api/alerts/retry", "{}",
            board_action(s.port))
          .status
        == 200);
  CHECK(ask(s.port, http::verb::post, "/api/alerts/send", "{}",
            board_action(s.port))
          .status
        == 404);
  CHECK(ask(s.port, http::verb::post, "/api/alerts/test", "{}").status == 403);
  CHECK(s.received()
        == std::vector<std::string>{"alerts test", "alerts retry"});
}

TEST_CASE("a cross-site or scripted-elsewhere action is refused") {
  board_server s;
  auto target = "/api/deals/B000000001/mark";
  auto body = R"({"mark":"dismissed"})";
  CHECK(ask(s.port, http::verb::post, target, body).status == 403);
  auto cross = board_action(s.port);
  cross[2].second = "cross-site";
  CHECK(ask(s.port, http::verb::post, target, body, cross).status == 403);
  auto other = board_action(s.port);
  other[1].second = "http://evil.example";
  CHECK(ask(s.port, http::verb::post, target, body, other).status == 403);
  CHECK(s.received().empty());
  CHECK(ask(s.port, http::verb::get, target).status == 404);
  CHECK(ask(s.port, http::verb::delete_, "/api/deals").status == 405);
}

TEST_CASE("no path reaches a file outside the embedded assets") {
  board_server s;
  for (auto* target :
       {"/assets/../CMakeLists.txt", "/assets/%2e%2e/CMakeLists.txt",
        "/assets/..%2fCMakeLists.txt", "/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/../../etc/passwd", "//etc/passwd", "/assets//etc/passwd",
        "/assets/index.html", "/deal/../../etc/passwd", "/web/board.js"}) {
    CAPTURE(target);
    auto r = get(s.port, target);
    bool refused = r.status == 404 || r.status == 400;
    CHECK(refused);
    CHECK(r.body.find("root:") == std::string::npos);
    CHECK(r.body.find("cmake_minimum_required") == std::string::npos);
  }
  CHECK(raw(s.port, "GET /etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n").status
        == 404);
  CHECK(
    raw(s.port, "GET http://x/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n").status
    == 400);
}

TEST_CASE("each limit answers with its status") {
  server_settings limits;
  limits.read_timeout = std::chrono::milliseconds{300};
  board_server s{limits};
  CHECK(raw(s.port, "NOT HTTP AT ALL\r\n\r\n").status == 400);
  CHECK(get(s.port, "/api/deals?q=" + std::string(5000, 'x')).status == 414);
  CHECK(
    ask(s.port, http::verb::get, "/", "", {{"X-Big", std::string(20000, 'x')}})
      .status
    == 431);
  CHECK(ask(s.port, http::verb::post, "/api/deals/B000000001/mark",
            std::string(20000, 'x'), board_action(s.port))
          .status
        == 413);
  // Half a request, then silence: 408 once the read timeout passes.
  CHECK(raw(s.port, "GET / HTTP/1.1\r\nHost: x\r\n").status == 408);
  auto counts = s.server->counters().by_status();
  for (int status : {400, 408, 413, 414, 431})
    CHECK(counts[status] == 1);
}

TEST_CASE("past the connection cap a client gets 503, and the cap frees "
          "up") {
  server_settings capped;
  capped.max_connections = 2;
  board_server s{capped};
  net::io_context ioc;
  std::vector<tcp::socket> idle;
  idle.push_back(connect(ioc, s.port));
  idle.push_back(connect(ioc, s.port));
  CHECK(get(s.port, "/api/deals").status == 503);
  CHECK(s.server->counters().refused_connections.load() >= 1);
  for (auto& socket : idle)
    socket.close();
  idle.clear();
  // The server notices the closed sockets on its own thread.
  reply r;
  for (int attempt = 0; attempt < 200 && r.status != 200; ++attempt)
    r = get(s.port, "/api/deals");
  CHECK(r.status == 200);
}

TEST_CASE("300 silent connections do not lock the seller out") {
  board_server s;
  net::io_context ioc;
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 300; ++i)
    idle.push_back(connect(ioc, s.port));
  auto r = get(s.port, "/api/deals");
  CHECK(r.status == 200);
  CHECK(r.body.rfind("{\"total\":2", 0) == 0);
}

TEST_CASE("a password is asked for when one is set") {
  server_settings locked;
  locked.password = "s3cret";
  board_server s{locked};
  auto r = get(s.port, "/api/deals");
  CHECK(r.status == 401);
  CHECK(std::string{r.headers[http::field::www_authenticate]}.rfind("Basic", 0)
        == 0);
  // "seller:s3cret" and "seller:wrong" in base64.
  CHECK(ask(s.port, http::verb::get, "/api/deals", "",
            {{"Authorization", "Basic c2VsbGVyOnMzY3JldA=="}})
          .status
        == 200);
  CHECK(ask(s.port, http::verb::get, "/api/deals", "",
            {{"Authorization", "Basic c2VsbGVyOndyb25n"}})
          .status
        == 401);
}

TEST_CASE("basic credentials are checked whole") {
  CHECK(basic_auth_ok("Basic c2VsbGVyOnMzY3JldA==", "s3cret"));
  CHECK_FALSE(basic_auth_ok("Basic c2VsbGVyOnMzY3JldA==", "s3cre"));
  CHECK_FALSE(basic_auth_ok("Basic !!!", "s3cret"));
  CHECK_FALSE(basic_auth_ok("Bearer c2VsbGVyOnMzY3JldA==", "s3cret"));
  CHECK_FALSE(basic_auth_ok("", "s3cret"));
  CHECK(is_loopback("127.0.0.1"));
  CHECK(is_loopback("::1"));
  CHECK_FALSE(is_loopback("0.0.0.0"));
  CHECK_FALSE(is_loopback("192.168.1.5"));
}

TEST_CASE("a port already taken is a reason, not a crash") {
  board_server first;
  server_settings same;
  same.port = first.port;
  same.db_path = first.db.path;
  web_server second{same, nullptr, [] { return int64_t{0}; }};
  auto problem = second.start();
  REQUIRE(problem);
  CHECK(
    problem->find("cannot listen on 127.0.0.1:" + std::to_string(first.port))
    == 0);
  CHECK(get(first.port, "/api/deals").status == 200);
}

TEST_SUITE_END();
