#pragma once

// What the peek, commit and light pools share: jobs waiting in lanes (in
// grant order, each lane with call slots of its own, so that a call of a
// later lane waiting in the token bucket never holds back an earlier one),
// batches of at most `batch` ASINs, failed batches parked in their lane
// until one shared backoff expires, and the loop that sends batches through
// the token bucket.

#include "actors/actors.hpp"
#include "actors/backoff.hpp"
#include "actors/defaults.hpp"
#include "actors/type_ids.hpp"
#include "model/keepa_time.hpp"

#include <caf/stateful_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <vector>

namespace keepa {

template <class Job, size_t Lanes = 1>
struct batch_queue {
  /// Jobs of one class.
  struct lane {
    std::deque<Job> waiting;
    /// Failed batches wait here for the backoff; the others go on.
    std::vector<Job> parked;
    size_t in_flight = 0;
  };

  size_t batch = 1;
  /// Calls in flight (or waiting for a grant) per lane.
  size_t max_in_flight = 2;
  std::array<lane, Lanes> lanes;
  backoff retry;
  bool retry_armed = false;
  /// True for a job left behind in lane `i` after it moved elsewhere; take()
  /// drops such jobs (moving a job never searches a lane).
  std::function<bool(const Job&, size_t i)> moved;
  /// Unset, take() serves a lane in arrival order; set, it reorders the
  /// lane's waiting jobs first (serve_best_first).
  std::function<void(std::deque<Job>&)> order;
  /// Unset, batches go out whenever a slot is free; set, only while it
  /// says yes (the pool then sends again when that changes).
  std::function<bool()> ready;
  /// Takes a batch Keepa refused for good (an error answer, an unexpected
  /// status); unset, such a batch is parked and retried like a failed one.
  std::function<void(const std::vector<Job>&, const keepa_reply&)> refused;

  /// Jobs waiting, parked ones included.
  size_t size() const {
    size_t n = 0;
    for (auto& l : lanes)
      n += l.waiting.size() + l.parked.size();
    return n;
  }

  /// Calls in flight over all lanes.
  size_t in_flight() const {
    size_t n = 0;
    for (auto& l : lanes)
      n += l.in_flight;
    return n;
  }

  /// Takes the next batch of lane `i`; empty when none waits.
  std::vector<Job> take(size_t i) {
    auto& w = lanes[i].waiting;
    if (order)
      order(w);
    std::vector<Job> out;
    while (out.size() < batch && !w.empty()) {
      if (!moved || !moved(w.front(), i))
        out.push_back(std::move(w.front()));
      w.pop_front();
    }
    return out;
  }

