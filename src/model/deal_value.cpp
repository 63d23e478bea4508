#include "model/deal_value.hpp"
#include "model/deal_rows.hpp"
#include "model/peek_filter.hpp"

namespace keepa {

profit_estimate estimate_profit(const product& p, int64_t now_ms,
                                const fee_settings& fees) {
  profit_estimate out;
  auto item = p.stats ? item_price(p.stats->current) : -1;
  if (item <= 0)
    return out;
  auto now = to_keepa_minutes(now_ms);
  auto list_at = estimate_list_at(infer_sales(p, now), p, fees).list_at;
  auto [fba, referral] = product_fees(p, fees);
  auto price = static_cast<double>(item) / 100.0;
  out.expected
    = business_math(list_at, price, false, fba, referral, fees).profit;
  out.best = business_math(list_at, price, true, fba, referral, fees).profit;
  return out;
}

std::optional<double> payload_value(const deal& d, const fee_settings& fees) {
  auto item = item_price(d.current);
  if (item <= 0 || d.avg.size() <= 3)
    return std::nullopt;
  auto sell = sell_estimate({&d.avg[3]});
  if (sell <= 0)
    return std::nullopt;
  return business_math(static_cast<double>(sell) / 100.0,
                       static_cast<double>(item) / 100.0, false,
                       fees.default_fba_fee, fees.default_referral_percent,
                       fees)
    .profit;
}

} // namespace keepa
