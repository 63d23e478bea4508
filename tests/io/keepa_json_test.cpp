#include "io/keepa_json.hpp"

#include <doctest/doctest.h>

#include <functional>

using namespace keepa;

namespace {

constexpr const char* envelope =
  R"("timestamp":1594177158252,"tokensLeft":59,"refillIn":26645,)"
  R"("refillRate":5,"tokenFlowReduction":0.0,"tokensConsumed":2,)"
  R"("processingTimeInMs":12)";

/// A realistic /product body with one product, stats and offers.
std::string product_body() {
  return std::string{"{"} + envelope + R"(,"products":[{"asin":"0134093410",)"
         R"("title":"Campbell Biology","rootCategory":283155,)"
         R"("categories":[1,2],"categoryTree":[{"catId":283155,"name":"Books"},)"
         R"({"catId":1,"name":"Science"}],"lastUpdate":8400000,)"
         R"("csv":[null,[8399000,5000],[8399000,2500,8399500,2400],[8399000,41000],)"
         R"(null,null,null,null,null,null,null,null,null,null,null,null,null,null,)"
         R"(null,null,null,[8399000,2300,399]],)"
         R"("stats":{"current":[-1,5000,2400,41000],"avg90":[-1,5200,3100,39000],)"
         R"("avg365":[-1,5400,3300],"salesRankDrops30":7,"salesRankDrops365":88,)"
         R"("totalOfferCount":31,"buyBoxUsedPrice":2450},)"
         R"("offers":[{"offerId":3,"lastSeen":8399990,"sellerId":"A1","condition":4,)"
         R"("isFBA":true,"offerCSV":[8399000,2400,399]}],)"
         R"("fbaFees":{"pickAndPackFee":625},"referralFeePercent":15}]})";
}

/// A realistic /deal body with two deals.
std::string deal_body() {
  return std::string{"{"} + envelope + R"(,"deals":{"dr":[)"
         R"({"asin":"0134093410","title":"Campbell Biology","rootCat":283155,)"
         R"("image":[54,49,107,51,76,97,121,55,74,85,76,46,106,112,103],)"
         R"("creationDate":8399000,"lastUpdate":8400000,"current":[-1,5000,2400,41000],)"
         R"("avg":[[1,2,3],[4,5,6],[7,8,9],[10,11,12]],"warehouseCondition":0},)"
         R"({"asin":"0321775651","lastUpdate":8399999,"current":null,"avg":null}],)"
         R"("drDateIndex":null,"categoryIds":[283155],"categoryNames":["Books"],)"
         R"("categoryCount":[2]}})";
}

} // namespace

TEST_CASE("a realistic product body parses field by field") {
  std::string error;
  auto body = parse_keepa_body(product_body(), error);
  REQUIRE(body);
  REQUIRE(body->envelope);
  CHECK(body->envelope->tokens_left == 59);
  CHECK(body->envelope->refill_in_ms == 26645);
  CHECK(body->envelope->refill_rate == 5);
  CHECK(body->envelope->tokens_consumed == 2);
  CHECK(body->envelope->timestamp_ms == 1594177158252);
  REQUIRE(body->products.size() == 1);
  auto& p = body->products[0];
  CHECK(p.asin == "0134093410");
  CHECK(p.category_tree == std::vector<std::string>{"Books", "Science"});
  REQUIRE(p.csv.size() == 36);
  CHECK(p.csv[0].empty());
  CHECK(p.csv[2] == std::vector<int64_t>{8399000, 2500, 8399500, 2400});
  CHECK(p.csv[21] == std::vector<int64_t>{8399000, 2300, 399});
  REQUIRE(p.stats);
  CHECK(at_or_missing(p.stats->current, csv_type::used) == 2400);
  CHECK(at_or_missing(p.stats->avg365, csv_type::sales) == -1);
  CHECK(p.stats->sales_rank_drops365 == 88);
  CHECK(p.stats->sales_rank_drops90 == -1);
  CHECK(p.stats->offer_count_fba == -2);
  REQUIRE(p.offers.size() == 1);
  CHECK(p.offers[0].is_fba);
  CHECK(p.offers[0].condition == 4);
  CHECK(p.fba_pick_pack_fee == 625);
  CHECK(p.referral_fee_percent == doctest::Approx(15));
}

