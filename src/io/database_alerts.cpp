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

bool database::record_new_deal(const std::string& target, const alert& a,
                               const std::string& now_iso) {
  auto* stmt = cached("INSERT INTO alert_memory (target, asin, lowest_price) "
                      "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
  {
    statement_use use{stmt};
    bind_text(stmt, 1, target);
    bind_text(stmt, 2, a.asin);
    sqlite3_bind_double(stmt, 3, a.price_now);
    if (sqlite3_step(stmt) != SQLITE_DONE)
      fail("remembering the alert of " + a.asin);
  }
  if (sqlite3_changes(db_) == 0)
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
  auto* lower = cached("UPDATE alert_memory SET lowest_price = ? WHERE "
                       "target = ? AND asin = ?");
  {
    statement_use use{lower};
    sqlite3_bind_double(lower, 1, a.price_now);
    bind_text(lower, 2, target);
    bind_text(lower, 3, a.asin);
    if (sqlite3_step(lower) != SQLITE_DONE)
      fail("remembering the alert of " + a.asin);
  }
  a.previous_price = lowest;
  put_in_outbox(target, a, now_iso);
  return true;
}

} // namespace keepa
