#pragma once

// Every actor's state at one moment, as the engine collects it for
// `status`, `dump` and its own progress checks.

#include "actors/stats.hpp"

#include <string>

namespace keepa {

/// Every actor's state at one moment, collected in the pipeline's order.
struct pipeline_snapshot {
  scout_stats scout;
  router_stats router;
  peek_stats peek;
  commit_stats commit;
  light_stats light;
  bucket_stats bucket;
  watermark_stats watermark;
  db_stats db;
  refresher_stats refresher;
  janitor_stats janitor;
  alerts_stats alerts;

  /// True when a cycle ran and nothing is queued or in flight.
  bool drained() const;

  /// True when no Keepa call or lookup is in flight (calls still queued in
  /// the paused bucket are not).
  bool quiet() const;
};

/// Peeks and commits per minute since the previous `status`.
struct status_rates {
  double peeks_per_min = 0;
  double commits_per_min = 0;
};

/// What the engine adds to the actors' own state.
struct engine_facts {
  int64_t now_ms = 0;
  bool paused = false;
  status_rates rates;
  /// The deal board's `web` object of the dump (JSON), and why it is not
  /// listening ("" when it is, or when it is off).
  std::string web_json;
  std::string web_problem;
};

} // namespace keepa
