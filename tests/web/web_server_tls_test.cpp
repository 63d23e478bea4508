// The board over HTTPS ([web] tls_cert and tls_key), with a certificate
// made at test time: the same answers, headers and password behind TLS,
// and clients that do not speak TLS.

#include "support/self_signed.hpp"
#include "support/temp_dir.hpp"
#include "web/board_server.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <thread>
#include <vector>

using namespace keepa::web;
using keepa::test::board_server;
using keepa::test::connect;
using keepa::test::reply;
using keepa::test::round_trip;
using keepa::test::temp_dir;

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

/// A self-signed certificate for 127.0.0.1 and its key, in a temp dir.
struct tls_files {
  temp_dir dir{"tls"};
  std::string cert = dir / "cert.pem";
  std::string key = dir / "key.pem";

  tls_files() {
    keepa::test::write_self_signed(cert, key);
  }
};

/// `settings` speaking HTTPS with `files`.
server_settings with_tls(const tls_files& files,
                         server_settings settings = {}) {
  settings.tls_cert = files.cert;
  settings.tls_key = files.key;
  return settings;
}

/// A TLS client connection to the server that trusts only `cert` and
/// checks that it was made for 127.0.0.1; throws when the server fails it.
struct tls_client {
  net::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  beast::ssl_stream<beast::tcp_stream> stream{ioc, ctx};

  tls_client(uint16_t port, const std::string& cert) {
    ctx.load_verify_file(cert);
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(stream).socket() = connect(ioc, port);
    stream.handshake(ssl::stream_base::client);
  }
};

/// A GET over HTTPS, with an `Authorization` header when one is given.
reply get_tls(uint16_t port, const std::string& cert, const std::string& target,
              const std::string& authorization = "") {
  tls_client client{port, cert};
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!authorization.empty())
    request += "Authorization: " + authorization + "\r\n";
  return round_trip(client.stream, request + "Connection: close\r\n\r\n");
}

/// Plain HTTP bytes to the port; whatever answer parses (status 0: none).
reply plain_http(uint16_t port) {
  net::io_context ioc;
  beast::tcp_stream stream{connect(ioc, port)};
  return round_trip(stream, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

/// The failed handshakes once they reach `n`, or after 2 s: the server
/// may close a connection before it counts it.
uint64_t failed_handshakes(const board_server& s, uint64_t n) {
  auto& counted = s.server->counters().failed_handshakes;
  for (int i = 0; i < 200 && counted.load() < n; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  return counted.load();
}

} // namespace

TEST_SUITE_BEGIN("web_server_tls");

TEST_CASE("over TLS the board answers with the security headers, verified "
          "against its certificate") {
  tls_files files;
  board_server s{with_tls(files)};
  CHECK(s.server->url() == "https://127.0.0.1:" + std::to_string(s.port) + "/");
  for (auto* target : {"/health", "/api/deals"}) {
    CAPTURE(target);
    auto r = get_tls(s.port, files.cert, target);
    CHECK(r.status == 200);
    CHECK(std::string{r.headers["Content-Security-Policy"]}.find(
            "frame-ancestors 'none'")
          != std::string::npos);
    CHECK(r.headers["X-Content-Type-Options"] == "nosniff");
    CHECK(r.headers["X-Frame-Options"] == "DENY");
    CHECK(r.headers["Referrer-Policy"] == "no-referrer");
  }
  CHECK(get_tls(s.port, files.cert, "/api/deals").body.rfind("{\"total\":2", 0)
        == 0);
  // A client that trusts another certificate refuses this server.
  tls_files other;
  CHECK_THROWS_AS(tls_client(s.port, other.cert), boost::system::system_error);
}

TEST_CASE("over TLS a password is still asked for") {
  tls_files files;
  auto locked = with_tls(files);
  locked.password = "s3cret";
  board_server s{locked};
  CHECK(get_tls(s.port, files.cert, "/api/deals").status == 401);
  // "seller:s3cret" and "seller:wrong" in base64.
  CHECK(get_tls(s.port, files.cert, "/api/deals", "Basic c2VsbGVyOnMzY3JldA==")
          .status
        == 200);
  CHECK(
    get_tls(s.port, files.cert, "/api/deals", "Basic c2VsbGVyOndyb25n").status
    == 401);
}

TEST_CASE("plain HTTP to the TLS port gets no HTTP answer, and the next "
          "HTTPS client is served") {
  tls_files files;
  board_server s{with_tls(files)};
  auto r = plain_http(s.port);
  CHECK(r.status == 0);
  CHECK(r.body.find("keepa") == std::string::npos);
  CHECK(failed_handshakes(s, 1) == 1);
  CHECK(get_tls(s.port, files.cert, "/health").status == 200);
}

TEST_CASE("a connection that never says hello is closed at the read timeout "
          "and counted, and others are served meanwhile") {
  tls_files files;
  server_settings quick;
  quick.read_timeout = std::chrono::milliseconds{300};
  board_server s{with_tls(files, quick)};
  net::io_context ioc;
  std::vector<tcp::socket> silent;
  for (int i = 0; i < 50; ++i)
    silent.push_back(connect(ioc, s.port));
  CHECK(get_tls(s.port, files.cert, "/api/deals").status == 200);
  // The server closes each: a read on it ends without a byte.
  char byte;
  beast::error_code ec;
  auto n = silent.front().read_some(net::buffer(&byte, 1), ec);
  CHECK(n == 0);
  CHECK(ec == net::error::eof);
  for (auto& socket : silent)
    socket.read_some(net::buffer(&byte, 1), ec);
  CHECK(failed_handshakes(s, 50) == 50);
  auto dump = web_json({s.server->url(), "", &s.server->counters()});
  CHECK(dump.find("\"failed_handshakes_total\":50") != std::string::npos);
}

TEST_CASE("over TLS the limits answer as over HTTP") {
  tls_files files;
  server_settings limits;
  limits.read_timeout = std::chrono::milliseconds{300};
  limits.max_connections = 2;
  board_server s{with_tls(files, limits)};
  // Half a request, then silence: 408 once the read timeout passes.
  tls_client slow{s.port, files.cert};
  CHECK(round_trip(slow.stream, "GET / HTTP/1.1\r\nHost: x\r\n").status == 408);
  CHECK(
    get_tls(s.port, files.cert, "/api/deals?q=" + std::string(5000, 'x')).status
    == 414);
  // Past the connection cap: a TLS client still gets its 503.
  net::io_context ioc;
  auto first = connect(ioc, s.port);
  auto second = connect(ioc, s.port);
  CHECK(get_tls(s.port, files.cert, "/api/deals").status == 503);
}

TEST_CASE("a TLS file the server cannot use is a reason, not a crash") {
  tls_files files;
  temp_dir dir{"tls-bad"};
  keepa::test::write_self_signed(dir / "cert.pem", dir / "key.pem");
  server_settings mismatched;
  mismatched.tls_cert = files.cert;
  mismatched.tls_key = dir / "key.pem";
  web_server server{mismatched, nullptr, [] { return int64_t{0}; }};
  auto problem = server.start();
  REQUIRE(problem);
  CHECK(problem->rfind("web.tls_key: ", 0) == 0);
  CHECK(server.url().empty());
}

TEST_SUITE_END();
