// What a deal is worth before its heavy fetch: the profit bound the peek
// gates on never lies below what the full fetch shows, and the payload's
// own estimate.

#include "model/deal_rows.hpp"
#include "model/deal_value.hpp"
#include "support/sample_products.hpp"

#include <doctest/doctest.h>

using namespace keepa;

namespace {

const int64_t now_ms = 1793491200000; // 2026-11-01T00:00:00Z

/// The profit column of a full fetch of `p` now.
std::optional<double> shown_profit(const product& p) {
  auto row = full_row(p, -1, now_ms, fee_settings{});
  auto c = row.find(column::profit);
  if (c && std::holds_alternative<double>(*c))
    return std::get<double>(*c);
  return std::nullopt;
}

/// A live used offer at $10 with `shipping` cents (-1: shipped by Amazon).
offer live_used(int64_t shipping, bool fba) {
  offer o;
  o.condition = 3;
  o.is_fba = fba;
  o.last_seen = to_keepa_minutes(now_ms) - 5;
  o.offer_csv = {o.last_seen - 60, 1000, shipping};
  return o;
}

} // namespace

TEST_CASE("the profit estimate: expected without an offer, best with free "
          "shipping, never below what the full fetch shows") {
  struct row {
    const char* name;
    std::vector<offer> offers;
    double shown;
  };
  // List at $30 (six sales at $30), used $10 now: all-in 10.50 + 2.75 prep
  // (+ 3.99 estimated shipping), fees 4.50 + 5.50.
  row rows[] = {
    {"no live offer: shipping estimated", {}, 2.76},
    {"a live FBA offer: shipping free", {live_used(-1, true)}, 6.75},
    {"a live offer shipped for $4.99", {live_used(499, false)}, 1.5105},
  };
  for (auto& r : rows) {
    CAPTURE(r.name);
    auto p = test::good_product("0000000001");
    p.offers = r.offers;
    if (!r.offers.empty())
      p.live_offers_order = std::vector<int>{0};
    auto estimate = estimate_profit(p, now_ms, fee_settings{});
    REQUIRE(estimate.expected);
    REQUIRE(estimate.best);
    CHECK(*estimate.expected == doctest::Approx(2.76));
    CHECK(*estimate.best == doctest::Approx(6.75));
    auto shown = shown_profit(p);
    REQUIRE(shown);
    CHECK(*shown == doctest::Approx(r.shown));
    CHECK(*shown <= *estimate.best + 1e-9);
  }
}

TEST_CASE("the profit estimate is unknown without sales or without a price") {
  auto no_sales = test::good_product("0000000001");
  no_sales.csv.assign(csv_type_count, {});
  CHECK_FALSE(estimate_profit(no_sales, now_ms, fee_settings{}).best);
  auto no_price = test::good_product("0000000001");
  no_price.stats->current = std::vector<int64_t>(36, -1);
  CHECK_FALSE(estimate_profit(no_price, now_ms, fee_settings{}).best);
  auto no_stats = test::good_product("0000000001");
  no_stats.stats.reset();
  CHECK_FALSE(estimate_profit(no_stats, now_ms, fee_settings{}).expected);
}

TEST_CASE("a sale price at a loss gives a negative bound") {
  // Sales at $12 with used at $10: 12 - 13.25 - (1.80 + 5.50) < 0 even
  // shipped free (the List at stays under 3x the used price).
  auto p = test::good_product("0000000001", 1200);
  auto estimate = estimate_profit(p, now_ms, fee_settings{});
  REQUIRE(estimate.best);
  CHECK(*estimate.best < 0);
}

TEST_CASE("the payload value: the 90-day used average as the sale price") {
  deal d;
  d.current = std::vector<int64_t>(36, -1);
  d.current[2] = 1000;
  CHECK_FALSE(payload_value(d, fee_settings{}));
  d.avg.assign(4, std::vector<int64_t>(36, -1));
  CHECK_FALSE(payload_value(d, fee_settings{}));
  d.avg[3][2] = 3000;
  d.avg[3][22] = 2500; // a lower used-with-shipping average is not the max
  auto v = payload_value(d, fee_settings{});
  REQUIRE(v);
  CHECK(*v == doctest::Approx(2.76));
  d.current[2] = -1;
  CHECK_FALSE(payload_value(d, fee_settings{}));
}
