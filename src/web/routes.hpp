#pragma once

// What the board answers to each request (docs/contract.md#the-board),
// apart from the sockets: pages and assets, /api/deals, /deals.csv,
// /metrics, and the seller's actions. A route that needs the engine returns
// the console line to run and how its answer becomes the response.

#include "model/analytics.hpp"
#include "web/deal_reader.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace keepa::web {

/// The parts of a request the routes read.
struct web_request {
  std::string method;
  std::string target;
  std::string body;
  std::string host;
  std::string origin;
  std::string sec_fetch_site;
  /// The `X-Keepa-Board` header the board's own scripts send.
  std::string board_header;
};

/// A whole response; the server adds the security headers.
struct web_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// A route that needs the engine: the console line to run, and the
/// response its answer makes.
struct engine_call {
  std::string line;
  std::function<web_response(const std::string& answer)> finish;
};

using route_result = std::variant<web_response, engine_call>;

/// What the board shows deals with.
struct board_settings {
  /// Keepa's domain id, for the Amazon and Keepa links.
  int domain = 1;
  fee_settings fees;
  double target_roi_percent = 30;
};

/// The web server's counters, shared between its threads.
class web_counters {
public:
  /// Counts one answered request.
  void count(int status);

  /// Requests answered, by status.
  std::map<int, uint64_t> by_status() const;

  /// Connections refused at the cap; requests cut by a limit.
  std::atomic<uint64_t> refused_connections{0};
  std::atomic<uint64_t> open_connections{0};
  /// TLS handshakes that failed or did not finish within the read timeout.
  std::atomic<uint64_t> failed_handshakes{0};

private:
  mutable std::mutex mutex_;
  std::map<int, uint64_t> by_status_;
};

/// The board's facts for `dump web` and /api/status.
struct web_facts {
  /// The board's address; "" while not listening.
  std::string url;
  /// Why it is not listening; "" when it is.
  std::string problem;
  const web_counters* counters = nullptr;
};

/// Writes the `web` object of the dump.
std::string web_json(const web_facts& facts);

class routes {
public:
  routes(board_settings settings, std::function<int64_t()> now_ms,
         const web_counters* counters);

  /// Answers `req`, reading through `reader`.
  route_result handle(const web_request& req, deal_reader& reader) const;

private:
  query_context context() const;
  route_result get(const std::string& path_text,
                   const std::vector<std::string>& segments,
                   const query_params& params, deal_reader& reader) const;
  route_result post(const web_request& req,
                    const std::vector<std::string>& segments) const;
  web_response deals(const query_params& params, deal_reader& reader) const;
  web_response rejections(const query_params& params,
                          deal_reader& reader) const;
  web_response deal(const std::string& asin, deal_reader& reader) const;
  web_response csv(const query_params& params, deal_reader& reader) const;
  engine_call status() const;
  engine_call metrics() const;

  board_settings settings_;
  std::function<int64_t()> now_ms_;
  const web_counters* counters_;
};

/// True when `text` looks like an ASIN (10 letters and digits).
bool is_asin(const std::string& text);

/// A JSON error body: `{"error": message}`, plus `parameter` when given.
web_response error_response(int status, const std::string& message,
                            const std::string& parameter = "");

} // namespace keepa::web
