// /deal (docs/keepa.md#the-deal-endpoint): cost, paging, order, the 12 h
// window, the 120 s snapshot, filters and the category histogram.

#include "mock/mock_support.hpp"

#include "model/keepa_time.hpp"

#include <cmath>
#include <set>

using namespace keepa;
using namespace keepa::mock;
using namespace keepa::mock::test;

namespace {

/// The deals of one page.
const rapidjson::Value& deals(const rapidjson::Document& d) {
  REQUIRE(d.HasMember("deals"));
  return d["deals"]["dr"];
}

} // namespace

TEST_CASE_FIXTURE(handler_fixture, "/deal costs 5 per page of up to 150, "
                                   "a page past the end is empty") {
  start();
  std::set<std::string> seen;
  int page = 0;
  for (;; ++page) {
    auto d = json(deal_target(used_selection(page)));
    CHECK(num(d, "tokensConsumed") == 5);
    auto& dr = deals(d);
    for (auto& x : dr.GetArray())
      CHECK(seen.insert(x["asin"].GetString()).second); // no duplicates
    if (dr.Size() < 150)
      break;
    CHECK(dr.Size() == 150);
  }
  CHECK(page >= 10);
  CHECK(deals(json(deal_target(used_selection(page + 1)))).Size() == 0);
  CHECK(h->stats(now).tokens_consumed == 5 * (page + 2));
}

TEST_CASE_FIXTURE(handler_fixture, "sortType 1: newest lastUpdate first, "
                                   "across pages") {
  start();
  int64_t last = INT64_MAX;
  for (int page = 0; page < 3; ++page) {
    auto doc = json(deal_target(used_selection(page)));
    for (auto& x : deals(doc).GetArray()) {
      CHECK(num(x, "lastUpdate") <= last);
      last = num(x, "lastUpdate");
    }
  }
}

TEST_CASE_FIXTURE(handler_fixture, "sortType 4: by percent drop, highest "
                                   "first, -4 inverts") {
  start();
  auto drop = [](const rapidjson::Value& x) {
    return x["deltaPercent"][3][2].GetInt64();
  };
  auto doc = json(deal_target(used_selection(0, 4)));
  auto& d = deals(doc);
  REQUIRE(d.Size() == 150);
  for (unsigned i = 1; i < d.Size(); ++i)
    CHECK(drop(d[i - 1]) >= drop(d[i]));
  auto inv_doc = json(deal_target(used_selection(0, -4)));
  auto& inv = deals(inv_doc);
  for (unsigned i = 1; i < inv.Size(); ++i)
    CHECK(drop(inv[i - 1]) <= drop(inv[i]));
}

TEST_CASE_FIXTURE(handler_fixture, "only products updated within the last "
                                   "12 hours are deals") {
  start();
  now = t0 + 5 * hour_ms;
  auto newest = to_keepa_minutes(now);
  auto oldest = to_keepa_minutes(now - 12 * hour_ms);
  catalog c{opts.seed, opts.products, opts.deal_rate};
  size_t listed = 0;
  for (int page = 0;; ++page) {
    auto d = json(deal_target(used_selection(page)));
    for (auto& x : deals(d).GetArray()) {
      CHECK(num(x, "lastUpdate") <= newest);
      CHECK(num(x, "lastUpdate") >= oldest);
    }
    listed += deals(d).Size();
    if (deals(d).Size() < 150)
      break;
  }
  CHECK(listed == c.deals_at(now).size()); // no filter: every 12 h update
}

TEST_CASE_FIXTURE(handler_fixture, "a query is a snapshot for 120 s, later "
                                   "new deals appear") {
  start();
  auto first = json(deal_target(used_selection(0)));
  auto top = std::string{deals(first)[0]["asin"].GetString()};
  auto top_update = num(deals(first)[0], "lastUpdate");
  now += 119000;
  auto same = json(deal_target(used_selection(0)));
  CHECK(std::string{deals(same)[0]["asin"].GetString()} == top);
  CHECK(num(same, "timestamp") == now); // the envelope is live
  now += 2000;                          // 121 s after the snapshot
  auto fresh = json(deal_target(used_selection(0)));
  CHECK(num(deals(fresh)[0], "lastUpdate") > top_update);
  // A different selection is a different snapshot.
  auto other = json(deal_target(R"({"domainId":"1","priceTypes":2,"page":0,)"
                                R"("sortType":1,"dateRange":1})"));
  CHECK(deals(other).Size() == 150);
}

