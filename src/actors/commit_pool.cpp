#include "actors/commit_pool.hpp"
#include "actors/batch_sender.hpp"
#include "model/defaults.hpp"

#include "model/deal_rows.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace keepa {

namespace {

using self_ptr = commit_pool_actor::stateful_pointer<commit_pool_state>;

constexpr uint64_t resume_limit = 100000;

void send_batches(self_ptr self);

/// Counts `n` new profitable rows found at `now`.
void count_found(commit_pool_state& st, int64_t now, uint64_t n) {
  st.stats.profitable_total += n;
  st.profitable_times.insert(st.profitable_times.end(), n, now);
}

/// Queues survivors not already queued.
void enqueue(self_ptr self, const std::vector<survivor>& keys) {
  auto& st = self->state;
  for (auto& k : keys)
    if (!st.jobs.find(k.asin))
      st.jobs.enqueue(k, 0);
  send_batches(self);
}

/// Asks again later for a survivor missing from the heavy fetch, or
/// rejects it (into `out`) once missing_limit answers in a row lacked it.
void retry_missing(self_ptr self, const survivor& k, write_batch& out,
                   std::vector<survivor>& again) {
  auto& st = self->state;
  ++st.stats.failed_total;
  auto misses = ++st.misses[k.asin];
  if (misses < st.settings.missing_limit) {
    spdlog::warn("commit_pool: {} missing from the heavy fetch; asking again "
                 "later",
                 k.asin);
    again.push_back(k);
    return;
  }
  st.misses.erase(k.asin);
  spdlog::warn("commit_pool: {} missing from {} heavy fetches in a row; "
               "rejected",
               k.asin, misses);
  out.rejections.push_back(
    {k.asin, k.last_update,
     "missing from " + std::to_string(misses) + " heavy fetches in a row"});
}

/// Writes the full rows of an answered batch.
void commit(self_ptr self, const std::vector<survivor>& batch,
            const keepa_body& body) {
  auto& st = self->state;
  std::map<std::string, const product*> found;
  for (auto& p : body.products)
    found.emplace(p.asin, &p);
  auto now = st.now_ms();
  write_batch out;
  std::vector<survivor> again;
  for (auto& k : batch) {
    auto i = found.find(k.asin);
    if (i == found.end()) {
      retry_missing(self, k, out, again);
      continue;
    }
    st.misses.erase(k.asin);
    if (!has_live_data(*i->second)) {
      // Gone since its peek: judged, so it is neither active nor resumed.
      out.rejections.push_back(
        {k.asin, k.last_update, "no stats in the heavy fetch"});
      continue;
    }
    auto row = full_row(*i->second, k.last_update, now, st.settings.fees);
    auto* profit = row.find(column::profit);
    bool profitable = profit && std::holds_alternative<double>(*profit)
                      && std::get<double>(*profit) > 0;
    if (k.verify) {
      ++st.stats.verified_total;
      if (!k.by_seller)
        st.stats.verify_changed_total += profitable != (k.value > 0);
    } else if (profitable) {
      count_found(st, now, 1);
    }
    out.upserts.push_back(std::move(row));
    ++st.stats.done_total;
  }
  if (!again.empty())
    self->delayed_send(self, st.settings.missing_retry, atom::enqueue_v,
                       std::move(again));
  if (!out.upserts.empty() || !out.rejections.empty())
    self->send(st.links.db, atom::write_v, std::move(out));
}

/// Queues the pending rows a previous run left (peeked, not committed); a
/// failed read is retried a minute later.
void resume_pending(self_ptr self) {
  self->request(self->state.links.db, db_timeout, atom::pending_v, resume_limit)
    .then(
      [=](const std::vector<std::string>& asins) {
        if (!asins.empty())
          spdlog::info("commit_pool: resuming {} pending survivors",
                       asins.size());
        // Queued at time 0: they have waited longer than any bound, so
        // they go first, in the order the database gave them.
        std::vector<survivor> keys;
        for (auto& a : asins)
          keys.push_back({{a, -1}, 0, 0});
        enqueue(self, keys);
      },
      [=](const caf::error& err) {
        spdlog::error("commit_pool: cannot read pending rows ({}); trying "
                      "again in a minute",
                      to_string(err));
        self->delayed_send(self, std::chrono::minutes{1}, atom::pending_v);
      });
}

/// Sends batches of survivors while slots are free.
void send_batches(self_ptr self) {
  send_in_batches(
    self, "commit_pool", always_ready,
    [self](size_t) {
      keepa_call call;
      call.kind = call_kind::commit;
      call.priority = call_priority::commit;
      call.request = product_request{
        {}, commit_params(self->state.settings.levers.update_param)};
      return call;
    },
    [self](const std::vector<survivor>& batch, const keepa_body& body) {
      commit(self, batch, body);
    },
    // Judged: their pending rows go, so they are not resumed forever; a
    // later listing of the same products is peeked as new.
    [self](const std::vector<survivor>& batch, const keepa_reply& r) {
      spdlog::error("commit_pool: Keepa refused a batch of {} ({}: {}); "
                    "these survivors are rejected",
                    batch.size(), to_string(r.status), r.detail);
      write_batch out;
      for (auto& k : batch)
        out.rejections.push_back(
          {k.asin, k.last_update,
           "Keepa refused the heavy fetch: " + r.detail});
      self->send(self->state.links.db, atom::write_v, std::move(out));
    });
}

} // namespace

