#pragma once

// A database with a few known rows for the web tests, written through the
// engine's own store (io/database.hpp), as the db_writer writes them.

#include "io/database.hpp"
#include "support/temp_dir.hpp"

#include <string>

namespace keepa::test {

/// One active row with the columns the board shows.
inline deal_update board_row(const std::string& asin, const std::string& title,
                             double price, double profit, int64_t rank) {
  deal_update u{asin, {}, write_mode::upsert};
  u.set(column::title, title)
    .set(column::status, std::string{"active"})
    .set(column::price_now, price)
    .set(column::list_at, price * 3)
    .set(column::one_yr_avg, price * 2)
    .set(column::percent_down, 50.0)
    .set(column::profit, profit)
    .set(column::margin, 20.0)
    .set(column::sales_rank, rank)
    .set(column::drops_30, int64_t{4})
    .set(column::seasonality, std::string{"year-round"})
    .set(column::first_seen_utc, std::string{"2026-12-01T10:00:00Z"})
    .set(column::last_full_fetch_utc, std::string{"2026-12-01T10:00:00Z"})
    .set(column::all_in_cost, price + 10)
    .set(column::shipping_included, int64_t{1})
    .set(column::fba_fee, 4.0)
    .set(column::referral_percent, 15.0);
  return u;
}

/// A database holding the rows of `rows`.
struct board_db {
  temp_dir dir{"web"};
  std::string path = dir / "deals.db";

  explicit board_db(std::initializer_list<deal_update> rows) {
    database db{path};
    db.begin();
    for (auto& r : rows)
      db.upsert(r);
    db.commit();
  }
};

} // namespace keepa::test
