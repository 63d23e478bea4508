#pragma once

// The web server tests' fixture: a server on a free loopback port over a
// small database, a stand-in engine, and what a client saw.

#include "web/board_rows.hpp"
#include "web/web_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <doctest/doctest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace keepa::test {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using web::server_settings;
using web::web_server;

/// An answer as the client saw it.
struct reply {
  int status = 0;
  std::string body;
  http::fields headers;
};

/// A server on a free loopback port over a small database, with a stand-in
/// engine that records the console lines it gets.
struct board_server {
  board_db db{board_row("B000000001", "<script>alert(1)</script>", 10, 5, 900),
              board_row("B000000002", "Biology", 40, 50, 100)};
  std::mutex mutex;
  std::vector<std::string> lines;
  std::string dump = R"({"tokens":{"balance":7},"web":{"listening":true}})";
  std::unique_ptr<web_server> server;
  uint16_t port = 0;

  explicit board_server(server_settings settings = {}) {
    settings.port = 0;
    settings.db_path = db.path;
    server = std::make_unique<web_server>(
      settings,
      [this](const std::string& line,
             std::function<void(const std::string&)> reply) {
        std::string answer;
        {
          std::lock_guard<std::mutex> guard{mutex};
          lines.push_back(line);
          answer = line == "dump" ? dump : "ok: " + line;
        }
        reply(answer);
      },
      [] { return int64_t{1'764'590'400'000}; });
    auto problem = server->start();
    REQUIRE_FALSE(problem);
    auto url = server->url();
    port = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  }

  /// The console lines the engine got.
  std::vector<std::string> received() {
    std::lock_guard<std::mutex> guard{mutex};
    return lines;
  }
};

/// A connected socket to the server.
inline tcp::socket connect(net::io_context& ioc, uint16_t port) {
  tcp::socket socket{ioc};
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  return socket;
}

/// Writes `bytes` to `stream` (plain or TLS) and reads whatever answer
/// comes (status 0 and the error: none).
template <class Stream>
reply round_trip(Stream& stream, const std::string& bytes) {
  net::write(stream, net::buffer(bytes));
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  boost::beast::error_code ec;
  http::read(stream, buffer, res, ec);
  if (ec)
    return {0, ec.message(), {}};
  return {static_cast<int>(res.result_int()), res.body(), res.base()};
}

} // namespace keepa::test
