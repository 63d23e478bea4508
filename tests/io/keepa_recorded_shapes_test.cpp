// Bodies shaped like those recorded from the live API (docs/keepa.md),
// written by hand: historical offers with liveOffersOrder, deal objects with
// their own rank drops, error objects whose details vary, 34- and 36-entry
// arrays, and keys in either order.

#include "io/keepa_api.hpp"
#include "io/keepa_json.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace keepa;

namespace {

using ints = std::vector<int64_t>;

/// A JSON array of `n` copies of `v`.
std::string repeat(int n, const std::string& v) {
  std::string out = "[";
  for (int i = 0; i < n; ++i)
    out += (i ? "," : "") + v;
  return out + "]";
}

const std::string envelope
  = R"("timestamp":1790277678673,"tokensLeft":1128,"refillIn":26645,)"
    R"("refillRate":20,"tokenFlowReduction":0.0,"tokensConsumed":5,)"
    R"("processingTimeInMs":12)";

/// A /deal page of one deal with `n`-entry arrays, its rank drops and
/// backInStock, no minRating, drDateIndex [] and dealsCached.
std::string deal_page_body(int n, const std::string& drops365) {
  auto row = repeat(n, "-1");
  auto avg = "[" + row + "," + row + "," + row + "," + row + "]";
  return "{" + envelope
         + R"(,"dealsCached":true,"deals":{"dr":[{)"
           R"("asin":"0134093410","title":"Biology","rootCat":283155,)"
           R"("creationDate":8399000,"lastUpdate":8400000,"current":)"
         + row + R"(,"currentSince":)" + row + R"(,"deltaLast":)" + row
         + R"(,"avg":)" + avg + R"(,"delta":)" + avg + R"(,"deltaPercent":)"
         + avg
         + R"(,"salesRankDrops30":2,"salesRankDrops90":-1,)"
           R"("salesRankDrops180":9,"salesRankDrops365":)"
         + drops365 + R"(,"backInStock":)" + repeat(n, "false")
         + R"(,"dateIntervalIndex":4,"lightningStart":0,"flags":null}],)"
           R"("drDateIndex":[],"categoryIds":[283155],)"
           R"("categoryNames":["Books"],"categoryCount":[1]}})";
}

/// A product with three offers, two of them historical, and the live one's
/// index in liveOffersOrder; `n`-entry stats arrays.
std::string product_body(int n) {
  return "{" + envelope
         + R"(,"products":[{"asin":"0134093410",)"
           R"("offers":[)"
           R"({"offerId":1,"lastSeen":6200000,"condition":3,"isFBA":true,)"
           R"("offerCSV":[6190000,1500,0]},)"
           R"({"offerId":2,"lastSeen":8100000,"condition":4,)"
           R"("offerCSV":[8090000,2400,0]},)"
           R"({"offerId":3,"lastSeen":8400000,"condition":4,)"
           R"("offerCSV":[8399000,2400,399]}],)"
           R"("liveOffersOrder":[2],"stats":{"current":)"
         + repeat(n, "2400")
         + R"(,"totalOfferCount":121,)"
           R"("offerCountFBA":-2,"offerCountFBM":-2}}]})";
}

} // namespace

TEST_CASE("a recorded-shape deal page: rank drops, backInStock, flags, "
          "dealsCached, 34 or 36 entries") {
  for (int n : {34, 36}) {
    CAPTURE(n);
    std::string error;
    auto body = parse_keepa_body(deal_page_body(n, "-1"), error);
    REQUIRE(body);
    REQUIRE(body->deals);
    CHECK(body->deals->cached == true);
    REQUIRE(body->deals->deals.size() == 1);
    auto& d = body->deals->deals[0];
    CHECK(d.sales_rank_drops30 == 2);
    CHECK(d.sales_rank_drops90 == -1);
    CHECK(d.sales_rank_drops180 == 9);
    CHECK(d.sales_rank_drops365 == -1);
    CHECK(d.back_in_stock.size() == static_cast<size_t>(n));
    CHECK(d.flags == -1);
    CHECK(d.current.size() == static_cast<size_t>(n));
    CHECK(d.avg.size() == 4);
    // A 34-entry array has no count_new_fba: read as missing, not a crash.
    CHECK(at_or_missing(d.current, csv_type::count_new_fbm) == -1);
    CHECK(body->warnings.empty());
  }
  std::string error;
  auto known = parse_keepa_body(deal_page_body(36, "14"), error);
  REQUIRE(known);
  CHECK(known->deals->deals[0].sales_rank_drops365 == 14);
}

TEST_CASE("a page without dealsCached or rank drops keeps the defaults") {
  std::string error;
  auto body = parse_keepa_body(
    "{" + envelope + R"(,"deals":{"dr":[{"asin":"X1"}],"drDateIndex":null}})",
    error);
  REQUIRE(body);
  REQUIRE(body->deals);
  CHECK_FALSE(body->deals->cached.has_value());
  auto& d = body->deals->deals.at(0);
  CHECK(d.sales_rank_drops30 == -1);
  CHECK(d.sales_rank_drops365 == -1);
  CHECK(d.back_in_stock.empty());
}

