#pragma once

// The mock's Keepa semantics as a plain function of a request and the time:
// keys, costs, the ledger, /deal snapshots, error shapes. The HTTP layer
// (server.cpp) adds transport, gzip and faults around it.

#include "mock/catalog.hpp"
#include "mock/ledger.hpp"
#include "mock/options.hpp"
#include "mock/render.hpp"

#include <rapidjson/document.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace keepa::mock {

struct http_call {
  std::string method;
  /// Path and query, e.g. "/product?key=K&asin=X".
  std::string target;
  std::string body;
};

struct http_answer {
  int status = 200;
  std::string body;
};

class handler {
public:
  handler(const options& opts, int64_t start_ms);

  /// Answers one request at `now_ms`. Thread-safe.
  http_answer handle(const http_call& call, int64_t now_ms);

  /// An HTTP 200 carrying an `error` object, with the envelope (a fault).
  http_answer item_error(int64_t now_ms, const std::string& message);

  /// Counts a fault the HTTP layer injected instead of calling handle().
  void count_fault(const std::string& endpoint, int status);

  /// Counts a fault injected into an answer handle() already counted.
  void note_fault();

  /// Forgets a product, as Keepa does with one removed from Amazon: from
  /// now on /product answers it as unknown and /deal no longer lists it.
  void retire(const std::string& asin);

  stats_snapshot stats(int64_t now_ms);
  std::string stats_json(int64_t now_ms);
  void set_refill_rate(int64_t rate);

private:
  /// One /deal query's result, kept for 120 s.
  struct snapshot {
    int64_t taken_ms = 0;
    std::vector<int> order;
    /// Matches per root category (all filters but the category ones).
    std::map<int, uint64_t> roots;
  };

  http_answer route(const std::string& path,
                    const std::map<std::string, std::string>& params,
                    const http_call& call, int64_t now_ms);
  http_answer product(const std::map<std::string, std::string>& params,
                      int64_t now_ms);
  /// The tokens one found product costs (docs/keepa.md#what-each-call-costs).
  int64_t
  product_cost(const item& it, const std::map<std::string, std::string>& params,
               const product_view& view, int update, int64_t now_ms) const;
  http_answer deals(const std::string& selection, int64_t now_ms);
  /// Runs a /deal query over the catalog at `now_ms`.
  snapshot take_snapshot(const rapidjson::Document& sel, int price_type,
                         int date_range, int sort, int64_t now_ms);
  /// A deal's figures as of its lastUpdate: Keepa updates a deal's
  /// information when it updates the product, not on every request. Each
  /// is computed once per price drop and kept while the deal is listed.
  const deal_figures& figures_of(const item& it, int64_t last_update_ms);
  http_answer with_envelope(int status, int64_t now_ms, int64_t consumed,
                            const std::string& payload);
  /// An error object with the envelope (or zero tokens, as for a refused
  /// key); `details_json` is the raw JSON of `details`, or empty to leave
  /// it out.
  http_answer error_answer(int status, int64_t now_ms, const std::string& type,
                           const std::string& message, bool zero_tokens,
                           const std::string& details_json = "\"\"");
  /// The field of a /deal selection Keepa refuses, or empty.
  std::string refused_field(const rapidjson::Document& sel) const;
  void count(const std::string& endpoint, int status);
  std::string render_stats(int64_t now_ms);

  options opts_;
  std::mutex mutex_;
  catalog catalog_;
  ledger ledger_;
  std::map<std::string, snapshot> snapshots_;
  std::set<std::string> retired_;
  /// Per catalog index: the lastUpdate the figures are for, and them.
  std::unordered_map<int, std::pair<int64_t, deal_figures>> figures_;
  stats_snapshot stats_;
};

} // namespace keepa::mock
