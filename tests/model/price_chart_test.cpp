// The chart kept with a committed row: the last year of the used price,
// the cheapest landed used price and the rank, bounded in size.

#include "model/price_chart.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

using namespace keepa;

namespace {

constexpr keepa_minutes now = 8'000'000;
constexpr keepa_minutes day = 24 * 60;

/// A product with no history.
product empty_product() {
  product p;
  p.asin = "B000000001";
  p.csv.assign(csv_type_count, {});
  return p;
}

/// The series `name` of a chart, as [t, value] pairs.
std::vector<std::pair<int64_t, int64_t>> series(const std::string& json,
                                                const char* name) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  REQUIRE(doc.IsObject());
  std::vector<std::pair<int64_t, int64_t>> out;
  for (auto& p : doc[name].GetArray())
    out.emplace_back(p[0].GetInt64(), p[1].GetInt64());
  return out;
}

} // namespace

TEST_SUITE_BEGIN("price_chart");

TEST_CASE("the last year of the used price and the rank, gaps left out") {
  auto p = empty_product();
  p.csv[static_cast<size_t>(csv_type::used)]
    = {now - 400 * day, 900, now - 100 * day, 1500,
       now - 50 * day,  -1,  now - day,       1200};
  p.csv[static_cast<size_t>(csv_type::sales)] = {now - 10 * day, 50000,
                                                 now - day, 42000};
  auto json = price_chart_json(p, now);
  using points = std::vector<std::pair<int64_t, int64_t>>;
  CHECK(series(json, "used")
        == points{{now - 100 * day, 1500}, {now - day, 1200}});
  CHECK(series(json, "rank")
        == points{{now - 10 * day, 50000}, {now - day, 42000}});
  CHECK(series(json, "landed").empty());
}

TEST_CASE("the landed price is the cheapest used condition, item plus "
          "shipping, at each change") {
  auto p = empty_product();
  // Good: 10.00 + 3.99 from day 30; acceptable: 8.00 + 3.99 from day 20,
  // gone (-1) from day 10.
  p.csv[static_cast<size_t>(csv_type::used_good_shipping)] = {now - 30 * day,
                                                              1000, 399};
  p.csv[static_cast<size_t>(csv_type::used_acceptable_shipping)]
    = {now - 20 * day, 800, 399, now - 10 * day, 700, 0};
  using points = std::vector<std::pair<int64_t, int64_t>>;
  CHECK(series(price_chart_json(p, now), "landed")
        == points{{now - 30 * day, 1399},
                  {now - 20 * day, 1199},
                  {now - 10 * day, 700}});
}

TEST_CASE("a long history is cut to a bounded number of points, the newest "
          "kept") {
  auto p = empty_product();
  auto& used = p.csv[static_cast<size_t>(csv_type::used)];
  for (int i = 0; i < 1000; ++i) {
    used.push_back(now - 300 * day + i * 60);
    used.push_back(1000 + i);
  }
  auto kept = series(price_chart_json(p, now), "used");
  CHECK(kept.size() == chart_points);
  CHECK(kept.front().second == 1000);
  CHECK(kept.back().second == 1999);
}

TEST_CASE("a product without history, or with short arrays, makes empty "
          "series") {
  product bare;
  CHECK(price_chart_json(bare, now)
        == "{\"used\":[],\"landed\":[],\"rank\":[]}");
  auto p = empty_product();
  p.csv[static_cast<size_t>(csv_type::used)] = {now - day};
  p.csv[static_cast<size_t>(csv_type::used_good_shipping)] = {now - day, 500};
  CHECK(price_chart_json(p, now) == "{\"used\":[],\"landed\":[],\"rank\":[]}");
}

TEST_SUITE_END();
