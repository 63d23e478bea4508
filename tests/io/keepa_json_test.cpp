#include "io/keepa_json.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using namespace keepa;

namespace {

using ints = std::vector<int64_t>;
constexpr int64_t int64_max = std::numeric_limits<int64_t>::max();
constexpr int64_t int64_min = std::numeric_limits<int64_t>::min();

/// The contents of tests/io/data/<name>.
std::string sample(const char* name) {
  std::ifstream in{std::string{KEEPA_SOURCE_DIR} + "/tests/io/data/" + name,
                   std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  REQUIRE_FALSE(out.str().empty());
  return out.str();
}

/// The literal body of a real 429 at 0 tokens (docs/keepa.md).
constexpr const char* body_429
  = R"({ "timestamp": 1594177158252, "tokensLeft": 0, "refillIn": 38205, )"
    R"("refillRate": 20, "tokenFlowReduction": 0.0, "tokensConsumed": 0, )"
    R"("processingTimeInMs": 0 })";

/// A 200 carrying an error object and a real envelope (docs/keepa.md).
constexpr const char* body_error
  = R"({"error":{"type":"invalidParameter","message":"You used an invalid )"
    R"(parameter for this API call.","details":"asin: XXXXXXXXXX"},)"
    R"("timestamp":1797840012345,"tokensLeft":59,"refillIn":26645,)"
    R"("refillRate":5,"tokenFlowReduction":0.0,"tokensConsumed":0,)"
    R"("processingTimeInMs":3})";

/// One row of a nasty-input table: `error_has` set means the body must be
/// rejected with an error containing it; otherwise `check` sees the body.
struct row {
  const char* name;
  std::string json;
  const char* error_has;
  std::function<void(const keepa_body&)> check;
};

/// A row whose body must parse; `check` inspects it.
row accepts(const char* name, std::string json,
            std::function<void(const keepa_body&)> check) {
  return {name, std::move(json), nullptr, std::move(check)};
}

/// A row whose body must be rejected with an error containing `error_has`.
row rejects(const char* name, std::string json, const char* error_has) {
  return {name, std::move(json), error_has, nullptr};
}

/// Runs every row of a nasty-input table.
void run(const std::vector<row>& rows) {
  for (auto& r : rows) {
    CAPTURE(r.name);
    std::string error;
    auto body = parse_keepa_body(r.json, error);
    if (r.error_has) {
      CHECK_FALSE(body);
      CHECK(error.find(r.error_has) != std::string::npos);
      continue;
    }
    REQUIRE(body);
    r.check(*body);
  }
}

/// `{"products":[<product>]}` for a product given as JSON members.
std::string one_product(const std::string& members) {
  return R"({"products":[{"asin":"X")" + (members.empty() ? "" : "," + members)
         + "}]}";
}

/// The only product of `b`.
const product& only_product(const keepa_body& b) {
  REQUIRE(b.products.size() == 1);
  return b.products[0];
}

/// The stats of the only product of `b`.
const product_stats& only_stats(const keepa_body& b) {
  REQUIRE(only_product(b).stats);
  return *only_product(b).stats;
}

/// `{"deals":{"dr":[<deal>]}}` for a deal given as JSON members.
std::string one_deal(const std::string& members) {
  return R"({"deals":{"dr":[{"asin":"X")"
         + (members.empty() ? "" : "," + members) + "}]}}";
}

/// The only deal of `b`.
const deal& only_deal(const keepa_body& b) {
  REQUIRE(b.deals);
  REQUIRE(b.deals->deals.size() == 1);
  return b.deals->deals[0];
}

/// The envelope of `b`, which must be there.
const token_envelope& envelope_of(const keepa_body& b) {
  REQUIRE(b.envelope);
  return *b.envelope;
}

/// `n` nested arrays around `inner`.
std::string nested(size_t n, const std::string& inner) {
  return std::string(n, '[') + inner + std::string(n, ']');
}

} // namespace

