#pragma once

// An asynchronous HTTP/1.1 client on Boost.Beast. It runs on its own io
// thread; every completion handler runs there too, so callers hand results
// back to their own world (for actors: caf::anon_send) and never block.

#include "model/defaults.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace keepa {

/// One request: an absolute http:// or https:// URL.
struct http_request {
  std::string url;
  /// "GET" or "POST".
  std::string method = "GET";
  std::string body;
  std::string content_type;
  /// Further request headers (name, value).
  std::vector<std::pair<std::string, std::string>> headers;
  /// Deadline for the whole exchange: connect, TLS, write and read.
  std::chrono::milliseconds timeout
    = std::chrono::seconds{defaults::request_timeout_s};
};

/// What came back. `status` is 0 when no response arrived; then `error` says
/// why. `body` is already inflated when the server sent gzip.
struct http_response {
  int status = 0;
  std::string body;
  /// The response's headers, names in lower case.
  std::map<std::string, std::string> headers;
  std::string error;
  bool timed_out = false;
  /// The exchange ran on a kept-alive connection of an earlier request.
  bool reused_connection = false;
};

using http_handler = std::function<void(http_response)>;

/// Counters for tests and `dump`.
struct http_client_stats {
  uint64_t requests = 0;
  uint64_t connections_opened = 0;
  uint64_t reused = 0;
  uint64_t failures = 0;
};

class http_client {
public:
  struct options {
    /// Verify TLS peers against the system's CA store (keep on in production).
    bool verify_peer = true;
    /// Idle kept-alive connections kept per origin.
    size_t max_idle_per_origin = 4;
    /// Largest body accepted, compressed or inflated.
    size_t body_limit = size_t{64} << 20;
  };

  http_client();
  explicit http_client(options opts);
  ~http_client();

  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Starts `req`; `done` runs exactly once, on the client's io thread
  /// (unless the client is destroyed first: then it never runs).
  void async_send(http_request req, http_handler done);

  /// A snapshot of the counters; thread-safe.
  http_client_stats stats() const;

  class impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace keepa
