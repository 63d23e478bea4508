// The alert outbox and memory of `database` (docs/contract.md#alerts):
// written by the db_writer in the transaction of the rows that cause them.

#include "io/database.hpp"
#include "io/sqlite_values.hpp"
#include "model/alert_body.hpp"

#include <sqlite3.h>

namespace keepa {

std::optional<alerted_row> database::alerted(const std::string& asin) {
  auto* stmt = cached("SELECT title, keepa_last_update, price_now, profit, "
                      "all_in_cost, sales_rank, drops_90 FROM deals WHERE "
                      "asin = ? AND status = 'active' AND price_now > 0");
  statement_use use{stmt};
  bind_text(stmt, 1, asin);
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE)
    return std::nullopt;
  if (rc != SQLITE_ROW)
    fail("reading the row of " + asin + " for an alert");
  alerted_row row;
  row.asin = asin;
  row.title = text_at(stmt, 0);
  row.keepa_last_update = integer_at(stmt, 1).value_or(-1);
  row.price_now = real_at(stmt, 2).value_or(0);
  row.profit = real_at(stmt, 3);
  row.all_in_cost = real_at(stmt, 4);
  row.sales_rank = integer_at(stmt, 5);
  row.drops90 = integer_at(stmt, 6);
  return row;
}

void database::put_in_outbox(const std::string& target, const alert& a,
                             const std::string& now_iso) {
  auto* stmt = cached("INSERT OR IGNORE INTO alert_outbox (target, id, kind, "
                      "asin, alert, created_utc) VALUES (?, ?, ?, ?, ?, ?)");
  statement_use use{stmt};
  bind_text(stmt, 1, target);
  bind_text(stmt, 2, a.id);
  bind_text(stmt, 3, to_string(a.kind));
  bind_text(stmt, 4, a.asin);
  bind_text(stmt, 5, alert_body(alert_format::generic, alert_message{{a}}));
  bind_text(stmt, 6, now_iso);
  if (sqlite3_step(stmt) != SQLITE_DONE)
    fail("queueing an alert of " + a.asin);
}

int database::remember_lowest(const char* sql, const std::string& target,
                              const std::string& asin, double price) {
  auto* stmt = cached(sql);
  statement_use use{stmt};
  sqlite3_bind_double(stmt, 1, price);
  bind_text(stmt, 2, target);
  bind_text(stmt, 3, asin);
  if (sqlite3_step(stmt) != SQLITE_DONE)
    fail("remembering the alert of " + asin);
  return sqlite3_changes(db_);
}

