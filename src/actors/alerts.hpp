#pragma once

#include "actors/actors.hpp"
#include "model/alert_target.hpp"

#include <caf/timespan.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace keepa {

/// Tunables of ALERTS.
struct alerts_settings {
  alert_settings alerts;
  /// How often alerts whose wait is over are looked for.
  caf::timespan tick = std::chrono::seconds{10};
  /// How long one webhook request may take.
  caf::timespan request_timeout = std::chrono::seconds{15};
  /// Alerts one digest holds at most; the rest go in the next.
  int64_t digest_limit = 50;
  /// The board's address (`http://HOST:PORT/`) for the alerts' links; ""
  /// while it does not listen.
  std::function<std::string()> board_url;
};

/// The actors ALERTS talks to.
struct alerts_links {
  db_writer_actor db;
  webhook_actor webhook;
};

/// One target's sending state.
struct target_run {
  alert_target target;
  alert_target_stats stats;
  /// When each message of the last minute went, and each alert delivered
  /// in the last hour.
  std::deque<int64_t> sent_ms;
  std::deque<int64_t> delivered_ms;
  /// An outbox read or a message is under way.
  bool busy = false;
  /// A 429 asked to wait until then (Unix ms).
  int64_t wait_until_ms = 0;
};

struct alerts_state {
  alerts_settings settings;
  alerts_links links;
  wall_clock now_ms;
  std::vector<target_run> targets;
  int64_t worst_latency_ms = 0;

  static inline constexpr const char* name = "alerts";
};

/// Spawns ALERTS; with no target it only answers `stats` and the console.
alerts_actor::behavior_type
make_alerts(alerts_actor::stateful_pointer<alerts_state> self,
            alerts_links links, alerts_settings settings, wall_clock now_ms);

} // namespace keepa
