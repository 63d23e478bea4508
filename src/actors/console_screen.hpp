#pragma once

// CONSOLE_SCREEN: owns the terminal the engine runs in (stdout in tmux).
// It keeps the bottom row for the live status line, out of the scroll
// region, and redraws it every 3 s and at once when the terminal is
// resized, the cursor put back where the user types; it prints the
// console's answers above it, wrapped at words to the width (a dump's JSON
// stays one line). So what the user types is never written over, and no
// row runs past the width. Leaving, it gives the terminal back as it was.
// Spawned detached: a write to a terminal may block (Ctrl-S, a stuck
// terminal) and must not hold a scheduler thread.

#include "actors/actors.hpp"
#include "io/terminal.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <string>

namespace keepa {

using console_screen_actor = caf::typed_actor<
  // Redraws the live line from a fresh status, and again in 3 s.
  caf::reacts_to<atom::wake>,
  // Prints one console answer above the live line.
  caf::reacts_to<atom::print, std::string>,
  // Reads the terminal's size again and redraws (after a SIGWINCH).
  caf::reacts_to<atom::resize>>;

struct console_screen_state {
  engine_actor engine;
  /// The terminal's file descriptor (stdout).
  int fd = -1;
  terminal_size size;
  /// The bottom row is kept for the live line (the screen is tall enough).
  bool reserved = false;

  static inline constexpr const char* name = "console_screen";
};

/// Spawns CONSOLE_SCREEN on the terminal `fd`, asking `engine` for the
/// live line. An exit message gives the terminal back before it quits.
console_screen_actor::behavior_type make_console_screen(
  console_screen_actor::stateful_pointer<console_screen_state> self,
  engine_actor engine, int fd);

} // namespace keepa
