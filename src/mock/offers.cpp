#include "mock/offers.hpp"

#include "model/keepa_time.hpp"

#include <algorithm>

namespace keepa::mock {

namespace {

constexpr int64_t day_ms = 86400000;
constexpr int64_t seller_shipping = 399;

/// A live offer's fields from its noise `r`, at `price` and `condition`.
offer_fields live_offer(uint64_t r, int condition, int64_t price, bool fba,
                        int64_t now_ms) {
  offer_fields o;
  o.condition = condition;
  o.price = price;
  o.fba = fba;
  o.shipping = fba ? 0 : seller_shipping;
  o.seller = r;
  o.last_seen = to_keepa_minutes(now_ms) - static_cast<int64_t>(r % 3000);
  o.since = to_keepa_minutes(now_ms) - 600;
  return o;
}

} // namespace

std::vector<offer_fields> live_offers(const catalog& cat, const item& it,
                                      const live_state& s, int64_t now_ms) {
  std::vector<offer_fields> out;
  for (int k = 0; k < it.offers && s.used > 0; ++k) {
    auto r = cat.noise(it.index, 1000 + static_cast<uint64_t>(k));
    // The first is the lowest used item price, seller-shipped four times in
    // five (real deals: the cheapest landed used price was the used price
    // plus $3.98 to $4.99 mostly, plus 0 in a fifth).
    bool lowest = k == 0;
    auto price = lowest ? s.used : s.used + static_cast<int64_t>(r % 500);
    bool fba = lowest ? r % 5 == 0 : r % 3 == 0;
    out.push_back(
      live_offer(r, 2 + static_cast<int>((r >> 8) % 4), price, fba, now_ms));
  }
  for (int k = 0; k < it.new_offers && s.fresh > 0; ++k) {
    auto r = cat.noise(it.index, 2000 + static_cast<uint64_t>(k));
    out.push_back(live_offer(r, 1, s.fresh + static_cast<int64_t>(r % 500),
                             r % 3 == 0, now_ms));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](auto& a, auto& b) { return a.landed() < b.landed(); });
  return out;
}

std::vector<offer_fields> sold_offers(const catalog& cat, const item& it,
                                      int64_t now_ms) {
  std::vector<offer_fields> out;
  auto r = cat.noise(it.index, 500);
  auto count = static_cast<int>(1 + r % 4);
  auto drop = cat.last_drop_ms(it, now_ms);
  for (int j = 0; j < count; ++j) {
    drop = cat.last_drop_ms(it, drop - 1);
    if (drop < now_ms - 365 * day_ms)
      break;
    auto n = cat.noise(it.index, 600 + static_cast<uint64_t>(j));
    offer_fields o;
    o.since = to_keepa_minutes(drop);
    o.last_seen = o.since + static_cast<int64_t>(n % 600);
    o.seller = n >> 8;
    o.condition = 2 + static_cast<int>((n >> 4) % 4);
    o.fba = n % 2 == 0;
    o.price = cat.state_at(it, drop).used;
    o.shipping = o.fba ? 0 : 499;
    if (o.price > 0)
      out.push_back(o);
  }
  return out;
}

std::optional<offer_fields>
cheapest_in_condition(const std::vector<offer_fields>& live, int condition) {
  for (auto& o : live) // cheapest landed first
    if (o.condition == condition)
      return o;
  return std::nullopt;
}

} // namespace keepa::mock
