#pragma once

// The console's commands (docs/contract.md#the-console): one typed command
// per line, or the error to answer. A pure function, so the engine only
// executes commands and never reads text.

#include <cstdint>
#include <string>
#include <variant>

namespace keepa {

/// What a console line asks for.
enum class console_verb : uint8_t {
  status,
  dump,
  pause,
  resume,
  rewind,
  refresh,
  /// Buys one stored deal's offers (a heavy fetch), first in line.
  verify,
  mark,
  janitor,
  /// `alerts test` or `alerts retry` (in `name`).
  alerts,
  quit,
};

/// One parsed console line.
struct console_command {
  console_verb verb = console_verb::status;
  /// `dump`'s member ("" for the whole dump), the ASIN of `refresh`,
  /// `verify` and `mark`, or what `alerts` does (`test` or `retry`).
  std::string name;
  /// `rewind`'s hours, always positive.
  int64_t hours = 0;
  /// `mark`'s mark: `watch`, `bought`, `dismissed`, or "" to clear it.
  std::string mark;
};

/// Why a console line is not a command: the whole answer, "error: …".
struct console_error {
  std::string answer;
};

/// The commands as the answer to a bad line lists them.
extern const char* const console_commands;

/// Reads one console line: a command, or the error to answer.
std::variant<console_command, console_error>
parse_console_command(const std::string& line);

} // namespace keepa
