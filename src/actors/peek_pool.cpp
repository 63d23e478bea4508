#include "actors/peek_pool.hpp"
#include "actors/batch_sender.hpp"
#include "model/defaults.hpp"

#include "model/deal_rows.hpp"
#include "model/deal_value.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <utility>

namespace keepa {

namespace {

using self_ptr = peek_pool_actor::stateful_pointer<peek_pool_state>;

/// The peek filter on `p`, then, with the profit gate, the bound on what
/// its heavy fetch can show: a product that is not profitable even with
/// free shipping is rejected before its offers are bought.
peek_verdict verdict_of(const product& p, const peek_settings& settings,
                        int64_t now_ms) {
  auto v = check_peek(p, settings.rules);
  if (!v.survives() || !settings.levers.profit_gate)
    return v;
  auto estimate = estimate_profit(p, now_ms, settings.fees);
  if (!estimate.best) {
    v.rejection = "cannot be profitable: no List at from its sales history";
  } else if (*estimate.best <= 0) {
    v.rejection = fmt::format("cannot be profitable: {:.2f} at best, with "
                              "free shipping",
                              *estimate.best);
  }
  v.value = estimate.expected;
  return v;
}

/// The profit a row sets, when it sets one.
std::optional<double> profit_of(const deal_update& row) {
  auto* profit = row.find(column::profit);
  if (profit && std::holds_alternative<double>(*profit))
    return std::get<double>(*profit);
  return std::nullopt;
}

/// True when the listing row's profit is positive but within what its
/// price could have moved since Keepa saw it, `hours` ago: `per_hour`
/// percent of the price an hour, at most verify_move_cap. The live offers
/// decide such a row.
bool needs_offers(const deal_update& row, double hours, double per_hour) {
  auto profit = profit_of(row);
  auto* price = row.find(column::price_now);
  if (!profit || *profit <= 0 || !price
      || !std::holds_alternative<double>(*price))
    return false;
  auto move = std::min(defaults::verify_move_cap,
                       per_hour * std::max(0.0, hours));
  return *profit <= std::get<double>(*price) * move / 100.0;
}

/// Why a listing row is rejected: no profit at its listing's landed price.
std::string loss_reason(std::optional<double> profit) {
  return profit ? fmt::format("not profitable at the listing's landed "
                              "price: {:.2f}",
                              *profit)
                : std::string{"not profitable at the listing's landed "
                              "price: no List at"};
}

/// Writes a survivor: with `listing_rows` and its listing's landed price,
/// the active row priced from the listing, or, when needs_offers says so,
/// that row as pending until the commit pool buys its offers, or, at a
/// loss, a rejection (a price drop lists it again and it is peeked anew);
/// otherwise a pending row for the commit pool.
void keep(self_ptr self, const listing& d, const product& p,
          const peek_verdict& verdict, write_batch& out,
          std::vector<survivor>& commits) {
  auto& st = self->state;
  auto now = st.now_ms();
  deal_key key{d.asin, d.last_update};
  auto row = st.settings.levers.listing_rows && st.settings.levers.profit_gate
               ? listing_row(d, p, now, st.settings.fees)
               : deal_update{};
  if (row.asin.empty()) {
    out.upserts.push_back(pending_row(d, verdict, iso_utc(now)));
    commits.push_back({key, verdict.value.value_or(d.value), now, false});
    ++st.stats.done_total;
    return;
  }
  auto profit = profit_of(row);
  if (!profit || *profit <= 0) {
    out.rejections.push_back({d.asin, d.last_update, loss_reason(profit)});
    ++st.stats.rejected_total;
    return;
  }
  auto hours = static_cast<double>(now - to_unix_ms(d.last_update)) / 3.6e6;
  if (needs_offers(row, hours, st.settings.verify_move_per_hour)) {
    // Pending until its offers land: neither the board nor an alert shows
    // a profit the offers may take back.
    row.set(column::status, std::string{to_string(deal_status::pending)});
    ++st.stats.verify_total;
    commits.push_back({key, *profit, now, true});
  }
  out.upserts.push_back(std::move(row));
  ++st.stats.done_total;
  ++st.stats.listing_rows_total;
  ++st.stats.profitable_total;
  ++st.found;
}

/// Applies the filter to each listing of an answered batch and writes a
/// row (keep) for survivors and rejections for the rest.
void judge(self_ptr self, const std::vector<listing>& batch,
           const keepa_body& body) {
  auto& st = self->state;
  std::map<std::string, const product*> found;
  for (auto& p : body.products)
    found.emplace(p.asin, &p);
  auto now = st.now_ms();
  write_batch out;
  std::vector<survivor> commits;
  for (auto& d : batch) {
    out.settles.push_back({d.asin, d.last_update});
    auto i = found.find(d.asin);
    auto verdict = i != found.end()
                     ? verdict_of(*i->second, st.settings, now)
                     : peek_verdict{"not in Keepa's product data", -1, -1, {}};
    if (verdict.survives()) {
      keep(self, d, *i->second, verdict, out, commits);
    } else {
      out.rejections.push_back({d.asin, d.last_update, verdict.rejection});
      ++st.stats.rejected_total;
    }
  }
  self->send(st.links.db, atom::write_v, std::move(out));
  if (st.found > 0)
    self->send(st.links.commit, atom::completed_v, std::exchange(st.found, 0));
  st.commit_backlog += commits.size();
  if (!commits.empty())
    self->send(st.links.commit, atom::enqueue_v, std::move(commits));
}

/// Gives up the listings that waited longer than best_first_max_wait_ms
/// while better ones went first: written as rejections with that reason
/// (a later listing of the product is judged anew), so none waits longer
/// and the watermark passes them once durable.
void give_up_outranked(self_ptr self) {
  auto& st = self->state;
  auto now = st.now_ms();
  auto outranked = st.jobs.remove_waiting(0, [&](const listing& d) {
    return now - d.queued_ms > best_first_max_wait_ms;
  });
  write_batch out;
  for (auto& d : outranked) {
    out.rejections.push_back({d.asin, d.last_update,
                              "outranked: waited 2 h for a peek while better "
                              "listings went first"});
    out.settles.push_back({d.asin, d.last_update});
  }
  if (out.settles.empty())
    return;
  st.stats.outranked_total += out.settles.size();
  spdlog::info("peek_pool: gave up {} listings outranked for 2 h",
               out.settles.size());
  self->send(st.links.db, atom::write_v, std::move(out));
}

/// True when a peek may go: never while the active rows leave no room
/// (REFRESHER says); else always without best first; with it, only while
/// the commit pool is short of work (and a `pace` look is asked for when it
/// is not).
bool ready(self_ptr self) {
  auto& st = self->state;
  if (!st.room)
    return false;
  if (!st.settings.levers.best_first
      || st.commit_backlog < st.settings.commit_ahead)
    return true;
  if (!st.pacing) {
    st.pacing = true;
    self->send(self, atom::pace_v);
  }
  return false;
}

/// Sends batches of new listings while slots are free.
void send_batches(self_ptr self) {
  if (self->state.settings.levers.best_first)
    give_up_outranked(self);
  send_in_batches(
    self, "peek_pool", [self] { return ready(self); },
    [self](size_t) {
      keepa_call call;
      call.kind = call_kind::peek;
      call.priority = call_priority::peek;
      call.request = product_request{
        {}, peek_params(self->state.settings.levers.profit_gate)};
      return call;
    },
    [self](const std::vector<listing>& batch, const keepa_body& body) {
      judge(self, batch, body);
    },
    // A batch Keepa refuses for good would hold the watermark forever:
    // its listings are given up, counted and logged, and a later listing
    // of the same products is peeked as new.
    [self](const std::vector<listing>& batch, const keepa_reply& r) {
      spdlog::error("peek_pool: Keepa refused a batch of {} ({}: {}); these "
                    "listings are given up unread",
                    batch.size(), to_string(r.status), r.detail);
      std::vector<deal_key> keys;
      for (auto& d : batch)
        keys.push_back({d.asin, d.last_update});
      self->send(self->state.links.watermark, atom::release_v, std::move(keys));
    });
}

/// Asks the commit pool how much it holds, sends what may go, and looks
/// again a second later while listings wait behind its backlog.
void pace(self_ptr self) {
  constexpr auto look_again = std::chrono::seconds{1};
  auto again = [self, look_again] {
    auto& st = self->state;
    bool blocked = !st.jobs.at(0).waiting.empty()
                   && st.commit_backlog >= st.settings.commit_ahead;
    st.pacing = blocked;
    if (blocked)
      self->delayed_send(self, look_again, atom::pace_v);
  };
  self->request(self->state.links.commit, ask_timeout, atom::stats_v)
    .then(
      [=](const commit_stats& commit) {
        self->state.commit_backlog = commit.queued;
        send_batches(self);
        again();
      },
      [=](const caf::error&) { again(); });
}

} // namespace

std::vector<std::pair<std::string, std::string>> peek_params(bool history) {
  if (history)
    return {{"stats", "365"}, {"history", "1"}, {"days", "365"}};
  return {{"stats", "365"}, {"history", "0"}};
}

peek_pool_actor::behavior_type
make_peek_pool(peek_pool_actor::stateful_pointer<peek_pool_state> self,
               peek_links links, peek_settings settings, wall_clock now_ms) {
  self->state.links = std::move(links);
  self->state.jobs.batch = std::max<size_t>(1, settings.batch);
  self->state.settings = std::move(settings);
  self->state.now_ms = std::move(now_ms);
  if (self->state.settings.levers.best_first) {
    // One peek at a time, and none while the commit pool has enough to
    // buy: a survivor peeked far ahead only ages (its offers cost more
    // after an hour), and later listings may rank higher.
    self->state.jobs.max_in_flight = 1;
    order_best_first<listing>(self);
  }
  return {
    // Queues new listings, valued by their payload, and sends what fits.
    [=](atom::enqueue, const deal_list& deals) {
      auto& st = self->state;
      auto now = st.now_ms();
      for (auto& d : *deals)
        st.jobs.enqueue(
          {d, payload_value(d, st.settings.fees).value_or(0), now}, 0);
      send_batches(self);
    },
    // Retries the parked batches after the backoff.
    [=](atom::retry, uint64_t lane) {
      self->state.jobs.unpark(lane);
      send_batches(self);
    },
    // Looks whether the commit pool is short of work, and peeks if so.
    [=](atom::pace) { pace(self); },
    // Takes REFRESHER's word on whether new rows may be made, and peeks
    // again once they may.
    [=](atom::room, bool room) {
      bool opened = room && !self->state.room;
      self->state.room = room;
      if (opened)
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
