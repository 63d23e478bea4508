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

/// Sets price now, the costs and the economics derived from the preserved
/// (or just estimated) List at and one-year average.
void set_economics(deal_update& u, const product& p,
                   std::optional<double> list_at,
                   std::optional<double> one_yr_avg, keepa_minutes now,
                   const fee_settings& fees) {
  auto landed = price_now(p, now);
  if (landed.price <= 0) {
    for (auto c : {column::price_now, column::profit, column::margin,
                   column::percent_down, column::all_in_cost,
                   column::min_listing_price})
      u.set(c, std::monostate{});
    return;
  }
  auto [fba, referral] = product_fees(p, fees);
  auto b = business_math(list_at, landed.price, landed.shipping_included, fba,
                         referral, fees);
  u.set(column::price_now, landed.price);
  u.set(column::shipping_included, int64_t{landed.shipping_included});
  u.set(column::all_in_cost, b.all_in);
  u.set(column::profit, opt_cell(b.profit));
  u.set(column::margin, opt_cell(b.margin));
  u.set(column::min_listing_price, opt_cell(b.min_listing_price));
  u.set(column::percent_down, opt_cell(percent_down(one_yr_avg, landed.price)));
}

} // namespace

int64_t deal_used_price(const deal& d) {
  return lowest_used(d.current);
}

int64_t stats_used_price(const product_stats& s) {
  return lowest_used(s.current);
}

deal_update payload_refresh(const deal& d, const std::string& now_iso) {
  deal_update u;
  u.asin = d.asin;
  u.mode = write_mode::update_only;
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
                     int64_t now_ms, const fee_settings& fees) {
  auto now = to_keepa_minutes(now_ms);
  auto now_iso = iso_utc(now_ms);
  deal_update u;
  u.asin = p.asin;
  u.set(column::title, p.title);
  u.set(column::status, std::string{"active"});
  auto sales = infer_sales(p, now);
  auto estimate = estimate_list_at(sales, p, fees);
  auto avg = one_year_average(sales, now);
  set_economics(u, p, estimate.list_at, avg, now, fees);
  u.set(column::list_at, opt_cell(estimate.list_at));
  u.set(column::one_yr_avg, opt_cell(avg));
  u.set(column::price_source, estimate.source);
  u.set(column::deal_trust, opt_cell(deal_trust(sales)));
  u.set(column::seasonality, seasonality(p));
  u.set(column::rank_trend, rank_trend(p));
  if (p.stats) {
    u.set(column::sales_rank,
          count_or_null(at_or_missing(p.stats->current, csv_type::sales)));
    u.set(column::drops_30, count_or_null(p.stats->sales_rank_drops30));
    u.set(column::used_offer_count,
          count_or_null(at_or_missing(p.stats->current, csv_type::count_used)));
  }
  if (last_update >= 0)
    u.set(column::keepa_last_update, last_update);
  u.set(column::first_seen_utc, now_iso);
  u.set(column::last_seen_utc, now_iso);
  u.set(column::last_full_fetch_utc, now_iso);
  return u;
}

deal_update light_row(const product& p, std::optional<double> list_at,
                      std::optional<double> one_yr_avg, int64_t now_ms,
                      const fee_settings& fees) {
  auto now_iso = iso_utc(now_ms);
  deal_update u;
  u.asin = p.asin;
  u.mode = write_mode::update_only;
  if (p.stats) {
    set_economics(u, p, list_at, one_yr_avg, to_keepa_minutes(now_ms), fees);
    u.set(column::sales_rank,
          count_or_null(at_or_missing(p.stats->current, csv_type::sales)));
    u.set(column::drops_30, count_or_null(p.stats->sales_rank_drops30));
    u.set(column::used_offer_count,
          count_or_null(at_or_missing(p.stats->current, csv_type::count_used)));
  }
  u.set(column::last_seen_utc, now_iso);
  u.set(column::last_light_fetch_utc, now_iso);
  return u;
}

bool has_live_data(const product& p) {
  return p.stats && p.product_type != 4;
}

bool is_price_drop(std::optional<double> old_price, const cell* new_price,
                   double percent) {
  auto* now = new_price ? std::get_if<double>(new_price) : nullptr;
  if (!old_price || *old_price <= 0 || !now || *now <= 0)
    return false;
  return *now < *old_price * (1.0 - percent / 100.0);
}

} // namespace keepa
