#pragma once

#include "actors/actors.hpp"
#include "actors/engine_options.hpp"
#include "actors/pipeline.hpp"
#include "actors/status_line.hpp"

#include <deque>
#include <memory>

#include <caf/actor_addr.hpp>
#include <caf/actor_clock.hpp>

namespace keepa {

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
