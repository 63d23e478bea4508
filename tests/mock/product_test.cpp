// /product: costs (docs/keepa.md#what-each-call-costs), shapes and determinism.

#include "mock/mock_support.hpp"
#include "mock/render.hpp"

#include "model/keepa_time.hpp"

#include <set>

using namespace keepa;
using namespace keepa::mock;
using namespace keepa::mock::test;

namespace {

/// The offers cost of catalog item `i` for offers=N: 6 per page of 10 found.
int64_t offer_cost(const catalog& c, int i, int n) {
  return 6 * std::max(1, (offers_returned(c.at(i), n) + 9) / 10);
}

} // namespace

TEST_CASE_FIXTURE(handler_fixture, "plain /product costs 1 per product, "
                                   "stats, history and days are free") {
  start();
  auto three = asins(3);
  std::string p = "/product?key=mock-key&domain=1&asin=";
  CHECK(consumed(p + three) == 3);
  CHECK(consumed(p + asins(100)) == 100);
  CHECK(consumed("/product?key=mock-key&domain=1&stats=180&asin=" + three)
        == 3);
  CHECK(
    consumed("/product?key=mock-key&domain=1&stats=1&history=0&days=30&asin="
             + three)
    == 3);
  CHECK(consumed(p + three.substr(0, 10) + "%2C" + three.substr(11, 10)) == 2);
}

TEST_CASE_FIXTURE(handler_fixture, "offers=N costs 6 per found page of 10 "
                                   "offers instead of the base token") {
  start();
  catalog c{opts.seed, opts.products, opts.deal_rate};
  for (int n : {20, 40, 100}) {
    CAPTURE(n);
    int64_t expected = 0;
    for (int i = 0; i < 5; ++i)
      expected += offer_cost(c, i, n);
    CHECK(consumed("/product?key=mock-key&domain=1&offers=" + std::to_string(n)
                   + "&asin=" + asins(5))
          == expected);
  }
  // An item with 18 offers and offers=40 costs 12 (the doc's example).
  for (int i = 0; i < c.size(); ++i)
    if (offers_returned(c.at(i), 100) == 18) {
      CHECK(consumed("/product?key=mock-key&domain=1&offers=40&asin="
                     + c.at(i).asin)
            == 12);
      break;
    }
  auto d = json("/product?key=mock-key&domain=1&offers=20&asin=" + asins(1));
  CHECK(d["products"][0]["liveOffersOrder"].Size()
        == static_cast<unsigned>(offers_returned(c.at(0), 20)));
}

TEST_CASE_FIXTURE(handler_fixture, "offers holds historical offers too, "
                                   "liveOffersOrder lists the live ones, "
                                   "cheapest first") {
  start();
  catalog c{opts.seed, opts.products, opts.deal_rate};
  int with_history = 0, cheaper_history = 0;
  for (int i = 0; i < 40; ++i) {
    CAPTURE(i);
    auto d = json("/product?key=mock-key&domain=1&stats=180&offers=20&asin="
                  + c.at(i).asin);
    auto& p = d["products"][0];
    auto& offers = p["offers"];
    auto& live = p["liveOffersOrder"];
    REQUIRE(live.IsArray());
    CHECK(live.Size() == static_cast<unsigned>(offers_returned(c.at(i), 20)));
    auto now_minutes = to_keepa_minutes(now);
    auto landed = [&](unsigned k) {
      auto& csv = offers[k]["offerCSV"];
      return csv[csv.Size() - 2].GetInt64() + csv[csv.Size() - 1].GetInt64();
    };
    std::set<unsigned> live_ids;
    for (unsigned k = 0; k < live.Size(); ++k) {
      auto idx = static_cast<unsigned>(live[k].GetInt());
      REQUIRE(idx < offers.Size());
      live_ids.insert(idx);
      if (k > 0)
        CHECK(landed(static_cast<unsigned>(live[k - 1].GetInt()))
              <= landed(idx));
    }
    auto used_now = p["stats"]["current"][2].GetInt64();
    for (unsigned k = 0; k < offers.Size(); ++k) {
      if (live_ids.count(k))
        continue;
      ++with_history;
      // Historical: sold hours after a past drop (20 h apart here).
      CHECK(num(offers[k], "lastSeen") < now_minutes - 600);
      CHECK(num(offers[k], "condition") >= 2);
      if (offers[k]["offerCSV"][1].GetInt64() < used_now)
        ++cheaper_history;
    }
  }
  CHECK(with_history >= 40);
  CHECK(cheaper_history > 0); // a historical offer cheaper than the live price
}

