#pragma once

// Renders the pipeline's state for the console's `status` as one human
// line (docs/operations.md#reading-status), with its rates per minute, and
// the live status line: the same fields, the most important that fit the
// terminal's width. Pure functions.

#include "actors/snapshot.hpp"

#include <string>
#include <vector>

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

/// One field of the status line.
struct status_field {
  /// As `status` prints it.
  std::string text;
  /// The live line's shorter form; empty when it is `text`.
  std::string brief;
  /// How much it matters: 1 (work stopped) is the last the live line drops.
  int rank = 0;
  /// What separates it from the field before it.
  std::string joint = " | ";
  /// For a warning: what to do about it.
  std::string action = "";
};

/// A warning `status` gives, and what to do about it.
struct status_warning {
  std::string text;
  std::string action;
};

/// Every warning that applies now (the dump's `warnings`, the board's
/// health page).
std::vector<status_warning> status_warnings(const pipeline_snapshot& s,
                                            const engine_facts& f);

/// Every field that applies, in the order they print.
std::vector<status_field> status_fields(const pipeline_snapshot& s,
                                        const engine_facts& f);

/// One human line: tokens, refill, queues, deals, watermark, warnings.
std::string render_status(const pipeline_snapshot& s, const engine_facts& f);

/// The brief forms of the most important `fields` whose line fits in
/// `width` characters, in the order they print: a field shows only when
/// every more important one does. When not even the most important fits,
/// its first whole words; a number is never cut.
std::string fit_status(const std::vector<status_field>& fields, size_t width);

/// The live status line in at most `width` characters.
std::string render_live_status(const pipeline_snapshot& s,
                               const engine_facts& f, size_t width);

} // namespace keepa
