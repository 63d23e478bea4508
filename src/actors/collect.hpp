#pragma once

// How the engine collects every actor's stats into one snapshot, for
// `status`, `dump` and its own progress checks.

#include "actors/actors.hpp"
#include "actors/pipeline.hpp"
#include "actors/snapshot.hpp"

#include <functional>
#include <optional>

namespace keepa {

/// Called with the snapshot, or nullopt when an actor did not answer.
using snapshot_handler = std::function<void(std::optional<pipeline_snapshot>)>;

/// Asks each actor of `actors` for its stats on behalf of `self`, one after
/// the other in the order data flows (so a hand-over between two of them is
/// never missed), and calls `done` with them all.
void collect(engine_actor::pointer self, pipeline actors,
             snapshot_handler done);

} // namespace keepa
