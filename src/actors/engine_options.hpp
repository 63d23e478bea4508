#pragma once

// What the engine is started with: the configuration's values, the Keepa
// client and the clocks. pipeline_settings.hpp derives every actor's
// settings from it.

#include "actors/actors.hpp"
#include "model/analytics.hpp"
#include "model/peek_filter.hpp"

#include <caf/timespan.hpp>

#include <chrono>
#include <string>

namespace keepa {

/// Everything ENGINE needs to run the pipeline.
struct engine_options {
  keepa_client_actor client;
  std::string selection;
  /// The file the selection came from, for messages.
  std::string query_file = "deal_query.json";
  std::string db_path;
  size_t peek_batch = 50;
  size_t commit_batch = 5;
  size_t light_batch = 50;
  int64_t retention_hours = 72;
  int64_t refresh_after_hours = 24;
  int64_t deficit_floor = -180;
  /// How long one HTTP exchange with Keepa may take (`request_timeout_s`).
  caf::timespan request_timeout = std::chrono::seconds{60};
  /// A refresh lowering an active deal's price by more than this percent
  /// records a price-drop event.
  double event_drop_percent = 10;
  /// Fees and costs of the business math (`[fees]`).
  fee_settings fees;
  /// The peek filter's thresholds.
  peek_rules rules;
  /// How tokens are spent on new listings (all on outside the bench).
  spend_levers levers;
  /// One discovery cycle, drain, one janitor pass, stop (`--once`).
  bool once = false;
  /// The db_writer gets its own thread (off only under the test scheduler).
  bool detached_db = true;
  wall_clock now_ms;
  /// Without a successful Keepa response for this long, ingestion counts
  /// as stalled and a janitor pass deletes nothing.
  caf::timespan stall_window = std::chrono::minutes{30};
  /// How often progress is checked in --once and while stopping.
  caf::timespan check_interval = std::chrono::milliseconds{250};
  /// How long a stop waits for calls in flight.
  caf::timespan stop_grace = std::chrono::seconds{30};
  /// How often the janitor runs on its own.
  caf::timespan janitor_interval = std::chrono::hours{1};
};

} // namespace keepa
