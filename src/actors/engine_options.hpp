#pragma once

// What the engine is started with: the configuration's values, the Keepa
// client and the clocks. pipeline_settings.hpp derives every actor's
// settings from it.

#include "actors/actors.hpp"
#include "actors/alerts.hpp"
#include "actors/db_writer.hpp"
#include "model/analytics.hpp"
#include "model/defaults.hpp"
#include "model/peek_filter.hpp"

#include <caf/timespan.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace keepa {

/// Everything ENGINE needs to run the pipeline.
struct engine_options {
  keepa_client_actor client;
  std::string selection;
  /// The file the selection came from, for messages.
  std::string query_file = defaults::deal_query_path;
  std::string db_path;
  size_t peek_batch = defaults::peek_batch;
  size_t commit_batch = defaults::commit_batch;
  size_t light_batch = defaults::light_batch;
  int64_t retention_hours = defaults::retention_hours;
  int64_t refresh_after_hours = defaults::refresh_after_hours;
  int64_t deficit_floor = defaults::deficit_floor;
  /// How long one HTTP exchange with Keepa may take (`request_timeout_s`).
  caf::timespan request_timeout
    = std::chrono::seconds{defaults::request_timeout_s};
  /// A refresh lowering an active deal's price by more than this percent
  /// records a price-drop event.
  double event_drop_percent = defaults::event_drop_percent;
  /// Fees and costs of the business math (`[fees]`).
  fee_settings fees;
  /// The alert targets (`[alerts]`), where the alerts' links point, and
  /// the actor that posts them (unset: ALERTS sends nothing).
  alert_settings alerts;
  alert_links links;
  webhook_actor webhook;
  /// The peek filter's thresholds.
  peek_rules rules;
  /// How tokens are spent on new listings (spend_levers).
  spend_levers levers;
  /// With `levers.listing_rows`: a row whose profit is at most this
  /// percent of its price per hour since Keepa saw it gets its offers
  /// bought first (peek_settings).
  double verify_move_per_hour = defaults::verify_move_per_hour;
  /// One discovery cycle, drain, one janitor pass, stop (`--once`).
  bool once = false;
  /// The db_writer gets its own thread (off only under the test scheduler).
  bool detached_db = true;
  wall_clock now_ms;
  /// The deal board's `web` object of the dump and why it is not
  /// listening; unset without a board.
  std::function<std::pair<std::string, std::string>()> board;
  /// The board's address for the alerts' links; "" while it does not
  /// listen, unset without a board.
  std::function<std::string()> board_url;
  /// Without a successful Keepa response for this long, ingestion counts
  /// as stalled and a janitor pass deletes nothing.
  caf::timespan stall_window = std::chrono::minutes{defaults::stall_minutes};
  /// How often progress is checked in --once and while stopping.
  caf::timespan check_interval = std::chrono::milliseconds{250};
  /// How long a stop waits for calls in flight.
  caf::timespan stop_grace = std::chrono::seconds{30};
  /// How often the janitor runs on its own.
  caf::timespan janitor_interval
    = std::chrono::minutes{defaults::janitor_interval_minutes};
};

} // namespace keepa
