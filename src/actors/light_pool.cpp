#include "actors/light_pool.hpp"
#include "actors/type_ids.hpp"

#include "model/deal_rows.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <map>

namespace keepa {

namespace {

using self_ptr = light_pool_actor::stateful_pointer<light_pool_state>;

constexpr caf::timespan call_timeout = std::chrono::hours{24};

/// Writes the light rows of an answered batch; nothing else is touched.
void refresh(self_ptr self, const std::vector<stored_deal>& batch,
             const keepa_body& body) {
  auto& st = self->state;
  std::map<std::string, const product*> found;
  for (auto& p : body.products)
    found.emplace(p.asin, &p);
  auto now = st.now_ms();
  write_batch out;
  for (auto& job : batch) {
    st.known.erase(job.asin);
    auto i = found.find(job.asin);
    // An unknown (productType 4) or stat-less product is no sign of life:
    // writing it would keep a dead deal alive past the janitor.
    if (i == found.end() || !i->second->stats
        || i->second->product_type == 4) {
      ++st.stats.failed_total;
      continue;
    }
    auto row = light_row(*i->second, job.list_at, job.one_yr_avg, now,
                         st.fees);
    if (job.status == "active"
        && is_price_drop(job.price_now, row.find(column::price_now),
                         st.drop_percent)) {
      auto now_price = std::get<double>(*row.find(column::price_now));
      spdlog::info("price drop: {} from {:.2f} to {:.2f}", job.asin,
                   *job.price_now, now_price);
      out.drops.push_back({job.asin, *job.price_now, now_price});
    }
    out.upserts.push_back(std::move(row));
    ++st.stats.done_total;
  }
  self->send(st.links.db, atom::write_v, std::move(out));
}

/// Puts a failed batch back at the front and retries after a backoff.
void requeue(self_ptr self, const std::vector<stored_deal>& batch,
             const std::string& why) {
  auto& st = self->state;
  ++st.stats.failed_total;
  // Parked jobs come back as urgent ones: they have waited already.
  st.parked.insert(st.parked.end(), batch.begin(), batch.end());
  auto delay = st.retry.bump();
  spdlog::warn("light_pool: batch of {} failed ({}); retry in {} s",
               batch.size(), why,
               std::chrono::duration_cast<std::chrono::seconds>(delay).count());
  if (!st.retry_armed) {
    st.retry_armed = true;
    self->delayed_send(self, delay, atom::run_v);
  }
}

/// Sends batches, urgent jobs first, while slots are free.
void send_batches(self_ptr self) {
  auto& st = self->state;
  while (st.stats.in_flight < st.max_in_flight
         && (!st.urgent.empty() || !st.routine.empty())) {
    bool urgent = !st.urgent.empty();
    auto& q = urgent ? st.urgent : st.routine;
    auto n = std::min(st.batch, q.size());
    std::vector<stored_deal> batch(q.begin(), q.begin() + n);
    q.erase(q.begin(), q.begin() + n);
    keepa_call call;
    call.kind = call_kind::light;
    call.priority = urgent ? call_priority::urgent_refresh
                           : call_priority::refresh;
    call.product.params = light_params();
    for (auto& job : batch)
      call.product.asins.push_back(job.asin);
    ++st.stats.in_flight;
    self->request(st.links.bucket, call_timeout, atom::call_v, std::move(call))
      .then(
        [=](const keepa_reply& r) {
          --self->state.stats.in_flight;
          if (r.status == call_status::ok && r.body) {
            self->state.retry.reset();
            refresh(self, batch, *r.body);
          } else {
            requeue(self, batch,
                    to_string(r.status) + std::string{": "} + r.detail);
          }
          send_batches(self);
        },
        [=](const caf::error& err) {
          --self->state.stats.in_flight;
          requeue(self, batch, to_string(err));
        });
  }
  st.stats.queued = st.urgent.size() + st.routine.size() + st.parked.size();
}

} // namespace

std::vector<std::pair<std::string, std::string>> light_params() {
  return {{"stats", "30"}, {"history", "0"}};
}

light_pool_actor::behavior_type
make_light_pool(light_pool_actor::stateful_pointer<light_pool_state> self,
                light_links links, size_t batch, double drop_percent,
                fee_settings fees, wall_clock now_ms) {
  self->state.links = std::move(links);
  self->state.fees = fees;
  self->state.drop_percent = drop_percent;
  self->state.batch = std::max<size_t>(1, batch);
  self->state.now_ms = std::move(now_ms);
  return {
    // Queues stored deals for a light refresh, once each.
    [=](atom::enqueue, const light_jobs& jobs, bool urgent) {
      auto& st = self->state;
      for (auto& job : jobs)
        if (st.known.insert(job.asin).second)
          (urgent ? st.urgent : st.routine).push_back(job);
      send_batches(self);
    },
    // Retries after a backoff.
    [=](atom::run) {
      auto& st = self->state;
      st.retry_armed = false;
      st.urgent.insert(st.urgent.begin(), st.parked.begin(), st.parked.end());
      st.parked.clear();
      send_batches(self);
    },
    // Answers the pool's state.
    [=](atom::stats) {
      self->state.stats.queued = self->state.urgent.size()
                                 + self->state.routine.size()
                                 + self->state.parked.size();
      return self->state.stats;
    },
  };
}

} // namespace keepa
