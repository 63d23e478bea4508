#pragma once

// Renders the pipeline's state for the console's `status` as one human
// line (docs/operations.md#reading-status), with its rates per minute.
// Pure functions.

#include "actors/snapshot.hpp"

#include <string>

namespace keepa {

/// The counters one `status` saw, for the next one's rates.
struct status_mark {
  int64_t at_ms = 0;
  uint64_t peeks = 0;
  uint64_t commits = 0;
};

/// The counters of `s` at `now_ms`.
status_mark status_mark_of(const pipeline_snapshot& s, int64_t now_ms);

/// Peeks and commits per minute from `previous` to `now`; zero when there
/// was no previous status.
status_rates rates_since(const status_mark& previous, const status_mark& now);

/// True when a listing has held the watermark for longer than one
/// discovery cycle while no peek is queued or running: something lost it.
bool watermark_stuck(const pipeline_snapshot& s);

/// One human line: tokens, refill, queues, deals, watermark, warnings.
std::string render_status(const pipeline_snapshot& s, const engine_facts& f);

} // namespace keepa
