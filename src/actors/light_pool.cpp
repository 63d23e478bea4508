#include "actors/light_pool.hpp"
#include "actors/batch_queue.hpp"

#include "model/deal_rows.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace keepa {

namespace {

using self_ptr = light_pool_actor::stateful_pointer<light_pool_state>;

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
    if (i == found.end() || !has_live_data(*i->second)) {
      ++st.stats.failed_total;
      continue;
    }
    auto row = light_row(*i->second, job.basis(), now, st.settings.fees);
    if (job.status == deal_status::active
        && is_price_drop(job.price_now, job.shipping_included, row,
                         st.settings.drop_percent)) {
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

/// Sends batches, urgent jobs first, while slots are free.
void send_batches(self_ptr self) {
  send_in_batches(
    self, "light_pool",
    [](size_t lane) {
      constexpr call_priority by_class[refresh_class_count]
        = {call_priority::urgent_refresh, call_priority::due_refresh,
           call_priority::refresh};
      keepa_call call;
      call.kind = call_kind::light;
      call.priority = by_class[lane];
      call.request = product_request{{}, light_params()};
      return call;
    },
    [self](const std::vector<stored_deal>& batch, const keepa_body& body) {
      refresh(self, batch, body);
    });
}

/// Queues `job` in the lane of `cls`, or moves it there from a later lane
/// if it waits already (the copy left behind is dropped when its lane
/// comes to it); a job in an earlier lane stays where it is.
void enqueue(self_ptr self, const stored_deal& job, refresh_class cls) {
  auto& st = self->state;
  auto [i, fresh] = st.known.emplace(job.asin, cls);
  if (!fresh) {
    if (i->second <= cls)
      return;
    i->second = cls;
  }
  st.jobs.lanes[static_cast<size_t>(cls)].waiting.push_back(job);
}

} // namespace

std::vector<std::pair<std::string, std::string>> light_params() {
  return {{"stats", "30"}, {"history", "0"}};
}

light_pool_actor::behavior_type
make_light_pool(light_pool_actor::stateful_pointer<light_pool_state> self,
                light_links links, light_settings settings, wall_clock now_ms) {
  self->state.links = std::move(links);
  self->state.jobs.batch = std::max<size_t>(1, settings.batch);
  self->state.settings = std::move(settings);
  self->state.jobs.moved = [self](const stored_deal& job, size_t lane) {
    auto i = self->state.known.find(job.asin);
    return i == self->state.known.end()
           || static_cast<size_t>(i->second) != lane;
  };
  self->state.now_ms = std::move(now_ms);
  return {
    // Queues stored deals for a light refresh in their class's lane.
    [=](atom::enqueue, const light_jobs& jobs, refresh_class cls) {
      for (auto& job : jobs)
        enqueue(self, job, cls);
      send_batches(self);
    },
    // Retries the parked batches after the backoff.
    [=](atom::retry) {
      self->state.jobs.unpark();
      send_batches(self);
    },
    // Answers the pool's state.
    [=](atom::stats) {
      self->state.stats.queued = self->state.jobs.size();
      return self->state.stats;
    },
  };
}

} // namespace keepa
