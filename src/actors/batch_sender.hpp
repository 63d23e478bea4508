#pragma once

// The loop the peek, commit and light pools share to send their batch_queue
// through the token bucket, and what it does with each answer: an answered
// batch goes to the pool, a refused one is split or given up, a failed one
// is parked under its lane's backoff.

#include "actors/actors.hpp"
#include "actors/batch_queue.hpp"
#include "actors/type_ids.hpp"
#include "model/defaults.hpp"

#include <caf/stateful_actor.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <string>
#include <vector>

namespace keepa {

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
/// wake-up (`retry`) for the end of that lane's backoff, unless one is
/// armed.
template <class Self, class Job>
void park_batch(Self self, const char* pool, size_t lane,
                std::vector<Job> batch, const std::string& why) {
  auto& st = self->state;
  auto& l = st.jobs.at(lane);
  ++st.stats.failed_total;
  auto delay = l.retry.bump();
  spdlog::warn("{}: batch of {} failed ({}); retry in {} s", pool, batch.size(),
               why,
               std::chrono::duration_cast<std::chrono::seconds>(delay).count());
  st.jobs.park(lane, std::move(batch));
  if (!l.retry_armed) {
    l.retry_armed = true;
    self->delayed_send(self, delay, atom::retry_v, uint64_t{lane});
  }
}

/// True for an answer that will not change if the batch is asked again.
inline bool refused_for_good(const keepa_reply& r) {
  return r.status == call_status::item_error
         || r.status == call_status::unexpected
         || r.status == call_status::too_large;
}

/// Takes a batch of lane `lane` that Keepa or the bucket refused for good.
/// A batch too large for the bucket goes out again at once in halves (and
/// the pool's batches stay that small); any other is given up to
/// `give_up`, which says in one log line what became of it.
template <class Self, class Job, class GiveUp>
void take_refusal(Self self, const char* pool, size_t lane,
                  std::vector<Job> batch, const keepa_reply& r,
                  const GiveUp& give_up) {
  auto& q = self->state.jobs;
  if (r.status == call_status::too_large && batch.size() > 1) {
    q.batch = std::max<size_t>(1, batch.size() / 2);
    spdlog::warn("{}: a batch of {} is too large for the token bucket ({}); "
                 "batches of {} from now on",
                 pool, batch.size(), r.detail, q.batch);
    q.put_back(lane, std::move(batch));
    return;
  }
  ++self->state.stats.refused_total;
  q.finish(lane, batch);
  give_up(batch, r);
}

/// Sends batches of `self`'s jobs through its token bucket while their
/// lanes have free slots, earlier lanes first, and while `ready()` says
/// yes. `make_call(lane)` gives a call's kind, priority and parameters (the
/// ASINs are added here); `on_answer(batch, body)` takes an answered
/// batch; `give_up(batch, reply)` one refused for good (take_refusal).
template <class Self, class Ready, class MakeCall, class OnAnswer, class GiveUp>
void send_in_batches(Self self, const char* pool, Ready ready,
                     MakeCall make_call, OnAnswer on_answer, GiveUp give_up) {
  auto& st = self->state;
  auto& q = st.jobs;
  for (size_t i = 0; i < q.lane_count(); ++i) {
    while (q.at(i).in_flight < q.max_in_flight && ready()) {
      auto batch = q.take(i);
      if (batch.empty())
        break;
      keepa_call call = make_call(i);
      call.id = q.last_call();
      auto& asins = std::get<product_request>(call.request).asins;
      for (auto& job : batch)
        asins.push_back(job.asin);
      auto next = [=] {
        send_in_batches(self, pool, ready, make_call, on_answer, give_up);
      };
      self
        ->request(st.links.bucket, granted_call_timeout, atom::call_v,
                  std::move(call))
        .then(
          [=](const keepa_reply& r) mutable {
            auto& jobs = self->state.jobs;
            if (r.status == call_status::ok && r.body) {
              jobs.at(i).retry.reset();
              jobs.finish(i, batch);
              on_answer(batch, *r.body);
            } else if (refused_for_good(r)) {
              take_refusal(self, pool, i, std::move(batch), r, give_up);
            } else {
              park_batch(self, pool, i, std::move(batch),
                         to_string(r.status) + std::string{": "} + r.detail);
            }
            next();
          },
          [=](const caf::error& err) mutable {
            park_batch(self, pool, i, std::move(batch), to_string(err));
            next();
          });
    }
  }
  st.stats.in_flight = q.in_flight();
  st.stats.queued = q.size();
}

/// A `ready` for send_in_batches that always says yes.
inline bool always_ready() {
  return true;
}

} // namespace keepa
