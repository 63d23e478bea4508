#include "actors/router.hpp"
#include "actors/type_ids.hpp"
#include "model/defaults.hpp"

#include "model/deal_rows.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <set>

namespace keepa {

namespace {

using self_ptr = router_actor::stateful_pointer<router_state>;

constexpr keepa_minutes forget_after_minutes = 24 * 60;

/// The listings of a page not routed before (newer lastUpdate per ASIN).
std::vector<deal> fresh_listings(router_state& st,
                                 const std::vector<deal>& page) {
  std::vector<deal> out;
  for (auto& d : page) {
    if (d.asin.empty())
      continue;
    auto [i, inserted] = st.routed.emplace(d.asin, d.last_update);
    if (!inserted && i->second >= d.last_update) {
      ++st.stats.duplicates_total;
      continue;
    }
    i->second = d.last_update;
    out.push_back(d);
  }
  return out;
}

/// Copies the value `row` sets for `c`, if it sets one of type T.
template <class T, class Field>
void copy_set(const deal_update& row, column c, Field& field) {
  if (auto* value = row.find(c))
    if (auto* v = std::get_if<T>(value))
      field = *v;
}

/// The stored row as the page's refresh `row` leaves it. A light refresh
/// compares its price with this one, so a drop the page showed (and the
/// router recorded) is not recorded again.
stored_deal refreshed(stored_deal known, const deal_update& row) {
  copy_set<double>(row, column::price_now, known.price_now);
  copy_set<std::string>(row, column::price_basis, known.price_basis);
  copy_set<int64_t>(row, column::keepa_last_update, known.keepa_last_update);
  copy_set<std::string>(row, column::last_seen_utc, known.last_seen_utc);
  return known;
}

/// Sends each listing where it belongs, given what the database knows.
void route(self_ptr self, const std::vector<deal>& deals,
           const lookup_result& known) {
  auto& st = self->state;
  std::map<std::string, const stored_deal*> stored;
  for (auto& s : known.stored)
    stored.emplace(s.asin, &s);
  std::set<deal_key> rejected;
  for (auto& r : known.rejected)
    rejected.insert(deal_key{r.asin, r.keepa_last_update});
  auto& settings = st.settings;
  auto now = st.now_ms();
  auto now_iso = iso_utc(now);
  auto refresh_before = iso_utc(now - settings.refresh_after_hours * 3600000);
  write_batch refreshes;
  std::vector<deal_key> known_rejected;
  auto fresh = std::make_shared<std::vector<deal>>();
  light_jobs light;
  for (auto& d : deals) {
    deal_key key{d.asin, d.last_update};
    if (auto i = stored.find(d.asin); i != stored.end()) {
      ++st.stats.existing_total;
      auto& known_row = *i->second;
      auto row = payload_refresh(d, known_row.basis(), now_iso, settings.fees);
      if (known_row.status == deal_status::active
          && is_price_drop(known_row.price_now, known_row.price_basis, row,
                           settings.drop_percent)) {
        auto now_price = std::get<double>(*row.find(column::price_now));
        spdlog::info("price drop: {} from {:.2f} to {:.2f}", d.asin,
                     *known_row.price_now, now_price);
        refreshes.drops.push_back({d.asin, *known_row.price_now, now_price});
      }
      if (known_row.status == deal_status::active
          && known_row.last_fetch_utc < refresh_before)
        light.push_back(refreshed(known_row, row));
      refreshes.upserts.push_back(std::move(row));
      refreshes.settles.push_back(key);
    } else if (rejected.count(key) > 0) {
      ++st.stats.known_rejected_total;
      known_rejected.push_back(key);
    } else if (auto v = check_payload(d, settings.rules);
               settings.levers.payload_rules && !v.survives()) {
      // Decided by the listing's own figures: rejected for free.
      ++st.stats.payload_rejected_total;
      refreshes.rejections.push_back({d.asin, d.last_update, v.rejection});
      refreshes.settles.push_back(key);
    } else {
      ++st.stats.new_total;
      fresh->push_back(d);
    }
  }
  if (!refreshes.settles.empty())
    // Payload refreshes and free rejections, durable before they settle.
    self->send(st.links.db, atom::write_v, std::move(refreshes));
  if (!known_rejected.empty())
    self->send(st.links.watermark, atom::settle_v, std::move(known_rejected));
  if (!fresh->empty())
    self->send(st.links.peek, atom::enqueue_v, deal_list{std::move(fresh)});
  if (!light.empty())
    // Their price and rank came with the page; the refresher moves them up
    // to the due lane within its share.
    self->send(st.links.light, atom::enqueue_v, std::move(light),
               refresh_class::idle);
}

/// Asks the database what it knows of tracked listings, then routes them.
/// A failed lookup is retried after the backoff: the listings stay tracked
/// (the watermark waits for them) and are never dropped.
void look_up(self_ptr self, const deal_list& deals) {
  auto& st = self->state;
  std::vector<std::string> asins;
  for (auto& d : *deals)
    asins.push_back(d.asin);
  ++st.stats.lookups_in_flight;
  self->request(st.links.db, db_timeout, atom::lookup_v, std::move(asins))
    .then(
      [=](const lookup_result& known) {
        --self->state.stats.lookups_in_flight;
        self->state.retry.reset();
        route(self, *deals, known);
      },
      [=](const caf::error& err) {
        auto& st = self->state;
        --st.stats.lookups_in_flight;
        ++st.stats.failed_lookups_total;
        auto delay = st.retry.bump();
        spdlog::error(
          "router: lookup of {} ASINs failed ({}); retry in {} s",
          deals->size(), to_string(err),
          std::chrono::duration_cast<std::chrono::seconds>(delay).count());
        self->delayed_send(self, delay, atom::lookup_v, deals);
      });
}

} // namespace

router_actor::behavior_type
make_router(router_actor::stateful_pointer<router_state> self,
            router_links links, router_settings settings, wall_clock now_ms) {
  self->state.links = std::move(links);
  self->state.settings = std::move(settings);
  self->state.now_ms = std::move(now_ms);
  return {
    // Tracks the page's new listings, then looks them up.
    [=](atom::deal, const deal_list& page) {
      auto& st = self->state;
      st.stats.listed_total += page->size();
      auto deals = fresh_listings(st, *page);
      if (deals.empty())
        return;
      std::vector<deal_key> keys;
      for (auto& d : deals)
        keys.push_back({d.asin, d.last_update});
      self->send(st.links.watermark, atom::track_v, std::move(keys));
      look_up(self, std::make_shared<std::vector<deal>>(std::move(deals)));
    },
    // Looks up tracked listings again after a failed lookup.
    [=](atom::lookup, const deal_list& deals) { look_up(self, deals); },
    // Passes a completed cycle on to the watermark, after its pages, and
    // forgets listings too old to be on /deal any more (it lists a product
    // for 12 h after its lastUpdate), so the map holds about a day.
    [=](atom::cycle, keepa_minutes newest) {
      auto& st = self->state;
      for (auto i = st.routed.begin(); i != st.routed.end();)
        i = i->second < newest - forget_after_minutes ? st.routed.erase(i)
                                                      : std::next(i);
      self->send(st.links.watermark, atom::cycle_v, newest);
    },
    // Forgets what was routed, so a rewound cycle routes it again.
    [=](atom::rewind) { self->state.routed.clear(); },
    // Answers the router's state.
    [=](atom::stats) {
      self->state.stats.routed_size = self->state.routed.size();
      return self->state.stats;
    },
  };
}

} // namespace keepa
