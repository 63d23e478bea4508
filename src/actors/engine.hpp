#pragma once

#include "actors/actors.hpp"
#include "actors/status_line.hpp"
#include "model/analytics.hpp"
#include "model/peek_filter.hpp"

#include <deque>
#include <memory>

#include <caf/actor_addr.hpp>
#include <caf/actor_clock.hpp>

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

/// The handles of the pipeline's actors.
struct pipeline {
  token_bucket_actor bucket;
  db_writer_actor db;
  watermark_actor watermark;
  commit_pool_actor commit;
  light_pool_actor light;
  peek_pool_actor peek;
  router_actor router;
  scout_actor scout;
  refresher_actor refresher;
  janitor_actor janitor;
};

enum class engine_phase : uint8_t { running, draining, closing, restarting };

struct engine_state {
  engine_options options;
  pipeline actors;
  /// The pipeline's actors still running; shared with the cleanup that
  /// kills them if the engine itself is killed.
  std::shared_ptr<std::vector<caf::actor_addr>> alive
    = std::make_shared<std::vector<caf::actor_addr>>();
  engine_phase phase = engine_phase::running;
  /// Why the engine stops: none for a clean stop.
  caf::error exit_reason;
  std::deque<caf::actor_clock::time_point> restarts;
  caf::actor_clock::time_point drain_started;
  int quiet_checks = 0;
  uint64_t generation = 0;
  bool once_done = false;
  /// Paused by the console.
  bool paused = false;
  /// Paused because the database cannot write (a full disk, say).
  bool write_hold = false;
  /// The counters of the previous `status`, for its rates per minute.
  status_mark last_status;
  /// The same for the live status line, which has rates of its own.
  status_mark last_live;

  static inline constexpr const char* name = "engine";
};

/// Spawns ENGINE, which spawns the pipeline at once. It quits when the
/// pipeline has stopped: normally, or with an error when it cannot go on.
engine_actor::behavior_type
make_engine(engine_actor::stateful_pointer<engine_state> self,
            engine_options options);

} // namespace keepa
