#include "io/database.hpp"

#include "io/sqlite_values.hpp"

#include <sqlite3.h>

#include <charconv>
#include <filesystem>
#include <set>

namespace keepa {

namespace {

/// The SQL condition `status = '<text>'`.
std::string status_is(deal_status s) {
  return std::string{"status = '"} + to_string(s) + "'";
}

/// `?, ?, ...` with n placeholders.
std::string placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += i == 0 ? "?" : ", ?";
  return out;
}

/// A row's newest full or light fetch, as ISO text ('' when never).
const std::string newest_fetch = "MAX(COALESCE(last_full_fetch_utc, ''), "
                                 "COALESCE(last_light_fetch_utc, ''))";

const std::string stored_columns
  = "asin, status, keepa_last_update, list_at, one_yr_avg, price_now, "
    + newest_fetch
    + ", last_seen_utc, price_basis, shipping, fba_fee, "
      "referral_percent";

/// Reads a row selected with `stored_columns`.
stored_deal read_stored(sqlite3_stmt* stmt) {
  stored_deal d;
  d.asin = text_at(stmt, 0);
  d.status = deal_status_of(text_at(stmt, 1));
  if (sqlite3_column_type(stmt, 2) != SQLITE_NULL)
    d.keepa_last_update = sqlite3_column_int64(stmt, 2);
  d.list_at = real_at(stmt, 3);
  d.one_yr_avg = real_at(stmt, 4);
  d.price_now = real_at(stmt, 5);
  d.last_fetch_utc = text_at(stmt, 6);
  d.last_seen_utc = text_at(stmt, 7);
  if (sqlite3_column_type(stmt, 8) != SQLITE_NULL)
    d.price_basis = text_at(stmt, 8);
  d.shipping = real_at(stmt, 9);
  d.fba_fee = real_at(stmt, 10);
  d.referral_percent = real_at(stmt, 11);
  return d;
}

/// Calls `on_row` for every row `stmt` answers. A step that fails is an
/// error (a busy or damaged database), never a short answer.
template <class OnRow>
void each_row(sqlite3_stmt* stmt, const char* what, OnRow on_row) {
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
    on_row(stmt);
  if (rc != SQLITE_DONE)
    throw database_error{std::string{what} + ": " + sqlite3_errstr(rc)};
}

/// Reads every row of a statement selected with `stored_columns`.
std::vector<stored_deal> read_all_stored(sqlite3_stmt* stmt) {
  std::vector<stored_deal> out;
  each_row(stmt, "reading deals",
           [&](sqlite3_stmt* s) { out.push_back(read_stored(s)); });
  return out;
}

/// Finalizes a statement prepared for one use, whatever happens.
struct statement_once {
  sqlite3_stmt* stmt;
  ~statement_once() {
    sqlite3_finalize(stmt);
  }
};

} // namespace

std::optional<int64_t> state_number(const std::string& value) {
  int64_t out = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(),
                                   out);
  if (ec != std::errc{} || end != value.data() + value.size())
    return std::nullopt;
  return out;
}

database::database(const std::string& path) {
  auto parent = std::filesystem::path{path}.parent_path();
  std::error_code ec;
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  if (ec)
    throw database_error{"database '" + path + "': cannot create directory '"
                         + parent.string() + "': " + ec.message()};
  if (sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr)
      != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw database_error{"database '" + path + "': " + msg};
  }
  try {
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec(schema_sql());
    migrate();
    exec(index_sql());
  } catch (const database_error& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw database_error{"database '" + path + "': " + e.what()};
  }
}

database::~database() {
  for (auto& kv : statements_)
    sqlite3_finalize(kv.second);
  sqlite3_close(db_);
}

void database::fail(const std::string& what) {
  throw database_error{what + ": " + sqlite3_errmsg(db_)};
}

void database::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw database_error{msg};
  }
}

sqlite3_stmt* database::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
    fail("preparing '" + sql.substr(0, 60) + "'");
  return stmt;
}

