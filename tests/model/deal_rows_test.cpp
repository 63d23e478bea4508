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
  s.current[21] = 1500; // USED_GOOD_SHIPPING: landed, an FBA offer
  s.current[3] = 42000;
  s.current[12] = 7;
  s.avg90 = std::vector<int64_t>(36, -1);
  s.avg90[2] = 4000;
  s.avg365 = std::vector<int64_t>(36, -1);
  s.avg365[2] = 3000;
  s.sales_rank_drops30 = 9;
  s.sales_rank_drops90 = 25;
  s.sales_rank_drops365 = 80;
  p.stats = s;
  return p;
}

/// A /deal payload for one ASIN with no price at all.
deal listed_deal() {
  deal d;
  d.asin = "0123456789";
  d.current = std::vector<int64_t>(36, -1);
  return d;
}

} // namespace

TEST_CASE("upsert SQL names only the columns it updates") {
  deal_update u;
  u.asin = "X";
  u.set(column::price_now, 1.0).set(column::last_seen_utc, std::string{"t"});
  auto sql = upsert_sql(column_mask(u));
  CHECK(sql.find("price_now = excluded.price_now") != std::string::npos);
  CHECK(sql.find("last_seen_utc = excluded.last_seen_utc")
        != std::string::npos);
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
  cost_basis basis;
  basis.list_at = 40.0;
  basis.one_yr_avg = 30.0;
  auto u = light_row(stats_product(), basis, now_ms, fee_settings{});
  for (auto c :
       {column::list_at, column::one_yr_avg, column::title, column::status,
        column::first_seen_utc, column::last_full_fetch_utc,
        column::seasonality, column::price_source, column::keepa_last_update})
    CHECK(u.find(c) == nullptr);
  REQUIRE(u.find(column::price_now) != nullptr);
  CHECK(std::get<double>(*u.find(column::price_now)) == doctest::Approx(15.0));
  // all-in 15 × 1.05 + 2.75 = 18.50 (landed: no shipping estimate);
  // fees 40 × 0.15 + 5.50 = 11.50
  CHECK(std::get<double>(*u.find(column::profit)) == doctest::Approx(10.0));
  CHECK(std::get<double>(*u.find(column::percent_down))
        == doctest::Approx(50.0));
  CHECK(std::get<int64_t>(*u.find(column::used_offer_count)) == 7);
}

TEST_CASE("a light row with unknown estimates writes NULL economics") {
  auto u = light_row(stats_product(), cost_basis{}, now_ms, fee_settings{});
  CHECK(std::holds_alternative<std::monostate>(*u.find(column::profit)));
  CHECK(std::holds_alternative<std::monostate>(*u.find(column::percent_down)));
}

TEST_CASE("a payload refresh sets price, rank, lastUpdate and liveness only") {
  auto d = listed_deal();
  d.last_update = 1000;
  d.current[2] = 2500;
  d.current[19] = 2500;
  d.current[3] = 1234;
  auto u = payload_refresh(d, cost_basis{}, "2026-01-01T00:00:00Z",
                           fee_settings{});
  for (auto c : {column::title, column::status, column::list_at,
                 column::one_yr_avg, column::first_seen_utc,
                 column::last_full_fetch_utc, column::last_light_fetch_utc})
    CHECK(u.find(c) == nullptr);
  CHECK(std::get<double>(*u.find(column::price_now)) == doctest::Approx(25.0));
  CHECK(std::get<int64_t>(*u.find(column::sales_rank)) == 1234);
  CHECK(std::get<int64_t>(*u.find(column::keepa_last_update)) == 1000);
}

TEST_CASE("a payload refresh stores the deal's own salesRankDrops30 when "
          "known, and leaves drops_30 alone when it is -1") {
  auto d = listed_deal();
  d.current[2] = 2500;
  d.sales_rank_drops30 = 7;
  auto u = payload_refresh(d, cost_basis{}, "2026-01-01T00:00:00Z",
                           fee_settings{});
  REQUIRE(u.find(column::drops_30) != nullptr);
  CHECK(std::get<int64_t>(*u.find(column::drops_30)) == 7);
  d.sales_rank_drops30 = -1;
  u = payload_refresh(d, cost_basis{}, "2026-01-01T00:00:00Z", fee_settings{});
  CHECK(u.find(column::drops_30) == nullptr);
}

