#include "model/analytics.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace keepa;

namespace {

/// Keepa minutes of an ISO date at noon UTC.
keepa_minutes at(const std::string& date) {
  return to_keepa_minutes(parse_iso_utc_ms(date + "T12:00:00Z"));
}

const keepa_minutes now = at("2026-11-01");
constexpr keepa_minutes day = 1440;

/// A product whose history holds one sale per (date, price in cents): the
/// used-offer count drops by one and the rank improves an hour later.
product with_sales(std::vector<std::pair<std::string, int64_t>> sales,
                   int64_t used_now_cents = 2000) {
  std::sort(sales.begin(), sales.end());
  product p;
  p.asin = "0000000001";
  p.csv.assign(csv_type_count, {});
  auto& used = p.csv[static_cast<size_t>(csv_type::used)];
  auto& rank = p.csv[static_cast<size_t>(csv_type::sales)];
  auto& count = p.csv[static_cast<size_t>(csv_type::count_used)];
  int64_t offers = 50;
  auto start = at("2025-11-05");
  count.insert(count.end(), {start, offers});
  rank.insert(rank.end(), {start, 500000});
  for (auto& [date, cents] : sales) {
    auto t = at(date);
    used.insert(used.end(), {t - 60, cents});
    count.insert(count.end(), {t, --offers});
    rank.insert(rank.end(), {t + 60, 100000, t + 600, 500000});
  }
  product_stats s;
  s.current = std::vector<int64_t>(36, -1);
  s.current[2] = used_now_cents;
  p.stats = s;
  return p;
}

} // namespace

TEST_CASE("the reference's worked example: fees 43.19, all-in 43.49, "
          "profit 159.58") {
  auto b = business_math(246.26, 35.00, false, 6.25, 15.0, fee_settings{});
  CHECK(b.amazon_fees == doctest::Approx(43.19).epsilon(0.0001));
  CHECK(b.all_in == doctest::Approx(43.49).epsilon(0.0001));
  CHECK(*b.profit == doctest::Approx(159.58).epsilon(0.0001));
  CHECK(*b.margin == doctest::Approx(159.58 / 246.26 * 100).epsilon(0.0001));
  // (43.49 + 6.25) / (1 - 0.10 - 0.15)
  CHECK(*b.min_listing_price == doctest::Approx(66.32).epsilon(0.001));
}

TEST_CASE("business math: no List at is no profit, tax exempt, shipping "
          "included") {
  fee_settings fees;
  auto none = business_math(std::nullopt, 35.0, false, 6.25, 15.0, fees);
  CHECK_FALSE(none.profit);
  fees.tax_exempt = true;
  auto b = business_math(100.0, 10.0, true, 5.0, 15.0, fees);
  CHECK(b.all_in == doctest::Approx(12.75));
}

TEST_CASE("inferred sales and List at: a table of histories") {
  fee_settings fees;
  struct row {
    const char* name;
    product p;
    size_t sales;
    std::optional<double> list_at;
    const char* source;
  };
  auto no_history = with_sales({});
  auto new_only = with_sales({});
  new_only.csv[static_cast<size_t>(csv_type::count_new)]
    = {at("2026-05-01"), 9, at("2026-05-02"), 8};
  row rows[] = {
    {"no history", no_history, 0, std::nullopt, "rejected: no inferred sales"},
    {"New-only offers", new_only, 0, std::nullopt,
     "rejected: no inferred sales"},
    {"one sale", with_sales({{"2026-05-01", 3000}}), 1, 30.0,
     "inferred sales (sparse)"},
    {"three sales in three months: the trap, the highest month wins",
     with_sales(
       {{"2026-03-01", 3000}, {"2026-04-01", 3400}, {"2026-05-01", 3200}}),
     3, 34.0, "inferred sales"},
    {"a $4,000 outlier is filtered",
     with_sales({{"2026-03-01", 3000},
                 {"2026-03-05", 3100},
                 {"2026-03-09", 3000},
                 {"2026-03-12", 400000}}),
     3, 30.0, "inferred sales"},
    {"a repeated price in the peak month is its mode",
     with_sales({{"2026-08-01", 5000},
                 {"2026-08-05", 5000},
                 {"2026-08-09", 5600},
                 {"2026-02-01", 3000}}),
     3, 50.0, "inferred sales"}, // IQR drops the lone $30
    {"a seasonal textbook in its trough keeps its peak price",
     with_sales({{"2026-08-10", 9000},
                 {"2026-08-20", 9000},
                 {"2026-01-15", 7000},
                 {"2026-04-10", 4000},
                 {"2026-05-10", 3500}},
                2000),
     5, 90.0, "inferred sales (seasonal peak)"},
    {"over 3x the used price without a seasonal peak is rejected",
     with_sales(
       {{"2026-06-01", 9000}, {"2026-06-03", 9000}, {"2026-06-05", 9100}},
       2000),
     3, std::nullopt,
     "rejected: over 3x the used price without a seasonal peak"},
    {"above the hard cap is rejected",
     with_sales({{"2026-06-01", 200000}}, 150000), 1, std::nullopt,
     "rejected: above the hard cap"},
  };
  for (auto& r : rows) {
    CAPTURE(r.name);
    auto s = infer_sales(r.p, now);
    CHECK(s.sales.size() == r.sales);
    auto est = estimate_list_at(s, r.p, fees);
    CHECK(est.source == r.source);
    CHECK(est.list_at.has_value() == r.list_at.has_value());
    if (est.list_at && r.list_at)
      CHECK(*est.list_at == doctest::Approx(*r.list_at));
  }
}

