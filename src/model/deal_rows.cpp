#include "model/deal_rows.hpp"

#include "model/price_chart.hpp"

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

/// Sets price_now to `price` (dollars; `shipped` when it includes the
/// shipping) and everything derived from it with `basis`:
/// shipping_included, all_in_cost, profit, margin, min_listing_price and
/// percent_down.
void set_price(deal_update& u, double price, bool shipped,
               const cost_basis& basis, const fee_settings& fees) {
  auto fba = basis.fba_fee.value_or(fees.default_fba_fee);
  auto referral
    = basis.referral_percent.value_or(fees.default_referral_percent);
  auto b = business_math(basis.list_at, price, shipped, fba, referral, fees);
  u.set(column::price_now, price);
  u.set(column::shipping_included, int64_t{shipped});
  u.set(column::all_in_cost, b.all_in);
  u.set(column::profit, opt_cell(b.profit));
  u.set(column::margin, opt_cell(b.margin));
  u.set(column::min_listing_price, opt_cell(b.min_listing_price));
  u.set(column::percent_down, opt_cell(percent_down(basis.one_yr_avg, price)));
}

/// Sets price_now (and what follows from it) to the lowest landed used
/// condition price in `current`, a listing's or a product's stats, with
/// where it came from and when Keepa saw it. Without a landed price the row
/// keeps its price: an item price alone means something else.
void set_landed_price(deal_update& u, const csv_values& current,
                      const char* from, const std::string& seen_iso,
                      const cost_basis& basis, const fee_settings& fees) {
  auto landed = landed_used_price(current);
  if (landed <= 0)
    return;
  set_price(u, static_cast<double>(landed) / 100.0, true, basis, fees);
  u.set(column::price_basis, std::string{from});
  u.set(column::price_basis_utc, seen_iso);
}

/// The basis of a full fetch of `p`: the shipping of the offer its landed
/// price came from, the estimates, and the product's fees.
cost_basis full_basis(const landed_price& landed, const product& p,
                      std::optional<double> list_at,
                      std::optional<double> one_yr_avg,
                      const fee_settings& fees) {
  cost_basis basis;
  basis.shipping = landed.shipping;
  basis.list_at = list_at;
  basis.one_yr_avg = one_yr_avg;
  auto [fba, referral] = product_fees(p, fees);
  basis.fba_fee = fba;
  basis.referral_percent = referral;
  return basis;
}

/// The sales-rank drops of the last 30, 90 and 365 days; NULL where
/// Keepa did not say.
void set_drops(deal_update& u, const product_stats& s) {
  u.set(column::drops_30, count_or_null(s.sales_rank_drops30));
  u.set(column::drops_90, count_or_null(s.sales_rank_drops90));
  u.set(column::drops_365, count_or_null(s.sales_rank_drops365));
}

/// An active row from `p`'s stats and history, priced at `landed`: the
/// analytics, rank and drops, the chart, and the price with its economics
/// (every price column NULL when `landed` has no price).
deal_update analyzed_row(const product& p, keepa_minutes last_update,
                         int64_t now_ms, const fee_settings& fees,
                         const landed_price& landed) {
  auto now = to_keepa_minutes(now_ms);
  auto now_iso = iso_utc(now_ms);
  deal_update u;
  u.asin = p.asin;
  u.set(column::title, p.title);
  u.set(column::status, std::string{to_string(deal_status::active)});
  auto sales = infer_sales(p, now);
  auto estimate = estimate_list_at(sales, p, fees);
  auto avg = one_year_average(sales, now);
  if (landed.price > 0) {
    auto basis = full_basis(landed, p, estimate.list_at, avg, fees);
    set_price(u, landed.price, landed.shipping_included, basis, fees);
    u.set(column::shipping, opt_cell(basis.shipping));
    u.set(column::fba_fee, opt_cell(basis.fba_fee));
    u.set(column::referral_percent, opt_cell(basis.referral_percent));
  } else {
    for (auto c : {column::price_now, column::profit, column::margin,
                   column::percent_down, column::all_in_cost,
                   column::min_listing_price, column::shipping})
      u.set(c, std::monostate{});
  }
  u.set(column::list_at, opt_cell(estimate.list_at));
  u.set(column::one_yr_avg, opt_cell(avg));
  u.set(column::price_source, estimate.source);
  u.set(column::deal_trust, opt_cell(deal_trust(sales)));
  u.set(column::seasonality, seasonality(p));
  u.set(column::rank_trend, rank_trend(p));
  if (p.stats) {
    u.set(column::sales_rank,
          count_or_null(at_or_missing(p.stats->current, csv_type::sales)));
    set_drops(u, *p.stats);
    u.set(column::used_offer_count,
          count_or_null(at_or_missing(p.stats->current, csv_type::count_used)));
  }
  if (last_update >= 0)
    u.set(column::keepa_last_update, last_update);
  u.set(column::first_seen_utc, now_iso);
  u.set(column::last_seen_utc, now_iso);
  u.set(column::chart, price_chart_json(p, now));
  return u;
}

} // namespace

