#pragma once

// Plain structs for what the Keepa API returns (docs/keepa.md).
// Every field has a documented default for when Keepa omits it or sends
// null: -1 for "no data" in numbers (Keepa's own sentinel), empty for
// strings and arrays.

#include "model/keepa_time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace keepa {

/// Indices into `csv` and the `stats` arrays (Product.CsvType).
enum class csv_type : int {
  amazon = 0,
  new_ = 1,
  used = 2,
  sales = 3,
  list_price = 4,
  collectible = 5,
  refurbished = 6,
  new_fbm_shipping = 7,
  lightning_deal = 8,
  warehouse = 9,
  new_fba = 10,
  count_new = 11,
  count_used = 12,
  count_refurbished = 13,
  count_collectible = 14,
  extra_info_updates = 15,
  rating = 16,
  count_reviews = 17,
  buy_box_shipping = 18,
  used_new_shipping = 19,
  used_very_good_shipping = 20,
  used_good_shipping = 21,
  used_acceptable_shipping = 22,
  collectible_new_shipping = 23,
  collectible_very_good_shipping = 24,
  collectible_good_shipping = 25,
  collectible_acceptable_shipping = 26,
  refurbished_shipping = 27,
  ebay_new_shipping = 28,
  ebay_used_shipping = 29,
  trade_in = 30,
  rent = 31,
  buy_box_used_shipping = 32,
  prime_excl = 33,
  count_new_fba = 34,
  count_new_fbm = 35,
};

inline constexpr int csv_type_count = 36;

/// True for the csv types stored as [t, price, shipping] triples.
bool csv_with_shipping(csv_type t);

/// The token envelope every Keepa response carries (docs/keepa.md).
struct token_envelope {
  int64_t timestamp_ms = 0;
  int64_t tokens_left = 0;
  int64_t refill_in_ms = 0;
  int64_t refill_rate = 0;
  double token_flow_reduction = 0.0;
  int64_t tokens_consumed = 0;
  int64_t processing_time_ms = 0;
};

/// Keepa's `error` object (RequestError).
struct api_error {
  std::string type;
  std::string message;
  std::string details;
};

/// An integer series indexed by csv_type; -1 where Keepa has no value.
using csv_values = std::vector<int64_t>;

/// Reads `v[i]`, or -1 when the series is too short.
int64_t at_or_missing(const csv_values& v, csv_type i);

/// `stats` of a product (docs/keepa.md), the subset deal tools use.
struct product_stats {
  csv_values current;
  csv_values avg;
  csv_values avg30;
  csv_values avg90;
  csv_values avg180;
  csv_values avg365;
  csv_values out_of_stock_percentage90;
  int64_t sales_rank_drops30 = -1;
  int64_t sales_rank_drops90 = -1;
  int64_t sales_rank_drops180 = -1;
  int64_t sales_rank_drops365 = -1;
  int64_t total_offer_count = -2;
  int64_t offer_count_fba = -2;
  int64_t offer_count_fbm = -2;
  int64_t buy_box_price = -2;
  int64_t buy_box_shipping = -2;
  int64_t buy_box_used_price = -2;
  int64_t buy_box_used_shipping = -2;
  keepa_minutes last_offers_update = -1;
};

/// One offer of a product (docs/keepa.md#product-fields-the-engine-reads).
struct offer {
  int64_t offer_id = -1;
  keepa_minutes last_seen = -1;
  std::string seller_id;
  int condition = 0;
  bool is_fba = false;
  bool is_prime = false;
  bool is_amazon = false;
  bool is_shippable = true;
  /// [t, price, shipping, ...]; -2 unknown, shipping -1 not shippable.
  std::vector<int64_t> offer_csv;
};

/// A product of `/product`, the subset deal tools use (docs/keepa.md).
struct product {
  std::string asin;
  std::string title;
  std::string parent_asin;
  int product_type = 0;
  int64_t root_category = 0;
  std::vector<int64_t> categories;
  std::vector<std::string> category_tree; // names, root first
  std::string manufacturer;
  std::string binding;
  keepa_minutes tracking_since = -1;
  keepa_minutes last_update = -1;
  keepa_minutes last_price_change = -1;
  int64_t publication_date = -1;
  /// Indexed by csv_type; an empty series where Keepa sent null.
  std::vector<std::vector<int64_t>> csv;
  std::optional<product_stats> stats;
  /// Every offer Keepa keeps, historical ones included (docs/keepa.md).
  std::vector<offer> offers;
  /// Indices into `offers` of the live ones, cheapest first; absent in
  /// older bodies (then an offer is live when seen lately, see
  /// analytics.hpp live_offers).
  std::optional<std::vector<int>> live_offers_order;
  int64_t fba_pick_pack_fee = -1; // cents
  double referral_fee_percent = -1.0;
};

/// One deal of a `/deal` page (docs/keepa.md#deal-fields-the-engine-reads).
struct deal {
  std::string asin;
  std::string parent_asin;
  std::string title;
  int64_t root_cat = 0;
  std::vector<int64_t> categories;
  std::string image;
  keepa_minutes creation_date = -1;
  keepa_minutes last_update = -1;
  csv_values current;
  csv_values current_since;
  csv_values delta_last;
  /// Outer index: date range 0 day, 1 week, 2 month, 3 90 days.
  std::vector<csv_values> avg;
  std::vector<csv_values> delta;
  std::vector<csv_values> delta_percent;
  int warehouse_condition = 0;
  /// Sales-rank drops in the last 30, 90, 180, 365 days as of lastUpdate;
  /// -1 unknown (docs/keepa.md#facts-from-recorded-responses).
  int64_t sales_rank_drops30 = -1;
  int64_t sales_rank_drops90 = -1;
  int64_t sales_rank_drops180 = -1;
  int64_t sales_rank_drops365 = -1;
  /// Per csv type: back in stock at the last update.
  std::vector<bool> back_in_stock;
  /// Keepa's `flags`: null in every deal recorded so far, then -1.
  int64_t flags = -1;
};

/// One page of `/deal` results.
struct deal_page {
  std::vector<deal> deals;
  std::vector<int64_t> category_ids;
  std::vector<std::string> category_names;
  std::vector<int64_t> category_counts;
  /// `dealsCached`: Keepa answered from its 120 s cache of this query;
  /// nullopt when the body does not say.
  std::optional<bool> cached;
};

/// What a Keepa response body holds, parsed without trusting its shape.
struct keepa_body {
  /// Absent when the body has no usable `tokensLeft`.
  std::optional<token_envelope> envelope;
  std::optional<api_error> error;
  std::vector<product> products;
  bool has_products = false;
  std::optional<deal_page> deals;
  /// Items skipped because their shape was unusable, with why.
  std::vector<std::string> warnings;
};

} // namespace keepa