sqlite3_stmt* database::cached(const std::string& sql) {
  auto i = statements_.find(sql);
  if (i != statements_.end())
    return i->second;
  auto* stmt = prepare(sql);
  statements_.emplace(sql, stmt);
  return stmt;
}

// Adds every canonical column an existing table lacks; never drops one.
void database::migrate() {
  std::set<std::string> present;
  auto* stmt = prepare("PRAGMA table_info(deals)");
  {
    statement_once once{stmt};
    each_row(stmt, "reading the columns of deals",
             [&](sqlite3_stmt* s) { present.insert(text_at(s, 1)); });
  }
  for (auto& c : deal_columns())
    if (present.count(std::string{c.name}) == 0)
      exec("ALTER TABLE deals ADD COLUMN " + std::string{c.name} + " "
           + std::string{c.sql_type});
}

void database::begin() {
  exec("BEGIN IMMEDIATE");
}

void database::commit() {
  exec("COMMIT");
}

void database::rollback() {
  if (!sqlite3_get_autocommit(db_))
    exec("ROLLBACK");
  rejections_ = -1; // what the transaction counted is undone: count again
}

bool database::upsert(const deal_update& u) {
  auto mask = column_mask(u);
  auto* stmt = cached(u.mode == write_mode::update_only ? update_sql(mask)
                                                        : upsert_sql(mask));
  statement_use use{stmt};
  bind_text(stmt, 1, u.asin);
  int i = 2;
  for (auto& spec : deal_columns())
    if (auto* c = u.find(spec.id))
      bind_cell(stmt, i++, *c);
  if (sqlite3_step(stmt) != SQLITE_DONE)
    fail("upserting " + u.asin);
  return u.mode == write_mode::upsert || sqlite3_changes(db_) > 0;
}

void database::reject(const rejection& r, const std::string& now_iso) {
  // Insert, or update the reason and time of the same key: the count
  // grows only by keys that are new.
  auto write = [&](sqlite3_stmt* stmt) {
    statement_use use{stmt};
    bind_text(stmt, 1, r.asin);
    sqlite3_bind_int64(stmt, 2, r.keepa_last_update);
    bind_text(stmt, 3, r.reason);
    bind_text(stmt, 4, now_iso);
    if (sqlite3_step(stmt) != SQLITE_DONE)
      fail("recording a rejection of " + r.asin);
    return sqlite3_changes(db_) > 0;
  };
  if (write(cached("INSERT OR IGNORE INTO rejections (asin, "
                   "keepa_last_update, reason, rejected_utc) "
                   "VALUES (?1, ?2, ?3, ?4)"))) {
    if (rejections_ >= 0)
      ++rejections_;
  } else {
    write(cached("UPDATE rejections SET reason = ?3, rejected_utc = ?4 "
                 "WHERE asin = ?1 AND keepa_last_update = ?2"));
  }
  // A pending row of the ASIN is judged too: it would be resumed forever.
  auto* drop = cached("DELETE FROM deals WHERE asin = ? AND "
                      + status_is(deal_status::pending));
  statement_use drop_use{drop};
  bind_text(drop, 1, r.asin);
  if (sqlite3_step(drop) != SQLITE_DONE)
    fail("dropping the pending row of " + r.asin);
}

void database::add_event(const std::string& asin, const std::string& kind,
                         double old_price, double new_price,
                         const std::string& now_iso) {
  auto* stmt = cached("INSERT INTO events (asin, kind, old_price, new_price, "
                      "at_utc) VALUES (?, ?, ?, ?, ?)");
  statement_use use{stmt};
  bind_text(stmt, 1, asin);
  bind_text(stmt, 2, kind);
  sqlite3_bind_double(stmt, 3, old_price);
  sqlite3_bind_double(stmt, 4, new_price);
  bind_text(stmt, 5, now_iso);
  if (sqlite3_step(stmt) != SQLITE_DONE)
    fail("recording an event of " + asin);
}