TEST_CASE("the Amazon ceiling caps List at at 90% of the lowest Amazon "
          "price") {
  auto p = with_sales({{"2026-05-01", 6000}});
  p.stats->current[0] = 5000;
  p.stats->avg365 = std::vector<int64_t>(36, -1);
  p.stats->avg365[0] = 5500;
  auto est = estimate_list_at(infer_sales(p, now), p, fee_settings{});
  CHECK(*est.list_at == doctest::Approx(45.0));
  CHECK(est.source == "capped: 90% of the lowest Amazon price");
}

TEST_CASE("a price capped by Amazon is final: the ratio to the used price "
          "does not reject it") {
  auto p = with_sales(
    {{"2026-06-01", 9000}, {"2026-06-03", 9000}, {"2026-06-05", 9100}}, 2000);
  p.stats->current[0] = 8000;
  p.stats->avg365 = std::vector<int64_t>(36, -1);
  auto est = estimate_list_at(infer_sales(p, now), p, fee_settings{});
  REQUIRE(est.list_at.has_value());
  CHECK(*est.list_at == doctest::Approx(72.0)); // over 3 x the used $20
  CHECK(est.source == "capped: 90% of the lowest Amazon price");
}

TEST_CASE("Keepa's sentinels and short arrays are never prices") {
  auto p = with_sales({{"2026-05-01", 3000}});
  // An out-of-stock stretch (-1) and an unknown (-2) before the sale.
  auto& used = p.csv[static_cast<size_t>(csv_type::used)];
  used.insert(used.begin(), {at("2026-04-01"), -1, at("2026-04-10"), -2});
  used.push_back(at("2026-05-02")); // a dangling time without a value
  auto s = infer_sales(p, now);
  REQUIRE(s.sales.size() == 1);
  CHECK(s.sales[0].price == doctest::Approx(30.0));
  product empty;
  CHECK(infer_sales(empty, now).sales.empty());
  CHECK(price_now(empty, now).price == 0);
  CHECK(rank_trend(empty) == "flat");
}

TEST_CASE("the sale window is the history fetched") {
  auto p = with_sales({{"2025-12-01", 3000}, {"2026-06-01", 3000}});
  CHECK(infer_sales(p, now, 365).sales.size() == 2);
  CHECK(infer_sales(p, now, 180).sales.size() == 1);
}

TEST_CASE("one-year average, percent down, deal trust") {
  auto p = with_sales({{"2026-03-01", 3000}, {"2026-04-01", 5000}});
  auto s = infer_sales(p, now);
  CHECK(*one_year_average(s, now) == doctest::Approx(40.0));
  CHECK(*percent_down(40.0, 30.0) == doctest::Approx(25.0));
  CHECK(*percent_down(40.0, 50.0) == doctest::Approx(0.0));
  CHECK_FALSE(percent_down(std::nullopt, 30.0));
  CHECK(*deal_trust(s) == doctest::Approx(100.0));
  sales_inference none;
  CHECK_FALSE(deal_trust(none));
}

TEST_CASE("price now lands through the matching offer, shipping included is "
          "detected") {
  product p = with_sales({}, 2500);
  offer mfn;
  mfn.condition = 4;
  mfn.last_seen = now - 10;
  mfn.offer_csv = {now - 100, 2500, 399};
  p.offers = {mfn};
  auto landed = price_now(p, now);
  CHECK(landed.price == doctest::Approx(28.99));
  CHECK(landed.shipping_included);
  offer fba = mfn;
  fba.is_fba = true;
  fba.offer_csv = {now - 100, 2500, -1};
  p.offers = {fba};
  CHECK(price_now(p, now).price == doctest::Approx(25.0));
  CHECK(price_now(p, now).shipping_included);
  p.offers.clear();
  CHECK(price_now(p, now).price == doctest::Approx(25.0));
  CHECK_FALSE(price_now(p, now).shipping_included);
}

