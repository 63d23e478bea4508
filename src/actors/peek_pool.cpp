#include "actors/peek_pool.hpp"
#include "actors/type_ids.hpp"

#include "model/deal_rows.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <map>

namespace keepa {

namespace {

using self_ptr = peek_pool_actor::stateful_pointer<peek_pool_state>;

constexpr caf::timespan call_timeout = std::chrono::hours{24};

/// Applies the filter to each listing of an answered batch and writes
/// pending rows for survivors and rejections for the rest.
void judge(self_ptr self, const std::vector<deal>& batch,
           const keepa_body& body) {
  auto& st = self->state;
  std::map<std::string, const product*> found;
  for (auto& p : body.products)
    found.emplace(p.asin, &p);
  auto now_iso = iso_utc(st.now_ms());
  write_batch out;
  std::vector<deal_key> survivors;
  for (auto& d : batch) {
    deal_key key{d.asin, d.last_update};
    out.settles.push_back(key);
    auto i = found.find(d.asin);
    auto verdict = i != found.end()
                     ? check_peek(*i->second, st.rules)
                     : peek_verdict{"not in Keepa's product data", -1, -1};
    if (verdict.survives()) {
      out.upserts.push_back(pending_row(d, verdict, now_iso));
      survivors.push_back(key);
      ++st.stats.done_total;
    } else {
      out.rejections.push_back({d.asin, d.last_update, verdict.rejection});
      ++st.stats.rejected_total;
    }
  }
  self->send(st.links.db, atom::write_v, std::move(out));
  if (!survivors.empty())
    self->send(st.links.commit, atom::enqueue_v, std::move(survivors));
}

/// Puts a failed batch back at the front and retries after a backoff.
void requeue(self_ptr self, std::vector<deal> batch, const std::string& why) {
  auto& st = self->state;
  ++st.stats.failed_total;
  st.parked.insert(st.parked.end(), batch.begin(), batch.end());
  auto delay = st.retry.bump();
  spdlog::warn("peek_pool: batch of {} failed ({}); retry in {} s",
               batch.size(), why,
               std::chrono::duration_cast<std::chrono::seconds>(delay).count());
  if (!st.retry_armed) {
    st.retry_armed = true;
    self->delayed_send(self, delay, atom::run_v);
  }
}

/// Sends batches while the queue has listings and slots are free.
void send_batches(self_ptr self) {
  auto& st = self->state;
  while (!st.queue.empty()
         && st.stats.in_flight < st.max_in_flight) {
    auto n = std::min(st.batch, st.queue.size());
    std::vector<deal> batch(st.queue.begin(), st.queue.begin() + n);
    st.queue.erase(st.queue.begin(), st.queue.begin() + n);
    keepa_call call;
    call.kind = call_kind::peek;
    call.priority = call_priority::peek;
    call.product.params = peek_params();
    for (auto& d : batch)
      call.product.asins.push_back(d.asin);
    ++st.stats.in_flight;
    self->request(st.links.bucket, call_timeout, atom::call_v, std::move(call))
      .then(
        [=](const keepa_reply& r) {
          --self->state.stats.in_flight;
          if (r.status == call_status::ok && r.body) {
            self->state.retry.reset();
            judge(self, batch, *r.body);
          } else {
            requeue(self, batch, to_string(r.status) + std::string{": "}
                                   + r.detail);
          }
          send_batches(self);
        },
        [=](const caf::error& err) {
          --self->state.stats.in_flight;
          requeue(self, batch, to_string(err));
        });
  }
  st.stats.queued = st.queue.size() + st.parked.size();
}

} // namespace

std::vector<std::pair<std::string, std::string>> peek_params() {
  return {{"stats", "365"}, {"history", "0"}};
}

peek_pool_actor::behavior_type
make_peek_pool(peek_pool_actor::stateful_pointer<peek_pool_state> self,
               peek_links links, size_t batch, wall_clock now_ms) {
  self->state.links = std::move(links);
  self->state.batch = std::max<size_t>(1, batch);
  self->state.now_ms = std::move(now_ms);
  return {
    // Queues new listings and sends what fits.
    [=](atom::enqueue, const deal_list& deals) {
      auto& q = self->state.queue;
      q.insert(q.end(), deals->begin(), deals->end());
      send_batches(self);
    },
    // Retries after a backoff.
    [=](atom::run) {
      auto& st = self->state;
      st.retry_armed = false;
      st.queue.insert(st.queue.begin(), st.parked.begin(), st.parked.end());
      st.parked.clear();
      send_batches(self);
    },
    // Answers the pool's state.
    [=](atom::stats) {
      self->state.stats.queued = self->state.queue.size()
                                 + self->state.parked.size();
      return self->state.stats;
    },
  };
}

} // namespace keepa