TEST_CASE("a realistic deal page parses field by field") {
  std::string error;
  auto body = parse_keepa_body(deal_body(), error);
  REQUIRE(body);
  REQUIRE(body->deals);
  REQUIRE(body->deals->deals.size() == 2);
  auto& d = body->deals->deals[0];
  CHECK(d.image == "61k3Lay7JUL.jpg");
  CHECK(d.last_update == 8400000);
  CHECK(d.creation_date == 8399000);
  REQUIRE(d.avg.size() == 4);
  CHECK(d.avg[3] == std::vector<int64_t>{10, 11, 12});
  CHECK(body->deals->deals[1].current.empty());
  CHECK(body->deals->category_names == std::vector<std::string>{"Books"});
  CHECK_FALSE(body->has_products);
}

TEST_CASE("error bodies: 400 with zero tokens, 200 with an error object") {
  std::string error;
  auto bad_key = parse_keepa_body(
    R"({"error":{"details":"","message":"You used an invalid parameter for )"
    R"(this API call.","type":"invalidParameter"},"processingTimeInMs":0,)"
    R"("refillIn":0,"refillRate":0,"timestamp":1790277678673,)"
    R"("tokenFlowReduction":0.0,"tokensConsumed":0,"tokensLeft":0})",
    error);
  REQUIRE(bad_key);
  REQUIRE(bad_key->error);
  CHECK(bad_key->error->type == "invalidParameter");
  CHECK(bad_key->envelope->tokens_left == 0);
  auto item = parse_keepa_body(
    R"({"error":{"message":"bad asin","type":"invalidParameter"},)"
    R"("tokensLeft":59,"tokensConsumed":0,"refillIn":26645,"refillRate":5})",
    error);
  REQUIRE(item);
  CHECK(item->error->message == "bad asin");
  CHECK(item->error->details.empty());
  CHECK_FALSE(item->has_products);
}

