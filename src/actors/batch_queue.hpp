#pragma once

// What the peek, commit and light pools share: jobs waiting in two lanes,
// batches of at most `batch` ASINs while fewer than `max_in_flight` calls
// run, failed batches parked until one shared backoff expires, and the loop
// that sends batches through the token bucket.

#include "actors/actors.hpp"
#include "actors/backoff.hpp"
#include "actors/type_ids.hpp"

#include <caf/stateful_actor.hpp>
#include <spdlog/spdlog.h>

#include <deque>
#include <vector>

namespace keepa {

template <class Job>
struct batch_queue {
  size_t batch = 1;
  size_t max_in_flight = 2;
  std::deque<Job> urgent;
  std::deque<Job> routine;
  /// Failed batches wait here for their backoff; the others go on.
  std::vector<Job> parked;
  backoff retry;
  bool retry_armed = false;

  /// Jobs waiting, parked ones included.
  size_t size() const {
    return urgent.size() + routine.size() + parked.size();
  }

  /// Takes the next batch, urgent jobs first; empty when none waits.
  std::vector<Job> take(bool& from_urgent) {
    from_urgent = !urgent.empty();
    auto& lane = from_urgent ? urgent : routine;
    auto n = std::min(batch, lane.size());
    std::vector<Job> out(lane.begin(), lane.begin() + n);
    lane.erase(lane.begin(), lane.begin() + n);
    return out;
  }

  /// Ends the backoff: parked jobs go first, they have waited already.
  void unpark() {
    urgent.insert(urgent.begin(), parked.begin(), parked.end());
    parked.clear();
    retry_armed = false;
  }
};

/// Parks a failed batch of `self`'s pool and arms the wake-up (`run`) for
/// the end of the shared backoff, unless one is armed already.
template <class Self, class Job>
void park_batch(Self self, const char* pool, const std::vector<Job>& batch,
                const std::string& why) {
  auto& st = self->state;
  auto& q = st.jobs;
  ++st.stats.failed_total;
  q.parked.insert(q.parked.end(), batch.begin(), batch.end());
  auto delay = q.retry.bump();
  spdlog::warn("{}: batch of {} failed ({}); retry in {} s", pool,
               batch.size(), why,
               std::chrono::duration_cast<std::chrono::seconds>(delay).count());
  if (!q.retry_armed) {
    q.retry_armed = true;
    self->delayed_send(self, delay, atom::run_v);
  }
}

/// Sends batches of `self`'s jobs through its token bucket while slots are
/// free. `make_call(urgent)` gives a call's kind, priority and parameters
/// (the ASINs are added here); `on_answer(batch, body)` takes an answered
/// batch; a failed one is parked.
template <class Self, class MakeCall, class OnAnswer>
void send_in_batches(Self self, const char* pool, MakeCall make_call,
                     OnAnswer on_answer) {
  constexpr caf::timespan call_timeout = std::chrono::hours{24};
  auto& st = self->state;
  while (st.stats.in_flight < st.jobs.max_in_flight) {
    bool urgent = false;
    auto batch = st.jobs.take(urgent);
    if (batch.empty())
      break;
    keepa_call call = make_call(urgent);
    for (auto& job : batch)
      call.product.asins.push_back(job.asin);
    ++st.stats.in_flight;
    self->request(st.links.bucket, call_timeout, atom::call_v, std::move(call))
      .then(
        [=](const keepa_reply& r) {
          --self->state.stats.in_flight;
          if (r.status == call_status::ok && r.body) {
            self->state.jobs.retry.reset();
            on_answer(batch, *r.body);
          } else {
            park_batch(self, pool, batch,
                       to_string(r.status) + std::string{": "} + r.detail);
          }
          send_in_batches(self, pool, make_call, on_answer);
        },
        [=](const caf::error& err) {
          --self->state.stats.in_flight;
          park_batch(self, pool, batch, to_string(err));
        });
  }
  st.stats.queued = st.jobs.size();
}

} // namespace keepa