TEST_CASE("nasty input that is not a JSON object is rejected") {
  std::string nul_then_junk{"{\"tokensLeft\":1}\0junk", 21};
  run({
    rejects("empty", "", "offset 0"),
    rejects("whitespace only", " \n", "offset 2"),
    rejects("null", "null", "not a JSON object"),
    rejects("array", "[]", "not a JSON object"),
    rejects("number", "42", "not a JSON object"),
    rejects("string", R"("tokensLeft")", "not a JSON object"),
    rejects("open brace", "{", "offset 1"),
    rejects("truncated valid body",
            R"({"tokensLeft":5,"products":[{"asin":"X","csv":[[1,2)", "offset"),
    rejects("trailing garbage", R"({"tokensLeft":1} x)", "offset 17"),
    rejects("two objects", R"({"tokensLeft":1}{"tokensLeft":2})", "offset"),
    rejects("NUL byte then junk", nul_then_junk, "offset 16: a NUL byte"),
    rejects("invalid UTF-8 in a string",
            "{\"title\":\"\xff\xfe\",\"tokensLeft\":1}", "encoding"),
    rejects("overlong UTF-8", "{\"title\":\"\xc0\xaf\"}", "encoding"),
    rejects("lone surrogate escape", R"({"title":"\ud800"})", "surrogate"),
    rejects("single quotes", "{'tokensLeft':1}", "offset 1"),
    rejects("trailing comma", R"({"tokensLeft":1,})", "offset"),
    rejects("number beyond double", R"({"tokensLeft":1e400})", "too big"),
    rejects("100000 unclosed brackets", std::string(100000, '['), "offset"),
    rejects(
      "100000 unclosed objects",
      [] {
        std::string s;
        for (int i = 0; i < 100000; ++i)
          s += R"({"a":)";
        return s;
      }(),
      "offset"),
    rejects("100000 closed brackets", nested(100000, ""), "not a JSON object"),
  });
}

TEST_CASE("nasty envelopes and error objects yield defaults") {
  run({
    accepts("tokensLeft as string", R"({"tokensLeft":"5"})",
            [](auto& b) { CHECK_FALSE(b.envelope); }),
    accepts("tokensLeft null", R"({"tokensLeft":null,"refillIn":5})",
            [](auto& b) { CHECK_FALSE(b.envelope); }),
    accepts("tokensLeft 1e300", R"({"tokensLeft":1e300})",
            [](auto& b) { CHECK_FALSE(b.envelope); }),
    accepts("tokensLeft 2^63 as a double",
            R"({"tokensLeft":9223372036854775808.0})",
            [](auto& b) { CHECK_FALSE(b.envelope); }),
    accepts("tokensLeft above int64", R"({"tokensLeft":18446744073709551615})",
            [](auto& b) { CHECK_FALSE(b.envelope); }),
    accepts("tokensLeft fractional", R"({"tokensLeft":54.5})",
            [](auto& b) { CHECK_FALSE(b.envelope); }),
    accepts("no tokensLeft", R"({"refillRate":5,"products":[]})",
            [](auto& b) {
              CHECK_FALSE(b.envelope);
              CHECK(b.has_products);
            }),
    accepts("tokensLeft int64 max", R"({"tokensLeft":9223372036854775807})",
            [](auto& b) { CHECK(envelope_of(b).tokens_left == int64_max); }),
    accepts("tokensLeft int64 min", R"({"tokensLeft":-9223372036854775808})",
            [](auto& b) { CHECK(envelope_of(b).tokens_left == int64_min); }),
    accepts("negative tokensLeft", R"({"tokensLeft":-231})",
            [](auto& b) { CHECK(envelope_of(b).tokens_left == -231); }),
    accepts("integral double tokensLeft", R"({"tokensLeft":12.0})",
            [](auto& b) { CHECK(envelope_of(b).tokens_left == 12); }),
    accepts("only tokensLeft: the rest defaults to 0", R"({"tokensLeft":3})",
            [](auto& b) {
              auto& e = envelope_of(b);
              CHECK(e.timestamp_ms == 0);
              CHECK(e.refill_in_ms == 0);
              CHECK(e.refill_rate == 0);
              CHECK(e.token_flow_reduction == 0.0);
              CHECK(e.tokens_consumed == 0);
              CHECK(e.processing_time_ms == 0);
            }),
    accepts(
      "envelope fields of the wrong type",
      R"({"tokensLeft":3,"refillIn":"26645","refillRate":null,)"
      R"("tokenFlowReduction":"0.5","timestamp":1e300,"tokensConsumed":[]})",
      [](auto& b) {
        auto& e = envelope_of(b);
        CHECK(e.refill_in_ms == 0);
        CHECK(e.refill_rate == 0);
        CHECK(e.token_flow_reduction == 0.0);
        CHECK(e.timestamp_ms == 0);
        CHECK(e.tokens_consumed == 0);
      }),
    accepts("a decimal with 400 zeros", // found by fuzz/keepa_json_fuzz.cpp
            R"({"tokensLeft":1,"tokenFlowReduction":0.)" + std::string(400, '0')
              + "}",
            [](auto& b) { CHECK(envelope_of(b).token_flow_reduction == 0.0); }),
    accepts("a 301-digit integer",
            R"({"tokensLeft":1)" + std::string(300, '0') + "}",
            [](auto& b) { CHECK_FALSE(b.envelope); }),
    accepts("error not an object", R"({"error":"boom","tokensLeft":1})",
            [](auto& b) { CHECK_FALSE(b.error); }),
    accepts("error null", R"({"error":null})",
            [](auto& b) { CHECK_FALSE(b.error); }),
    accepts("error fields of the wrong type",
            R"({"error":{"type":5,"message":null,"details":["x"]}})",
            [](auto& b) {
              REQUIRE(b.error);
              CHECK(b.error->type.empty());
              CHECK(b.error->message.empty());
              CHECK(b.error->details.empty());
            }),
    accepts("100000 nested arrays beside the envelope",
            R"({"tokensLeft":7,"x":)" + nested(100000, "1") + "}",
            [](auto& b) { CHECK(envelope_of(b).tokens_left == 7); }),
  });
}