void database::set_state(const std::string& key, const std::string& value,
                         const std::string& now_iso) {
  auto* stmt = cached("INSERT OR REPLACE INTO system_state (key, value, "
                      "updated_at) VALUES (?, ?, ?)");
  statement_use use{stmt};
  bind_text(stmt, 1, key);
  bind_text(stmt, 2, value);
  bind_text(stmt, 3, now_iso);
  if (sqlite3_step(stmt) != SQLITE_DONE)
    fail("writing state " + key);
}

std::optional<std::string> database::state(const std::string& key) {
  auto* stmt = cached("SELECT value FROM system_state WHERE key = ?");
  statement_use use{stmt};
  bind_text(stmt, 1, key);
  std::optional<std::string> out;
  each_row(stmt, "reading system_state",
           [&](sqlite3_stmt* s) { out = text_at(s, 0); });
  return out;
}

std::vector<stored_deal> database::find(const std::vector<std::string>& asins) {
  std::vector<stored_deal> out;
  if (asins.empty())
    return out;
  auto* stmt = prepare(std::string{"SELECT "} + stored_columns
                       + " FROM deals WHERE asin IN ("
                       + placeholders(asins.size()) + ")");
  statement_once once{stmt};
  for (size_t i = 0; i < asins.size(); ++i)
    bind_text(stmt, static_cast<int>(i + 1), asins[i]);
  return read_all_stored(stmt);
}

std::vector<rejection>
database::find_rejections(const std::vector<std::string>& asins) {
  std::vector<rejection> out;
  if (asins.empty())
    return out;
  auto* stmt = prepare("SELECT asin, keepa_last_update, reason FROM "
                       "rejections WHERE asin IN ("
                       + placeholders(asins.size()) + ")");
  statement_once once{stmt};
  for (size_t i = 0; i < asins.size(); ++i)
    bind_text(stmt, static_cast<int>(i + 1), asins[i]);
  each_row(stmt, "reading rejections", [&](sqlite3_stmt* s) {
    out.push_back(
      rejection{text_at(s, 0), sqlite3_column_int64(s, 1), text_at(s, 2)});
  });
  return out;
}

std::vector<std::string> database::pending(size_t limit) {
  auto* stmt = cached("SELECT asin FROM deals WHERE "
                      + status_is(deal_status::pending)
                      + " ORDER BY first_seen_utc, rowid LIMIT ?");
  statement_use use{stmt};
  sqlite3_bind_int64(stmt, 1, static_cast<int64_t>(limit));
  std::vector<std::string> out;
  each_row(stmt, "reading pending rows",
           [&](sqlite3_stmt* s) { out.push_back(text_at(s, 0)); });
  return out;
}

std::vector<stored_deal> database::near_deadline(int64_t alive_ms,
                                                 int64_t age_ms, size_t limit) {
  auto* stmt
    = cached(std::string{"SELECT "} + stored_columns + " FROM deals WHERE "
             + status_is(deal_status::active)
             + " AND seen_alive_ms < ? ORDER BY seen_alive_ms LIMIT ?");
  statement_use use{stmt};
  sqlite3_bind_int64(stmt, 1, alive_ms - age_ms);
  sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(limit));
  return read_all_stored(stmt);
}

std::vector<stored_deal> database::due(const std::string& before_iso,
                                       int64_t alive_ms, int64_t age_ms,
                                       size_t limit) {
  auto* stmt = cached(std::string{"SELECT "} + stored_columns
                      + " FROM deals WHERE " + status_is(deal_status::active)
                      + " AND " + newest_fetch
                      + " < ? AND COALESCE(seen_alive_ms >= ?, 1) ORDER BY "
                      + newest_fetch + " LIMIT ?");
  statement_use use{stmt};
  bind_text(stmt, 1, before_iso);
  sqlite3_bind_int64(stmt, 2, alive_ms - age_ms);
  sqlite3_bind_int64(stmt, 3, static_cast<int64_t>(limit));
  return read_all_stored(stmt);
}

