// parse_console_command: each line to a typed command or the error to
// answer, without an actor system.

#include "io/console_command.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace keepa;

namespace {

/// The command a line parses to; fails the test on an error.
console_command command(const std::string& line) {
  auto parsed = parse_console_command(line);
  auto* cmd = std::get_if<console_command>(&parsed);
  REQUIRE_MESSAGE(cmd != nullptr, line);
  return *cmd;
}

/// The error a line answers; empty when it parsed.
std::string error(const std::string& line) {
  auto parsed = parse_console_command(line);
  auto* err = std::get_if<console_error>(&parsed);
  return err ? err->answer : std::string{};
}

} // namespace

TEST_CASE("every command word parses to its verb") {
  CHECK(command("status").verb == console_verb::status);
  CHECK(command("pause").verb == console_verb::pause);
  CHECK(command("resume").verb == console_verb::resume);
  CHECK(command("janitor").verb == console_verb::janitor);
  CHECK(command("alerts test").verb == console_verb::alerts);
  CHECK(command("alerts test").name == "test");
  CHECK(command("alerts retry").name == "retry");
  CHECK(command("quit").verb == console_verb::quit);
  CHECK(command("  status  ").verb == console_verb::status);
}

TEST_CASE("dump takes an optional member name") {
  CHECK(command("dump").verb == console_verb::dump);
  CHECK(command("dump").name.empty());
  CHECK(command("dump tokens").name == "tokens");
}

TEST_CASE("refresh takes the ASIN and rewind a positive whole number of "
          "hours") {
  auto refresh = command("refresh B000000001");
  CHECK(refresh.verb == console_verb::refresh);
  CHECK(refresh.name == "B000000001");
  auto verify = command("verify B000000001");
  CHECK(verify.verb == console_verb::verify);
  CHECK(verify.name == "B000000001");
  CHECK(error("verify").rfind("error: unknown command", 0) == 0);
  auto rewind = command("rewind 6");
  CHECK(rewind.verb == console_verb::rewind);
  CHECK(rewind.hours == 6);
  for (auto bad : {"rewind two", "rewind 0", "rewind -3", "rewind 2h"})
    CHECK_MESSAGE(error(bad).rfind("error: rewind needs a positive whole "
                                   "number of hours",
                                   0)
                    == 0,
                  bad);
}

TEST_CASE("mark takes the ASIN and one of the marks, none clearing it") {
  auto dismissed = command("mark B000000001 dismissed");
  CHECK(dismissed.verb == console_verb::mark);
  CHECK(dismissed.name == "B000000001");
  CHECK(dismissed.mark == "dismissed");
  CHECK(command("mark B000000001 watch").mark == "watch");
  CHECK(command("mark B000000001 bought").mark == "bought");
  CHECK(command("mark B000000001 none").mark.empty());
  CHECK(error("alerts send")
        == "error: alerts needs test or retry, got 'send'");
  CHECK(error("alerts").rfind("error: unknown command", 0) == 0);
  CHECK(error("mark B000000001 love")
        == "error: mark ASIN needs watch, bought, dismissed or none, got "
           "'love'");
  for (auto bad : {"mark", "mark B000000001", "mark B000000001 watch now"})
    CHECK_MESSAGE(error(bad).rfind("error: unknown command", 0) == 0, bad);
}

TEST_CASE("a bad line answers an error that lists the commands") {
  for (auto bad :
       {"frobnicate", "status now", "refresh", "rewind", "quit please"}) {
    CAPTURE(bad);
    auto answer = error(bad);
    CHECK(answer.rfind("error: unknown command '" + std::string{bad} + "'", 0)
          == 0);
    CHECK(answer.find("rewind HOURS") != std::string::npos);
  }
  CHECK(error("dump tokens extra").rfind("error: too many arguments", 0) == 0);
}