TEST_CASE("nasty products and csv yield defaults or warnings") {
  run({
    accepts("products null", R"({"products":null})",
            [](auto& b) { CHECK_FALSE(b.has_products); }),
    accepts("products not an array", R"({"products":{"asin":"X"}})",
            [](auto& b) {
              CHECK_FALSE(b.has_products);
              CHECK(b.warnings.empty());
            }),
    accepts("products empty", R"({"products":[]})",
            [](auto& b) {
              CHECK(b.has_products);
              CHECK(b.products.empty());
            }),
    accepts("product entries null, number and string",
            R"({"products":[null,5,"X",{"asin":"Y"}]})",
            [](auto& b) {
              CHECK(only_product(b).asin == "Y");
              REQUIRE(b.warnings.size() == 3);
              CHECK(b.warnings[0] == "product skipped: not an object");
            }),
    accepts("product without asin", R"({"products":[{"title":"T"}]})",
            [](auto& b) {
              CHECK(b.products.empty());
              REQUIRE(b.warnings.size() == 1);
              CHECK(b.warnings[0] == "product skipped: no string asin");
            }),
    accepts("product asin a number", R"({"products":[{"asin":134093410}]})",
            [](auto& b) {
              CHECK(b.products.empty());
              CHECK(b.warnings.size() == 1);
            }),
    accepts("product with only an asin", one_product(""),
            [](auto& b) {
              auto& p = only_product(b);
              CHECK(p.title.empty());
              CHECK(p.root_category == 0);
              CHECK(p.last_update == -1);
              CHECK(p.tracking_since == -1);
              CHECK(p.publication_date == -1);
              CHECK(p.csv.size() == 36);
              CHECK_FALSE(p.stats);
              CHECK(p.offers.empty());
              CHECK(p.fba_pick_pack_fee == -1);
              CHECK(p.referral_fee_percent == -1.0);
            }),
    accepts("csv null", one_product(R"("csv":null)"),
            [](auto& b) {
              auto& p = only_product(b);
              REQUIRE(p.csv.size() == 36);
              for (auto& series : p.csv)
                CHECK(series.empty());
            }),
    accepts("csv not an array", one_product(R"("csv":"x")"),
            [](auto& b) { CHECK(only_product(b).csv.size() == 36); }),
    accepts("csv short with null entries",
            one_product(R"("csv":[null,[1,2],null])"),
            [](auto& b) {
              auto& csv = only_product(b).csv;
              REQUIRE(csv.size() == 36);
              CHECK(csv[0].empty());
              CHECK(csv[1] == ints{1, 2});
              CHECK(csv[2].empty());
              CHECK(csv[35].empty());
            }),
    accepts("csv with 40 entries keeps 36",
            one_product(R"("csv":[)" +
                        [] {
                          std::string s;
                          for (int i = 0; i < 40; ++i)
                            s += (i ? ",[" : "[") + std::to_string(i) + "]";
                          return s;
                        }()
                        + "]"),
            [](auto& b) {
              auto& csv = only_product(b).csv;
              REQUIRE(csv.size() == 36);
              CHECK(csv[35] == ints{35});
            }),
    accepts(
      "csv entry with non-numbers",
      one_product(R"("csv":[[1,"a",null,true,{},[2],1.5,2.0]])"),
      [](auto& b) {
        CHECK(only_product(b).csv[0] == ints{1, -1, -1, -1, -1, -1, -1, 2});
      }),
    accepts("csv entry a number", one_product(R"("csv":[5,[1,2]])"),
            [](auto& b) {
              CHECK(only_product(b).csv[0].empty());
              CHECK(only_product(b).csv[1] == ints{1, 2});
            }),
    accepts("csv negative values kept",
            one_product(R"("csv":[[8399000,-1,8399500,-2]])"),
            [](auto& b) {
              CHECK(only_product(b).csv[0] == ints{8399000, -1, 8399500, -2});
            }),
    accepts("csv entry 100000 levels deep",
            one_product(R"("csv":[)" + nested(100000, "1") + "]"),
            [](auto& b) { CHECK(only_product(b).csv[0] == ints{-1}); }),
    accepts("huge numbers in an array",
            one_product(R"("categories":[1e300,18446744073709551615,-1e19,)"
                        R"(9223372036854775807,-9223372036854775808,3])"),
            [](auto& b) {
              CHECK(only_product(b).categories
                    == ints{-1, -1, -1, int64_max, int64_min, 3});
            }),
    accepts("huge scalars fall back to defaults",
            one_product(
              R"("lastUpdate":1e300,"rootCategory":18446744073709551615,)"
              R"("productType":4294967297,"trackingSince":-1e300)"),
            [](auto& b) {
              auto& p = only_product(b);
              CHECK(p.last_update == -1);
              CHECK(p.root_category == 0);
              CHECK(p.product_type == 0);
              CHECK(p.tracking_since == -1);
            }),
    accepts(
      "negative scalars kept",
      one_product(R"("rootCategory":-5,"publicationDate":-1,"productType":-3)"),
      [](auto& b) {
        auto& p = only_product(b);
        CHECK(p.root_category == -5);
        CHECK(p.publication_date == -1);
        CHECK(p.product_type == -3);
      }),
    accepts("strings of the wrong type",
            one_product(
              R"("title":5,"parentAsin":null,"manufacturer":[],"binding":{})"),
            [](auto& b) {
              auto& p = only_product(b);
              CHECK(p.title.empty());
              CHECK(p.parent_asin.empty());
              CHECK(p.manufacturer.empty());
              CHECK(p.binding.empty());
            }),
    accepts("escaped unicode in a title",
            one_product(R"("title":"Caf\u00e9 \ud83d\ude00 \"q\"")"),
            [](auto& b) {
              CHECK(only_product(b).title
                    == "Caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\"");
            }),
    accepts("categoryTree with unusable entries",
            one_product(
              R"("categoryTree":[null,{"catId":1},{"name":"Books"},5,)"
              R"({"catId":2,"name":7}])"),
            [](auto& b) {
              CHECK(only_product(b).category_tree
                    == std::vector<std::string>{"Books"});
            }),
    accepts("fbaFees null", one_product(R"("fbaFees":null)"),
            [](auto& b) { CHECK(only_product(b).fba_pick_pack_fee == -1); }),
    accepts("fbaFees.pickAndPackFee a string",
            one_product(R"("fbaFees":{"pickAndPackFee":"625"})"),
            [](auto& b) { CHECK(only_product(b).fba_pick_pack_fee == -1); }),
    accepts("only the deprecated referralFeePercent",
            one_product(R"("referralFeePercent":15)"),
            [](auto& b) {
              CHECK(only_product(b).referral_fee_percent
                    == doctest::Approx(15));
            }),
    accepts(
      "referralFeePercentage null falls back",
      one_product(R"("referralFeePercentage":null,"referralFeePercent":12)"),
      [](auto& b) {
        CHECK(only_product(b).referral_fee_percent == doctest::Approx(12));
      }),
    accepts("referralFeePercentage a string",
            one_product(R"("referralFeePercentage":"15")"),
            [](auto& b) {
              CHECK(only_product(b).referral_fee_percent == -1.0);
            }),
  });
}

