#pragma once

// The SQLite store of deals, rejections and engine state: one connection,
// WAL, prepared statements cached per column set. Plain blocking code; only
// the db_writer actor (spawned detached) may own an instance.

#include "io/outbox.hpp"
#include "model/alert.hpp"
#include "model/analytics.hpp"
#include "model/columns.hpp"
#include "model/keepa_time.hpp"

#include <array>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace keepa {

/// Any SQLite failure, with SQLite's message and what we were doing.
struct database_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// What the router and the light pool need to know of a stored deal.
struct stored_deal {
  std::string asin;
  deal_status status = deal_status::pending;
  keepa_minutes keepa_last_update = -1;
  std::optional<double> list_at;
  std::optional<double> one_yr_avg;
  std::optional<double> price_now;
  /// The later of the last full and light fetch; empty when never.
  std::string last_fetch_utc;
  std::string last_seen_utc;
  /// Where price_now came from (`listing`, `offers`, `stats`); nullopt
  /// for a row priced before price_basis existed, or not priced.
  std::optional<std::string> price_basis;
  std::optional<double> shipping;
  std::optional<double> fba_fee;
  std::optional<double> referral_percent;

  /// What a cheap refresh prices the row on.
  cost_basis basis() const {
    return {shipping, list_at, one_yr_avg, fba_fee, referral_percent};
  }
};

/// A deal a stage turned down, and why.
struct rejection {
  std::string asin;
  keepa_minutes keepa_last_update = -1;
  std::string reason;
};

/// A `system_state` value as a whole number; nullopt when it is not one.
std::optional<int64_t> state_number(const std::string& value);

/// Row counts by status.
struct row_counts {
  int64_t total = 0;
  int64_t active = 0;
  int64_t pending = 0;
  int64_t gone = 0;
  int64_t rejections = 0;
  /// The price bases active rows are counted by; nullptr is none (NULL).
  static constexpr const char* bases[] = {"listing", "offers", "stats",
                                          nullptr};
  /// Active rows per price basis, in `bases` order.
  std::array<int64_t, std::size(bases)> active_by_basis{};
};

class database {
public:
  /// Opens (creating if needed) the database at `path`, creates its parent
  /// directory, switches to WAL and migrates the schema. Throws
  /// database_error with a clear message when that fails.
  explicit database(const std::string& path);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  void begin();
  void commit();
  void rollback();

  /// Writes the columns `u` carries and no others, inserting the row when
  /// `u.mode` allows; false when an update-only write found no row.
  bool upsert(const deal_update& u);

  /// Records a rejection (idempotent per ASIN and lastUpdate) and drops the
  /// ASIN's pending row, if any; an active row stays.
  void reject(const rejection& r, const std::string& now_iso);

  /// Appends a price-drop (or other) event.
  void add_event(const std::string& asin, const std::string& kind,
                 double old_price, double new_price,
                 const std::string& now_iso);

  /// The committed row of `asin` as an alert reads it; nullopt unless it
  /// is an active row with a price.
  std::optional<alerted_row> alerted(const std::string& asin);

  /// Puts the new-deal alert `a` in `target`'s outbox unless the deal was
  /// alerted to it before (as new or as a drop); true when put.
  bool record_new_deal(const std::string& target, const alert& a,
                       const std::string& now_iso);

  /// Puts the drop alert `a` (its previous_price filled in here) in
  /// `target`'s outbox when its price is news against the lowest price
  /// alerted to the target for the deal (model/alert.hpp is_news_drop); a
  /// deal never alerted to it gets no drop alert. True when put.
  bool record_drop(const std::string& target, alert a, const alert_rules& rules,
                   const std::string& now_iso);

  /// Up to `limit` of `target`'s pending alerts due at `now_iso` (a digest
  /// begun before a restart first, then the oldest) and its counts.
  outbox_batch due_alerts(const std::string& target, const std::string& now_iso,
                          int64_t limit);

  /// Records what became of sent alerts, in one transaction.
  void mark_alerts(const outbox_marks& marks);

  /// Deletes delivered and failed alerts done before `before_iso`, and
  /// the alert memory of deals no longer in `deals`; answers how many
  /// alerts.
  int64_t prune_alerts(const std::string& before_iso);

  /// Writes one `system_state` value.
  void set_state(const std::string& key, const std::string& value,
                 const std::string& now_iso);

  /// Reads one `system_state` value.
  std::optional<std::string> state(const std::string& key);

  /// The stored deals among `asins`.
  std::vector<stored_deal> find(const std::vector<std::string>& asins);

  /// Which of the (ASIN, lastUpdate) keys were rejected before.
  std::vector<rejection> find_rejections(const std::vector<std::string>& asins);

  /// ASINs of `pending` rows, oldest first; rows first seen in the same
  /// second in the order they were stored (no index decides).
  std::vector<std::string> pending(size_t limit);

  /// Active deals last seen more than `age_ms` of engine-alive time before
  /// `alive_ms`, the earliest deadline first.
  std::vector<stored_deal> near_deadline(int64_t alive_ms, int64_t age_ms,
                                         size_t limit);

  /// Active deals whose newest full or light fetch is before `before_iso`
  /// and that near_deadline does not answer, the oldest fetch first.
  std::vector<stored_deal> due(const std::string& before_iso, int64_t alive_ms,
                               int64_t age_ms, size_t limit);

  /// Stamps the rows without an engine-alive stamp (written by an older
  /// version or another program) as seen at `alive_ms`: they get a full
  /// retention window from now, and are refreshed before it ends like any
  /// other row. Returns how many were stamped.
  int64_t stamp_unstamped(int64_t alive_ms);

  /// Deletes rows last seen more than `retention_ms` of engine-alive time
  /// before `alive_ms` (never a row without a stamp); returns how many.
  int64_t delete_expired(int64_t alive_ms, int64_t retention_ms);

  /// Deletes rejections judged before `rejections_before_iso` and events
  /// recorded before `events_before_iso`; returns how many of each.
  std::pair<int64_t, int64_t>
  prune_history(const std::string& rejections_before_iso,
                const std::string& events_before_iso);

  /// Moves the write-ahead log into the database and truncates it, so the
  /// `-wal` file stays small however long the engine runs. False when a
  /// reader kept part of it (it is retried at the next call).
  bool checkpoint();

  /// The row counts; rejections are counted as they are written (never a
  /// scan of the table after the first).
  row_counts counts();

  /// Runs `PRAGMA integrity_check`; "ok" when healthy.
  std::string integrity_check();

private:
  /// Puts `a` in `target`'s outbox (once per target and id).
  /// Runs `sql`, an alert_memory write binding (lowest_price, target,
  /// asin); the rows it changed.
  int remember_lowest(const char* sql, const std::string& target,
                      const std::string& asin, double price);
  void put_in_outbox(const std::string& target, const alert& a,
                     const std::string& now_iso);
  void exec(const std::string& sql);
  void migrate();
  sqlite3_stmt* prepare(const std::string& sql);
  sqlite3_stmt* cached(const std::string& sql);
  [[noreturn]] void fail(const std::string& what);

  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> statements_;
  /// Rows in `rejections`; -1 until counted once.
  int64_t rejections_ = -1;
};

} // namespace keepa
