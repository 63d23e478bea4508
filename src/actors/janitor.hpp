#pragma once

// JANITOR: deletes rows unseen for `retention_hours`, measured in
// engine-alive time: time in which the engine ran and Keepa answered. Time
// switched off, crashed, or cut off from Keepa never counts, so neither a
// restart after days off nor an outage deletes a row Keepa still lists.
//
// Every minute it asks the token bucket whether Keepa answered recently and
// credits the minute to DB_WRITER's engine-alive clock, which is stored in
// system_state and stamped on every row seen. Every interval of that clock
// (and on the `janitor` command) it deletes the rows whose stamp is older
// than the retention period. The clock's value at the last scheduled pass
// is stored too, so a restart never postpones a pass: one that is due runs
// at the first minute credited after the start, within a minute of
// Keepa's first answer.

#include "actors/actors.hpp"
#include "model/defaults.hpp"

#include <caf/actor_clock.hpp>
#include <caf/timespan.hpp>

namespace keepa {

/// Where JANITOR reads and deletes.
struct janitor_links {
  token_bucket_actor bucket;
  db_writer_actor db;
};

/// Tunables of JANITOR.
struct janitor_settings {
  int64_t retention_hours = defaults::retention_hours;
  /// Without a successful Keepa reply for this long, a pass deletes nothing
  /// and says so.
  caf::timespan stall_window = std::chrono::minutes{defaults::stall_minutes};
  /// A minute counts as alive only while the last successful reply is at
  /// most this old.
  caf::timespan alive_gap = std::chrono::minutes{5};
  caf::timespan tick = std::chrono::minutes{1};
  /// Engine-alive time between two scheduled passes.
  caf::timespan interval
    = std::chrono::minutes{defaults::janitor_interval_minutes};
};

/// The system_state key of the engine-alive clock (ms) at the last
/// scheduled pass that succeeded.
inline constexpr const char* last_pass_key = "janitor_alive_ms";

struct janitor_state {
  janitor_links links;
  janitor_settings settings;
  wall_clock now_ms;
  caf::actor_clock::time_point last_tick;
  /// The engine-alive clock (ms) at which the next scheduled pass is due:
  /// at once while no stored pass says otherwise.
  int64_t next_pass_alive_ms = 0;
  janitor_stats stats;

  static inline constexpr const char* name = "janitor";
};

/// The engine-alive time (ms) a tick of `elapsed` earns when the last
/// successful Keepa reply is `since_success` old: all of it while that is
/// within `gap`, none of the time after it.
int64_t alive_credit_ms(caf::timespan elapsed, caf::timespan since_success,
                        caf::timespan gap, bool succeeded);

/// Spawns JANITOR; it reads when the last scheduled pass ran, and runs the
/// next one when the engine-alive clock is an interval past it.
janitor_actor::behavior_type
make_janitor(janitor_actor::stateful_pointer<janitor_state> self,
             janitor_links links, janitor_settings settings, wall_clock now_ms);

} // namespace keepa