TEST_CASE("nasty stats and offers yield defaults") {
  run({
    accepts("stats null", one_product(R"("stats":null)"),
            [](auto& b) { CHECK_FALSE(only_product(b).stats); }),
    accepts("stats an array", one_product(R"("stats":[1,2])"),
            [](auto& b) { CHECK_FALSE(only_product(b).stats); }),
    accepts("stats empty", one_product(R"("stats":{})"),
            [](auto& b) {
              auto& s = only_stats(b);
              CHECK(s.current.empty());
              CHECK(s.sales_rank_drops30 == -1);
              CHECK(s.sales_rank_drops365 == -1);
              CHECK(s.total_offer_count == -2);
              CHECK(s.offer_count_fba == -2);
              CHECK(s.buy_box_price == -2);
              CHECK(s.buy_box_used_shipping == -2);
              CHECK(s.last_offers_update == -1);
            }),
    accepts("stats.current short", one_product(R"("stats":{"current":[1]})"),
            [](auto& b) {
              auto& s = only_stats(b);
              CHECK(s.current == ints{1});
              CHECK(at_or_missing(s.current, csv_type::used) == -1);
            }),
    accepts("stats.current null", one_product(R"("stats":{"current":null})"),
            [](auto& b) { CHECK(only_stats(b).current.empty()); }),
    accepts("stats arrays with null",
            one_product(R"("stats":{"avg90":[null,null,2000],)"
                        R"("outOfStockPercentage90":[100,null,"x"]})"),
            [](auto& b) {
              auto& s = only_stats(b);
              CHECK(s.avg90 == ints{-1, -1, 2000});
              CHECK(s.out_of_stock_percentage90 == ints{100, -1, -1});
            }),
    accepts("stats scalars of the wrong type",
            one_product(R"("stats":{"salesRankDrops30":"7","buyBoxPrice":null,)"
                        R"("totalOfferCount":1e300,"lastOffersUpdate":true})"),
            [](auto& b) {
              auto& s = only_stats(b);
              CHECK(s.sales_rank_drops30 == -1);
              CHECK(s.buy_box_price == -2);
              CHECK(s.total_offer_count == -2);
              CHECK(s.last_offers_update == -1);
            }),
    accepts("offers null", one_product(R"("offers":null)"),
            [](auto& b) { CHECK(only_product(b).offers.empty()); }),
    accepts("offers with null offerCSV and a null entry",
            one_product(R"("offers":[{"offerCSV":null},null,7])"),
            [](auto& b) {
              auto& offers = only_product(b).offers;
              REQUIRE(offers.size() == 1);
              CHECK(offers[0].offer_csv.empty());
              CHECK(offers[0].offer_id == -1);
              CHECK(offers[0].last_seen == -1);
              CHECK(offers[0].seller_id.empty());
              CHECK(offers[0].condition == 0);
              CHECK_FALSE(offers[0].is_fba);
              CHECK(offers[0].is_shippable);
            }),
    accepts("offer fields of the wrong type",
            one_product(
              R"("offers":[{"isFBA":1,"isShippable":"no","condition":1e10,)"
              R"("sellerId":5,"offerCSV":[1,null,-1]}])"),
            [](auto& b) {
              auto& o = only_product(b).offers.at(0);
              CHECK_FALSE(o.is_fba);
              CHECK(o.is_shippable);
              CHECK(o.condition == 0);
              CHECK(o.seller_id.empty());
              CHECK(o.offer_csv == ints{1, -1, -1});
            }),
  });
}

