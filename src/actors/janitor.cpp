#include "actors/janitor.hpp"
#include "actors/type_ids.hpp"
#include "model/defaults.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>

namespace keepa {

namespace {

using self_ptr = janitor_actor::stateful_pointer<janitor_state>;

/// Milliseconds of a duration.
int64_t ms_of(caf::timespan d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

/// Called with whether a pass deleted what it should, and the console's
/// line.
using pass_done = std::function<void(bool, std::string)>;

/// A retention pass: deletes the rows past retention in engine-alive time,
/// unless Keepa has not answered for the stall window or the database
/// cannot write.
void pass(self_ptr self, pass_done done) {
  self->request(self->state.links.bucket, ask_timeout, atom::stats_v)
    .then(
      [=](const bucket_stats& b) {
        auto& st = self->state;
        st.stats.last_run_iso = iso_utc(st.now_ms());
        ++st.stats.passes;
        if (b.since_success_ms > ms_of(st.settings.stall_window)) {
          st.stats.note = "ingestion stalled for "
                          + std::to_string(b.since_success_ms / 60000)
                          + " min; deleting nothing";
          spdlog::warn("janitor: {}", st.stats.note);
          done(false, "error: janitor deleted nothing, " + st.stats.note);
          return;
        }
        auto retention_ms = st.settings.retention_hours * 3600000;
        self->request(st.links.db, ask_timeout, atom::purge_v, retention_ms)
          .then(
            [=](int64_t deleted) {
              auto& st = self->state;
              st.stats.deleted_total += deleted;
              st.stats.note.clear();
              spdlog::info("janitor: deleted {} rows unseen for {} h of "
                           "engine-alive time",
                           deleted, st.settings.retention_hours);
              done(true,
                   "ok: janitor deleted " + std::to_string(deleted) + " rows");
            },
            [=](const caf::error& err) {
              self->state.stats.note = "failed: " + error_text(err);
              spdlog::error("janitor: {}; trying again at the next pass",
                            error_text(err));
              done(false, "error: janitor failed: " + error_text(err));
            });
      },
      [=](const caf::error& err) {
        self->state.stats.note = "skipped: the token bucket did not answer";
        done(false, "error: janitor skipped, the token bucket did not answer ("
                      + error_text(err) + ")");
      });
}

/// Runs the scheduled pass when the engine-alive clock reached it, and
/// stores the clock's value once it succeeded.
void run_when_due(self_ptr self, int64_t alive_ms) {
  auto& st = self->state;
  if (alive_ms < st.next_pass_alive_ms)
    return;
  st.next_pass_alive_ms = alive_ms + ms_of(st.settings.interval);
  pass(self, [=](bool ok, const std::string&) {
    if (!ok)
      return;
    write_batch b;
    b.state.emplace_back(last_pass_key, std::to_string(alive_ms));
    self->send(self->state.links.db, atom::write_v, std::move(b));
  });
}

/// Schedules the next pass an interval after the stored last one.
void load_last_pass(self_ptr self) {
  auto& st = self->state;
  self
    ->request(st.links.db, db_timeout, atom::read_state_v,
              std::string{last_pass_key})
    .then(
      [=](const std::string& value) {
        auto last = state_number(value);
        if (!last) {
          if (!value.empty())
            spdlog::warn("janitor: system_state {} is not a number ('{}'); "
                         "the next pass runs at once",
                         last_pass_key, value);
          return;
        }
        auto& st = self->state;
        st.next_pass_alive_ms = std::max(st.next_pass_alive_ms,
                                         *last + ms_of(st.settings.interval));
      },
      [=](const caf::error& err) {
        spdlog::warn("janitor: the last pass is unknown ({}); the next "
                     "runs at once",
                     error_text(err));
      });
}

/// Credits the time since the last tick while Keepa answers, then runs the
/// scheduled pass when the engine-alive clock reached it.
void tick(self_ptr self) {
  self->request(self->state.links.bucket, ask_timeout, atom::stats_v)
    .then(
      [=](const bucket_stats& b) {
        auto& st = self->state;
        auto now = self->clock().now();
        auto credit = alive_credit_ms(
          now - st.last_tick, std::chrono::milliseconds{b.since_success_ms},
          st.settings.alive_gap, b.succeeded);
        st.last_tick = now;
        if (credit <= 0)
          return;
        st.stats.credited_ms += credit;
        self->request(st.links.db, db_timeout, atom::alive_v, credit)
          .then([=](int64_t alive_ms) { run_when_due(self, alive_ms); },
                [=](const caf::error& err) {
                  spdlog::warn("janitor: the engine-alive clock did not "
                               "answer ({})",
                               error_text(err));
                });
      },
      [=](const caf::error& err) {
        // The time is not credited: a silent minute never counts.
        self->state.last_tick = self->clock().now();
        spdlog::warn("janitor: no bucket state ({})", error_text(err));
      });
}

} // namespace

int64_t alive_credit_ms(caf::timespan elapsed, caf::timespan since_success,
                        caf::timespan gap, bool succeeded) {
  if (!succeeded || elapsed <= caf::timespan{0})
    return 0;
  auto dead = std::max(caf::timespan{0}, since_success - gap);
  return ms_of(std::max(caf::timespan{0}, elapsed - dead));
}

janitor_actor::behavior_type
make_janitor(janitor_actor::stateful_pointer<janitor_state> self,
             janitor_links links, janitor_settings settings,
             wall_clock now_ms) {
  auto& st = self->state;
  st.links = std::move(links);
  st.settings = settings;
  st.now_ms = std::move(now_ms);
  st.last_tick = self->clock().now();
  load_last_pass(self);
  self->delayed_send(self, settings.tick, atom::wake_v);
  return {
    // Credits engine-alive time, runs the scheduled pass when due, and
    // re-arms.
    [=](atom::wake) {
      self->delayed_send(self, self->state.settings.tick, atom::wake_v);
      tick(self);
    },
    // Runs a retention pass now; answers the console's line.
    [=](atom::purge) -> caf::result<std::string> {
      auto rp = self->make_response_promise<std::string>();
      pass(self, [rp](bool, std::string line) mutable { rp.deliver(line); });
      return rp;
    },
    // Answers the janitor's state.
    [=](atom::stats) { return self->state.stats; },
  };
}

} // namespace keepa