TEST_CASE_FIXTURE(handler_fixture, "/deal by POST equals GET selection=") {
  start();
  auto by_get = json(deal_target(used_selection(1)));
  auto by_post = parse(
    h->handle({"POST", "/deal/?key=mock-key", used_selection(1)}, now).body);
  REQUIRE(deals(by_get).Size() == deals(by_post).Size());
  CHECK(std::string{deals(by_get)[7]["asin"].GetString()}
        == deals(by_post)[7]["asin"].GetString());
}

TEST_CASE_FIXTURE(handler_fixture, "deal objects have Keepa's fields") {
  start();
  auto doc = json(deal_target(used_selection(0)));
  auto& x = deals(doc)[0];
  for (auto key : {"asin",
                   "title",
                   "rootCat",
                   "categories",
                   "image",
                   "creationDate",
                   "lastUpdate",
                   "current",
                   "currentSince",
                   "deltaLast",
                   "avg",
                   "delta",
                   "deltaPercent",
                   "warehouseCondition",
                   "salesRankDrops30",
                   "salesRankDrops90",
                   "salesRankDrops180",
                   "salesRankDrops365",
                   "backInStock",
                   "dateIntervalIndex",
                   "lightningStart",
                   "flags"})
    CHECK_MESSAGE(x.HasMember(key), key);
  // As in every recorded deal: no minRating, flags null.
  CHECK_FALSE(x.HasMember("minRating"));
  CHECK(x["flags"].IsNull());
  CHECK(x["backInStock"].Size() == 36);
  CHECK(x["backInStock"][0].IsBool());
  // The page: drDateIndex [], dealsCached beside deals.
  CHECK(doc["deals"]["drDateIndex"].IsArray());
  CHECK(doc["deals"]["drDateIndex"].Empty());
  REQUIRE(doc.HasMember("dealsCached"));
  CHECK_FALSE(doc["dealsCached"].GetBool());
  CHECK(json(deal_target(used_selection(0)))["dealsCached"].GetBool());
  CHECK(x["current"].Size() == 36);
  CHECK(x["avg"].Size() == 4);
  CHECK(x["avg"][0].Size() == 36);
  CHECK(x["image"][0].IsInt());
  auto cur = x["current"][2].GetInt64();
  auto avg = x["avg"][3][2].GetInt64();
  CHECK(x["delta"][3][2].GetInt64() == avg - cur);
  CHECK(cur > 0);
}

TEST_CASE_FIXTURE(handler_fixture, "deltaPercent is floor(100 (avg - "
                                   "current) / avg + 0.5), delta avg - "
                                   "current, (0, 0) without a current") {
  start();
  int checked = 0, negative = 0;
  for (int page = 0; page < 3; ++page) {
    auto doc = json(deal_target(used_selection(page)));
    for (auto& x : deals(doc).GetArray())
      for (unsigned r = 0; r < 4; ++r)
        for (unsigned t = 0; t < 36; ++t) {
          auto cur = x["current"][t].GetInt64();
          auto avg = x["avg"][r][t].GetInt64();
          auto pct = x["deltaPercent"][r][t].GetInt64();
          if (cur < 0 || avg <= 0) {
            CHECK(pct == 0);
            CHECK(x["delta"][r][t].GetInt64() == 0);
            continue;
          }
          auto expected = static_cast<int64_t>(std::floor(
            100.0 * static_cast<double>(avg - cur) / static_cast<double>(avg)
            + 0.5));
          CHECK(pct == expected);
          ++checked;
          negative += pct < 0;
        }
  }
  CHECK(checked > 1000);
  CHECK(negative > 0); // rises round toward +inf too: -2.5 is -2
}

TEST_CASE_FIXTURE(handler_fixture, "most deals carry known salesRankDrops, "
                                   "some -1, as in real pages") {
  start();
  int known = 0, unknown = 0;
  for (int page = 0; page < 10; ++page) {
    auto doc = json(deal_target(used_selection(page)));
    for (auto& x : deals(doc).GetArray()) {
      auto d365 = num(x, "salesRankDrops365");
      auto d30 = num(x, "salesRankDrops30");
      (d365 >= 0 ? known : unknown) += 1;
      if (d365 >= 0)
        CHECK(d30 <= d365);
      else
        CHECK(d30 == -1);
    }
  }
  CHECK(unknown > 0);
  CHECK(known > 10 * unknown);
}

