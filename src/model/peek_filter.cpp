#include "model/peek_filter.hpp"

#include <algorithm>

namespace keepa {

namespace {

/// A usable Keepa price: present and positive.
bool is_price(int64_t v) {
  return v > 0;
}

/// The used buy price now: used, else new (REFERENCE_SYSTEM.md §5).
int64_t buy_price(const product_stats& s) {
  if (auto used = at_or_missing(s.current, csv_type::used); is_price(used))
    return used;
  if (auto fresh = at_or_missing(s.current, csv_type::new_); is_price(fresh))
    return fresh;
  return -1;
}

/// The highest 90-day or 365-day average of any used price type.
int64_t sell_estimate(const product_stats& s) {
  static constexpr csv_type used_types[] = {
    csv_type::used, csv_type::used_new_shipping,
    csv_type::used_very_good_shipping, csv_type::used_good_shipping,
    csv_type::used_acceptable_shipping};
  int64_t best = -1;
  for (auto t : used_types)
    for (auto* series : {&s.avg90, &s.avg365})
      if (auto v = at_or_missing(*series, t); is_price(v))
        best = std::max(best, v);
  return best;
}

} // namespace

peek_verdict check_peek(const product& p, const peek_rules& rules) {
  peek_verdict out;
  if (!p.stats) {
    out.rejection = "no stats";
    return out;
  }
  auto& s = *p.stats;
  out.buy_cents = buy_price(s);
  out.sell_cents = sell_estimate(s);
  if (out.buy_cents < 0)
    out.rejection = "no buy price";
  else if (out.sell_cents < 0)
    out.rejection = "no used price history";
  else if (s.sales_rank_drops365 >= 0
           && s.sales_rank_drops365 < rules.min_drops_365)
    out.rejection = "dead inventory: "
                    + std::to_string(s.sales_rank_drops365)
                    + " rank drops in 365 days";
  else if (out.sell_cents < rules.min_sell_cents)
    out.rejection = "sell estimate below floor";
  else if (static_cast<double>(out.buy_cents)
           > static_cast<double>(out.sell_cents) * rules.max_buy_to_sell)
    out.rejection = "negative spread";
  else if (static_cast<double>(out.sell_cents - out.buy_cents)
             / static_cast<double>(out.buy_cents)
           < rules.min_roi)
    out.rejection = "gross ROI below minimum";
  return out;
}

} // namespace keepa
