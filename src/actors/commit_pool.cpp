#include "actors/commit_pool.hpp"
#include "actors/type_ids.hpp"

#include "model/deal_rows.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <map>

namespace keepa {

namespace {

using self_ptr = commit_pool_actor::stateful_pointer<commit_pool_state>;

constexpr caf::timespan call_timeout = std::chrono::hours{24};
constexpr auto db_timeout = std::chrono::seconds{60};
constexpr uint64_t resume_limit = 100000;

void send_batches(self_ptr self);

/// Queues survivors not already queued.
void enqueue(self_ptr self, const std::vector<deal_key>& keys) {
  auto& st = self->state;
  for (auto& k : keys)
    if (st.known.insert(k.asin).second)
      st.queue.push_back(k);
  send_batches(self);
}

/// Writes the full rows of an answered batch.
void commit(self_ptr self, const std::vector<deal_key>& batch,
            const keepa_body& body) {
  auto& st = self->state;
  std::map<std::string, const product*> found;
  for (auto& p : body.products)
    found.emplace(p.asin, &p);
  auto now = st.now_ms();
  write_batch out;
  for (auto& k : batch) {
    st.known.erase(k.asin);
    auto i = found.find(k.asin);
    if (i == found.end()) {
      // Stays pending; the next start retries it.
      ++st.stats.failed_total;
      spdlog::warn("commit_pool: {} missing from the heavy fetch", k.asin);
      continue;
    }
    out.upserts.push_back(full_row(*i->second, k.last_update, now, st.fees));
    ++st.stats.done_total;
  }
  self->send(st.links.db, atom::write_v, std::move(out));
}

/// Puts a failed batch back at the front and retries after a backoff.
void requeue(self_ptr self, const std::vector<deal_key>& batch,
             const std::string& why) {
  auto& st = self->state;
  ++st.stats.failed_total;
  st.parked.insert(st.parked.end(), batch.begin(), batch.end());
  auto delay = st.retry.bump();
  spdlog::warn("commit_pool: batch of {} failed ({}); retry in {} s",
               batch.size(), why,
               std::chrono::duration_cast<std::chrono::seconds>(delay).count());
  if (!st.retry_armed) {
    st.retry_armed = true;
    self->delayed_send(self, delay, atom::run_v);
  }
}

/// Sends batches while the queue has survivors and slots are free.
void send_batches(self_ptr self) {
  auto& st = self->state;
  while (!st.queue.empty()
         && st.stats.in_flight < st.max_in_flight) {
    auto n = std::min(st.batch, st.queue.size());
    std::vector<deal_key> batch(st.queue.begin(), st.queue.begin() + n);
    st.queue.erase(st.queue.begin(), st.queue.begin() + n);
    keepa_call call;
    call.kind = call_kind::commit;
    call.priority = call_priority::commit;
    call.product.params = commit_params();
    for (auto& k : batch)
      call.product.asins.push_back(k.asin);
    ++st.stats.in_flight;
    self->request(st.links.bucket, call_timeout, atom::call_v, std::move(call))
      .then(
        [=](const keepa_reply& r) {
          --self->state.stats.in_flight;
          if (r.status == call_status::ok && r.body) {
            self->state.retry.reset();
            commit(self, batch, *r.body);
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

std::vector<std::pair<std::string, std::string>> commit_params() {
  return {{"stats", "365"}, {"history", "1"}, {"offers", "20"}, {"days", "365"}};
}

commit_pool_actor::behavior_type
make_commit_pool(commit_pool_actor::stateful_pointer<commit_pool_state> self,
                 commit_links links, size_t batch, fee_settings fees,
                 wall_clock now_ms) {
  self->state.links = std::move(links);
  self->state.fees = fees;
  self->state.batch = std::max<size_t>(1, batch);
  self->state.now_ms = std::move(now_ms);
  self->request(self->state.links.db, db_timeout, atom::pending_v,
                resume_limit)
    .then(
      [=](const std::vector<std::string>& asins) {
        if (!asins.empty())
          spdlog::info("commit_pool: resuming {} pending survivors",
                       asins.size());
        std::vector<deal_key> keys;
        for (auto& a : asins)
          keys.push_back({a, -1});
        enqueue(self, keys);
      },
      [=](const caf::error& err) {
        spdlog::error("commit_pool: cannot read pending rows: {}",
                      to_string(err));
      });
  return {
    // Queues peek survivors and sends what fits.
    [=](atom::enqueue, const std::vector<deal_key>& keys) {
      enqueue(self, keys);
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
