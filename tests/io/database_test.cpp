#include "io/database.hpp"
#include "support/process.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <set>

using namespace keepa;
using keepa::test::fresh_dir;

namespace {

/// Every column of one row as text (NULL as "<null>"), for byte comparisons.
std::vector<std::string> row_text(const std::string& path,
                                  const std::string& asin) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT * FROM deals WHERE asin = ?", -1, &stmt,
                     nullptr);
  sqlite3_bind_text(stmt, 1, asin.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::string> out;
  if (sqlite3_step(stmt) == SQLITE_ROW)
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      auto* t = sqlite3_column_text(stmt, i);
      out.push_back(std::string{sqlite3_column_name(stmt, i)} + "="
                    + (t ? reinterpret_cast<const char*>(t) : "<null>"));
    }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

deal_update full(const std::string& asin) {
  deal_update u;
  u.asin = asin;
  u.set(column::title, std::string{"Calculus"})
    .set(column::status, std::string{to_string(deal_status::active)})
    .set(column::price_now, 20.0)
    .set(column::list_at, 80.0)
    .set(column::one_yr_avg, 60.0)
    .set(column::profit, 45.0)
    .set(column::seasonality, std::string{"textbook"})
    .set(column::keepa_last_update, int64_t{1000})
    .set(column::first_seen_utc, std::string{"2026-01-01T00:00:00Z"})
    .set(column::last_seen_utc, std::string{"2026-01-01T00:00:00Z"})
    .set(column::last_full_fetch_utc, std::string{"2026-01-01T00:00:00Z"})
    .set(column::price_source, std::string{"inferred sales"});
  return u;
}

} // namespace

TEST_CASE("a light update leaves every other column "
          "byte for byte") {
  auto path = fresh_dir("db-light") + "/deals.db";
  {
    database db{path};
    db.upsert(full("0123456789"));
  }
  auto before = row_text(path, "0123456789");
  {
    database db{path};
    deal_update light;
    light.asin = "0123456789";
    light.set(column::price_now, 18.0)
      .set(column::profit, 47.0)
      .set(column::last_seen_utc, std::string{"2026-01-02T00:00:00Z"})
      .set(column::last_light_fetch_utc, std::string{"2026-01-02T00:00:00Z"});
    db.upsert(light);
  }
  auto after = row_text(path, "0123456789");
  REQUIRE(before.size() == after.size());
  std::set<std::string> changed{"price_now", "profit", "last_seen_utc",
                                "last_light_fetch_utc"};
  for (size_t i = 0; i < before.size(); ++i) {
    auto name = before[i].substr(0, before[i].find('='));
    CAPTURE(name);
    if (changed.count(name))
      CHECK(before[i] != after[i]);
    else
      CHECK(before[i] == after[i]);
  }
}

TEST_CASE("pending rows first seen in the same second resume in the order "
          "they were stored, whatever their ASINs") {
  auto path = fresh_dir("db-pending") + "/deals.db";
  database db{path};
  for (auto* asin : {"ZZZ", "AAA", "MMM"}) {
    auto p = full(asin);
    p.set(column::status, std::string{to_string(deal_status::pending)});
    p.set(column::first_seen_utc, std::string{"2026-01-01T00:00:00Z"});
    db.upsert(p);
  }
  CHECK(db.pending(10) == std::vector<std::string>{"ZZZ", "AAA", "MMM"});
}

TEST_CASE("migration adds missing columns and keeps foreign ones") {
  auto path = fresh_dir("db-migrate") + "/deals.db";
  {
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    sqlite3_exec(raw,
                 "CREATE TABLE deals (asin TEXT PRIMARY KEY, title TEXT, "
                 "legacy_note TEXT); INSERT INTO deals VALUES ('A', 'old', "
                 "'keep me');",
                 nullptr, nullptr, nullptr);
    sqlite3_close(raw);
  }
  database db{path};
  auto row = row_text(path, "A");
  CHECK(std::find(row.begin(), row.end(), "legacy_note=keep me") != row.end());
  CHECK(std::find(row.begin(), row.end(), "title=old") != row.end());
  CHECK(std::find(row.begin(), row.end(), "last_seen_utc=<null>") != row.end());
  deal_update u;
  u.asin = "A";
  u.set(column::profit, 3.5);
  db.upsert(u);
  CHECK(db.find({"A"}).size() == 1);
}

