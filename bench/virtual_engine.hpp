#pragma once

// The whole engine on CAF's deterministic scheduler against mock-keepa's
// handler in-process, on one virtual clock that starts at 2026-11-01: an
// hour of refill ticks takes about a second and every run gives the same
// numbers. Only the HTTP transport is skipped: requests are built and
// replies classified and parsed by the production code.

#include "actors/engine.hpp"
#include "actors/type_ids.hpp"
#include "mock/handler.hpp"
#include "support/in_process_keepa.hpp"

#include <caf/all.hpp>
#include <rapidjson/document.h>

#include <memory>
#include <string>

namespace keepa::bench {

/// 2026-11-01T00:00:00Z, the virtual clock's start.
inline constexpr int64_t t0 = 1793491200000;

class virtual_engine {
public:
  /// Spawns the engine with `o` (its client and clock are set here)
  /// against a mock with `mopts`.
  virtual_engine(const mock::options& mopts, engine_options o) {
    cfg_.set("scheduler.policy", caf::atom("testing"));
    cfg_.add_message_types<caf::id_block::keepa>();
    add_engine_errors(cfg_);
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    sched_
      = &dynamic_cast<caf::scheduler::test_coordinator&>(sys_->scheduler());
    origin_ = sched_->clock().now();
    keepa = std::make_shared<mock::handler>(mopts, t0);
    client_ = sys_->spawn(test::make_in_process_keepa, keepa, clock());
    o.client = client_;
    o.detached_db = false;
    o.now_ms = clock();
    engine_ = sys_->spawn(make_engine, o);
  }

  ~virtual_engine() {
    caf::anon_send_exit(engine_, caf::exit_reason::kill);
    caf::anon_send_exit(client_, caf::exit_reason::kill);
    sched_->run();
  }

  virtual_engine(const virtual_engine&) = delete;
  virtual_engine& operator=(const virtual_engine&) = delete;

  /// Unix milliseconds on the virtual clock.
  wall_clock clock() const {
    auto* sched = sched_;
    auto origin = origin_;
    return [sched, origin] {
      return t0
             + std::chrono::duration_cast<std::chrono::milliseconds>(
                 sched->clock().now() - origin)
                 .count();
    };
  }

  /// Runs `seconds` of virtual time, one second at a time.
  void run_seconds(int seconds) {
    for (int s = 0; s < seconds; ++s) {
      sched_->run();
      sched_->advance_time(std::chrono::seconds{1});
    }
    sched_->run();
  }

  /// The engine's `dump`, parsed.
  rapidjson::Document dump() {
    caf::scoped_actor self{*sys_};
    std::string text;
    auto h = self->request(engine_, caf::infinite, atom::command_v,
                           std::string{"dump"});
    sched_->run();
    h.receive([&](const std::string& s) { text = s; },
              [&](const caf::error&) {});
    rapidjson::Document d;
    d.Parse(text.c_str());
    return d;
  }

  /// The mock the engine calls.
  std::shared_ptr<mock::handler> keepa;

private:
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  caf::scheduler::test_coordinator* sched_ = nullptr;
  caf::actor_clock::time_point origin_;
  keepa_client_actor client_;
  engine_actor engine_;
};

/// A number from a dump, by path; -1 when absent or not a number.
inline double number(const rapidjson::Document& d, const char* a, const char* b,
                     const char* c = nullptr) {
  if (!d.IsObject() || !d.HasMember(a) || !d[a].HasMember(b))
    return -1;
  auto& x = d[a][b];
  if (c && !x.HasMember(c))
    return -1;
  auto& v = c ? x[c] : x;
  return v.IsNumber() ? v.GetDouble() : -1;
}

} // namespace keepa::bench
