#include "model/peek_filter.hpp"
#include "model/deal_rows.hpp"

#include <algorithm>

namespace keepa {

namespace {

/// A usable Keepa price: present and positive.
bool is_price(int64_t v) {
  return v > 0;
}

/// The filter's rules on a buy price, a sell estimate and the rank drops
/// of a year (-1 each when unknown), in the order they are checked.
peek_verdict judge(int64_t buy, int64_t sell, int64_t drops365,
                   const peek_rules& rules) {
  peek_verdict out;
  out.buy_cents = buy;
  out.sell_cents = sell;
  if (buy < 0)
    out.rejection = "no buy price";
  else if (sell < 0)
    out.rejection = "no used price history";
  else if (drops365 >= 0 && drops365 < rules.min_drops_365)
    out.rejection = "dead inventory: " + std::to_string(drops365)
                    + " rank drops in 365 days";
  else if (sell < rules.min_sell_cents)
    out.rejection = "sell estimate below floor";
  else if (static_cast<double>(buy)
           > static_cast<double>(sell) * rules.max_buy_to_sell)
    out.rejection = "negative spread";
  else if (static_cast<double>(sell - buy) / static_cast<double>(buy)
           < rules.min_roi)
    out.rejection = "gross ROI below minimum";
  return out;
}

} // namespace

int64_t sell_estimate(std::initializer_list<const csv_values*> averages) {
  static constexpr csv_type used_types[]
    = {csv_type::used, csv_type::used_new_shipping,
       csv_type::used_very_good_shipping, csv_type::used_good_shipping,
       csv_type::used_acceptable_shipping};
  int64_t best = -1;
  for (auto t : used_types)
    for (auto* series : averages)
      if (auto v = at_or_missing(*series, t); is_price(v))
        best = std::max(best, v);
  return best;
}

peek_verdict check_peek(const product& p, const peek_rules& rules) {
  if (!p.stats) {
    peek_verdict out;
    out.rejection = "no stats";
    return out;
  }
  auto& s = *p.stats;
  return judge(item_price(s.current), sell_estimate({&s.avg90, &s.avg365}),
               s.sales_rank_drops365, rules);
}

peek_verdict check_payload(const deal& d, const peek_rules& rules) {
  static const csv_values none;
  auto& avg90 = d.avg.size() > 3 ? d.avg[3] : none;
  auto v = judge(item_price(d.current), sell_estimate({&avg90}),
                 d.sales_rank_drops365, rules);
  // Without a price or a used average the peek may still find one.
  if (v.buy_cents < 0 || v.sell_cents < 0)
    v.rejection.clear();
  if (!v.survives())
    v.rejection = "deal payload: " + v.rejection;
  return v;
}

} // namespace keepa