TEST_CASE_FIXTURE(handler_fixture, "range filters apply with "
                                   "isRangeEnabled, categories always, the "
                                   "histogram ignores category filters") {
  start();
  auto all = json(deal_target(used_selection(0)));
  auto& ids = all["deals"]["categoryIds"];
  auto& counts = all["deals"]["categoryCount"];
  REQUIRE(ids.Size() == 4);
  CHECK(all["deals"]["categoryNames"].Size() == 4);
  int64_t books = 0;
  for (unsigned i = 0; i < ids.Size(); ++i)
    if (ids[i].GetInt64() == 283155)
      books = counts[i].GetInt64();
  REQUIRE(books > 150);
  auto ranged = R"({"domainId":1,"priceTypes":[2],"dateRange":3,"page":0,)"
                R"("isRangeEnabled":true,"currentRange":[2000,5000],)"
                R"("deltaPercentRange":[30,2147483647],)"
                R"("salesRankRange":[10000,-1],"includeCategories":[283155]})";
  auto d = json(deal_target(ranged));
  REQUIRE(deals(d).Size() > 0);
  for (auto& x : deals(d).GetArray()) {
    CHECK(x["current"][2].GetInt64() >= 2000);
    CHECK(x["current"][2].GetInt64() <= 5000);
    CHECK(x["deltaPercent"][3][2].GetInt64() >= 30);
    CHECK(num(x, "rootCat") == 283155);
  }
  CHECK(d["deals"]["categoryIds"].Size() > 1); // not narrowed by category
  std::string off = ranged;
  off.replace(off.find("true"), 4, "false");
  auto unfiltered = json(deal_target(off));
  CHECK(deals(unfiltered).Size() == 150);
  auto excluded = json(deal_target(
    R"({"domainId":1,"priceTypes":[2],"excludeCategories":[283155]})"));
  for (auto& x : deals(excluded).GetArray())
    CHECK(num(x, "rootCat") != 283155);
}

TEST_CASE_FIXTURE(handler_fixture, "a deal's landed condition prices are "
                                   "its cheapest live used offers', item "
                                   "plus shipping, as in recorded pages") {
  start(1000000);
  auto doc = json(deal_target(used_selection(0)));
  auto& page = deals(doc);
  REQUIRE(page.Size() == 150);
  int with_condition_price = 0, free_shipping = 0;
  for (unsigned i = 0; i < 40; ++i) {
    auto& deal = page[i];
    std::string asin = deal["asin"].GetString();
    CAPTURE(asin);
    auto product = json("/product?key=mock-key&domain=1&stats=180&offers=100"
                        "&asin="
                        + asin);
    auto& p = product["products"][0];
    auto& offers = p["offers"];
    int64_t cheapest[6] = {-1, -1, -1, -1, -1, -1};
    int64_t lowest_item = -1;
    for (auto& k : p["liveOffersOrder"].GetArray()) {
      auto& o = offers[static_cast<unsigned>(k.GetInt())];
      auto c = o["condition"].GetInt();
      auto& csv = o["offerCSV"];
      auto item = csv[csv.Size() - 2].GetInt64();
      auto landed = item + csv[csv.Size() - 1].GetInt64();
      if (c >= 2 && (cheapest[c] < 0 || landed < cheapest[c]))
        cheapest[c] = landed;
      if (c >= 2 && (lowest_item < 0 || item < lowest_item))
        lowest_item = item;
    }
    // USED (2) is the item alone, the four *_SHIPPING types landed.
    CHECK(deal["current"][2].GetInt64() == lowest_item);
    bool any = false;
    for (int c = 2; c <= 5; ++c) {
      auto type = static_cast<unsigned>(17 + c);
      CHECK(deal["current"][type].GetInt64() == cheapest[c]);
      CHECK(p["stats"]["current"][type].GetInt64() == cheapest[c]);
      any = any || cheapest[c] > 0;
      if (cheapest[c] == lowest_item)
        ++free_shipping;
    }
    with_condition_price += any;
  }
  CHECK(with_condition_price == 40); // 150 of 150 in a recorded page
  CHECK(free_shipping > 0);          // landed = item: FBA, shipped free
}
