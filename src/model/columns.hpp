#pragma once

// The one canonical list of `deals` columns (docs/contract.md#deals). The
// schema, the migration and every upsert statement are generated from it, so
// each column has exactly one name.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace keepa {

/// Every column of `deals` after `asin`, in schema order.
enum class column : uint8_t {
  title,
  status,
  price_now,
  list_at,
  one_yr_avg,
  percent_down,
  profit,
  margin,
  sales_rank,
  drops_30,
  seasonality,
  keepa_last_update,
  first_seen_utc,
  last_seen_utc,
  last_full_fetch_utc,
  last_light_fetch_utc,
  price_source,
  used_offer_count,
  peek_sell_estimate,
  deal_trust,
  all_in_cost,
  min_listing_price,
  rank_trend,
  shipping_included,
  /// The engine-alive clock (milliseconds the engine ran and reached
  /// Keepa) when the row was last seen: retention counts only that time.
  seen_alive_ms,
  /// What the price rests on (see cost_basis): the matched offer's
  /// shipping and Amazon's fees, from the last full fetch.
  shipping,
  fba_fee,
  referral_percent,
  /// The seller's mark from the board or the console: `watch`, `bought`
  /// or `dismissed`; NULL when none. No pipeline stage writes it.
  mark,
  /// The board's chart of the last year (model/price_chart.hpp), from
  /// the last heavy fetch.
  chart,
  /// Sales-rank drops in the last 90 and 365 days (each drop an estimated
  /// sale), beside drops_30.
  drops_90,
  drops_365,
  /// Where price_now came from: `listing` (a /deal listing's landed
  /// condition prices), `offers` (the live offers of a full fetch) or
  /// `stats` (a light refresh's landed condition prices); NULL for a row
  /// priced before these columns existed, or not priced.
  price_basis,
  /// When Keepa saw that price (UTC): the listing's lastUpdate, or the
  /// time of the fetch.
  price_basis_utc,
  count_,
};

inline constexpr size_t column_count = static_cast<size_t>(column::count_);
static_assert(column_count <= 64, "a column mask holds 64 columns");

/// What `deals.status` says of a row: peeked and waiting for its heavy
/// fetch, or fetched in full with its analytics.
/// A row's `status`: waiting for its heavy fetch, a full row, or a row
/// whose product Keepa stopped returning (no token is spent on it again).
enum class deal_status : uint8_t { pending, active, gone };

/// The text `deals.status` stores ("pending", "active", "gone").
const char* to_string(deal_status s);

/// The status a stored text stands for. Any text but "active" and "gone"
/// waits for (or retries) its heavy fetch.
deal_status deal_status_of(std::string_view text);

/// A column's SQL name and type.
struct column_spec {
  column id;
  std::string_view name;
  std::string_view sql_type;
};

/// The spec of every column, indexed by `column`.
const std::vector<column_spec>& deal_columns();

/// The spec of one column.
const column_spec& spec_of(column c);

/// One SQL value: NULL, INTEGER, REAL or TEXT.
using cell = std::variant<std::monostate, int64_t, double, std::string>;

/// Whether a write may create its row.
enum class write_mode : uint8_t {
  /// Inserts the row or updates it (a peek survivor, a commit).
  upsert,
  /// Updates an existing row only (a refresh): a row the janitor deleted
  /// meanwhile stays deleted.
  update_only,
};

/// A partial row of `deals`: the ASIN and only the columns this writer
/// computed. A write touches exactly these columns and no others.
struct deal_update {
  std::string asin;
  std::vector<std::pair<column, cell>> cells;
  write_mode mode = write_mode::upsert;

  /// Sets (or replaces) one column's value.
  deal_update& set(column c, cell value);

  /// The value set for `c`, if any.
  const cell* find(column c) const;
};

/// A bit per column, identifying the column set of an upsert statement.
uint64_t column_mask(const deal_update& u);

/// CREATE TABLE for `deals`, `rejections`, `system_state` and `events`.
std::string schema_sql();

/// CREATE INDEX for the orders and counts the deal board reads by; after
/// the migration, since they name columns an older table lacks.
std::string index_sql();

/// `INSERT ... ON CONFLICT(asin) DO UPDATE` for the columns in `mask`, in
/// column order; `first_seen_utc` is never overwritten once set.
std::string upsert_sql(uint64_t mask);

/// `UPDATE deals SET ... WHERE asin = ?1` for the columns in `mask`, bound
/// in the same order as upsert_sql (the ASIN first).
std::string update_sql(uint64_t mask);

} // namespace keepa