TEST_CASE("historical offers and liveOffersOrder parse, out-of-range "
          "indices are dropped") {
  for (int n : {34, 36}) {
    CAPTURE(n);
    std::string error;
    auto body = parse_keepa_body(product_body(n), error);
    REQUIRE(body);
    REQUIRE(body->products.size() == 1);
    auto& p = body->products[0];
    CHECK(p.offers.size() == 3);
    REQUIRE(p.live_offers_order);
    CHECK(*p.live_offers_order == std::vector<int>{2});
    REQUIRE(p.stats);
    CHECK(p.stats->total_offer_count == 121);
    CHECK(p.stats->offer_count_fba == -2);
  }
  std::string error;
  auto odd = parse_keepa_body(
    "{" + envelope
      + R"(,"products":[{"asin":"A","offers":[{"offerId":1}],)"
        R"("liveOffersOrder":[0,5,-1,"x",null]}]})",
    error);
  REQUIRE(odd);
  REQUIRE(odd->products.at(0).live_offers_order);
  CHECK(*odd->products[0].live_offers_order == std::vector<int>{0});
  auto absent = parse_keepa_body(
    "{" + envelope + R"(,"products":[{"asin":"A","offers":[]}]})", error);
  REQUIRE(absent);
  CHECK_FALSE(absent->products.at(0).live_offers_order);
}

TEST_CASE("error.details null, empty or a field name, keys in any order") {
  struct row {
    const char* body;
    const char* details;
  };
  const row rows[] = {
    {R"({"error":{"type":"invalidParameter","message":"m",)"
     R"("details":null},"tokensLeft":5})",
     ""},
    {R"({"error":{"details":"","message":"m",)"
     R"("type":"invalidParameter"},"tokensLeft":5})",
     ""},
    {R"({"tokensLeft":5,"error":{"message":"m","details":"dateRange",)"
     R"("type":"invalidParameter"}})",
     "dateRange"},
    {R"({"error":{"message":"m","type":"invalidParameter"},"tokensLeft":5})",
     ""},
    {R"({"error":{"message":"m","type":"invalidParameter",)"
     R"("details":7},"tokensLeft":5})",
     ""},
  };
  for (auto& r : rows) {
    CAPTURE(r.body);
    std::string error;
    auto body = parse_keepa_body(r.body, error);
    REQUIRE(body);
    REQUIRE(body->error);
    CHECK(body->error->details == r.details);
    CHECK(body->error->message == "m");
    REQUIRE(body->envelope);
    CHECK(body->envelope->tokens_left == 5);
  }
}

TEST_CASE("a 400 is a refused query or a refused key, told apart by the "
          "error object and the endpoint") {
  const std::string zero_envelope
    = R"("processingTimeInMs":0,"refillIn":0,"refillRate":0,)"
      R"("timestamp":1790277678673,"tokenFlowReduction":0.0,)"
      R"("tokensConsumed":0,"tokensLeft":0)";
  const std::string bad_key
    = R"({"error":{"details":"","message":"You used an invalid parameter for )"
      R"(this API call.","type":"invalidParameter"},)"
      + zero_envelope + "}";
  const std::string live
    = R"("timestamp":1790277678673,"tokensLeft":300,"refillIn":26645,)"
      R"("refillRate":20,"tokenFlowReduction":0.0,"tokensConsumed":0)";
  struct row {
    const char* name;
    endpoint ep;
    std::string body;
    call_status expected;
    const char* detail_has;
  };
  const row rows[] = {
    {"invalid dateRange, field named", endpoint::deal,
     R"({"error":{"type":"invalidParameter","message":"queryJSON is of )"
     R"(invalid format","details":"dateRange"},)"
       + live + "}",
     call_status::query_refused,
     "HTTP 400, invalidParameter: queryJSON is of invalid format (details: "
     "dateRange)"},
    {"selection encoded twice, details null", endpoint::deal,
     R"({"error":{"type":"invalidParameter","message":"queryJSON is missing )"
     R"(or invalid","details":null},)"
       + zero_envelope + "}",
     call_status::query_refused, "queryJSON is missing or invalid"},
    {"live envelope, generic message", endpoint::deal,
     R"({"error":{"message":"bad","details":""},)" + live + "}",
     call_status::query_refused, "bad"},
    {"bad key on /deal", endpoint::deal, bad_key, call_status::key_rejected,
     "invalid parameter"},
    {"bad key on /product", endpoint::product, bad_key,
     call_status::key_rejected, "invalid parameter"},
    {"a field-named 400 on /product is still the key", endpoint::product,
     R"({"error":{"message":"m","details":"offers"},)" + live + "}",
     call_status::key_rejected, "(details: offers)"},
    {"/product offers=10: 200 with an error, no products", endpoint::product,
     R"({"error":{"message":"...","type":"invalidParameter"},"tokensLeft":59,)"
     R"("tokensConsumed":0,"refillIn":26645,"refillRate":5})",
     call_status::item_error, "Keepa refused the request: invalidParameter"},
  };
  for (auto& r : rows) {
    CAPTURE(r.name);
    http_response res;
    res.status = r.expected == call_status::item_error ? 200 : 400;
    res.body = r.body;
    auto reply = classify_response(r.ep, res, "secret-key");
    CHECK(to_string(reply.status) == std::string{to_string(r.expected)});
    CHECK(reply.detail.find(r.detail_has) != std::string::npos);
    // A refused query leaves the key and the balance usable.
    CHECK(reply.envelope.has_value()
          == (r.expected != call_status::key_rejected));
  }
}
