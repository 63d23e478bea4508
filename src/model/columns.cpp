#include "model/columns.hpp"

#include <algorithm>

namespace keepa {

const std::vector<column_spec>& deal_columns() {
  static const std::vector<column_spec> specs{
    {column::title, "title", "TEXT"},
    {column::status, "status", "TEXT"},
    {column::price_now, "price_now", "REAL"},
    {column::list_at, "list_at", "REAL"},
    {column::one_yr_avg, "one_yr_avg", "REAL"},
    {column::percent_down, "percent_down", "REAL"},
    {column::profit, "profit", "REAL"},
    {column::margin, "margin", "REAL"},
    {column::sales_rank, "sales_rank", "INTEGER"},
    {column::drops_30, "drops_30", "INTEGER"},
    {column::seasonality, "seasonality", "TEXT"},
    {column::keepa_last_update, "keepa_last_update", "INTEGER"},
    {column::first_seen_utc, "first_seen_utc", "TEXT"},
    {column::last_seen_utc, "last_seen_utc", "TEXT"},
    {column::last_full_fetch_utc, "last_full_fetch_utc", "TEXT"},
    {column::last_light_fetch_utc, "last_light_fetch_utc", "TEXT"},
    {column::price_source, "price_source", "TEXT"},
    {column::used_offer_count, "used_offer_count", "INTEGER"},
    {column::peek_sell_estimate, "peek_sell_estimate", "REAL"},
    {column::deal_trust, "deal_trust", "REAL"},
    {column::all_in_cost, "all_in_cost", "REAL"},
    {column::min_listing_price, "min_listing_price", "REAL"},
    {column::rank_trend, "rank_trend", "TEXT"},
    {column::shipping_included, "shipping_included", "INTEGER"},
    {column::seen_alive_ms, "seen_alive_ms", "INTEGER"},
    {column::shipping, "shipping", "REAL"},
    {column::fba_fee, "fba_fee", "REAL"},
    {column::referral_percent, "referral_percent", "REAL"},
    {column::mark, "mark", "TEXT"},
    {column::chart, "chart", "TEXT"},
    {column::drops_90, "drops_90", "INTEGER"},
    {column::drops_365, "drops_365", "INTEGER"},
    {column::price_basis, "price_basis", "TEXT"},
    {column::price_basis_utc, "price_basis_utc", "TEXT"},
  };
  return specs;
}

const column_spec& spec_of(column c) {
  return deal_columns()[static_cast<size_t>(c)];
}

deal_update& deal_update::set(column c, cell value) {
  auto i = std::find_if(cells.begin(), cells.end(),
                        [c](const auto& kv) { return kv.first == c; });
  if (i != cells.end())
    i->second = std::move(value);
  else
    cells.emplace_back(c, std::move(value));
  return *this;
}

const cell* deal_update::find(column c) const {
  for (auto& [k, v] : cells)
    if (k == c)
      return &v;
  return nullptr;
}

uint64_t column_mask(const deal_update& u) {
  uint64_t mask = 0;
  for (auto& kv : u.cells)
    mask |= uint64_t{1} << static_cast<unsigned>(kv.first);
  return mask;
}

std::string schema_sql() {
  std::string sql = "CREATE TABLE IF NOT EXISTS deals (asin TEXT PRIMARY KEY";
  for (auto& c : deal_columns())
    sql += ", " + std::string{c.name} + " " + std::string{c.sql_type};
  sql += ");\n"
         "CREATE TABLE IF NOT EXISTS rejections (asin TEXT NOT NULL, "
         "keepa_last_update INTEGER NOT NULL, reason TEXT NOT NULL, "
         "rejected_utc TEXT NOT NULL, PRIMARY KEY (asin, keepa_last_update));\n"
         "CREATE TABLE IF NOT EXISTS system_state (key TEXT PRIMARY KEY, "
         "value TEXT, updated_at TEXT);\n"
         "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY "
         "AUTOINCREMENT, asin TEXT NOT NULL, kind TEXT NOT NULL, "
         "old_price REAL, new_price REAL, at_utc TEXT NOT NULL);\n"
         // Alerts, written in the transaction of the row that causes them
         // (docs/contract.md#alerts): one per target and id; the memory
         // holds, per target and deal, the lowest price alerted.
         "CREATE TABLE IF NOT EXISTS alert_outbox (target TEXT NOT NULL, "
         "id TEXT NOT NULL, kind TEXT NOT NULL, asin TEXT NOT NULL, "
         "alert TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending', "
         "attempts INTEGER NOT NULL DEFAULT 0, created_utc TEXT NOT NULL, "
         "next_try_utc TEXT, message_id TEXT, last_error TEXT, "
         "done_utc TEXT, PRIMARY KEY (target, id));\n"
         "CREATE TABLE IF NOT EXISTS alert_memory (target TEXT NOT NULL, "
         "asin TEXT NOT NULL, lowest_price REAL NOT NULL, "
         "PRIMARY KEY (target, asin));\n";
  return sql;
}

std::string index_sql() {
  // The deal board's orders and counts (src/web/deal_filter.cpp). Each
  // order's index also holds mark and asin, so that counting a filtered
  // board and choosing its page read the index alone, never the rows (a
  // row holds its chart: a few KB).
  return "DROP INDEX IF EXISTS deals_by_profit;\n"
         "DROP INDEX IF EXISTS deals_by_rank;\n"
         "DROP INDEX IF EXISTS deals_by_found;\n"
         "CREATE INDEX IF NOT EXISTS deals_board_profit ON deals (status, "
         "profit, mark, asin);\n"
         "CREATE INDEX IF NOT EXISTS deals_board_rank ON deals (status, "
         "sales_rank, mark, asin);\n"
         "CREATE INDEX IF NOT EXISTS deals_board_found ON deals (status, "
         "first_seen_utc, mark, asin);\n"
         "CREATE INDEX IF NOT EXISTS deals_by_mark ON deals (status, mark);\n"
         "CREATE INDEX IF NOT EXISTS events_by_asin ON events (asin);\n"
         "CREATE INDEX IF NOT EXISTS rejections_by_time ON rejections "
         "(rejected_utc);\n"
         // The sender's due alerts and counts per target.
         "CREATE INDEX IF NOT EXISTS alert_outbox_by_state ON alert_outbox "
         "(target, state, created_utc);\n";
}

std::string upsert_sql(uint64_t mask) {
  std::string names = "asin";
  std::string values = "?";
  std::string updates;
  for (auto& c : deal_columns()) {
    if ((mask & (uint64_t{1} << static_cast<unsigned>(c.id))) == 0)
      continue;
    std::string name{c.name};
    names += ", " + name;
    values += ", ?";
    if (!updates.empty())
      updates += ", ";
    if (c.id == column::first_seen_utc)
      updates += name + " = COALESCE(first_seen_utc, excluded." + name + ")";
    else
      updates += name + " = excluded." + name;
  }
  std::string sql = "INSERT INTO deals (" + names + ") VALUES (" + values
                    + ") ON CONFLICT(asin) DO ";
  sql += updates.empty() ? "NOTHING" : "UPDATE SET " + updates;
  return sql;
}

std::string update_sql(uint64_t mask) {
  std::string sets;
  int param = 2;
  for (auto& c : deal_columns()) {
    if ((mask & (uint64_t{1} << static_cast<unsigned>(c.id))) == 0)
      continue;
    if (!sets.empty())
      sets += ", ";
    sets += std::string{c.name} + " = ?" + std::to_string(param++);
  }
  // An update of no column still tells whether the row exists.
  if (sets.empty())
    sets = "asin = asin";
  return "UPDATE deals SET " + sets + " WHERE asin = ?1";
}

const char* to_string(deal_status s) {
  switch (s) {
    case deal_status::active:
      return "active";
    case deal_status::gone:
      return "gone";
    case deal_status::pending:
      break;
  }
  return "pending";
}

deal_status deal_status_of(std::string_view text) {
  if (text == "active")
    return deal_status::active;
  return text == "gone" ? deal_status::gone : deal_status::pending;
}

} // namespace keepa