TEST_CASE("nasty deal pages yield defaults or warnings") {
  run({
    accepts("deals null", R"({"deals":null})",
            [](auto& b) { CHECK_FALSE(b.deals); }),
    accepts("deals an array", R"({"deals":[{"asin":"X"}]})",
            [](auto& b) { CHECK_FALSE(b.deals); }),
    accepts("deals.dr null", R"({"deals":{"dr":null}})",
            [](auto& b) {
              REQUIRE(b.deals);
              CHECK(b.deals->deals.empty());
              CHECK(b.deals->category_ids.empty());
            }),
    accepts("deals.dr entries null and number",
            R"({"deals":{"dr":[null,1,{"asin":"X"}]}})",
            [](auto& b) {
              CHECK(only_deal(b).asin == "X");
              REQUIRE(b.warnings.size() == 2);
              CHECK(b.warnings[0] == "deal skipped: not an object");
            }),
    accepts("deal without asin", R"({"deals":{"dr":[{"lastUpdate":5}]}})",
            [](auto& b) {
              CHECK(b.deals->deals.empty());
              REQUIRE(b.warnings.size() == 1);
              CHECK(b.warnings[0] == "deal skipped: no string asin");
            }),
    accepts("deal with only an asin", one_deal(""),
            [](auto& b) {
              auto& d = only_deal(b);
              CHECK(d.root_cat == 0);
              CHECK(d.creation_date == -1);
              CHECK(d.last_update == -1);
              CHECK(d.current.empty());
              CHECK(d.avg.empty());
              CHECK(d.image.empty());
              CHECK(d.warehouse_condition == 0);
            }),
    accepts("deal avg short", one_deal(R"("avg":[[1]])"),
            [](auto& b) {
              auto& d = only_deal(b);
              REQUIRE(d.avg.size() == 1);
              CHECK(d.avg[0] == ints{1});
            }),
    accepts(
      "deal avg rows null or not arrays",
      one_deal(R"("avg":[null,[1,null],"x"],"delta":5,"deltaPercent":null)"),
      [](auto& b) {
        auto& d = only_deal(b);
        REQUIRE(d.avg.size() == 3);
        CHECK(d.avg[0].empty());
        CHECK(d.avg[1] == ints{1, -1});
        CHECK(d.avg[2].empty());
        CHECK(d.delta.empty());
        CHECK(d.delta_percent.empty());
      }),
    accepts("deal image with unusable codes",
            one_deal(R"("image":[54,"x",1000,null,-3,10,49])"),
            [](auto& b) { CHECK(only_deal(b).image == "61"); }),
    accepts("deal image a number", one_deal(R"("image":5)"),
            [](auto& b) { CHECK(only_deal(b).image.empty()); }),
    accepts(
      "deal huge rootCat and warehouseCondition",
      one_deal(R"("rootCat":9223372036854775807,"warehouseCondition":1e12)"),
      [](auto& b) {
        CHECK(only_deal(b).root_cat == int64_max);
        CHECK(only_deal(b).warehouse_condition == 0);
      }),
    accepts("category arrays with unusable entries",
            R"({"deals":{"dr":[],"categoryIds":[1,null,"2"],)"
            R"("categoryNames":["Books",null,5],"categoryCount":"3"}})",
            [](auto& b) {
              REQUIRE(b.deals);
              CHECK(b.deals->category_ids == ints{1, -1, -1});
              CHECK(b.deals->category_names
                    == std::vector<std::string>{"Books", "", ""});
              CHECK(b.deals->category_counts.empty());
            }),
  });
}