std::vector<std::pair<std::string, std::string>> commit_params(bool update) {
  std::vector<std::pair<std::string, std::string>> params{
    {"stats", "365"}, {"history", "1"}, {"offers", "20"}, {"days", "365"}};
  if (update)
    params.emplace_back("update", "1");
  return params;
}

/// The pool's state, with the profitable rows of the last hour and the
/// expected profit of what waits.
commit_stats stats_of(commit_pool_state& st) {
  auto hour_ago = st.now_ms() - 3600000;
  while (!st.profitable_times.empty() && st.profitable_times.front() < hour_ago)
    st.profitable_times.pop_front();
  st.stats.profitable_last_hour = st.profitable_times.size();
  st.stats.queued = st.jobs.size();
  double value = 0;
  auto add = [&](const survivor& j) {
    if (!j.by_seller)
      value += std::max(0.0, j.value);
  };
  auto& lane = st.jobs.at(0);
  std::for_each(lane.waiting.begin(), lane.waiting.end(), add);
  std::for_each(lane.parked.begin(), lane.parked.end(), add);
  st.stats.queued_value = value;
  return st.stats;
}

commit_pool_actor::behavior_type
make_commit_pool(commit_pool_actor::stateful_pointer<commit_pool_state> self,
                 commit_links links, commit_settings settings,
                 wall_clock now_ms) {
  self->state.links = std::move(links);
  self->state.jobs.batch = std::max<size_t>(1, settings.batch);
  self->state.settings = std::move(settings);
  self->state.now_ms = std::move(now_ms);
  if (self->state.settings.levers.best_first)
    order_best_first<survivor>(self);
  resume_pending(self);
  return {
    // Queues peek survivors and sends what fits.
    [=](atom::enqueue, const std::vector<survivor>& keys) {
      enqueue(self, keys);
    },
    // Counts the profitable rows the peek pool wrote from their listing.
    [=](atom::completed, uint64_t found) {
      count_found(self->state, self->state.now_ms(), found);
    },
    // Retries the parked batches after the backoff.
    [=](atom::retry, uint64_t lane) {
      self->state.jobs.unpark(lane);
      send_batches(self);
    },
    // Reads the pending rows again after a failed read.
    [=](atom::pending) { resume_pending(self); },
    // Answers the pool's state.
    [=](atom::stats) { return stats_of(self->state); },
  };
}

} // namespace keepa