bool database::record_new_deal(const std::string& target, const alert& a,
                               const std::string& now_iso) {
  if (remember_lowest("INSERT INTO alert_memory (lowest_price, target, asin) "
                      "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                      target, a.asin, a.price_now)
      == 0)
    return false;
  put_in_outbox(target, a, now_iso);
  return true;
}

bool database::record_drop(const std::string& target, alert a,
                           const alert_rules& rules,
                           const std::string& now_iso) {
  auto* read = cached("SELECT lowest_price FROM alert_memory WHERE "
                      "target = ? AND asin = ?");
  std::optional<double> lowest;
  {
    statement_use use{read};
    bind_text(read, 1, target);
    bind_text(read, 2, a.asin);
    int rc = sqlite3_step(read);
    if (rc == SQLITE_ROW)
      lowest = real_at(read, 0);
    else if (rc != SQLITE_DONE)
      fail("reading the alerts of " + a.asin);
  }
  if (!lowest || !is_news_drop(rules, *lowest, a.price_now))
    return false;
  remember_lowest("UPDATE alert_memory SET lowest_price = ? WHERE "
                  "target = ? AND asin = ?",
                  target, a.asin, a.price_now);
  a.previous_price = lowest;
  put_in_outbox(target, a, now_iso);
  return true;
}

outbox_batch database::due_alerts(const std::string& target,
                                  const std::string& now_iso, int64_t limit) {
  outbox_batch out;
  auto* due = cached(
    "SELECT id, alert, attempts, created_utc, message_id FROM alert_outbox "
    "WHERE target = ? AND state = 'pending' AND (next_try_utc IS NULL OR "
    "next_try_utc <= ?) ORDER BY message_id IS NULL, message_id, "
    "created_utc, rowid LIMIT ?");
  {
    statement_use use{due};
    bind_text(due, 1, target);
    bind_text(due, 2, now_iso);
    sqlite3_bind_int64(due, 3, limit);
    int rc;
    while ((rc = sqlite3_step(due)) == SQLITE_ROW)
      out.due.push_back({text_at(due, 0), text_at(due, 1),
                         static_cast<int>(integer_at(due, 2).value_or(0)),
                         text_at(due, 3), text_at(due, 4)});
    if (rc != SQLITE_DONE)
      fail("reading the alerts due for " + target);
  }
  auto* due_count = cached(
    "SELECT COUNT(*) FROM alert_outbox WHERE target = ? AND state = "
    "'pending' AND (next_try_utc IS NULL OR next_try_utc <= ?)");
  {
    statement_use use{due_count};
    bind_text(due_count, 1, target);
    bind_text(due_count, 2, now_iso);
    if (sqlite3_step(due_count) != SQLITE_ROW)
      fail("counting the alerts due for " + target);
    out.due_total = integer_at(due_count, 0).value_or(0);
  }
  auto* counts = cached("SELECT state, COUNT(*) FROM alert_outbox WHERE "
                        "target = ? AND state != 'delivered' GROUP BY state");
  statement_use use{counts};
  bind_text(counts, 1, target);
  int rc;
  while ((rc = sqlite3_step(counts)) == SQLITE_ROW)
    (text_at(counts, 0) == "failed" ? out.failed : out.pending)
      += integer_at(counts, 1).value_or(0);
  if (rc != SQLITE_DONE)
    fail("counting the alerts of " + target);
  return out;
}

void database::mark_alerts(const outbox_marks& marks) {
  auto* stmt = cached(
    "UPDATE alert_outbox SET state = ?, attempts = attempts + ?, message_id "
    "= COALESCE(?, message_id), next_try_utc = COALESCE(?, next_try_utc), "
    "last_error = COALESCE(?, last_error), done_utc = ? WHERE target = ? AND "
    "id = ?");
  auto text_or_null = [stmt](int i, const std::string& s) {
    if (s.empty())
      sqlite3_bind_null(stmt, i);
    else
      bind_text(stmt, i, s);
  };
  auto o = marks.outcome;
  bool done = o == outbox_outcome::delivered || o == outbox_outcome::failed;
  begin();
  try {
    for (auto& id : marks.ids) {
      statement_use use{stmt};
      bind_text(stmt, 1,
                o == outbox_outcome::delivered ? "delivered"
                : o == outbox_outcome::failed  ? "failed"
                                               : "pending");
      sqlite3_bind_int(stmt, 2, o == outbox_outcome::grouped ? 0 : 1);
      text_or_null(3, marks.message_id);
      text_or_null(4, marks.next_try_utc);
      text_or_null(5, marks.last_error);
      text_or_null(6, done ? marks.now_utc : std::string{});
      bind_text(stmt, 7, marks.target);
      bind_text(stmt, 8, id);
      if (sqlite3_step(stmt) != SQLITE_DONE)
        fail("marking the alerts of " + marks.target);
    }
    commit();
  } catch (...) {
    rollback();
    throw;
  }
}

int64_t database::prune_alerts(const std::string& before_iso) {
  auto* done = cached("DELETE FROM alert_outbox WHERE state IN "
                      "('delivered', 'failed') AND done_utc < ?");
  int64_t pruned = 0;
  {
    statement_use use{done};
    bind_text(done, 1, before_iso);
    if (sqlite3_step(done) != SQLITE_DONE)
      fail("pruning old alerts");
    pruned = sqlite3_changes(db_);
  }
  exec("DELETE FROM alert_memory WHERE asin NOT IN (SELECT asin FROM deals)");
  return pruned;
}

} // namespace keepa