TEST_CASE("story 28: nasty input never crashes and yields defaults or an "
          "error") {
  struct row {
    const char* name;
    std::string json;
    std::function<void(const std::optional<keepa_body>&)> check;
  };
  auto rejected = [](const std::optional<keepa_body>& b) { CHECK_FALSE(b); };
  auto no_envelope = [](const std::optional<keepa_body>& b) {
    REQUIRE(b);
    CHECK_FALSE(b->envelope);
  };
  auto one_product = [](const std::optional<keepa_body>& b) {
    REQUIRE(b);
    REQUIRE(b->products.size() == 1);
  };
  std::string deep(100000, '[');
  // Found by fuzz/keepa_json_fuzz.cpp: RapidJSON's full-precision strtod
  // read out of bounds on this.
  std::string long_decimal = "{\"tokensLeft\":1,\"tokenFlowReduction\":0."
                             + std::string(400, '0') + "}";
  row rows[] = {
    {"empty", "", rejected},
    {"null", "null", rejected},
    {"array", "[]", rejected},
    {"open brace", "{", rejected},
    {"deep nesting", deep, rejected},
    {"invalid UTF-8", "{\"title\":\"\xff\xfe\",\"tokensLeft\":1}", rejected},
    {"a decimal with 400 zeros", long_decimal,
     [](auto& b) {
       REQUIRE(b);
       CHECK(b->envelope->token_flow_reduction == 0.0);
     }},
    {"tokensLeft as string", R"({"tokensLeft":"5"})", no_envelope},
    {"tokensLeft null", R"({"tokensLeft":null})", no_envelope},
    {"tokensLeft 1e300", R"({"tokensLeft":1e300})", no_envelope},
    {"tokensLeft above int64", R"({"tokensLeft":18446744073709551615})",
     no_envelope},
    {"no tokensLeft", R"({"refillRate":5})", no_envelope},
    {"negative tokensLeft", R"({"tokensLeft":-231})",
     [](auto& b) { CHECK(b->envelope->tokens_left == -231); }},
    {"integral double tokensLeft", R"({"tokensLeft":12.0})",
     [](auto& b) { CHECK(b->envelope->tokens_left == 12); }},
    {"products null", R"({"products":null})",
     [](auto& b) { CHECK_FALSE(b->has_products); }},
    {"products not an array", R"({"products":{"asin":"X"}})",
     [](auto& b) { CHECK_FALSE(b->has_products); }},
    {"product entries null and number", R"({"products":[null,5,{"asin":"X"}]})",
     [](auto& b) {
       CHECK(b->products.size() == 1);
       CHECK(b->warnings.size() == 2);
     }},
    {"product without asin", R"({"products":[{"title":"T"}]})",
     [](auto& b) {
       CHECK(b->products.empty());
       CHECK(b->warnings.at(0).find("no asin") != std::string::npos);
     }},
    {"csv null", R"({"products":[{"asin":"X","csv":null}]})",
     [&](auto& b) {
       one_product(b);
       CHECK(b->products[0].csv.size() == 36);
     }},
    {"csv short with null entries", R"({"products":[{"asin":"X","csv":[null,[1,2],null]}]})",
     [](auto& b) {
       CHECK(b->products[0].csv[1] == std::vector<int64_t>{1, 2});
       CHECK(b->products[0].csv[35].empty());
     }},
    {"csv with non-numbers", R"({"products":[{"asin":"X","csv":[[1,"a",null,true]]}]})",
     [](auto& b) {
       CHECK(b->products[0].csv[0] == std::vector<int64_t>{1, -1, -1, -1});
     }},
    {"stats null", R"({"products":[{"asin":"X","stats":null}]})",
     [](auto& b) { CHECK_FALSE(b->products[0].stats); }},
    {"stats.current short", R"({"products":[{"asin":"X","stats":{"current":[1]}}]})",
     [](auto& b) {
       CHECK(at_or_missing(b->products[0].stats->current, csv_type::used) == -1);
     }},
    {"stats arrays with null", R"({"products":[{"asin":"X","stats":{"avg90":[null,null,2000]}}]})",
     [](auto& b) {
       CHECK(b->products[0].stats->avg90 == std::vector<int64_t>{-1, -1, 2000});
     }},
    {"offers with null offerCSV", R"({"products":[{"asin":"X","offers":[{"offerCSV":null},null]}]})",
     [](auto& b) {
       REQUIRE(b->products[0].offers.size() == 1);
       CHECK(b->products[0].offers[0].offer_csv.empty());
     }},
    {"huge numbers in arrays", R"({"products":[{"asin":"X","categories":[1e400,-1e19,3]}]})",
     rejected},
    {"deals null", R"({"deals":null})",
     [](auto& b) { CHECK_FALSE(b->deals); }},
    {"deals.dr null", R"({"deals":{"dr":null}})",
     [](auto& b) { CHECK(b->deals->deals.empty()); }},
    {"deal without asin", R"({"deals":{"dr":[{"lastUpdate":5}]}})",
     [](auto& b) {
       CHECK(b->deals->deals.empty());
       CHECK(b->warnings.size() == 1);
     }},
    {"deal avg short", R"({"deals":{"dr":[{"asin":"X","avg":[[1]]}]}})",
     [](auto& b) { CHECK(b->deals->deals[0].avg.size() == 1); }},
  };
  for (auto& r : rows) {
    CAPTURE(r.name);
    std::string error;
    auto body = parse_keepa_body(r.json, error);
    r.check(body);
    if (!body)
      CHECK_FALSE(error.empty());
  }
}

TEST_CASE("every truncation of a real body is an error, never a crash") {
  for (auto full : {product_body(), deal_body()}) {
    for (size_t n = 0; n < full.size(); ++n) {
      std::string error;
      auto body = parse_keepa_body(std::string_view{full}.substr(0, n), error);
      CAPTURE(n);
      CHECK_FALSE(body);
    }
    std::string error;
    CHECK(parse_keepa_body(full, error));
  }
}
