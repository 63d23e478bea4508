#pragma once

// The web server's inside, shared by its listener (web_server.cpp) and its
// connections (session.cpp).

#include "web/web_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <mutex>
#include <thread>
#include <vector>

namespace keepa::web {

/// Read-only connections, one per request in progress, reused.
class reader_pool {
public:
  explicit reader_pool(std::string path) : path_(std::move(path)) {
  }

  /// A connection for one request; back in the pool when released.
  std::unique_ptr<deal_reader> take() {
    std::lock_guard<std::mutex> guard{mutex_};
    if (free_.empty())
      return std::make_unique<deal_reader>(path_);
    auto r = std::move(free_.back());
    free_.pop_back();
    return r;
  }

  /// Returns a connection to the pool.
  void give_back(std::unique_ptr<deal_reader> r) {
    std::lock_guard<std::mutex> guard{mutex_};
    free_.push_back(std::move(r));
  }

private:
  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<deal_reader>> free_;
};

class web_server::impl {
public:
  impl(server_settings settings, run_command command,
       std::function<int64_t()> now_ms)
    : settings_(std::move(settings)),
      command_(std::move(command)),
      routes_(settings_.board, std::move(now_ms), &counters_),
      readers_(settings_.db_path),
      ioc_(static_cast<int>(settings_.threads)) {
  }

  std::optional<std::string> start();
  void stop();
  void accept();

  /// Answers a request through the routes (and the engine, when a route
  /// needs it); `send` gets the response on the session's strand.
  void answer(const web_request& req, std::function<void(web_response)> send);

  server_settings settings_;
  run_command command_;
  web_counters counters_;
  routes routes_;
  reader_pool readers_;
  boost::asio::io_context ioc_;
  /// The TLS context while the server speaks HTTPS; null for plain HTTP.
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  std::string url_;
};

} // namespace keepa::web