TEST_CASE("the rank drops of 30, 90 and 365 days reach their columns, and "
          "a window Keepa did not give stays unknown") {
  auto d = listed_deal();
  d.sales_rank_drops90 = 21;
  d.sales_rank_drops365 = 70;
  auto u = payload_refresh(d, cost_basis{}, "2026-01-01T00:00:00Z",
                           fee_settings{});
  CHECK(u.find(column::drops_30) == nullptr);
  CHECK(std::get<int64_t>(*u.find(column::drops_90)) == 21);
  CHECK(std::get<int64_t>(*u.find(column::drops_365)) == 70);
  auto full = full_row(stats_product(), 500, now_ms, fee_settings{});
  CHECK(std::get<int64_t>(*full.find(column::drops_30)) == 9);
  CHECK(std::get<int64_t>(*full.find(column::drops_90)) == 25);
  CHECK(std::get<int64_t>(*full.find(column::drops_365)) == 80);
  auto p = stats_product();
  p.stats->sales_rank_drops365 = -1;
  full = full_row(p, 500, now_ms, fee_settings{});
  CHECK(std::holds_alternative<std::monostate>(*full.find(column::drops_365)));
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

namespace {

/// A seller-shipped book: used $10.00 now, matched by a live offer with
/// $3.99 shipping.
product shipped_product() {
  auto p = stats_product();
  p.stats->current[2] = 1000;
  offer o;
  o.condition = 3;
  o.last_seen = to_keepa_minutes(now_ms);
  o.offer_csv = {to_keepa_minutes(now_ms), 1000, 399};
  p.offers.push_back(o);
  return p;
}

/// The basis a stored row written from `u` would give.
cost_basis basis_of(const deal_update& u) {
  auto opt = [&](column c) -> std::optional<double> {
    auto* x = u.find(c);
    if (!x || !std::holds_alternative<double>(*x))
      return std::nullopt;
    return std::get<double>(*x);
  };
  return {opt(column::shipping), opt(column::list_at), opt(column::one_yr_avg),
          opt(column::fba_fee), opt(column::referral_percent)};
}

double money(const deal_update& u, column c) {
  REQUIRE(u.find(c) != nullptr);
  return std::get<double>(*u.find(c));
}

} // namespace

TEST_CASE("price_now means one thing on every path: the landed price of "
          "the cheapest used offer, with where it came from and when") {
  auto full = full_row(shipped_product(), 500, now_ms, fee_settings{});
  CHECK(money(full, column::price_now) == doctest::Approx(13.99));
  CHECK(money(full, column::shipping) == doctest::Approx(3.99));
  CHECK(std::get<int64_t>(*full.find(column::shipping_included)) == 1);
  CHECK(std::get<std::string>(*full.find(column::price_basis)) == "offers");
  CHECK(std::get<std::string>(*full.find(column::price_basis_utc))
        == iso_utc(now_ms));
  auto basis = basis_of(full);
  basis.list_at = 40.0; // as if the full fetch had estimated one
  // The light refresh reads the same landed price in the product's stats.
  auto p = shipped_product();
  p.stats->current[21] = 1399;
  auto light = light_row(p, basis, now_ms, fee_settings{});
  CHECK(money(light, column::price_now) == doctest::Approx(13.99));
  CHECK(std::get<std::string>(*light.find(column::price_basis)) == "stats");
  CHECK(!is_price_drop(13.99, std::string{"offers"}, light, 10));
  // The payload refresh reads a listing's landed price, as of its
  // lastUpdate, and recomputes what depends on it.
  auto d = listed_deal();
  d.last_update = 7000000;
  d.current[2] = 800;
  d.current[20] = 1199;
  auto payload = payload_refresh(d, basis, "t", fee_settings{});
  CHECK(money(payload, column::price_now) == doctest::Approx(11.99));
  CHECK(std::get<std::string>(*payload.find(column::price_basis)) == "listing");
  CHECK(std::get<std::string>(*payload.find(column::price_basis_utc))
        == keepa_minutes_iso(7000000));
  CHECK(money(payload, column::profit)
        == doctest::Approx(money(light, column::profit) + 2.0 * 1.05));
  CHECK(money(payload, column::all_in_cost)
        == doctest::Approx(money(light, column::all_in_cost) - 2.0 * 1.05));
  CHECK(payload.find(column::percent_down) != nullptr);
  CHECK(payload.find(column::margin) != nullptr);
  // A real drop between landed prices is a drop.
  CHECK(is_price_drop(13.99, std::string{"offers"}, payload, 10));
}

TEST_CASE("a refresh prices at the lowest landed condition price, and "
          "without one leaves the price and its basis alone") {
  auto d = listed_deal();
  d.current[2] = 1500;  // USED: the lowest item price
  d.current[20] = 1999; // USED_VERY_GOOD_SHIPPING: landed
  d.current[22] = 1899; // USED_ACCEPTABLE_SHIPPING: landed, the lowest
  cost_basis basis;
  basis.shipping = 3.99; // what the last full fetch matched
  auto u = payload_refresh(d, basis, "t", fee_settings{});
  CHECK(money(u, column::price_now) == doctest::Approx(18.99));
  CHECK(std::get<int64_t>(*u.find(column::shipping_included)) == 1);
  // The light refresh reads the product's stats the same way.
  auto p = stats_product();
  p.stats->current[21] = 1750;
  auto light = light_row(p, basis, now_ms, fee_settings{});
  CHECK(money(light, column::price_now) == doctest::Approx(17.50));
  // Without a landed price an item price means something else: neither
  // refresh moves the price, so the row keeps its price and its age.
  d.current[20] = d.current[22] = -1;
  u = payload_refresh(d, basis, "t", fee_settings{});
  p.stats->current[21] = -1;
  light = light_row(p, basis, now_ms, fee_settings{});
  for (auto* row : {&u, &light})
    for (auto c : {column::price_now, column::profit, column::price_basis,
                   column::price_basis_utc})
      CHECK(row->find(c) == nullptr);
  CHECK(light.find(column::sales_rank) != nullptr);
}

TEST_CASE("a listing row is a full row priced at the listing's landed "
          "price, as of its lastUpdate, with no offers bought") {
  auto p = shipped_product();
  auto d = listed_deal();
  d.last_update = 7000000;
  d.current[2] = 900;
  d.current[21] = 1290;
  auto row = listing_row(d, p, now_ms, fee_settings{});
  auto full = full_row(p, 7000000, now_ms, fee_settings{});
  CHECK(row.asin == p.asin);
  CHECK(std::get<std::string>(*row.find(column::status)) == "active");
  CHECK(money(row, column::price_now) == doctest::Approx(12.90));
  CHECK(std::get<int64_t>(*row.find(column::shipping_included)) == 1);
  CHECK(std::holds_alternative<std::monostate>(*row.find(column::shipping)));
  CHECK(std::get<std::string>(*row.find(column::price_basis)) == "listing");
  CHECK(std::get<std::string>(*row.find(column::price_basis_utc))
        == keepa_minutes_iso(7000000));
  // Not a heavy fetch; the peek was a light one.
  CHECK(row.find(column::last_full_fetch_utc) == nullptr);
  CHECK(std::get<std::string>(*row.find(column::last_light_fetch_utc))
        == iso_utc(now_ms));
  // Everything else is what the full fetch computes.
  for (auto c : {column::price_source, column::seasonality, column::rank_trend,
                 column::chart, column::title})
    CHECK(*row.find(c) == *full.find(c));
  // A listing without a landed price makes no row.
  d.current[21] = -1;
  CHECK(listing_row(d, p, now_ms, fee_settings{}).asin.empty());
}

TEST_CASE("a full row's price is the cheapest live used offer landed, its "
          "shipping the one stored") {
  auto p = shipped_product(); // 10.00 + 3.99 seller-shipped
  offer fba;
  fba.condition = 2;
  fba.is_fba = true;
  fba.last_seen = to_keepa_minutes(now_ms);
  fba.offer_csv = {to_keepa_minutes(now_ms), 1250, 0};
  p.offers.push_back(fba);
  auto full = full_row(p, 500, now_ms, fee_settings{});
  CHECK(money(full, column::price_now) == doctest::Approx(12.50));
  CHECK(money(full, column::shipping) == doctest::Approx(0.0));
  CHECK(std::get<int64_t>(*full.find(column::shipping_included)) == 1);
}

TEST_CASE("a payload without a used or new price leaves the price alone") {
  auto d = listed_deal();
  d.current[0] = 2000; // only Amazon's price (a non-USED priceTypes)
  auto u = payload_refresh(d, cost_basis{}, "t", fee_settings{});
  CHECK(u.find(column::price_now) == nullptr);
  CHECK(u.find(column::profit) == nullptr);
}

TEST_CASE("a change of price definition is not a price drop: a row "
          "priced before price_basis existed measures none") {
  auto d = listed_deal();
  d.current[19] = 1000;
  auto u = payload_refresh(d, cost_basis{}, "t", fee_settings{});
  // The stored 13.99 was priced by an older definition (no basis).
  CHECK(!is_price_drop(13.99, std::nullopt, u, 10));
  CHECK(is_price_drop(13.99, std::string{"listing"}, u, 10));
}

TEST_CASE("a full row without a landed price clears the price basis") {
  auto u = full_row(stats_product(), 500, now_ms, fee_settings{});
  CHECK(std::get<int64_t>(*u.find(column::shipping_included)) == 0);
  CHECK(std::holds_alternative<std::monostate>(*u.find(column::price_basis)));
}

TEST_CASE("deals.status stores pending, active and gone, and an unknown "
          "text reads back as pending") {
  CHECK(std::string{to_string(deal_status::pending)} == "pending");
  CHECK(std::string{to_string(deal_status::active)} == "active");
  CHECK(deal_status_of("active") == deal_status::active);
  CHECK(deal_status_of("pending") == deal_status::pending);
  CHECK(deal_status_of("") == deal_status::pending);
  CHECK(std::string{to_string(deal_status::gone)} == "gone");
  CHECK(deal_status_of("gone") == deal_status::gone);
}
