#include "actors/peek_pool.hpp"
#include "actors/batch_queue.hpp"

#include "model/deal_rows.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <map>

namespace keepa {

namespace {

using self_ptr = peek_pool_actor::stateful_pointer<peek_pool_state>;

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

/// Sends batches of new listings while slots are free.
void send_batches(self_ptr self) {
  send_in_batches(
    self, "peek_pool",
    [](size_t) {
      keepa_call call;
      call.kind = call_kind::peek;
      call.priority = call_priority::peek;
      call.product.params = peek_params();
      return call;
    },
    [self](const std::vector<deal>& batch, const keepa_body& body) {
      judge(self, batch, body);
    });
}

} // namespace

std::vector<std::pair<std::string, std::string>> peek_params() {
  return {{"stats", "365"}, {"history", "0"}};
}

peek_pool_actor::behavior_type
make_peek_pool(peek_pool_actor::stateful_pointer<peek_pool_state> self,
               peek_links links, size_t batch, wall_clock now_ms) {
  self->state.links = std::move(links);
  self->state.jobs.batch = std::max<size_t>(1, batch);
  self->state.now_ms = std::move(now_ms);
  // A batch Keepa refuses for good would hold the watermark forever: its
  // listings are given up, counted and logged, and a later listing of the
  // same products is peeked as new.
  self->state.jobs.refused = [self](const std::vector<deal>& batch,
                                    const keepa_reply& r) {
    auto& st = self->state;
    spdlog::error("peek_pool: Keepa refused a batch of {} ({}: {}); these "
                  "listings are given up unread",
                  batch.size(), to_string(r.status), r.detail);
    std::vector<deal_key> keys;
    for (auto& d : batch)
      keys.push_back({d.asin, d.last_update});
    self->send(st.links.watermark, atom::release_v, std::move(keys));
  };
  return {
    // Queues new listings and sends what fits.
    [=](atom::enqueue, const deal_list& deals) {
      auto& q = self->state.jobs.lanes[0].waiting;
      q.insert(q.end(), deals->begin(), deals->end());
      send_batches(self);
    },
    // Retries the parked batches after the backoff.
    [=](atom::run) {
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