TEST_CASE("a realistic /product body parses field by field") {
  std::string error;
  auto body = parse_keepa_body(sample("keepa_product.json"), error);
  REQUIRE(body);
  CHECK(body->warnings.empty());
  CHECK_FALSE(body->error);
  CHECK_FALSE(body->deals);
  auto& e = envelope_of(*body);
  CHECK(e.timestamp_ms == 1797840012345);
  CHECK(e.tokens_left == 1134);
  CHECK(e.refill_in_ms == 26645);
  CHECK(e.refill_rate == 20);
  CHECK(e.token_flow_reduction == 0.0);
  CHECK(e.tokens_consumed == 6);
  CHECK(e.processing_time_ms == 412);
  CHECK(body->has_products);
  auto& p = only_product(*body);
  CHECK(p.asin == "0134093410");
  CHECK(p.title == "Campbell Biology (11th Edition)");
  CHECK(p.parent_asin.empty());
  CHECK(p.product_type == 0);
  CHECK(p.root_category == 283155);
  CHECK(p.categories == ints{3546, 14545});
  CHECK(p.category_tree
        == std::vector<std::string>{"Books", "Science & Math", "Biology"});
  CHECK(p.manufacturer == "Pearson");
  CHECK(p.binding == "Hardcover");
  CHECK(p.tracking_since == 3456789);
  CHECK(p.last_update == 8400000);
  CHECK(p.last_price_change == 8399500);
  CHECK(p.publication_date == 20161020);
  CHECK(p.fba_pick_pack_fee == 625);
  CHECK(p.referral_fee_percent == doctest::Approx(8.03));
}

TEST_CASE("a realistic /product body: csv") {
  std::string error;
  auto body = parse_keepa_body(sample("keepa_product.json"), error);
  REQUIRE(body);
  auto& csv = only_product(*body).csv;
  REQUIRE(csv.size() == 36);
  CHECK(csv[0].empty());
  CHECK(csv[1] == ints{8390000, 5999, 8395000, 5499, 8399500, 5000});
  CHECK(csv[2] == ints{8390000, 2500, 8399500, 2400});
  CHECK(csv[3] == ints{8390000, 52000, 8399000, 41000});
  CHECK(csv[7] == ints{8390000, 5999, 399, 8399500, 5000, 0});
  CHECK(csv[21] == ints{8399000, 2300, 399});
  CHECK(csv[32] == ints{8399500, 2450, 399});
  CHECK(csv[33].empty());
  CHECK(csv[35] == ints{8399500, 11});
}

TEST_CASE("a realistic /product body: stats") {
  std::string error;
  auto body = parse_keepa_body(sample("keepa_product.json"), error);
  REQUIRE(body);
  auto& s = only_stats(*body);
  REQUIRE(s.current.size() == 36);
  CHECK(at_or_missing(s.current, csv_type::amazon) == -1);
  CHECK(at_or_missing(s.current, csv_type::used) == 2400);
  CHECK(at_or_missing(s.current, csv_type::sales) == 41000);
  CHECK(at_or_missing(s.current, csv_type::count_new_fbm) == 11);
  CHECK(at_or_missing(s.avg, csv_type::used) == 2450);
  CHECK(at_or_missing(s.avg30, csv_type::sales) == 43000);
  CHECK(at_or_missing(s.avg90, csv_type::new_) == 5600);
  CHECK(at_or_missing(s.avg180, csv_type::used) == 3100);
  CHECK(at_or_missing(s.avg365, csv_type::sales) == -1);
  CHECK(at_or_missing(s.out_of_stock_percentage90, csv_type::amazon) == 100);
  CHECK(at_or_missing(s.out_of_stock_percentage90, csv_type::used) == 3);
  CHECK(s.sales_rank_drops30 == 7);
  CHECK(s.sales_rank_drops90 == 23);
  CHECK(s.sales_rank_drops180 == 41);
  CHECK(s.sales_rank_drops365 == 88);
  CHECK(s.total_offer_count == 45);
  CHECK(s.offer_count_fba == 3);
  CHECK(s.offer_count_fbm == 11);
  CHECK(s.buy_box_price == 5000);
  CHECK(s.buy_box_shipping == 0);
  CHECK(s.buy_box_used_price == 2450);
  CHECK(s.buy_box_used_shipping == 399);
  CHECK(s.last_offers_update == 8399980);
}

