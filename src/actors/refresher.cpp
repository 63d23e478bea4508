#include "actors/refresher.hpp"
#include "actors/type_ids.hpp"
#include "model/defaults.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace keepa {

namespace {

using self_ptr = refresher_actor::stateful_pointer<refresher_state>;

/// At most this many rows near their deadline per pass.
constexpr uint64_t deadline_limit = 20000;

/// The learned cost of one light refresh.
double light_cost(const bucket_stats& b) {
  return std::max(0.01, b.cost_per_item[call_kind::light]);
}

/// Queues `jobs[from, to)` in the light pool's lane `cls`.
void queue(self_ptr self, const light_jobs& jobs, size_t from, size_t to,
           refresh_class cls) {
  to = std::min(to, jobs.size());
  if (from >= to)
    return;
  light_jobs part(jobs.begin() + static_cast<long>(from),
                  jobs.begin() + static_cast<long>(to));
  self->state.stats.queued_total += part.size();
  self->send(self->state.links.light, atom::enqueue_v, std::move(part), cls);
}

/// Tells the peek pool whether `active` rows leave room for new rows,
/// and logs when that changes.
void tell_room(self_ptr self, int64_t active) {
  auto& st = self->state.stats;
  bool room = active < st.keep_capacity;
  if (room != st.room)
    spdlog::info(room ? "refresher: {} active rows, under the {} the plan "
                        "refreshes on time: new listings are peeked again"
                      : "refresher: {} active rows fill the {} the plan "
                        "refreshes on time: no new listing is peeked until "
                        "there is room",
                 active, st.keep_capacity);
  st.active_last = active;
  st.room = room;
  if (self->state.links.peek)
    self->send(self->state.links.peek, atom::room_v, room);
}

/// Queues the rows near their deadline, then the due rows within the
/// budget `b` allows.
void pass(self_ptr self, const bucket_stats& b) {
  auto& st = self->state;
  auto& s = st.settings;
  st.stats.capacity = capacity(b.refill_per_min, s.retention_hours,
                               light_cost(b));
  st.stats.fresh_capacity = fresh_capacity(
    b.refill_per_min, s.refresh_after_hours, s.due_share, light_cost(b));
  st.stats.keep_capacity = fresh_capacity(
    b.refill_per_min, s.refresh_after_hours, s.keep_share, light_cost(b));
  auto now = st.now_ms();
  st.stats.last_run_iso = iso_utc(now);
  ++st.stats.passes;
  auto budget = pass_budget(b, s.interval, s.due_share);
  refresh_query q;
  q.deadline_age_ms = static_cast<int64_t>(
    s.deadline_share * static_cast<double>(s.retention_hours) * 3600000);
  q.deadline_limit = deadline_limit;
  auto due_before = iso_utc(now - s.refresh_after_hours * 3600000);
  // Spare tokens also buy rows not due yet (oldest fetch first, so the due
  // rows still come first and take the due share).
  q.fetched_before_iso = budget.idle > 0 ? iso_utc(now - s.spare_after.count())
                                         : due_before;
  q.due_limit = budget.due + budget.idle;
  self->request(st.links.db, ask_timeout, atom::stale_v, q)
    .then(
      [=](const refresh_due& found) {
        auto& st = self->state;
        st.stats.deadline_last = found.deadline.size();
        st.stats.due_last = found.due.size();
        tell_room(self, found.active);
        if (!found.deadline.empty())
          spdlog::info("refresher: {} deals near the retention "
                       "deadline queued first",
                       found.deadline.size());
        queue(self, found.deadline, 0, found.deadline.size(),
              refresh_class::deadline);
        // Oldest fetch first: the rows past refresh_after_hours are a
        // prefix; only they count against the due share.
        auto due_rows = static_cast<size_t>(
          std::partition_point(found.due.begin(), found.due.end(),
                               [&](const stored_deal& d) {
                                 return d.last_fetch_utc < due_before;
                               })
          - found.due.begin());
        auto due_part = std::min<size_t>(budget.due, due_rows);
        queue(self, found.due, 0, due_part, refresh_class::due);
        queue(self, found.due, due_part, found.due.size(), refresh_class::idle);
      },
      [=](const caf::error& err) {
        spdlog::error("refresher: {}", error_text(err));
      });
}

/// Asks the bucket for Keepa's plan and balance, runs a pass with them and
/// arms the next one. Until the bucket has heard from Keepa its balance and
/// refill are zeros that buy nothing (and stale while it re-reads them):
/// the pass waits for them, asking again every `plan_wait`.
void plan(self_ptr self) {
  auto& st = self->state;
  self->request(st.links.bucket, ask_timeout, atom::stats_v)
    .then(
      [=](const bucket_stats& b) {
        auto& s = self->state.settings;
        if (!b.synced) {
          self->delayed_send(self, s.plan_wait, atom::wake_v);
          return;
        }
        self->delayed_send(self, s.interval, atom::wake_v);
        pass(self, b);
      },
      [=](const caf::error& err) {
        spdlog::warn("refresher: no bucket state ({})", error_text(err));
        self->delayed_send(self, self->state.settings.interval, atom::wake_v);
      });
}

} // namespace

int64_t capacity(int64_t refill_per_min, int64_t retention_hours,
                 double light_cost) {
  auto tokens = static_cast<double>(refill_per_min) * 60.0
                * static_cast<double>(retention_hours);
  return static_cast<int64_t>(std::floor(tokens / std::max(0.01, light_cost)));
}

int64_t fresh_capacity(int64_t refill_per_min, int64_t refresh_after_hours,
                       double due_share, double light_cost) {
  auto tokens = due_share * static_cast<double>(refill_per_min) * 60.0
                * static_cast<double>(refresh_after_hours);
  return static_cast<int64_t>(std::floor(tokens / std::max(0.01, light_cost)));
}

refresh_budget pass_budget(const bucket_stats& b, caf::timespan interval,
                           double due_share) {
  auto minutes
    = std::chrono::duration<double, std::ratio<60>>{interval}.count();
  auto refill = static_cast<double>(b.refill_per_min) * minutes;
  auto cost = light_cost(b);
  refresh_budget out;
  out.due = static_cast<uint64_t>(std::ceil(due_share * refill / cost));
  if (b.waiting == 0) {
    auto spare = std::max(0.0, b.balance) + refill;
    out.idle = static_cast<uint64_t>(std::floor(spare / cost));
  }
  return out;
}

refresher_actor::behavior_type
make_refresher(refresher_actor::stateful_pointer<refresher_state> self,
               refresher_links links, refresher_settings settings,
               wall_clock now_ms) {
  self->state.links = std::move(links);
  self->state.settings = settings;
  self->state.now_ms = std::move(now_ms);
  self->send(self, atom::wake_v);
  return {
    // Runs a pass once Keepa's plan is known, and arms the next one.
    [=](atom::wake) { plan(self); },
    // Answers the refresher's state.
    [=](atom::stats) { return self->state.stats; },
  };
}

} // namespace keepa
