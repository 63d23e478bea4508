#pragma once

// An item's offers as Keepa lists them: the live ones at a moment (those
// `liveOffersOrder` points at) and the historical ones that sold at past
// drops. The csv's condition series (USED_*_SHIPPING) and the deal objects'
// landed condition prices are read from the live ones, so every price the
// mock gives agrees with its offers (docs/keepa.md: recorded responses).

#include "mock/catalog.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace keepa::mock {

/// One offer; times are Keepa minutes, prices cents.
struct offer_fields {
  int id = 0;
  int64_t last_seen = 0;
  uint64_t seller = 0;
  int condition = 1; // 1 new, 2-5 used: like new, very good, good, acceptable
  bool fba = false;
  int64_t since = 0;
  int64_t price = 0;
  int64_t shipping = 0;

  /// What a buyer pays: item plus shipping.
  int64_t landed() const {
    return price + shipping;
  }
};

/// Every live offer of `it` in state `s` (its `offers` used ones and
/// `new_offers` new ones), cheapest landed first. The lowest used item price
/// is `s.used`; an FBA offer ships free, so the cheapest landed offer of a
/// condition need not be its cheapest item.
std::vector<offer_fields> live_offers(const catalog& cat, const item& it,
                                      const live_state& s, int64_t now_ms);

/// The used offers that sold at the item's last drops (up to four, in the
/// year before `now_ms`): each at that drop's price, gone hours later.
std::vector<offer_fields> sold_offers(const catalog& cat, const item& it,
                                      int64_t now_ms);

/// The cheapest offer of `condition` in `live` (as live_offers gives it,
/// cheapest landed first); nullopt when none is live.
std::optional<offer_fields>
cheapest_in_condition(const std::vector<offer_fields>& live, int condition);

} // namespace keepa::mock
