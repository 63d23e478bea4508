#include "actors/light_pool.hpp"
#include "actors/batch_sender.hpp"

#include "model/deal_rows.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

namespace keepa {

namespace {

using self_ptr = light_pool_actor::stateful_pointer<light_pool_state>;

/// Counts a refresh Keepa answered without a live product; the row is
/// marked gone (into `out`) after gone_after_misses in a row.
void count_miss(light_pool_state& st, const stored_deal& job,
                write_batch& out) {
  ++st.stats.failed_total;
  if (++st.misses[job.asin] < st.settings.gone_after_misses)
    return;
  st.misses.erase(job.asin);
  ++st.stats.gone_total;
  spdlog::info("light_pool: {} marked gone: Keepa returned no live product "
               "for it {} times in a row",
               job.asin, st.settings.gone_after_misses);
  out.upserts.push_back(gone_row(job.asin));
}

/// Writes the light rows of an answered batch; nothing else is touched.
void refresh(self_ptr self, const std::vector<stored_deal>& batch,
             const keepa_body& body) {
  auto& st = self->state;
  std::map<std::string, const product*> found;
  for (auto& p : body.products)
    found.emplace(p.asin, &p);
  auto now = st.now_ms();
  write_batch out;
  for (auto& sent : batch) {
    auto fresher = st.newer.find(sent.asin);
    auto job = fresher == st.newer.end() ? sent : fresher->second;
    if (fresher != st.newer.end())
      st.newer.erase(fresher);
    auto i = found.find(job.asin);
    if (i == found.end() || !has_live_data(*i->second)) {
      count_miss(st, job, out);
      continue;
    }
    st.misses.erase(job.asin);
    auto row = light_row(*i->second, job.basis(), now, st.settings.fees);
    if (job.status == deal_status::active
        && is_price_drop(job.price_now, job.price_basis, row,
                         st.settings.drop_percent)) {
      auto now_price = std::get<double>(*row.find(column::price_now));
      spdlog::info("price drop: {} from {:.2f} to {:.2f}", job.asin,
                   *job.price_now, now_price);
      out.drops.push_back({job.asin, *job.price_now, now_price});
    }
    out.upserts.push_back(std::move(row));
    ++st.stats.done_total;
  }
  if (!out.upserts.empty())
    self->send(st.links.db, atom::write_v, std::move(out));
}

/// The grant class of a lane's calls.
call_priority priority_of(refresh_class cls) {
  constexpr call_priority by_class[refresh_class_count]
    = {call_priority::urgent_refresh, call_priority::due_refresh,
       call_priority::refresh};
  return by_class[static_cast<size_t>(cls)];
}

/// Sends batches, urgent jobs first, while slots are free.
void send_batches(self_ptr self) {
  send_in_batches(
    self, "light_pool", always_ready,
    [](size_t lane) {
      keepa_call call;
      call.kind = call_kind::light;
      call.priority = priority_of(static_cast<refresh_class>(lane));
      call.request = product_request{{}, light_params()};
      return call;
    },
    [self](const std::vector<stored_deal>& batch, const keepa_body& body) {
      refresh(self, batch, body);
    },
    // The rows stay as they are; the refresher queues them again at its
    // next pass.
    [self](const std::vector<stored_deal>& batch, const keepa_reply& r) {
      for (auto& job : batch)
        self->state.newer.erase(job.asin);
      spdlog::error("light_pool: Keepa refused a batch of {} ({}: {}); "
                    "these rows are not refreshed now",
                    batch.size(), to_string(r.status), r.detail);
    });
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
  self->state.now_ms = std::move(now_ms);
  return {
    // Queues stored deals for a light refresh in their class's lane (a
    // deal queued already moves up, never down; one in flight stays).
    [=](atom::enqueue, const light_jobs& jobs, refresh_class cls) {
      auto& q = self->state.jobs;
      auto lane = static_cast<size_t>(cls);
      std::set<uint64_t> raise;
      for (auto& job : jobs) {
        if (auto call = q.call_to_raise(job.asin, lane))
          raise.insert(*call);
        // Queued, the copy becomes this row; in flight, the answer is
        // compared with it.
        if (q.is_in_flight(job.asin))
          self->state.newer.insert_or_assign(job.asin, job);
        else
          self->state.newer.erase(job.asin);
        q.enqueue(job, lane);
      }
      for (auto call : raise)
        self->send(self->state.links.bucket, atom::promote_v, call,
                   priority_of(cls));
      send_batches(self);
    },
    // Retries a lane's parked batches after its backoff.
    [=](atom::retry, uint64_t lane) {
      self->state.jobs.unpark(lane);
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