int64_t database::stamp_unstamped(int64_t alive_ms) {
  auto* stmt
    = cached("UPDATE deals SET seen_alive_ms = ? WHERE seen_alive_ms IS NULL");
  statement_use use{stmt};
  sqlite3_bind_int64(stmt, 1, alive_ms);
  if (sqlite3_step(stmt) != SQLITE_DONE)
    fail("stamping rows without an engine-alive time");
  return sqlite3_changes(db_);
}

int64_t database::delete_expired(int64_t alive_ms, int64_t retention_ms) {
  auto* stmt = cached("DELETE FROM deals WHERE seen_alive_ms < ?");
  statement_use use{stmt};
  sqlite3_bind_int64(stmt, 1, alive_ms - retention_ms);
  if (sqlite3_step(stmt) != SQLITE_DONE)
    fail("deleting expired rows");
  return sqlite3_changes(db_);
}

std::pair<int64_t, int64_t>
database::prune_history(const std::string& rejections_before_iso,
                        const std::string& events_before_iso) {
  auto remove = [&](const char* sql, const std::string& before) {
    auto* stmt = cached(sql);
    statement_use use{stmt};
    bind_text(stmt, 1, before);
    if (sqlite3_step(stmt) != SQLITE_DONE)
      fail("pruning old history");
    return static_cast<int64_t>(sqlite3_changes(db_));
  };
  auto rejections = remove("DELETE FROM rejections WHERE rejected_utc < ?",
                           rejections_before_iso);
  if (rejections_ >= 0)
    rejections_ -= rejections;
  auto events = remove("DELETE FROM events WHERE at_utc < ?",
                       events_before_iso);
  return {rejections, events};
}

bool database::checkpoint() {
  int log = 0;
  int moved = 0;
  auto rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                      &log, &moved);
  return rc == SQLITE_OK;
}

namespace {

/// The sums of active rows per price basis, in row_counts::bases order.
std::string by_basis_sql() {
  std::string sql;
  for (auto* basis : row_counts::bases)
    sql += std::string{", COALESCE(SUM(status = 'active' AND "}
           + (basis ? "price_basis = '" + std::string{basis} + "'"
                    : std::string{"price_basis IS NULL"})
           + "), 0)";
  return sql;
}

} // namespace

row_counts database::counts() {
  if (rejections_ < 0) {
    auto* all = cached("SELECT COUNT(*) FROM rejections");
    statement_use use{all};
    if (sqlite3_step(all) != SQLITE_ROW)
      fail("counting rejections");
    rejections_ = sqlite3_column_int64(all, 0);
  }
  auto* stmt = cached("SELECT COUNT(*), COALESCE(SUM("
                      + status_is(deal_status::active) + "), 0), COALESCE(SUM("
                      + status_is(deal_status::pending) + "), 0), COALESCE(SUM("
                      + status_is(deal_status::gone) + "), 0)" + by_basis_sql()
                      + " FROM deals");
  statement_use use{stmt};
  row_counts out;
  if (sqlite3_step(stmt) != SQLITE_ROW)
    fail("counting deals");
  out.total = sqlite3_column_int64(stmt, 0);
  out.active = sqlite3_column_int64(stmt, 1);
  out.pending = sqlite3_column_int64(stmt, 2);
  out.gone = sqlite3_column_int64(stmt, 3);
  for (size_t i = 0; i < out.active_by_basis.size(); ++i)
    out.active_by_basis[i] = sqlite3_column_int64(stmt,
                                                  4 + static_cast<int>(i));
  out.rejections = rejections_;
  return out;
}

std::string database::integrity_check() {
  auto* stmt = prepare("PRAGMA integrity_check");
  std::string out;
  while (sqlite3_step(stmt) == SQLITE_ROW)
    out += (out.empty() ? "" : "; ") + text_at(stmt, 0);
  sqlite3_finalize(stmt);
  return out;
}

} // namespace keepa