TEST_CASE_FIXTURE(handler_fixture, "the optional extras: rating +1, buybox "
                                   "+2 (not with offers), stock +2 with "
                                   "offers, update=0 +1 when fresh") {
  start();
  catalog c{opts.seed, opts.products, opts.deal_rate};
  auto one = asins(1);
  std::string p = "/product?key=mock-key&domain=1&asin=" + one;
  CHECK(consumed(p + "&rating=1") == 2);
  CHECK(consumed(p + "&buybox=1") == 3);
  CHECK(consumed(p + "&buybox=1&offers=20") == offer_cost(c, 0, 20));
  CHECK(consumed(p + "&stock=1&offers=20") == offer_cost(c, 0, 20) + 2);
  CHECK(consumed(p + "&stock=1") == 1);
  CHECK(consumed(p + "&historical-variations=1") == 1);
  // update=0 adds 1 only for products updated within the last hour.
  int fresh = -1, stale = -1;
  for (int i = 0; i < c.size() && (fresh < 0 || stale < 0); ++i) {
    auto age = now - c.state_at(c.at(i), now).last_update_ms;
    (age < hour_ms ? fresh : stale) = i;
  }
  REQUIRE(fresh >= 0);
  REQUIRE(stale >= 0);
  std::string q = "/product?key=mock-key&domain=1&update=0&asin=";
  CHECK(consumed(q + c.at(fresh).asin) == 2);
  CHECK(consumed(q + c.at(stale).asin) == 1);
  // Offers data newer than `update` hours costs 5.
  CHECK(consumed("/product?key=mock-key&domain=1&offers=20&update=1&asin="
                 + c.at(fresh).asin)
        == 5);
}

TEST_CASE_FIXTURE(handler_fixture, "an unknown ASIN costs 1 and comes back "
                                   "INVALID, with update=-1 it is free and "
                                   "left out") {
  start();
  auto d = json("/product?key=mock-key&domain=1&asin=XXXXXXXXXX," + asins(1));
  CHECK(num(d, "tokensConsumed") == 2);
  REQUIRE(d["products"].Size() == 2);
  CHECK(num(d["products"][0], "productType") == 4);
  CHECK(num(d["products"][1], "productType") == 0);
  auto e = json("/product?key=mock-key&domain=1&update=-1&asin=XXXXXXXXXX");
  CHECK(num(e, "tokensConsumed") == 0);
  CHECK(e["products"].Size() == 0);
}

TEST_CASE_FIXTURE(handler_fixture, "history=0 makes csv null, stats adds a "
                                   "stats object of 36-entry arrays") {
  start();
  auto plain = json("/product?key=mock-key&domain=1&asin=" + asins(1));
  auto& p = plain["products"][0];
  CHECK(p["csv"].IsArray());
  CHECK_FALSE(p.HasMember("stats"));
  CHECK_FALSE(p.HasMember("offers"));
  auto no_history = json(
    "/product?key=mock-key&domain=1&history=0&stats=90&asin=" + asins(1));
  auto& q = no_history["products"][0];
  CHECK(q["csv"].IsNull());
  REQUIRE(q.HasMember("stats"));
  for (auto key : {"current", "avg", "avg30", "avg90", "avg180", "avg365"}) {
    CAPTURE(key);
    REQUIRE(q["stats"][key].IsArray());
    CHECK(q["stats"][key].Size() == 36);
  }
  for (auto key : {"salesRankDrops30", "salesRankDrops90", "salesRankDrops180",
                   "salesRankDrops365", "totalOfferCount", "offerCountFBA",
                   "offerCountFBM", "buyBoxPrice", "buyBoxUsedPrice"})
    CHECK_MESSAGE(q["stats"].HasMember(key), key);
  // Without offers=: the total count is filled, the FBA/FBM counts are not.
  catalog c{opts.seed, opts.products, opts.deal_rate};
  CHECK(num(q["stats"], "totalOfferCount")
        == c.at(0).offers + c.at(0).new_offers);
  CHECK(num(q["stats"], "lastOffersUpdate") > 0);
  CHECK(num(q["stats"], "offerCountFBA") == -2);
  CHECK(num(q["stats"], "offerCountFBM") == -2);
}