TEST_CASE("a file that is not SQLite is a clear error") {
  auto path = fresh_dir("db-garbage") + "/deals.db";
  std::ofstream{path} << std::string(4096, 'x');
  try {
    database db{path};
    FAIL("opened a garbage file");
  } catch (const database_error& e) {
    CHECK(std::string{e.what()}.find(path) != std::string::npos);
    CHECK(std::string{e.what()}.find("not a database") != std::string::npos);
  }
}

TEST_CASE("rejections, pending rows, staleness, retention, state") {
  auto path = fresh_dir("db-queries") + "/deals.db";
  database db{path};
  db.begin();
  db.reject({"R", 7, "dead inventory"}, "2026-01-01T00:00:00Z");
  db.reject({"R", 7, "dead inventory"}, "2026-01-01T00:00:00Z");
  auto pending = full("P");
  pending.set(column::status, std::string{to_string(deal_status::pending)});
  db.upsert(pending);
  auto old = full("OLD");
  old.set(column::last_seen_utc, std::string{"2025-12-01T00:00:00Z"});
  old.set(column::last_full_fetch_utc, std::string{"2025-12-01T00:00:00Z"});
  db.upsert(old);
  db.upsert(full("NEW"));
  db.set_state("watermark", "12345", "2026-01-01T00:00:00Z");
  db.commit();
  auto rej = db.find_rejections({"R", "X"});
  REQUIRE(rej.size() == 1);
  CHECK(rej[0].keepa_last_update == 7);
  CHECK(rej[0].reason == "dead inventory");
  CHECK(db.pending(10) == std::vector<std::string>{"P"});
  auto due = db.due("2025-12-31T00:00:00Z", 0, 1, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].asin == "OLD");
  CHECK(*db.state("watermark") == "12345");
  CHECK_FALSE(db.state("nothing"));
  auto c = db.counts();
  CHECK(c.total == 3);
  CHECK(c.pending == 1);
  CHECK(c.active == 2);
  CHECK(c.rejections == 1);
  // No engine-alive stamps yet: a row without one is never deleted, however
  // old its last sighting in wall time...
  int64_t day = 86400000;
  CHECK(db.delete_expired(40 * day, 30 * day) == 0);
  // ...it counts as seen when it is stamped, and only that counts.
  CHECK(db.stamp_unstamped(40 * day) == 3);
  CHECK(db.stamp_unstamped(41 * day) == 0);
  CHECK(db.delete_expired(70 * day, 30 * day) == 0);
  CHECK(db.delete_expired(70 * day + 1, 30 * day) == 3);
  CHECK(db.counts().total == 0);
  CHECK(db.integrity_check() == "ok");
}

TEST_CASE("a rejection drops the ASIN's pending row, never an active one") {
  auto path = fresh_dir("db-reject") + "/deals.db";
  database db{path};
  db.begin();
  auto pending = full("P");
  pending.set(column::status, std::string{to_string(deal_status::pending)});
  db.upsert(pending);
  db.upsert(full("A"));
  db.reject({"P", 7, "no stats in the heavy fetch"}, "2026-01-01T00:00:00Z");
  db.reject({"A", 8, "dead inventory"}, "2026-01-01T00:00:00Z");
  db.commit();
  CHECK(db.find({"P"}).empty());
  CHECK(db.find({"A"}).size() == 1);
  CHECK(db.pending(10).empty());
  CHECK(db.find_rejections({"P", "A"}).size() == 2);
}

TEST_CASE("an update-only write changes an existing row and never creates "
          "one") {
  auto path = fresh_dir("db-update-only") + "/deals.db";
  database db{path};
  deal_update refresh;
  refresh.asin = "B00GONE000";
  refresh.mode = write_mode::update_only;
  refresh.set(column::price_now, 12.5);
  refresh.set(column::last_seen_utc, std::string{"2026-11-02T00:00:00Z"});
  CHECK_FALSE(db.upsert(refresh));
  CHECK(row_text(path, "B00GONE000").empty());
  CHECK(db.upsert(full("B00GONE000")));
  CHECK(db.upsert(refresh));
  auto row = row_text(path, "B00GONE000");
  CHECK(std::count(row.begin(), row.end(), "price_now=12.5") == 1);
  CHECK(std::count(row.begin(), row.end(), "title=Calculus") == 1);
}

