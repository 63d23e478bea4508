#pragma once

// A CAF 0.17 test_coordinator fixture for doctest (CAF's own test DSL needs
// CAF's test runner): virtual time, explicit scheduling, and exits for
// everything a test spawned.

#include "actors/type_ids.hpp"

#include <caf/all.hpp>
#include <doctest/doctest.h>

#include <memory>
#include <vector>

namespace keepa::test {

struct deterministic_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::unique_ptr<caf::scoped_actor> self;
  std::vector<caf::actor_addr> spawned;
  /// The wall clock at virtual time zero: 2026-11-01T00:00:00Z.
  int64_t wall_start_ms = 1793491200000;

  deterministic_fixture() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.add_message_types<caf::id_block::keepa>();
    add_engine_errors(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    self = std::make_unique<caf::scoped_actor>(*sys, true);
  }

  ~deterministic_fixture() {
    for (auto& addr : spawned)
      caf::anon_send_exit(addr, caf::exit_reason::kill);
    sched->run();
  }

  /// Spawns an actor that the fixture stops at the end.
  template <class... Ts>
  auto spawn(Ts&&... xs) {
    auto h = sys->spawn(std::forward<Ts>(xs)...);
    spawned.push_back(h.address());
    return h;
  }

  /// The state of a typed stateful actor.
  template <class State, class Handle>
  State& state_of(const Handle& h) {
    auto* ptr = caf::actor_cast<caf::abstract_actor*>(h);
    auto* typed
      = dynamic_cast<typename Handle::template stateful_base<State>*>(ptr);
    REQUIRE(typed != nullptr);
    return typed->state;
  }

  /// Asks `actor` for its stats, runs every queued job and answers them;
  /// fails the test without an answer.
  template <class Stats, class Handle>
  Stats stats_of(const Handle& actor) {
    auto h = (*self)->request(actor, caf::infinite, atom::stats_v);
    run();
    Stats out;
    h.receive([&](const Stats& s) { out = s; },
              [](const caf::error&) { FAIL("no stats"); });
    return out;
  }

  /// Runs every queued job.
  void run() {
    sched->run();
  }

  /// Moves virtual time forward in steps of at most `step`, running what
  /// each step makes due.
  void advance(caf::timespan total,
               caf::timespan step = std::chrono::milliseconds{100}) {
    run();
    while (total > caf::timespan{0}) {
      auto d = std::min(total, step);
      sched->advance_time(d);
      run();
      total -= d;
    }
  }

  /// Unix milliseconds, moving with virtual time.
  wall_clock clock() {
    auto* s = sched;
    auto start = wall_start_ms;
    auto origin = s->clock().now();
    return [s, start, origin] {
      return start
             + std::chrono::duration_cast<std::chrono::milliseconds>(
                 s->clock().now() - origin)
                 .count();
    };
  }
};

} // namespace keepa::test
