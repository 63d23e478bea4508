#include "model/deal_rows.hpp"

#include <algorithm>

namespace keepa {

namespace {

/// Cents to dollars, or NULL for Keepa's "no data" sentinels.
cell dollars_or_null(int64_t cents) {
  if (cents <= 0)
    return std::monostate{};
  return static_cast<double>(cents) / 100.0;
}

/// An optional to a cell.
cell opt_cell(std::optional<double> v) {
  if (!v)
    return std::monostate{};
  return *v;
}

/// A non-negative integer or NULL.
cell count_or_null(int64_t v) {
  if (v < 0)
    return std::monostate{};
  return v;
}

/// The lowest positive value among the used price types of a series.
int64_t lowest_used(const csv_values& v) {
  static constexpr csv_type used_types[] = {
    csv_type::used, csv_type::used_new_shipping,
    csv_type::used_very_good_shipping, csv_type::used_good_shipping,
    csv_type::used_acceptable_shipping};
  int64_t best = -1;
  for (auto t : used_types)
    if (auto x = at_or_missing(v, t); x > 0 && (best < 0 || x < best))
      best = x;
  return best;
}

/// Sets price_now and the economics derived from it.
void set_economics(deal_update& u, int64_t price_cents,
                   std::optional<double> list_at,
                   std::optional<double> one_yr_avg, double fba_fee,
                   double referral) {
  u.set(column::price_now, dollars_or_null(price_cents));
  economics e;
  if (price_cents > 0)
    e = compute_economics(static_cast<double>(price_cents) / 100.0, list_at,
                          one_yr_avg, fba_fee, referral);
  u.set(column::profit, opt_cell(e.profit));
  u.set(column::margin, opt_cell(e.margin));
  u.set(column::percent_down, opt_cell(e.percent_down));
}

/// The FBA fee (dollars) and referral share of a product, with defaults.
std::pair<double, double> fees_of(const product& p) {
  auto fba = p.fba_pick_pack_fee > 0
               ? static_cast<double>(p.fba_pick_pack_fee) / 100.0
               : 3.0;
  auto referral = p.referral_fee_percent > 0 ? p.referral_fee_percent / 100.0
                                             : 0.15;
  return {fba, referral};
}

/// A positive cents value as optional dollars.
std::optional<double> opt_dollars(int64_t cents) {
  if (cents <= 0)
    return std::nullopt;
  return static_cast<double>(cents) / 100.0;
}

} // namespace

int64_t deal_used_price(const deal& d) {
  return lowest_used(d.current);
}

int64_t stats_used_price(const product_stats& s) {
  return lowest_used(s.current);
}

economics compute_economics(double price_now, std::optional<double> list_at,
                            std::optional<double> one_yr_avg, double fba_fee,
                            double referral) {
  economics e;
  if (list_at && *list_at > 0) {
    auto fees = *list_at * referral + fba_fee;
    e.profit = *list_at - fees - price_now;
    e.margin = *e.profit / *list_at * 100.0;
  }
  if (one_yr_avg && *one_yr_avg > 0)
    e.percent_down = (*one_yr_avg - price_now) / *one_yr_avg * 100.0;
  return e;
}

deal_update payload_refresh(const deal& d, const std::string& now_iso) {
  deal_update u;
  u.asin = d.asin;
  u.set(column::price_now, dollars_or_null(deal_used_price(d)));
  u.set(column::sales_rank,
        count_or_null(at_or_missing(d.current, csv_type::sales)));
  u.set(column::keepa_last_update, d.last_update);
  u.set(column::last_seen_utc, now_iso);
  return u;
}

deal_update pending_row(const deal& d, const peek_verdict& v,
                        const std::string& now_iso) {
  deal_update u;
  u.asin = d.asin;
  u.set(column::title, d.title);
  u.set(column::status, std::string{"pending"});
  u.set(column::price_now, dollars_or_null(v.buy_cents));
  u.set(column::peek_sell_estimate, dollars_or_null(v.sell_cents));
  u.set(column::keepa_last_update, d.last_update);
  u.set(column::first_seen_utc, now_iso);
  u.set(column::last_seen_utc, now_iso);
  return u;
}

deal_update full_row(const product& p, keepa_minutes last_update,
                     const std::string& now_iso) {
  deal_update u;
  u.asin = p.asin;
  u.set(column::title, p.title);
  u.set(column::status, std::string{"active"});
  std::optional<double> list_at;
  std::optional<double> one_yr_avg;
  int64_t price = -1;
  int64_t drops30 = -1;
  if (p.stats) {
    auto& s = *p.stats;
    price = stats_used_price(s);
    // MINIMAL until the analytics issue lands: the highest used 90/365-day
    // average stands in for the inferred-sales List at.
    auto sell = check_peek(p).sell_cents;
    list_at = opt_dollars(sell);
    one_yr_avg = opt_dollars(at_or_missing(s.avg365, csv_type::used));
    drops30 = s.sales_rank_drops30;
    u.set(column::sales_rank,
          count_or_null(at_or_missing(s.current, csv_type::sales)));
  }
  auto [fba, referral] = fees_of(p);
  set_economics(u, price, list_at, one_yr_avg, fba, referral);
  u.set(column::list_at, opt_cell(list_at));
  u.set(column::one_yr_avg, opt_cell(one_yr_avg));
  u.set(column::drops_30, count_or_null(drops30));
  u.set(column::seasonality, std::string{"none"});
  u.set(column::price_source,
        std::string{list_at ? "minimal: highest used 90/365-day average"
                            : "rejected: no used price history"});
  if (last_update >= 0)
    u.set(column::keepa_last_update, last_update);
  u.set(column::first_seen_utc, now_iso);
  u.set(column::last_seen_utc, now_iso);
  u.set(column::last_full_fetch_utc, now_iso);
  return u;
}

deal_update light_row(const product& p, std::optional<double> list_at,
                      std::optional<double> one_yr_avg,
                      const std::string& now_iso) {
  deal_update u;
  u.asin = p.asin;
  if (p.stats) {
    auto& s = *p.stats;
    auto [fba, referral] = fees_of(p);
    set_economics(u, stats_used_price(s), list_at, one_yr_avg, fba, referral);
    u.set(column::sales_rank,
          count_or_null(at_or_missing(s.current, csv_type::sales)));
    u.set(column::drops_30, count_or_null(s.sales_rank_drops30));
    u.set(column::used_offer_count,
          count_or_null(at_or_missing(s.current, csv_type::count_used)));
  }
  u.set(column::last_seen_utc, now_iso);
  u.set(column::last_light_fetch_utc, now_iso);
  return u;
}

bool is_price_drop(std::optional<double> old_price, const cell* new_price,
                   double percent) {
  auto* now = new_price ? std::get_if<double>(new_price) : nullptr;
  if (!old_price || *old_price <= 0 || !now || *now <= 0)
    return false;
  return *now < *old_price * (1.0 - percent / 100.0);
}

} // namespace keepa