TEST_CASE("a realistic /product body: offers") {
  std::string error;
  auto body = parse_keepa_body(sample("keepa_product.json"), error);
  REQUIRE(body);
  auto& offers = only_product(*body).offers;
  REQUIRE(offers.size() == 3);
  CHECK(offers[0].offer_id == 1);
  CHECK(offers[0].last_seen == 8399990);
  CHECK(offers[0].seller_id == "A2L77EE7U53NWQ");
  CHECK(offers[0].condition == 1);
  CHECK(offers[0].is_fba);
  CHECK(offers[0].is_prime);
  CHECK_FALSE(offers[0].is_amazon);
  CHECK(offers[0].is_shippable);
  CHECK(offers[0].offer_csv == ints{8399000, 5200, 0, 8399500, 5000, 0});
  CHECK(offers[1].seller_id == "A1X0USEDSELLER");
  CHECK(offers[1].condition == 4);
  CHECK_FALSE(offers[1].is_fba);
  CHECK_FALSE(offers[1].is_prime);
  CHECK(offers[1].offer_csv == ints{8399000, 2300, 399});
  CHECK(offers[2].offer_id == 5);
  CHECK(offers[2].last_seen == 8380000);
  CHECK(offers[2].is_amazon);
  CHECK_FALSE(offers[2].is_shippable);
  CHECK(offers[2].offer_csv == ints{8370000, 6499, 0, 8380000, -2, -1});
}

TEST_CASE("a realistic /deal page with two deals parses field by field") {
  std::string error;
  auto body = parse_keepa_body(sample("keepa_deal_page.json"), error);
  REQUIRE(body);
  CHECK(body->warnings.empty());
  CHECK_FALSE(body->has_products);
  CHECK(envelope_of(*body).tokens_left == 1128);
  CHECK(envelope_of(*body).tokens_consumed == 5);
  REQUIRE(body->deals);
  auto& page = *body->deals;
  CHECK(page.category_ids == ints{283155, 172282, int64_max});
  CHECK(page.category_names
        == std::vector<std::string>{"Books", "Electronics", "?"});
  CHECK(page.category_counts == ints{1, 1, 3});
  REQUIRE(page.deals.size() == 2);
  auto& d = page.deals[0];
  CHECK(d.asin == "0134093410");
  CHECK(d.parent_asin.empty());
  CHECK(d.title == "Campbell Biology (11th Edition)");
  CHECK(d.root_cat == 283155);
  CHECK(d.categories == ints{3546, 14545});
  CHECK(d.image == "61k3Lay7JUL.jpg");
  CHECK(d.creation_date == 8399000);
  CHECK(d.last_update == 8400000);
  REQUIRE(d.current.size() == 36);
  CHECK(at_or_missing(d.current, csv_type::used) == 2400);
  CHECK(at_or_missing(d.current_since, csv_type::sales) == 8399000);
  CHECK(at_or_missing(d.delta_last, csv_type::new_) == -499);
  REQUIRE(d.avg.size() == 4);
  CHECK(at_or_missing(d.avg[3], csv_type::used) == 3100);
  REQUIRE(d.delta.size() == 4);
  CHECK(at_or_missing(d.delta[3], csv_type::sales) == 9000);
  REQUIRE(d.delta_percent.size() == 4);
  CHECK(at_or_missing(d.delta_percent[2], csv_type::used) == 17);
  CHECK(d.warehouse_condition == 0);
}

