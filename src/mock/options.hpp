#pragma once

// What mock-keepa can be told, and what it reports.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace keepa::mock {

/// Probabilities (0..1) of each injected fault, per request.
struct fault_rates {
  double http500 = 0;
  double slow = 0;
  double reset = 0;
  double badjson = 0;
  double truncate = 0;
  double http200error = 0;
};

/// Parses "500:0.03,slow:0.02,..."; nullopt with `error` when malformed.
std::optional<fault_rates> parse_faults(const std::string& spec,
                                        std::string& error);

struct options {
  std::string bind = "127.0.0.1";
  /// 0 picks a free port.
  uint16_t port = 0;
  int64_t refill_rate = 20;
  /// Default: a full bucket, 60 × refill_rate.
  std::optional<int64_t> initial_tokens;
  uint64_t seed = 1;
  int products = 20000;
  /// New deals per hour.
  int deal_rate = 300;
  std::string key = "mock-key";
  std::string expired_key = "expired-key";
  fault_rates faults;
  int slow_ms = 3000;
  /// When set, every /deal selection is refused naming this field, as
  /// Keepa refuses what the engine's checks cannot foresee.
  std::string refuse_field;
  /// Unix milliseconds now; the system clock when empty.
  std::function<int64_t()> clock_ms;
};

/// What the mock has served.
struct stats_snapshot {
  std::map<std::string, uint64_t> requests_by_endpoint;
  std::map<int, uint64_t> requests_by_status;
  int64_t tokens_consumed = 0;
  int64_t tokens_refilled = 0;
  int64_t balance = 0;
  int64_t lowest_balance = 0;
  uint64_t http_429 = 0;
  uint64_t faults_injected = 0;
  int64_t refill_rate = 0;
};

} // namespace keepa::mock
