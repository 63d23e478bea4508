#include "io/console_command.hpp"

#include <sstream>

namespace keepa {

const char* const console_commands
  = "status, dump [NAME], pause, resume, rewind HOURS, refresh ASIN, "
    "verify ASIN, mark ASIN watch|bought|dismissed|none, janitor, alerts "
    "test|retry, "
    "quit";

namespace {

/// The verbs and whether each takes an argument.
struct verb_spec {
  const char* word;
  console_verb verb;
  enum { none, optional, required } argument;
};

constexpr verb_spec verbs[] = {
  {"status", console_verb::status, verb_spec::none},
  {"dump", console_verb::dump, verb_spec::optional},
  {"pause", console_verb::pause, verb_spec::none},
  {"resume", console_verb::resume, verb_spec::none},
  {"rewind", console_verb::rewind, verb_spec::required},
  {"refresh", console_verb::refresh, verb_spec::required},
  {"verify", console_verb::verify, verb_spec::required},
  {"janitor", console_verb::janitor, verb_spec::none},
  {"alerts", console_verb::alerts, verb_spec::required},
  {"quit", console_verb::quit, verb_spec::none},
};

/// The answer to a line that names no command.
console_error unknown(const std::string& line) {
  return {"error: unknown command '" + line
          + "'; commands: " + console_commands};
}

/// `rewind`'s argument: a positive whole number of hours.
std::variant<console_command, console_error>
rewind_hours(const std::string& arg) {
  try {
    size_t used = 0;
    auto hours = std::stoll(arg, &used);
    if (used == arg.size() && hours > 0)
      return console_command{console_verb::rewind, "", hours, ""};
  } catch (const std::exception&) {
  }
  return console_error{"error: rewind needs a positive whole number of "
                       "hours, got '"
                       + arg + "'"};
}

/// `mark ASIN MARK`: the seller's mark on a row, `none` to clear it.
std::variant<console_command, console_error>
mark_command(const std::string& asin, const std::string& mark) {
  for (auto* known : {"watch", "bought", "dismissed", "none"})
    if (mark == known)
      return console_command{console_verb::mark, asin, 0,
                             mark == "none" ? "" : mark};
  return console_error{"error: mark ASIN needs watch, bought, dismissed or "
                       "none, got '"
                       + mark + "'"};
}

} // namespace

std::variant<console_command, console_error>
parse_console_command(const std::string& line) {
  std::istringstream in{line};
  std::string word;
  std::string arg;
  std::string extra;
  in >> word >> arg >> extra;
  if (word == "mark") {
    std::string more;
    in >> more;
    if (!arg.empty() && !extra.empty() && more.empty())
      return mark_command(arg, extra);
    return unknown(line);
  }
  if (!extra.empty())
    return console_error{"error: too many arguments; commands: "
                         + std::string{console_commands}};
  for (auto& spec : verbs) {
    if (word != spec.word)
      continue;
    if ((spec.argument == verb_spec::none && !arg.empty())
        || (spec.argument == verb_spec::required && arg.empty()))
      return unknown(line);
    if (spec.verb == console_verb::rewind)
      return rewind_hours(arg);
    if (spec.verb == console_verb::alerts && arg != "test" && arg != "retry")
      return console_error{"error: alerts needs test or retry, got '" + arg
                           + "'"};
    return console_command{spec.verb, arg, 0, ""};
  }
  return unknown(line);
}

} // namespace keepa
