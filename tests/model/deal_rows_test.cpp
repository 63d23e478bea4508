#include "model/deal_rows.hpp"

#include <doctest/doctest.h>

using namespace keepa;

namespace {

const int64_t now_ms = 1793491200000;

product stats_product() {
  product p;
  p.asin = "0123456789";
  p.title = "A Book";
  product_stats s;
  s.current = std::vector<int64_t>(36, -1);
  s.current[2] = 1500;
  s.current[3] = 42000;
  s.current[12] = 7;
  s.avg90 = std::vector<int64_t>(36, -1);
  s.avg90[2] = 4000;
  s.avg365 = std::vector<int64_t>(36, -1);
  s.avg365[2] = 3000;
  s.sales_rank_drops30 = 9;
  p.stats = s;
  return p;
}

} // namespace

TEST_CASE("upsert SQL names only the columns it updates") {
  deal_update u;
  u.asin = "X";
  u.set(column::price_now, 1.0).set(column::last_seen_utc, std::string{"t"});
  auto sql = upsert_sql(column_mask(u));
  CHECK(sql.find("price_now = excluded.price_now") != std::string::npos);
  CHECK(sql.find("last_seen_utc = excluded.last_seen_utc") != std::string::npos);
  CHECK(sql.find("list_at") == std::string::npos);
  CHECK(sql.find("title") == std::string::npos);
}

TEST_CASE("first_seen_utc is kept once set") {
  deal_update u;
  u.asin = "X";
  u.set(column::first_seen_utc, std::string{"t"});
  CHECK(upsert_sql(column_mask(u)).find("COALESCE(first_seen_utc")
        != std::string::npos);
}

TEST_CASE("a light row never carries the preserved columns") {
  auto u = light_row(stats_product(), 40.0, 30.0, now_ms, fee_settings{});
  for (auto c : {column::list_at, column::one_yr_avg, column::title,
                 column::status, column::first_seen_utc,
                 column::last_full_fetch_utc, column::seasonality,
                 column::price_source, column::keepa_last_update})
    CHECK(u.find(c) == nullptr);
  REQUIRE(u.find(column::price_now) != nullptr);
  CHECK(std::get<double>(*u.find(column::price_now)) == doctest::Approx(15.0));
  // all-in 15 × 1.05 + 2.75 + 3.99 = 22.49; fees 40 × 0.15 + 5.50 = 11.50
  CHECK(std::get<double>(*u.find(column::profit)) == doctest::Approx(6.01));
  CHECK(std::get<double>(*u.find(column::percent_down)) == doctest::Approx(50.0));
  CHECK(std::get<int64_t>(*u.find(column::used_offer_count)) == 7);
}

TEST_CASE("a light row with unknown estimates writes NULL economics") {
  auto u = light_row(stats_product(), std::nullopt, std::nullopt, now_ms,
                     fee_settings{});
  CHECK(std::holds_alternative<std::monostate>(*u.find(column::profit)));
  CHECK(std::holds_alternative<std::monostate>(*u.find(column::percent_down)));
}

TEST_CASE("a payload refresh sets price, rank, lastUpdate and liveness only") {
  deal d;
  d.asin = "0123456789";
  d.last_update = 1000;
  d.current = std::vector<int64_t>(36, -1);
  d.current[2] = 2500;
  d.current[3] = 1234;
  auto u = payload_refresh(d, "2026-01-01T00:00:00Z");
  CHECK(u.cells.size() == 4);
  CHECK(std::get<double>(*u.find(column::price_now)) == doctest::Approx(25.0));
  CHECK(std::get<int64_t>(*u.find(column::sales_rank)) == 1234);
  CHECK(std::get<int64_t>(*u.find(column::keepa_last_update)) == 1000);
}

TEST_CASE("a full row is active with its sources stated") {
  auto u = full_row(stats_product(), 500, now_ms, fee_settings{});
  CHECK(std::get<std::string>(*u.find(column::status)) == "active");
  // No history, no inferred sale: no List at, and the row says why.
  CHECK(std::holds_alternative<std::monostate>(*u.find(column::list_at)));
  CHECK(std::get<std::string>(*u.find(column::price_source))
        == "rejected: no inferred sales");
  CHECK(std::get<double>(*u.find(column::price_now)) == doctest::Approx(15.0));
  CHECK(std::get<int64_t>(*u.find(column::keepa_last_update)) == 500);
}

TEST_CASE("a product without stats gives a row of NULL money, no crash") {
  product p;
  p.asin = "0123456789";
  auto u = full_row(p, 1, now_ms, fee_settings{});
  CHECK(std::holds_alternative<std::monostate>(*u.find(column::price_now)));
  CHECK(std::holds_alternative<std::monostate>(*u.find(column::list_at)));
}
