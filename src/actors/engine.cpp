#include "actors/engine.hpp"
#include "actors/type_ids.hpp"

#include "actors/commit_pool.hpp"
#include "actors/db_writer.hpp"
#include "actors/light_pool.hpp"
#include "actors/peek_pool.hpp"
#include "actors/router.hpp"
#include "actors/scout.hpp"
#include "actors/token_bucket.hpp"
#include "actors/watermark.hpp"

#include <caf/exit_reason.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <functional>
#include <optional>

namespace keepa {

namespace {

using self_ptr = engine_actor::stateful_pointer<engine_state>;
using snapshot_handler = std::function<void(std::optional<pipeline_snapshot>)>;

constexpr auto ask_timeout = std::chrono::seconds{10};
constexpr size_t restart_budget = 5;
constexpr auto restart_window = std::chrono::minutes{10};

/// Spawns every actor of the pipeline and monitors it.
void spawn_pipeline(self_ptr self) {
  auto& st = self->state;
  auto& o = st.options;
  auto& a = st.actors;
  a.bucket = self->spawn(make_token_bucket, o.client,
                         bucket_settings{o.deficit_floor});
  db_writer_settings db_settings;
  db_settings.path = o.db_path;
  a.db = o.detached_db
           ? self->spawn<caf::detached>(make_db_writer, db_settings, o.now_ms)
           : self->spawn(make_db_writer, db_settings, o.now_ms);
  a.watermark = self->spawn(make_watermark, a.db);
  self->send(a.db, atom::settle_v, a.watermark);
  a.commit = self->spawn(make_commit_pool, commit_links{a.bucket, a.db},
                         o.commit_batch, o.now_ms);
  a.light = self->spawn(make_light_pool, light_links{a.bucket, a.db},
                        o.light_batch, o.now_ms);
  a.peek = self->spawn(make_peek_pool, peek_links{a.bucket, a.db, a.commit},
                       o.peek_batch, o.now_ms);
  a.router = self->spawn(make_router,
                         router_links{a.db, a.watermark, a.peek, a.light},
                         o.refresh_after_hours, o.now_ms);
  scout_settings scout;
  scout.selection = o.selection;
  scout.once = o.once;
  a.scout = self->spawn(make_scout, scout_links{a.bucket, a.router,
                                                a.watermark},
                        scout);
  st.alive.clear();
  auto watch = [&](const auto& h) {
    self->monitor(h);
    st.alive.push_back(h.address());
  };
  watch(a.bucket);
  watch(a.db);
  watch(a.watermark);
  watch(a.commit);
  watch(a.light);
  watch(a.peek);
  watch(a.router);
  watch(a.scout);
}

/// Asks each actor for its state, in the order data flows, so that a
/// hand-over between two of them is never missed.
void collect(self_ptr self, std::shared_ptr<pipeline_snapshot> snap, int step,
             snapshot_handler done) {
  auto& a = self->state.actors;
  auto next = [=] { collect(self, snap, step + 1, done); };
  auto fail = [=](const caf::error&) { done(std::nullopt); };
  switch (step) {
    case 0:
      self->request(a.scout, ask_timeout, atom::stats_v)
        .then([=](const discovery_stats& s) { snap->scout = s, next(); }, fail);
      break;
    case 1:
      self->request(a.router, ask_timeout, atom::stats_v)
        .then([=](const discovery_stats& s) { snap->router = s, next(); },
              fail);
      break;
    case 2:
      self->request(a.peek, ask_timeout, atom::stats_v)
        .then([=](const pool_stats& s) { snap->peek = s, next(); }, fail);
      break;
    case 3:
      self->request(a.commit, ask_timeout, atom::stats_v)
        .then([=](const pool_stats& s) { snap->commit = s, next(); }, fail);
      break;
    case 4:
      self->request(a.light, ask_timeout, atom::stats_v)
        .then([=](const pool_stats& s) { snap->light = s, next(); }, fail);
      break;
    case 5:
      self->request(a.bucket, ask_timeout, atom::stats_v)
        .then([=](const bucket_stats& s) { snap->bucket = s, next(); }, fail);
      break;
    case 6:
      self->request(a.watermark, ask_timeout, atom::stats_v)
        .then([=](const watermark_stats& s) { snap->watermark = s, next(); },
              fail);
      break;
    case 7:
      self->request(a.db, ask_timeout, atom::stats_v)
        .then([=](const db_stats& s) { snap->db = s, next(); }, fail);
      break;
    default:
      done(*snap);
  }
}

/// Collects a snapshot of every actor.
void collect(self_ptr self, snapshot_handler done) {
  collect(self, std::make_shared<pipeline_snapshot>(), 0, std::move(done));
}

/// Schedules the next progress check.
void schedule_check(self_ptr self) {
  self->delayed_send(self, self->state.options.check_interval, atom::wake_v,
                     ++self->state.generation);
}

/// Sends an exit to every actor of the pipeline but the db_writer, then
/// flushes and stops the db_writer last.
void close_pipeline(self_ptr self) {
  auto& st = self->state;
  auto& a = st.actors;
  auto reason = caf::exit_reason::user_shutdown;
  self->send_exit(a.scout, reason);
  self->send_exit(a.router, reason);
  self->send_exit(a.peek, reason);
  self->send_exit(a.commit, reason);
  self->send_exit(a.light, reason);
  self->send_exit(a.bucket, reason);
  self->send_exit(a.watermark, reason);
  self->request(a.db, std::chrono::seconds{60}, atom::flush_v)
    .then(
      [=](uint64_t written) {
        spdlog::info("engine: {} rows written in total", written);
        self->send_exit(self->state.actors.db, caf::exit_reason::user_shutdown);
      },
      [=](const caf::error& err) {
        spdlog::error("engine: final flush failed: {}", to_string(err));
        self->send_exit(self->state.actors.db, caf::exit_reason::user_shutdown);
      });
}

/// Starts an ordered stop: no new grants, let calls in flight land.
void begin_stop(self_ptr self, caf::error reason) {
  auto& st = self->state;
  if (st.phase == engine_phase::draining || st.phase == engine_phase::closing)
    return;
  if (reason)
    st.exit_reason = std::move(reason);
  if (st.phase == engine_phase::restarting) {
    st.phase = engine_phase::closing;
    return;
  }
  spdlog::info("engine: stopping");
  st.phase = engine_phase::draining;
  st.drain_started = self->clock().now();
  self->send(st.actors.bucket, atom::pause_v, true);
  schedule_check(self);
}

/// The janitor pass of --once: deletes rows unseen for the retention
/// period, unless ingestion is stalled.
void janitor_pass(self_ptr self, const pipeline_snapshot& snap) {
  auto& o = self->state.options;
  auto stalled = std::chrono::milliseconds{snap.bucket.since_success_ms}
                 > o.stall_window;
  if (stalled) {
    spdlog::warn("janitor: ingestion is stalled; deleting nothing");
    begin_stop(self, caf::error{});
    return;
  }
  auto before = iso_utc(o.now_ms() - o.retention_hours * 3600000);
  self->request(self->state.actors.db, std::chrono::seconds{60},
                atom::purge_v, before)
    .then(
      [=](int64_t deleted) {
        spdlog::info("janitor: deleted {} rows unseen since {}", deleted,
                     before);
        begin_stop(self, caf::error{});
      },
      [=](const caf::error& err) {
        spdlog::error("janitor: {}", to_string(err));
        begin_stop(self, caf::error{});
      });
}

/// Checks progress: the end of --once, or the end of a drain.
void check(self_ptr self) {
  collect(self, [=](std::optional<pipeline_snapshot> snap) {
    auto& st = self->state;
    auto now = self->clock().now();
    if (st.phase == engine_phase::draining) {
      if ((snap && snap->quiet()) || now - st.drain_started > st.options.stop_grace) {
        st.phase = engine_phase::closing;
        close_pipeline(self);
      } else {
        schedule_check(self);
      }
      return;
    }
    if (st.phase != engine_phase::running || !st.options.once)
      return;
    if (snap && !snap->bucket.halted.empty()) {
      spdlog::error("engine: Keepa refused the key: {}", snap->bucket.halted);
      begin_stop(self, caf::make_error(caf::sec::runtime_error,
                                       snap->bucket.halted));
    } else if (snap && snap->drained() && !st.once_done) {
      st.once_done = true;
      janitor_pass(self, *snap);
    } else {
      schedule_check(self);
    }
  });
}

/// Restarts the whole pipeline after a crash, within the restart budget.
void on_child_down(self_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  st.alive.erase(std::remove(st.alive.begin(), st.alive.end(), msg.source),
                 st.alive.end());
  if (st.phase == engine_phase::running) {
    auto now = self->clock().now();
    while (!st.restarts.empty() && now - st.restarts.front() > restart_window)
      st.restarts.pop_front();
    spdlog::error("engine: an actor stopped unexpectedly: {}",
                  to_string(msg.reason));
    if (st.restarts.size() >= restart_budget) {
      st.exit_reason = caf::make_error(caf::sec::runtime_error,
                                       "too many restarts");
      st.phase = engine_phase::closing;
    } else {
      st.restarts.push_back(now);
      st.phase = engine_phase::restarting;
    }
    for (auto& addr : st.alive)
      self->send_exit(addr, caf::exit_reason::user_shutdown);
  }
  if (!st.alive.empty())
    return;
  if (st.phase == engine_phase::restarting) {
    spdlog::warn("engine: restarting the pipeline");
    st.phase = engine_phase::running;
    spawn_pipeline(self);
    if (st.options.once)
      schedule_check(self);
    return;
  }
  if (st.phase == engine_phase::closing)
    self->quit(st.exit_reason);
}

} // namespace

bool pipeline_snapshot::drained() const {
  return scout.cycles >= 1 && !scout.cycle_running
         && router.lookups_in_flight == 0 && peek.queued == 0
         && peek.in_flight == 0 && commit.queued == 0 && commit.in_flight == 0
         && light.queued == 0 && light.in_flight == 0 && bucket.in_flight == 0
         && bucket.waiting == 0;
}

bool pipeline_snapshot::quiet() const {
  return router.lookups_in_flight == 0 && peek.in_flight == 0
         && commit.in_flight == 0 && light.in_flight == 0
         && bucket.in_flight == 0;
}

engine_actor::behavior_type
make_engine(engine_actor::stateful_pointer<engine_state> self,
            engine_options options) {
  self->state.options = std::move(options);
  self->set_down_handler([=](caf::down_msg& msg) { on_child_down(self, msg); });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    if (msg.reason == caf::exit_reason::kill)
      self->quit(msg.reason);
    else
      begin_stop(self, caf::error{});
  });
  spawn_pipeline(self);
  if (self->state.options.once)
    schedule_check(self);
  return {
    // Runs one console command.
    [=](atom::command, const std::string& line) -> std::string {
      if (line == "quit") {
        begin_stop(self, caf::error{});
        return "ok: stopping";
      }
      return "error: unknown command '" + line + "'; commands: quit";
    },
    // Checks progress (stale generations are ignored).
    [=](atom::wake, uint64_t generation) {
      if (generation == self->state.generation)
        check(self);
    },
  };
}

} // namespace keepa
