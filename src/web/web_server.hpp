#pragma once

// The board's HTTP server (Boost.Beast) on Asio threads of its own: no
// actor ever waits for it. It reads deals through read-only SQLite
// connections and reaches the engine only through `run_command`, the
// console's own path, whose answer comes back as a callback.

#include "web/routes.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace keepa::web {

/// Where and how the server listens, and its limits.
struct server_settings {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  /// HTTP basic password (any user name); empty: none asked.
  std::string password;
  /// PEM certificate chain and private key files: HTTPS only when set.
  std::string tls_cert;
  std::string tls_key;
  std::string db_path;
  board_settings board;
  /// Connections open at once; one more is answered 503 and closed.
  size_t max_connections = 1024;
  /// How long a request may take to arrive, and a kept-alive connection
  /// may idle.
  std::chrono::milliseconds read_timeout{15000};
  size_t header_limit = 16 * 1024;
  size_t target_limit = 4096;
  size_t body_limit = 16 * 1024;
  size_t threads = 2;
};

/// Runs a console line on the engine; `reply` is called once with its
/// answer, from any thread.
using run_command = std::function<void(
  const std::string& line, std::function<void(const std::string&)> reply)>;

class web_server {
public:
  web_server(server_settings settings, run_command command,
             std::function<int64_t()> now_ms);
  ~web_server();
  web_server(const web_server&) = delete;
  web_server& operator=(const web_server&) = delete;

  /// Starts listening; the reason when it cannot (a port taken, say).
  std::optional<std::string> start();

  /// Stops listening and closes every connection.
  void stop();

  /// The board's address, `http://HOST:PORT/` (`https://` with TLS), once
  /// listening.
  std::string url() const;

  /// The counters behind `dump web` and /metrics.
  const web_counters& counters() const;

  class impl;

private:
  std::unique_ptr<impl> impl_;
};

/// True when an `Authorization` header carries HTTP basic credentials with
/// this password (any user name).
bool basic_auth_ok(std::string_view header, const std::string& password);

/// True when `address` is a loopback address (127.0.0.0/8, ::1).
bool is_loopback(const std::string& address);

} // namespace keepa::web