TEST_CASE_FIXTURE(handler_fixture, "product shape: identity, categories, "
                                   "fees, csv types and triples") {
  start();
  auto d = json("/product?key=mock-key&domain=1&stats=180&asin=" + asins(50));
  int books = 0, isbn = 0, others = 0, dead = 0, sparse = 0;
  for (auto& p : d["products"].GetArray()) {
    std::string asin = p["asin"].GetString();
    CAPTURE(asin);
    CHECK(asin.size() == 10);
    CHECK(p["title"].IsString());
    CHECK(p["categories"].IsArray());
    CHECK(p["categoryTree"].Size() == 2);
    CHECK(num(p["categoryTree"][0], "catId") == num(p, "rootCategory"));
    CHECK(num(p, "lastUpdate") <= to_keepa_minutes(now));
    CHECK(num(p, "lastPriceChange") > 0);
    CHECK(num(p, "trackingSince") > 0);
    CHECK(num(p["fbaFees"], "pickAndPackFee") > 0);
    CHECK(num(p, "referralFeePercent") > 0);
    books += num(p, "rootCategory") == 283155;
    isbn += std::isdigit(static_cast<unsigned char>(asin[0])) != 0;
    others += asin.rfind("B0", 0) == 0;
    auto& csv = p["csv"];
    CHECK((csv.Size() == 36 || csv.Size() == 23));
    sparse += csv.Size() == 23;
    REQUIRE(csv[2].IsArray());
    CHECK(csv[2].Size() % 2 == 0);
    REQUIRE(csv[21].IsArray());
    CHECK(csv[21].Size() % 3 == 0);
    for (unsigned i = 0; i < csv[21].Size(); i += 3) { // [t, price, shipping]
      auto shipping = csv[21][i + 2].GetInt();
      if (csv[21][i + 1].GetInt() < 0)
        CHECK(shipping == -1);
      else // seller-shipped or FBA
        CHECK((shipping == 399 || shipping == 0));
    }
    REQUIRE(csv[3].IsArray());
    dead += num(p["stats"], "salesRankDrops365") == 0;
    // Times ascend and stay in the past.
    for (unsigned i = 2; i < csv[3].Size(); i += 2)
      CHECK(csv[3][i].GetInt64() > csv[3][i - 2].GetInt64());
    // stats.current matches the newest csv value.
    CHECK(p["stats"]["current"][2].GetInt64()
          == csv[2][csv[2].Size() - 1].GetInt64());
    CHECK(p["stats"]["current"][3].GetInt64()
          == csv[3][csv[3].Size() - 1].GetInt64());
  }
  CHECK(books == isbn);
  CHECK(books + others == 50);
  CHECK(books > 10);
  CHECK(others > 5);
  CHECK(dead >= 1);
  CHECK(sparse >= 1);
}

TEST_CASE_FIXTURE(handler_fixture, "salesRankDrops counts the rank "
                                   "improvements in csv[3]") {
  start();
  auto d = json("/product?key=mock-key&domain=1&stats=180&asin=" + asins(20));
  for (auto& p : d["products"].GetArray()) {
    auto& r = p["csv"][3];
    auto from30 = to_keepa_minutes(now - 30 * 24 * hour_ms);
    int64_t drops = 0, drops30 = 0;
    for (unsigned i = 2; i < r.Size(); i += 2)
      if (r[i + 1].GetInt64() < r[i - 1].GetInt64()) {
        ++drops;
        drops30 += r[i].GetInt64() > from30;
      }
    CHECK(num(p["stats"], "salesRankDrops365") == drops);
    CHECK(num(p["stats"], "salesRankDrops30") == drops30);
  }
}

TEST_CASE_FIXTURE(handler_fixture, "days=N limits the csv to N days plus "
                                   "the point in effect at the start") {
  start();
  auto d = json("/product?key=mock-key&domain=1&days=30&asin=" + asins(3));
  auto from = to_keepa_minutes(now - 30 * 24 * hour_ms);
  for (auto& p : d["products"].GetArray()) {
    auto& r = p["csv"][3];
    REQUIRE(r.Size() >= 2);
    CHECK(r.Size() <= 2 * 32);
    CHECK(r[0].GetInt64() <= from);
    if (r.Size() > 2)
      CHECK(r[2].GetInt64() > from);
  }
}

TEST_CASE_FIXTURE(handler_fixture, "seasonal textbooks exist in the "
                                   "catalog") {
  start();
  catalog c{opts.seed, opts.products, opts.deal_rate};
  int textbooks = 0;
  for (int i = 0; i < c.size(); ++i)
    textbooks += c.at(i).seasonal
                 && c.at(i).title.find("Textbook") != std::string::npos;
  CHECK(textbooks > 50);
}

TEST_CASE_FIXTURE(handler_fixture, "the same seed gives the same product "
                                   "JSON, another seed another catalog") {
  start();
  auto target = "/product?key=mock-key&domain=1&stats=90&offers=20&asin="
                + asins(5);
  auto a = get(target).body;
  handler again{opts, t0};
  CHECK(again.handle({"GET", target, ""}, now).body == a);
  options other_opts = opts;
  other_opts.seed = 2;
  catalog other{other_opts.seed, opts.products, opts.deal_rate};
  catalog same{opts.seed, opts.products, opts.deal_rate};
  CHECK(other.at(0).asin != same.at(0).asin);
}