int64_t landed_used_price(const csv_values& current) {
  int64_t best = -1;
  for (auto t :
       {csv_type::used_new_shipping, csv_type::used_very_good_shipping,
        csv_type::used_good_shipping, csv_type::used_acceptable_shipping})
    if (auto v = at_or_missing(current, t); v > 0 && (best < 0 || v < best))
      best = v;
  return best;
}

int64_t item_price(const csv_values& current) {
  auto used = at_or_missing(current, csv_type::used);
  if (used > 0)
    return used;
  auto fresh = at_or_missing(current, csv_type::new_);
  return fresh > 0 ? fresh : -1;
}

deal_update payload_refresh(const deal& d, const cost_basis& basis,
                            const std::string& now_iso,
                            const fee_settings& fees) {
  deal_update u;
  u.asin = d.asin;
  u.mode = write_mode::update_only;
  set_landed_price(u, d.current, price_from::listing,
                   keepa_minutes_iso(d.last_update), basis, fees);
  u.set(column::sales_rank,
        count_or_null(at_or_missing(d.current, csv_type::sales)));
  if (d.sales_rank_drops30 >= 0)
    u.set(column::drops_30, d.sales_rank_drops30);
  if (d.sales_rank_drops90 >= 0)
    u.set(column::drops_90, d.sales_rank_drops90);
  if (d.sales_rank_drops365 >= 0)
    u.set(column::drops_365, d.sales_rank_drops365);
  u.set(column::keepa_last_update, d.last_update);
  u.set(column::last_seen_utc, now_iso);
  return u;
}

deal_update pending_row(const deal& d, const peek_verdict& v,
                        const std::string& now_iso) {
  deal_update u;
  u.asin = d.asin;
  u.set(column::title, d.title);
  u.set(column::status, std::string{to_string(deal_status::pending)});
  u.set(column::price_now, dollars_or_null(item_price(d.current)));
  u.set(column::shipping_included, int64_t{0});
  u.set(column::peek_sell_estimate, dollars_or_null(v.sell_cents));
  u.set(column::keepa_last_update, d.last_update);
  u.set(column::first_seen_utc, now_iso);
  u.set(column::last_seen_utc, now_iso);
  return u;
}

deal_update full_row(const product& p, keepa_minutes last_update,
                     int64_t now_ms, const fee_settings& fees) {
  auto now_iso = iso_utc(now_ms);
  auto u = analyzed_row(p, last_update, now_ms, fees,
                        price_now(p, to_keepa_minutes(now_ms)));
  // An item price without a landed one (no live offer of known shipping)
  // is no price basis: no drop is measured from it.
  if (auto* shipped = u.find(column::shipping_included);
      shipped && *shipped == cell{int64_t{1}})
    u.set(column::price_basis, std::string{price_from::offers})
      .set(column::price_basis_utc, now_iso);
  else
    u.set(column::price_basis, std::monostate{})
      .set(column::price_basis_utc, std::monostate{});
  u.set(column::last_full_fetch_utc, now_iso);
  return u;
}

deal_update listing_row(const deal& d, const product& p, int64_t now_ms,
                        const fee_settings& fees) {
  auto landed = landed_used_price(d.current);
  if (landed <= 0)
    return {};
  auto u = analyzed_row(p, d.last_update, now_ms, fees,
                        {static_cast<double>(landed) / 100.0, true, {}});
  u.set(column::price_basis, std::string{price_from::listing});
  u.set(column::price_basis_utc, keepa_minutes_iso(d.last_update));
  // The peek is a light fetch: the row is due for a refresh on that clock.
  u.set(column::last_light_fetch_utc, iso_utc(now_ms));
  return u;
}

deal_update light_row(const product& p, const cost_basis& basis, int64_t now_ms,
                      const fee_settings& fees) {
  auto now_iso = iso_utc(now_ms);
  deal_update u;
  u.asin = p.asin;
  u.mode = write_mode::update_only;
  if (p.stats) {
    set_landed_price(u, p.stats->current, price_from::stats, now_iso, basis,
                     fees);
    u.set(column::sales_rank,
          count_or_null(at_or_missing(p.stats->current, csv_type::sales)));
    set_drops(u, *p.stats);
    u.set(column::used_offer_count,
          count_or_null(at_or_missing(p.stats->current, csv_type::count_used)));
  }
  u.set(column::last_seen_utc, now_iso);
  u.set(column::last_light_fetch_utc, now_iso);
  return u;
}

deal_update gone_row(const std::string& asin) {
  deal_update u;
  u.asin = asin;
  u.mode = write_mode::update_only;
  u.set(column::status, std::string{to_string(deal_status::gone)});
  return u;
}

bool has_live_data(const product& p) {
  return p.stats && p.product_type != 4;
}

bool is_price_drop(std::optional<double> old_price,
                   const std::optional<std::string>& old_basis,
                   const deal_update& u, double percent) {
  auto* price = u.find(column::price_now);
  auto* now = price ? std::get_if<double>(price) : nullptr;
  auto* basis = u.find(column::price_basis);
  if (!old_price || *old_price <= 0 || !now || *now <= 0 || !old_basis || !basis
      || !std::holds_alternative<std::string>(*basis))
    return false;
  return *now < *old_price * (1.0 - percent / 100.0);
}

} // namespace keepa