TEST_CASE("price now is the cheapest live used offer landed, read from "
          "live offers only: liveOffersOrder, or recent lastSeen without it") {
  // In the first row offers 0 and 1 are historical: a cheaper one, and one
  // at today's price shipped by Amazon (free). Offer 2 is the one live used
  // offer, 27.50 + 3.99 shipping; offer 3 a live new one.
  auto used_offer = [](keepa_minutes seen, int64_t cents, int64_t shipping,
                       bool fba) {
    offer o;
    o.condition = 3;
    o.last_seen = seen;
    o.is_fba = fba;
    o.offer_csv = {seen - 60, cents, shipping};
    return o;
  };
  offer fresh = used_offer(now - 5, 4999, 0, true);
  fresh.condition = 1;
  struct row {
    const char* name;
    std::vector<offer> offers;
    std::optional<std::vector<int>> live;
    double price;
    bool shipped;
  };
  const std::vector<row> rows = {
    {"cheapest used offer historical, the live one pricier",
     {used_offer(now - 90 * day, 1900, 0, true),
      used_offer(now - 30 * day, 2750, 0, true),
      used_offer(now - 3, 2750, 399, false), fresh},
     std::vector<int>{2, 3},
     31.49,
     true},
    {"the live offer moved past the stats' price: the live offer's",
     {used_offer(now - 30 * day, 2750, 0, true),
      used_offer(now - 3, 2800, 399, false)},
     std::vector<int>{1},
     31.99,
     true},
    {"an FBA offer dearer as an item is cheaper landed",
     {used_offer(now - 3, 2750, 399, false),
      used_offer(now - 3, 2900, 0, true)},
     std::vector<int>{1, 0},
     29.00,
     true},
    {"a live offer of unknown shipping gives no landed price",
     {used_offer(now - 3, 2750, -1, false)},
     std::vector<int>{0},
     27.50,
     false},
    {"liveOffersOrder empty: no live offer at all",
     {used_offer(now - 3, 2750, 399, false)},
     std::vector<int>{},
     27.50,
     false},
    {"no liveOffersOrder (older bodies): the first recent match",
     {used_offer(now - 30 * day, 2750, 0, true),
      used_offer(now - 3, 2750, 399, false)},
     std::nullopt,
     27.50,
     true},
    {"no liveOffersOrder: an offer last seen over a year ago is not live",
     {used_offer(now - 400 * day, 2750, 0, true),
      used_offer(now - 3, 2750, 399, false)},
     std::nullopt,
     31.49,
     true},
  };
  for (auto& r : rows) {
    CAPTURE(r.name);
    product p = with_sales({}, 2750);
    p.offers = r.offers;
    p.live_offers_order = r.live;
    auto landed = price_now(p, now);
    CHECK(landed.price == doctest::Approx(r.price));
    CHECK(landed.shipping_included == r.shipped);
  }
}

TEST_CASE("live offers: liveOffersOrder's order, else recent ones in array "
          "order") {
  product p;
  for (int i = 0; i < 4; ++i) {
    offer o;
    o.offer_id = i;
    o.last_seen = i % 2 == 0 ? now - 500 * day : now - 1;
    p.offers.push_back(o);
  }
  auto ids = [&] {
    std::vector<int64_t> out;
    for (auto* o : live_offers(p, now))
      out.push_back(o->offer_id);
    return out;
  };
  CHECK(ids() == std::vector<int64_t>{1, 3});
  p.live_offers_order = std::vector<int>{2, 0};
  CHECK(ids() == std::vector<int64_t>{2, 0});
}

TEST_CASE("the trend reads the sales rank, not a price") {
  product p;
  p.csv.assign(csv_type_count, {});
  p.csv[3] = {1, 90000, 2, 80000, 3, 60000};
  p.csv[1] = {1, 1000, 2, 5000, 3, 9000}; // a rising price must not matter
  CHECK(rank_trend(p) == "improving");
  p.csv[3] = {1, 60000, 2, 80000, 3, 90000};
  CHECK(rank_trend(p) == "worsening");
}

TEST_CASE("seasonality from whole words") {
  product p;
  p.title = "Calculus: Early Transcendentals, 8th Edition";
  CHECK(seasonality(p) == "textbook (Aug-Sep, Jan)");
  p.title = "A Snapshot of Happiness"; // "ap" inside words is no signal
  CHECK(seasonality(p) == "year-round");
  p.title = "The Christmas Cookbook";
  CHECK(seasonality(p) == "christmas (Nov-Dec)");
  p.title = "Notes";
  p.manufacturer = "Cengage Learning";
  CHECK(seasonality(p) == "textbook (Aug-Sep, Jan)");
}

TEST_CASE("the List at rejection names the configured ratio") {
  fee_settings fees;
  fees.max_list_to_price = 2.5;
  // Sales at $60 against used $20: over 2.5x, no seasonal peak.
  auto p = with_sales(
    {{"2026-06-01", 6000}, {"2026-06-03", 6000}, {"2026-06-05", 6100}}, 2000);
  auto estimate = estimate_list_at(infer_sales(p, now), p, fees);
  CHECK_FALSE(estimate.list_at);
  CHECK(estimate.source
        == "rejected: over 2.5x the used price without a seasonal peak");
}
