#include "web/deal_fields.hpp"

namespace keepa::web {

namespace {

// The landed price the seller may pay at most and still reach the target
// ROI: the all-in cost at which profit / all-in cost = :roi, less the costs
// added to the price (prep, tax, inbound shipping when not in the price).
constexpr std::string_view max_buy_cost_sql
  = "CASE WHEN list_at IS NULL THEN NULL ELSE "
    "((list_at * (1 - COALESCE(referral_percent, 0) / 100.0) "
    "- COALESCE(fba_fee, 0)) / (1 + :roi) - :prep "
    "- CASE WHEN shipping_included = 1 THEN 0 ELSE :ship_est END) "
    "/ (1 + :tax) END";

// Minutes since Keepa saw the price (price_basis_utc); for a row priced
// before that column existed, since the newer of its full and light fetch.
constexpr std::string_view price_age_sql
  = "CAST(ROUND((julianday(:now) - julianday(COALESCE(price_basis_utc, MAX("
    "COALESCE(last_full_fetch_utc, ''), COALESCE(last_light_fetch_utc, '')))))"
    " * 1440) AS INTEGER)";

} // namespace

const std::vector<deal_field>& deal_fields() {
  using t = field_type;
  static const std::vector<deal_field> fields{
    {"asin", "asin", t::text},
    {"title", "title", t::text},
    {"status", "status", t::text},
    {"mark", "mark", t::text},
    {"price_now", "price_now", t::real},
    {"shipping_included", "shipping_included", t::boolean},
    {"list_at", "list_at", t::real},
    {"one_yr_avg", "one_yr_avg", t::real},
    {"percent_down", "percent_down", t::real},
    {"profit", "profit", t::real},
    {"roi", "CASE WHEN all_in_cost > 0 THEN profit * 100.0 / all_in_cost END",
     t::real},
    {"margin", "margin", t::real},
    {"max_buy_cost", max_buy_cost_sql, t::real},
    {"sales_rank", "sales_rank", t::integer},
    {"drops_30", "drops_30", t::integer},
    {"drops_90", "drops_90", t::integer},
    {"drops_365", "drops_365", t::integer},
    {"used_offer_count", "used_offer_count", t::integer},
    {"seasonality", "seasonality", t::text},
    {"deal_trust", "deal_trust", t::real},
    {"price_source", "price_source", t::text},
    {"all_in_cost", "all_in_cost", t::real},
    {"fba_fee", "fba_fee", t::real},
    {"referral_percent", "referral_percent", t::real},
    {"shipping", "shipping", t::real},
    {"min_listing_price", "min_listing_price", t::real},
    {"rank_trend", "rank_trend", t::text},
    {"keepa_last_update", "keepa_last_update", t::integer},
    {"first_seen_utc", "first_seen_utc", t::text},
    {"last_full_fetch_utc", "last_full_fetch_utc", t::text},
    {"last_light_fetch_utc", "last_light_fetch_utc", t::text},
    {"price_age_minutes", price_age_sql, t::integer},
    {"price_basis", "price_basis", t::text},
    {"price_basis_utc", "price_basis_utc", t::text},
  };
  return fields;
}

const deal_field* find_field(std::string_view name) {
  for (auto& f : deal_fields())
    if (f.name == name)
      return &f;
  return nullptr;
}

std::string select_list() {
  std::string sql = "SELECT ";
  bool first = true;
  for (auto& f : deal_fields()) {
    if (!first)
      sql += ", ";
    first = false;
    sql += "(";
    sql += f.sql;
    sql += ") AS ";
    sql += f.name;
  }
  return sql;
}

} // namespace keepa::web
