#include "actors/engine.hpp"
#include "actors/type_ids.hpp"
#include "model/defaults.hpp"

#include "actors/collect.hpp"
#include "actors/dump.hpp"
#include "actors/errors.hpp"
#include "actors/pipeline_settings.hpp"
#include "actors/status_line.hpp"
#include "actors/watermark.hpp"
#include "io/console_command.hpp"

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <functional>
#include <limits>
#include <optional>
#include <tuple>

namespace keepa {

namespace {

using self_ptr = engine_actor::stateful_pointer<engine_state>;

constexpr size_t restart_budget = 5;
constexpr auto restart_window = std::chrono::minutes{10};

/// Tells the bucket whether to hold grants: while the console paused it or
/// the database cannot write.
void apply_pause(self_ptr self) {
  auto& st = self->state;
  self->send(st.actors.bucket, atom::pause_v, st.paused || st.write_hold);
}

/// Spawns every actor of the pipeline and monitors it.
void spawn_pipeline(self_ptr self) {
  auto& st = self->state;
  auto& o = st.options;
  auto& a = st.actors;
  auto s = pipeline_settings_from(o);
  a.bucket = self->spawn(make_token_bucket, o.client, s.bucket);
  a.db = o.detached_db
           ? self->spawn<caf::detached>(make_db_writer, s.db, o.now_ms)
           : self->spawn(make_db_writer, s.db, o.now_ms);
  a.watermark = self->spawn(make_watermark, a.db, o.now_ms);
  self->send(a.db, atom::subscribe_v, a.watermark);
  self->send(a.db, atom::subscribe_v, caf::actor_cast<engine_actor>(self));
  a.commit = self->spawn(make_commit_pool, commit_links{a.bucket, a.db},
                         s.commit, o.now_ms);
  a.light = self->spawn(make_light_pool, light_links{a.bucket, a.db}, s.light,
                        o.now_ms);
  a.peek = self->spawn(make_peek_pool,
                       peek_links{a.bucket, a.db, a.commit, a.watermark},
                       s.peek, o.now_ms);
  a.router = self->spawn(make_router,
                         router_links{a.db, a.watermark, a.peek, a.light},
                         s.router, o.now_ms);
  a.scout = self->spawn(
    make_scout, scout_links{a.bucket, a.router, a.watermark, a.peek}, s.scout);
  a.janitor = self->spawn(make_janitor, janitor_links{a.bucket, a.db},
                          s.janitor, o.now_ms);
  a.refresher = self->spawn(make_refresher,
                            refresher_links{a.bucket, a.db, a.light, a.peek},
                            s.refresher, o.now_ms);
  a.alerts = self->spawn(make_alerts, alerts_links{a.db, o.webhook}, s.alerts,
                         o.now_ms);
  st.alive->clear();
  auto watch = [&](const auto& h) {
    self->monitor(h);
    st.alive->push_back(h.address());
  };
  watch(a.bucket);
  watch(a.db);
  watch(a.watermark);
  watch(a.commit);
  watch(a.light);
  watch(a.peek);
  watch(a.router);
  watch(a.scout);
  watch(a.refresher);
  watch(a.janitor);
  watch(a.alerts);
  // A new db_writer says so itself if it cannot write either.
  st.write_hold = false;
  apply_pause(self);
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
  self->send_exit(a.refresher, reason);
  self->send_exit(a.janitor, reason);
  self->send_exit(a.alerts, reason);
  self->send_exit(a.router, reason);
  self->send_exit(a.peek, reason);
  self->send_exit(a.commit, reason);
  self->send_exit(a.light, reason);
  self->send_exit(a.bucket, reason);
  self->send_exit(a.watermark, reason);
  self->request(a.db, db_timeout, atom::flush_v)
    .then(
      [=](uint64_t written) {
        spdlog::info("engine: {} rows written in total", written);
        self->send_exit(self->state.actors.db, caf::exit_reason::user_shutdown);
      },
      [=](const caf::error& err) {
        auto& st = self->state;
        auto why = error_text(err);
        spdlog::error("engine: the final write failed ({}); the deals not "
                      "written are listed again on the next start",
                      why);
        if (!st.exit_reason)
          st.exit_reason = make_engine_error(engine_errc::final_write,
                                             "the final write failed: " + why);
        self->send_exit(st.actors.db, caf::exit_reason::user_shutdown);
      });
}

/// Starts an ordered stop: no new grants, let calls in flight land. A
/// second stop during the drain stops at once, flushing what was written.
void begin_stop(self_ptr self, caf::error reason) {
  auto& st = self->state;
  if (st.phase == engine_phase::closing)
    return;
  if (st.phase == engine_phase::draining) {
    spdlog::warn("engine: stopping now, without the calls in flight");
    st.phase = engine_phase::closing;
    close_pipeline(self);
    return;
  }
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

/// Holds every grant while the database cannot write (a full disk, say):
/// what Keepa would sell meanwhile could not be stored. Releases them once
/// the db_writer's retry succeeds.
void hold_while_writes_fail(self_ptr self, bool failing,
                            const std::string& why) {
  auto& st = self->state;
  if (failing == st.write_hold || st.phase != engine_phase::running)
    return;
  st.write_hold = failing;
  apply_pause(self);
  if (!failing) {
    spdlog::info("engine: the database writes again; requests resume");
    return;
  }
  spdlog::error("engine: the database cannot write ({}); no Keepa request "
                "until it can",
                why);
  // --once has no one to wait for the disk: it stops and says why.
  if (st.options.once)
    begin_stop(self, make_engine_error(engine_errc::cannot_write,
                                       "the database cannot write: " + why));
}

/// Checks progress: the end of --once, or the end of a drain.
void check(self_ptr self) {
  collect(self, self->state.actors, [=](std::optional<pipeline_snapshot> snap) {
    auto& st = self->state;
    auto now = self->clock().now();
    if (st.phase == engine_phase::draining) {
      // Two quiet checks in a row: replies delivered before the first have
      // been handled (and written) by the second.
      st.quiet_checks = snap && snap->quiet() ? st.quiet_checks + 1 : 0;
      if (st.quiet_checks >= 2
          || now - st.drain_started > st.options.stop_grace) {
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
      begin_stop(self, make_engine_error(engine_errc::key_refused,
                                         snap->bucket.halted));
    } else if (snap && snap->drained() && !st.once_done) {
      // A refused query ends --once as a failure, after the other stages
      // have landed what they had.
      st.once_done = true;
      auto outcome = snap->scout.query_refused.empty()
                       ? caf::error{}
                       : make_engine_error(engine_errc::query_refused,
                                           snap->scout.query_refused);
      self->request(st.actors.janitor, engine_ask_timeout, atom::purge_v)
        .then([=](const std::string&) { begin_stop(self, outcome); },
              [=](const caf::error&) { begin_stop(self, outcome); });
    } else {
      schedule_check(self);
    }
  });
}

/// Restarts the whole pipeline after a crash, within the restart budget.
void on_child_down(self_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  st.alive->erase(std::remove(st.alive->begin(), st.alive->end(), msg.source),
                  st.alive->end());
  if (st.phase == engine_phase::running) {
    auto now = self->clock().now();
    while (!st.restarts.empty() && now - st.restarts.front() > restart_window)
      st.restarts.pop_front();
    spdlog::error("engine: an actor stopped unexpectedly: {}",
                  to_string(msg.reason));
    if (st.restarts.size() >= restart_budget) {
      st.exit_reason = make_engine_error(engine_errc::too_many_restarts,
                                         "too many restarts");
      st.phase = engine_phase::closing;
    } else {
      st.restarts.push_back(now);
      st.phase = engine_phase::restarting;
    }
    for (auto& addr : *st.alive)
      self->send_exit(addr, caf::exit_reason::user_shutdown);
  }
  if (!st.alive->empty())
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

/// Looks one ASIN up and calls `found` with its stored rows; answers
/// `done` itself when it is not in the database or the lookup fails.
void with_stored(self_ptr self, const std::string& asin,
                 std::function<void(std::string)> done,
                 std::function<void(const lookup_result&)> found) {
  self
    ->request(self->state.actors.db, engine_ask_timeout, atom::lookup_v,
              std::vector<std::string>{asin})
    .then(
      [=](const lookup_result& result) {
        if (result.stored.empty())
          done("error: " + asin + " is not in the database");
        else
          found(result);
      },
      [=](const caf::error& err) { done("error: " + error_text(err)); });
}

/// Queues a light refresh of one stored deal now.
void refresh_one(self_ptr self, const std::string& asin,
                 std::function<void(std::string)> done) {
  with_stored(self, asin, done, [=](const lookup_result& found) {
    self->send(self->state.actors.light, atom::enqueue_v,
               light_jobs{found.stored}, refresh_class::deadline);
    done("ok: light refresh of " + asin + " queued");
  });
}

/// Queues a heavy fetch of one stored deal, first in line: its live
/// offers decide its price (a seller's verify).
void verify_one(self_ptr self, const std::string& asin,
                std::function<void(std::string)> done) {
  with_stored(self, asin, done, [=](const lookup_result& found) {
    auto& row = found.stored.front();
    survivor job;
    job.asin = asin;
    job.last_update = row.keepa_last_update;
    job.value = std::numeric_limits<double>::max();
    job.queued_ms = 0;
    job.verify = true;
    job.by_seller = true;
    self->send(self->state.actors.commit, atom::enqueue_v,
               std::vector<survivor>{job});
    done("ok: offers of " + asin + " queued");
  });
}

/// Writes the seller's mark on a stored row and commits it before
/// answering, so that a page loaded after the answer shows it.
void mark_one(self_ptr self, const console_command& cmd,
              std::function<void(std::string)> done) {
  auto asin = cmd.name;
  auto mark = cmd.mark;
  with_stored(self, asin, done, [=](const lookup_result&) {
    deal_update u{asin, {}, write_mode::update_only};
    u.set(column::mark, mark.empty() ? cell{} : cell{mark});
    write_batch batch;
    batch.upserts.push_back(std::move(u));
    auto& a = self->state.actors;
    self->send(a.db, atom::write_v, std::move(batch));
    self->request(a.db, engine_ask_timeout, atom::flush_v)
      .then(
        [=](uint64_t) {
          done("ok: " + asin
               + (mark.empty() ? " unmarked" : " marked " + mark));
        },
        [=](const caf::error& err) { done("error: " + error_text(err)); });
  });
}

/// Moves the watermark back and starts a cycle that reads from there.
void rewind(self_ptr self, int64_t hours,
            std::function<void(std::string)> done) {
  auto& a = self->state.actors;
  self->request(a.watermark, engine_ask_timeout, atom::rewind_v, hours)
    .then(
      [=](keepa_minutes wm) {
        auto& a = self->state.actors;
        self->send(a.router, atom::rewind_v);
        self->send(a.scout, atom::rewind_v, wm);
        if (wm < 0)
          done("error: there is no watermark yet to rewind");
        else
          done("ok: watermark rewound " + std::to_string(hours) + " h to "
               + keepa_minutes_iso(wm));
      },
      [=](const caf::error& err) { done("error: " + error_text(err)); });
}

/// Renders a fresh snapshot with `render` and calls `done` with the text.
void render_fresh(
  self_ptr self,
  std::function<std::string(const pipeline_snapshot&, engine_facts)> render,
  std::function<void(std::string)> done) {
  collect(self, self->state.actors, [=](std::optional<pipeline_snapshot> snap) {
    if (!snap) {
      done("error: the pipeline did not answer in time");
      return;
    }
    auto& st = self->state;
    engine_facts facts{st.options.now_ms(), st.paused, {}, "", ""};
    if (st.options.board)
      std::tie(facts.web_json, facts.web_problem) = st.options.board();
    done(render(*snap, facts));
  });
}

/// The rates since `mark`, which moves on to `s` at `now_ms`.
status_rates advance_mark(status_mark& mark, const pipeline_snapshot& s,
                          int64_t now_ms) {
  auto now = status_mark_of(s, now_ms);
  auto rates = rates_since(mark, now);
  mark = now;
  return rates;
}

/// Answers `status` or `dump` from a fresh snapshot.
void report(self_ptr self, const console_command& cmd,
            std::function<void(std::string)> done) {
  render_fresh(
    self,
    [=](const pipeline_snapshot& snap, engine_facts f) -> std::string {
      if (cmd.verb == console_verb::dump) {
        auto json = render_dump(snap, f, cmd.name);
        return json ? *json : "error: no member '" + cmd.name + "' in the dump";
      }
      f.rates = advance_mark(self->state.last_status, snap, f.now_ms);
      return render_status(snap, f);
    },
    std::move(done));
}

/// `alerts test` (a message to every target, each answer printed) or
/// `alerts retry` (stopped targets send again).
void alerts_command(self_ptr self, const std::string& what,
                    std::function<void(std::string)> done) {
  auto on_error = [=](const caf::error& err) {
    done("error: the alerts did not answer: " + error_text(err));
  };
  auto& alerts = self->state.actors.alerts;
  // The targets answer in parallel, each within the webhook timeout (15 s),
  // and the console waits 30 s.
  auto timeout = std::chrono::seconds{25};
  if (what == "test")
    self->request(alerts, timeout, atom::test_v)
      .then([=](const std::string& lines) { done(lines); }, on_error);
  else
    self->request(alerts, engine_ask_timeout, atom::retry_v)
      .then([=](const std::string& line) { done(line); }, on_error);
}

/// Executes one console command and calls `done` with the answer.
void execute(self_ptr self, const console_command& cmd,
             std::function<void(std::string)> done) {
  auto& st = self->state;
  switch (cmd.verb) {
    case console_verb::status:
    case console_verb::dump:
      report(self, cmd, std::move(done));
      break;
    case console_verb::pause:
    case console_verb::resume:
      st.paused = cmd.verb == console_verb::pause;
      apply_pause(self);
      done(st.paused       ? "ok: paused; no Keepa request will be sent"
           : st.write_hold ? "ok: resumed, but requests stay held until the "
                             "database can write"
                           : "ok: resumed");
      break;
    case console_verb::rewind:
      rewind(self, cmd.hours, std::move(done));
      break;
    case console_verb::refresh:
      refresh_one(self, cmd.name, std::move(done));
      break;
    case console_verb::verify:
      verify_one(self, cmd.name, std::move(done));
      break;
    case console_verb::mark:
      mark_one(self, cmd, std::move(done));
      break;
    case console_verb::janitor:
      self->request(st.actors.janitor, engine_ask_timeout, atom::purge_v)
        .then([=](const std::string& line) { done(line); },
              [=](const caf::error& err) {
                done("error: the janitor did not answer: " + error_text(err));
              });
      break;
    case console_verb::alerts:
      alerts_command(self, cmd.name, std::move(done));
      break;
    case console_verb::quit:
      begin_stop(self, caf::error{});
      done("ok: stopping");
      break;
  }
}

} // namespace

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
  self->attach_functor([alive = self->state.alive](const caf::error&) {
    for (auto& addr : *alive)
      caf::anon_send_exit(addr, caf::exit_reason::kill);
  });
  spawn_pipeline(self);
  if (self->state.options.once)
    schedule_check(self);
  return {
    // Runs one console command; answers the line(s) to print.
    [=](atom::command, const std::string& line) -> caf::result<std::string> {
      auto parsed = parse_console_command(line);
      if (auto* err = std::get_if<console_error>(&parsed))
        return err->answer;
      auto rp = self->make_response_promise<std::string>();
      execute(self, std::get<console_command>(parsed),
              [rp](std::string answer) mutable {
                rp.deliver(std::move(answer));
              });
      return rp;
    },
    // Answers the live status line in at most `width` characters.
    [=](atom::live, uint32_t width) -> caf::result<std::string> {
      auto rp = self->make_response_promise<std::string>();
      render_fresh(
        self,
        [=](const pipeline_snapshot& snap, engine_facts f) {
          f.rates = advance_mark(self->state.last_live, snap, f.now_ms);
          return render_live_status(snap, f, width);
        },
        [rp](std::string line) mutable { rp.deliver(std::move(line)); });
      return rp;
    },
    // Holds or releases grants as the database stops or starts writing.
    [=](atom::health, bool failing, const std::string& why) {
      hold_while_writes_fail(self, failing, why);
    },
    // Checks progress (stale generations are ignored).
    [=](atom::wake, uint64_t generation) {
      if (generation == self->state.generation)
        check(self);
    },
  };
}

} // namespace keepa
