#pragma once

// Renders the pipeline's state for the console: `dump` as one line of JSON
// (docs/contract.md#the-dump) and `status` as one human line. Pure functions.

#include "actors/engine.hpp"

#include <string>

namespace keepa {

/// What the engine adds to the actors' own state.
struct engine_facts {
  int64_t now_ms = 0;
  bool paused = false;
  /// Peeks and commits per minute since the previous status.
  double peeks_per_min = 0;
  double commits_per_min = 0;
};

/// The whole dump, or only the member `name` ("" for all); nullopt when
/// `name` is not a member.
std::optional<std::string> render_dump(const pipeline_snapshot& s,
                                       const engine_facts& f,
                                       const std::string& name);

/// True when a listing has held the watermark for longer than one
/// discovery cycle while no peek is queued or running: something lost it.
bool watermark_stuck(const pipeline_snapshot& s);

/// One human line: tokens, refill, queues, deals, watermark.
std::string render_status(const pipeline_snapshot& s, const engine_facts& f);

} // namespace keepa