TEST_CASE("retention counts engine-alive time: time switched off is "
          "never counted, rows near the deadline come first") {
  auto path = fresh_dir("db-alive") + "/deals.db";
  database db{path};
  int64_t hour = 3600000;
  auto seen_at = [&](const std::string& asin, int64_t alive) {
    auto u = full(asin);
    u.set(column::seen_alive_ms, alive);
    db.upsert(u);
  };
  seen_at("A", 0);
  seen_at("B", 10 * hour);
  seen_at("C", 60 * hour);
  // Alive 70 h: with a deadline age of 54 h, A and B are near it, A first.
  auto near = db.near_deadline(70 * hour, 54 * hour, 10);
  REQUIRE(near.size() == 2);
  CHECK(near[0].asin == "A");
  CHECK(near[1].asin == "B");
  // Due rows exclude those near the deadline.
  auto due = db.due("2027-01-01T00:00:00Z", 70 * hour, 54 * hour, 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].asin == "C");
  // Only engine-alive time expires rows.
  CHECK(db.delete_expired(71 * hour, 72 * hour) == 0);
  CHECK(db.delete_expired(73 * hour, 72 * hour) == 1);
  CHECK(db.counts().total == 2);
}

TEST_CASE("history past its retention is pruned, the rejection count stays "
          "exact without a scan") {
  auto path = fresh_dir("db-prune") + "/deals.db";
  database db{path};
  CHECK(db.counts().rejections == 0);
  db.reject({"OLD", 1, "dead stock"}, "2026-01-01T00:00:00Z");
  db.reject({"NEW", 2, "dead stock"}, "2026-01-05T00:00:00Z");
  // Judged again: one row, its reason and time updated.
  db.reject({"NEW", 2, "no spread"}, "2026-01-05T01:00:00Z");
  db.add_event("OLD", "price_drop", 20, 10, "2025-11-01T00:00:00Z");
  db.add_event("NEW", "price_drop", 20, 10, "2026-01-05T00:00:00Z");
  CHECK(db.counts().rejections == 2);
  auto [rejections, events] = db.prune_history("2026-01-02T00:00:00Z",
                                               "2025-12-06T00:00:00Z");
  CHECK(rejections == 1);
  CHECK(events == 1);
  CHECK(db.counts().rejections == 1);
  CHECK(db.find_rejections({"OLD", "NEW"}).size() == 1);
  CHECK(db.find_rejections({"NEW"})[0].reason == "no spread");
  // A rolled-back transaction's rejections are not counted.
  db.begin();
  db.reject({"GONE", 3, "dead stock"}, "2026-01-05T00:00:00Z");
  db.rollback();
  CHECK(db.counts().rejections == 1);
  CHECK(db.checkpoint());
}

TEST_CASE("a read that fails part-way is an error, never a short answer") {
  auto path = fresh_dir("db-damaged") + "/deals.db";
  std::vector<std::string> asins;
  {
    database db{path};
    db.begin();
    for (int i = 0; i < 3000; ++i) {
      asins.push_back("A" + std::to_string(100000 + i));
      db.reject({asins.back(), i, std::string(200, 'x')},
                "2026-01-01T00:00:00Z");
    }
    db.commit();
  }
  // Damage the pages past the schema (the file is whole after the last
  // connection closed: no WAL left).
  {
    std::fstream f{path, std::ios::in | std::ios::out | std::ios::binary};
    f.seekp(0, std::ios::end);
    auto size = static_cast<long>(f.tellp());
    REQUIRE(size > 200000);
    std::string junk(4096, '\xA5');
    for (long at = size / 2; at + 4096 < size; at += 3 * 4096) {
      f.seekp(at);
      f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
  }
  database db{path};
  CHECK_THROWS_AS(db.find_rejections(asins), database_error);
}