TEST_CASE("a realistic /deal page: the second deal, image as a string") {
  std::string error;
  auto body = parse_keepa_body(sample("keepa_deal_page.json"), error);
  REQUIRE(body);
  REQUIRE(body->deals);
  REQUIRE(body->deals->deals.size() == 2);
  auto& d = body->deals->deals[1];
  CHECK(d.asin == "B07FZ8S74R");
  CHECK(d.parent_asin == "B07GXYZ123");
  CHECK(d.title == "Echo Dot (3rd Gen) - Smart speaker with Alexa");
  CHECK(d.root_cat == 172282);
  CHECK(d.categories == ints{9818047011});
  CHECK(d.image == "71nDx5qZ2HL.jpg");
  CHECK(d.creation_date == 8398000);
  CHECK(d.last_update == 8399950);
  CHECK(at_or_missing(d.current, csv_type::warehouse) == 1750);
  REQUIRE(d.avg.size() == 4);
  CHECK(at_or_missing(d.avg[1], csv_type::warehouse) == 1850);
  CHECK(at_or_missing(d.delta[3], csv_type::amazon) == 1800);
  CHECK(at_or_missing(d.delta_percent[3], csv_type::amazon) == 42);
  CHECK(d.warehouse_condition == 2);
}

TEST_CASE("a 429 body is just the envelope") {
  std::string error;
  auto body = parse_keepa_body(body_429, error);
  REQUIRE(body);
  auto& e = envelope_of(*body);
  CHECK(e.timestamp_ms == 1594177158252);
  CHECK(e.tokens_left == 0);
  CHECK(e.refill_in_ms == 38205);
  CHECK(e.refill_rate == 20);
  CHECK(e.token_flow_reduction == 0.0);
  CHECK(e.tokens_consumed == 0);
  CHECK(e.processing_time_ms == 0);
  CHECK_FALSE(body->error);
  CHECK_FALSE(body->has_products);
  CHECK_FALSE(body->deals);
  CHECK(body->warnings.empty());
}

TEST_CASE("error bodies: 200 with an error object, 400 with zero tokens") {
  std::string error;
  auto item = parse_keepa_body(body_error, error);
  REQUIRE(item);
  REQUIRE(item->error);
  CHECK(item->error->type == "invalidParameter");
  CHECK(item->error->message
        == "You used an invalid parameter for this API call.");
  CHECK(item->error->details == "asin: XXXXXXXXXX");
  CHECK(envelope_of(*item).tokens_left == 59);
  CHECK(envelope_of(*item).refill_in_ms == 26645);
  CHECK(envelope_of(*item).refill_rate == 5);
  CHECK(envelope_of(*item).tokens_consumed == 0);
  CHECK(envelope_of(*item).processing_time_ms == 3);
  CHECK_FALSE(item->has_products);
  auto bad_key = parse_keepa_body(
    R"({"error":{"details":"","message":"You used an invalid parameter for )"
    R"(this API call.","type":"invalidParameter"},"processingTimeInMs":0,)"
    R"("refillIn":0,"refillRate":0,"timestamp":1790277678673,)"
    R"("tokenFlowReduction":0.0,"tokensConsumed":0,"tokensLeft":0})",
    error);
  REQUIRE(bad_key);
  REQUIRE(bad_key->error);
  CHECK(bad_key->error->details.empty());
  CHECK(envelope_of(*bad_key).tokens_left == 0);
  CHECK(envelope_of(*bad_key).timestamp_ms == 1790277678673);
}

TEST_CASE("parse_envelope, parse_product and parse_deal on single values") {
  rapidjson::Document doc;
  doc.Parse(R"([{"tokensLeft":4},{"asin":"P","title":"T"},{"asin":"D"},[],)"
            R"({"asin":""}])");
  REQUIRE(doc.IsArray());
  std::string why;
  REQUIRE(parse_envelope(doc[0]));
  CHECK(parse_envelope(doc[0])->tokens_left == 4);
  CHECK_FALSE(parse_envelope(doc[3]));
  REQUIRE(parse_product(doc[1], why));
  CHECK(parse_product(doc[1], why)->title == "T");
  REQUIRE(parse_deal(doc[2], why));
  CHECK(parse_deal(doc[2], why)->asin == "D");
  CHECK_FALSE(parse_product(doc[3], why));
  CHECK(why == "not an object");
  CHECK_FALSE(parse_deal(doc[4], why));
  CHECK(why == "no string asin");
}

TEST_CASE("every truncation of a real body is an error, never a crash") {
  for (auto full :
       {sample("keepa_product.json"), sample("keepa_deal_page.json"),
        std::string{body_429}, std::string{body_error}}) {
    auto end = full.rfind('}') + 1; // only whitespace follows the object
    for (size_t n = 0; n <= full.size(); ++n) {
      CAPTURE(n);
      std::string error;
      auto body = parse_keepa_body(std::string_view{full}.substr(0, n), error);
      CHECK(body.has_value() == (n >= end));
      CHECK(error.empty() == (n >= end));
    }
  }
}
