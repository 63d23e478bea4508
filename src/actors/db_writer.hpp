#pragma once

#include "actors/actors.hpp"
#include "model/alert.hpp"

#include <memory>

#include <caf/actor_clock.hpp>

namespace keepa {

/// An alert target as DB_WRITER fills its outbox: its name and rules,
/// never its URL.
struct outbox_target {
  std::string name;
  alert_rules rules;
};

/// Tunables of DB_WRITER.
struct db_writer_settings {
  std::string path;
  /// Commit as soon as this many rows are queued...
  size_t batch_rows = 500;
  /// ...or this long after the first queued write.
  caf::timespan flush_delay = std::chrono::milliseconds{200};
  /// After a failed commit, retry this much later.
  caf::timespan retry_delay = std::chrono::seconds{2};
  /// Each janitor pass deletes rejections judged longer ago than this (a
  /// listing stays on /deal at most 12 h after its lastUpdate, so an older
  /// rejection can never match a listing again)...
  std::chrono::hours rejection_retention{72};
  /// ...and price-drop events older than this, and alerts delivered or
  /// given up longer ago than this.
  std::chrono::hours event_retention{30 * 24};
  std::chrono::hours alert_retention{7 * 24};
  /// Whose outbox a committed row's alerts go to, and their links.
  std::vector<outbox_target> alert_targets;
  alert_links links;
};

struct db_writer_state {
  db_writer_settings settings;
  wall_clock now_ms;
  std::unique_ptr<database> db;
  watermark_actor watermark;
  /// Told when writes start or stop failing.
  engine_actor engine;
  /// Told after each commit that put alerts in an outbox.
  alerts_actor alerts;
  /// Whether the engine was last told that writes fail.
  bool failing = false;
  std::vector<write_batch> queued;
  /// The counters `stats` answers; `rows` as of `counted_at`
  /// (transactions + purges), `alive_ms` read from system_state at start.
  db_stats stats;
  uint64_t purges = 0;
  uint64_t counted_at = ~uint64_t{0};
  uint64_t generation = 0;
  bool timer_armed = false;

  static inline constexpr const char* name = "db_writer";

  /// Commits every queued write in one transaction; false (with
  /// `last_error`) when SQLite refused, in which case nothing is dropped.
  bool flush(std::vector<deal_key>& settled);

  /// Puts the alerts the queued writes cause into the outboxes (inside
  /// flush's transaction); returns how many.
  uint64_t queue_alerts(const std::string& now_iso);

  std::string now_iso() const;
};

/// Spawns DB_WRITER on the database at `settings.path`. The caller has
/// opened it once already (so a bad path fails before any actor runs);
/// here a failure to open quits the actor with the error.
db_writer_actor::behavior_type
make_db_writer(db_writer_actor::stateful_pointer<db_writer_state> self,
               db_writer_settings settings, wall_clock now_ms);

} // namespace keepa