  /// Ends the backoff: parked jobs go first in their lane, they have
  /// waited already.
  void unpark() {
    for (auto& l : lanes) {
      l.waiting.insert(l.waiting.begin(), l.parked.begin(), l.parked.end());
      l.parked.clear();
    }
    retry_armed = false;
  }
};

/// Orders `jobs` (each with a `value` and a `queued_ms`) for take(): the
/// jobs queued more than `max_wait_ms` before `now_ms` first, oldest first,
/// so that none waits much longer than that; then the others by
/// `rank(job)`, highest first, earlier first among equals.
template <class Job, class Rank>
void serve_best_first(std::deque<Job>& jobs, int64_t now_ms,
                      int64_t max_wait_ms, Rank rank) {
  auto overdue = [&](const Job& j) {
    return now_ms - j.queued_ms > max_wait_ms;
  };
  std::stable_sort(jobs.begin(), jobs.end(), [&](const Job& a, const Job& b) {
    bool a_late = overdue(a);
    bool b_late = overdue(b);
    if (a_late != b_late)
      return a_late;
    if (a_late)
      return a.queued_ms < b.queued_ms;
    return rank(a) > rank(b);
  });
}

/// The expected profit per token of buying a listing updated by Keepa at
/// `last_update` now (`now`, Keepa minutes): its offers cost 5 tokens while
/// Keepa's data is under an hour old (with `update=1`), about 12 after.
inline double profit_per_token(double value, keepa_minutes last_update,
                               keepa_minutes now, bool update_param) {
  bool cheap = update_param && last_update >= 0 && now - last_update < 50;
  return value / (cheap ? 5.0 : 12.0);
}

/// Makes `self`'s pool (its state with `jobs`, `settings.levers` and
/// `now_ms`) serve its jobs best first: by expected profit per token,
/// within best_first_max_wait_ms.
template <class Job, class Self>
void order_best_first(Self self) {
  self->state.jobs.order = [self](std::deque<Job>& jobs) {
    auto now = self->state.now_ms();
    auto minutes = to_keepa_minutes(now);
    bool update = self->state.settings.levers.update_param;
    serve_best_first(jobs, now, best_first_max_wait_ms, [=](const Job& j) {
      return profit_per_token(j.value, j.last_update, minutes, update);
    });
  };
}

/// Parks a failed batch of lane `lane` of `self`'s pool and arms the
/// wake-up (`run`) for the end of the shared backoff, unless one is armed.
template <class Self, class Job>
void park_batch(Self self, const char* pool, size_t lane,
                const std::vector<Job>& batch, const std::string& why) {
  auto& st = self->state;
  auto& q = st.jobs;
  ++st.stats.failed_total;
  auto& parked = q.lanes[lane].parked;
  parked.insert(parked.end(), batch.begin(), batch.end());
  auto delay = q.retry.bump();
  spdlog::warn("{}: batch of {} failed ({}); retry in {} s", pool, batch.size(),
               why,
               std::chrono::duration_cast<std::chrono::seconds>(delay).count());
  if (!q.retry_armed) {
    q.retry_armed = true;
    self->delayed_send(self, delay, atom::retry_v);
  }
}

/// Sends batches of `self`'s jobs through its token bucket while their
/// lanes have free slots, earlier lanes first. `make_call(lane)` gives a
/// call's kind, priority and parameters (the ASINs are added here);
/// `on_answer(batch, body)` takes an answered batch. A failed batch, by
/// reply or by CAF error, is parked and the other jobs go on; a refused one
/// goes to the queue's `refused` when it has one.
template <class Self, class MakeCall, class OnAnswer>
void send_in_batches(Self self, const char* pool, MakeCall make_call,
                     OnAnswer on_answer) {
  auto& st = self->state;
  auto& q = st.jobs;
  for (size_t i = 0; i < q.lanes.size(); ++i) {
    while (q.lanes[i].in_flight < q.max_in_flight && (!q.ready || q.ready())) {
      auto batch = q.take(i);
      if (batch.empty())
        break;
      keepa_call call = make_call(i);
      auto& asins = std::get<product_request>(call.request).asins;
      for (auto& job : batch)
        asins.push_back(job.asin);
      ++q.lanes[i].in_flight;
      auto next = [=] {
        --self->state.jobs.lanes[i].in_flight;
        send_in_batches(self, pool, make_call, on_answer);
      };
      self
        ->request(st.links.bucket, granted_call_timeout, atom::call_v,
                  std::move(call))
        .then(
          [=](const keepa_reply& r) {
            auto& jobs = self->state.jobs;
            bool for_good = r.status == call_status::item_error
                            || r.status == call_status::unexpected;
            if (r.status == call_status::ok && r.body) {
              jobs.retry.reset();
              on_answer(batch, *r.body);
            } else if (for_good && jobs.refused) {
              jobs.refused(batch, r);
            } else {
              park_batch(self, pool, i, batch,
                         to_string(r.status) + std::string{": "} + r.detail);
            }
            next();
          },
          [=](const caf::error& err) {
            park_batch(self, pool, i, batch, to_string(err));
            next();
          });
    }
  }
  st.stats.in_flight = q.in_flight();
  st.stats.queued = q.size();
}

} // namespace keepa
