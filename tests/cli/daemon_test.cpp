// The engine as a daemon: in tmux (a terminal), under a supervisor or a
// script (a pipe that stays open), with stdin on /dev/null or closed. Each
// case stops it with `quit`, SIGTERM or Ctrl-C after a console command was
// answered, and asserts the exit code and that it came within 5 s.

#include "support/console.hpp"
#include "support/process.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>

using keepa::test::console_kind;
using keepa::test::console_process;
using keepa::test::engine_dir;
using keepa::test::fresh_dir;
using keepa::test::ingest;
using keepa::test::mock_binary;
using keepa::test::mock_process;

namespace {

using namespace std::chrono_literals;

/// How a test stops the engine.
enum class stop_by { quit, sigterm, sigint };

/// The stop's name, for test output.
const char* to_string(stop_by s) {
  return s == stop_by::quit      ? "quit"
         : s == stop_by::sigterm ? "SIGTERM"
                                 : "SIGINT";
}

/// The required bound on the time from the stop to the exit: 5 s, or
/// KEEPA_EXIT_BOUND_S under a sanitizer that slows everything down.
std::chrono::milliseconds exit_bound() {
  auto* env = std::getenv("KEEPA_EXIT_BOUND_S");
  return std::chrono::seconds{env != nullptr ? std::atoi(env) : 5};
}

/// Starts the demo engine on `kind`, answers one `status` where stdin can
/// carry it, stops it by `how`; returns the exit code and the time it took.
std::pair<int, std::chrono::milliseconds> demo_and_stop(console_kind kind,
                                                        stop_by how) {
  auto dir = engine_dir("daemon", "http://127.0.0.1:9");
  console_process engine{kind, dir, {ingest, "--demo"}};
  bool typed = kind == console_kind::pipe || kind == console_kind::terminal;
  if (typed) {
    engine.type("status");
    REQUIRE_MESSAGE(engine.wait_for("tokens ", 30s), engine.output);
  } else {
    REQUIRE_MESSAGE(engine.wait_for("embedded mock Keepa", 30s), engine.output);
  }
  auto start = std::chrono::steady_clock::now();
  if (how == stop_by::quit) {
    REQUIRE(typed);
    engine.type("quit");
  } else if (how == stop_by::sigint && kind == console_kind::terminal) {
    engine.ctrl_c();
  } else {
    engine.signal(how == stop_by::sigterm ? SIGTERM : SIGINT);
  }
  auto code = engine.wait_exit(exit_bound());
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - start);
  INFO(engine.output);
  return {code, took};
}

} // namespace

TEST_CASE("quit, SIGTERM and Ctrl-C end the engine within 5 s with code 0, "
          "whatever stdin is") {
  struct stop_case {
    console_kind kind;
    stop_by how;
  };
  for (auto c : {stop_case{console_kind::terminal, stop_by::quit},
                 stop_case{console_kind::terminal, stop_by::sigint},
                 stop_case{console_kind::terminal, stop_by::sigterm},
                 stop_case{console_kind::pipe, stop_by::quit},
                 stop_case{console_kind::pipe, stop_by::sigterm},
                 stop_case{console_kind::pipe, stop_by::sigint},
                 stop_case{console_kind::null, stop_by::sigterm},
                 stop_case{console_kind::closed, stop_by::sigint}}) {
    std::string stdin_kind = to_string(c.kind);
    std::string stop = to_string(c.how);
    CAPTURE(stdin_kind);
    CAPTURE(stop);
    auto [code, took] = demo_and_stop(c.kind, c.how);
    MESSAGE("stdin " << stdin_kind << ", " << stop << ": exit " << code
                     << " after " << took.count() << " ms");
    CHECK(code == 0);
  }
}

TEST_CASE("a second Ctrl-C during a slow stop exits at once with code 130 "
          "and keeps what was written") {
  auto log = fresh_dir("daemon-slow") + "/mock.log";
  // Every answer takes 15 s: once the balance is known (the status line
  // shows it), calls are in flight and the first stop waits for them.
  mock_process mock{mock_binary,
                    "--products 300 --faults slow:1 --slow-ms 15000", log};
  auto dir = engine_dir("daemon", mock.url(), 60);
  console_process engine{console_kind::terminal, dir, {ingest}};
  REQUIRE_MESSAGE(engine.wait_for("/min, next in", 40s), engine.output);
  engine.ctrl_c();
  CHECK_MESSAGE(engine.wait_exit(1s) == -1, engine.output);
  auto start = std::chrono::steady_clock::now();
  engine.ctrl_c();
  auto code = engine.wait_exit(exit_bound());
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - start);
  INFO(engine.output);
  MESSAGE("second Ctrl-C: exit " << code << " after " << took.count() << " ms");
  CHECK(code == 130);
  CHECK(keepa::test::sqlite(dir + "/data/deals.db", "PRAGMA integrity_check")
        == "ok");
}
