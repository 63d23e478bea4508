#include "model/peek_filter.hpp"

#include <doctest/doctest.h>

using namespace keepa;

namespace {

/// The reference's base case: current=[-1,1000,1000], avg90/365[2]=2000.
product base_product(int64_t drops365) {
  product p;
  p.asin = "0123456789";
  product_stats s;
  s.current = {-1, 1000, 1000};
  s.avg90 = {-1, -1, 2000};
  s.avg365 = {-1, -1, 2000};
  s.sales_rank_drops365 = drops365;
  p.stats = s;
  return p;
}

} // namespace

TEST_CASE("peek filter: the reference's drop thresholds") {
  struct row {
    int64_t drops;
    bool survives;
  };
  for (auto r : {row{4, true}, row{3, true}, row{1, true}, row{0, false},
                 row{-1, true}}) {
    CAPTURE(r.drops);
    CHECK(check_peek(base_product(r.drops)).survives() == r.survives);
  }
}

TEST_CASE("peek filter: each rejection names its reason") {
  struct row {
    const char* name;
    void (*edit)(product&);
    const char* reason;
  };
  row rows[] = {
    {"no stats", [](product& p) { p.stats.reset(); }, "no stats"},
    {"empty current", [](product& p) { p.stats->current.clear(); },
     "no buy price"},
    {"current all -1",
     [](product& p) {
       p.stats->current = {-1, -1, -1};
     },
     "no buy price"},
    {"no used averages",
     [](product& p) {
       p.stats->avg90.clear();
       p.stats->avg365 = {-1};
     },
     "no used price history"},
    {"sell below $12",
     [](product& p) {
       p.stats->avg90[2] = 1100;
       p.stats->avg365[2] = 1100;
       p.stats->current[2] = 500;
     },
     "sell estimate below floor"},
    {"negative spread", [](product& p) { p.stats->current[2] = 2300; },
     "negative spread"},
    {"thin ROI", [](product& p) { p.stats->current[2] = 1800; },
     "gross ROI below minimum"},
  };
  for (auto& r : rows) {
    CAPTURE(r.name);
    auto p = base_product(5);
    r.edit(p);
    CHECK(check_peek(p).rejection.rfind(r.reason, 0) == 0);
  }
}

TEST_CASE("peek filter: a landed used sub-condition counts as sell side") {
  auto p = base_product(5);
  p.stats->avg90 = std::vector<int64_t>(36, -1);
  p.stats->avg90[21] = 3000; // used good, with shipping
  p.stats->avg365.clear();
  auto v = check_peek(p);
  CHECK(v.survives());
  CHECK(v.sell_cents == 3000);
  CHECK(v.buy_cents == 1000);
}

TEST_CASE("peek filter: a zero price is no price (the reference let 0 pass)") {
  auto p = base_product(5);
  p.stats->current = {-1, 0, 0};
  CHECK(check_peek(p).rejection == "no buy price");
}

TEST_CASE("the payload rules reject for free only what the listing decides") {
  // A listing: used $10 now, 90-day used average $30, 30 rank drops a year.
  auto listing = [] {
    deal d;
    d.asin = "0123456789";
    d.current = std::vector<int64_t>(36, -1);
    d.current[2] = 1000;
    d.avg.assign(4, std::vector<int64_t>(36, -1));
    d.avg[3][2] = 3000;
    d.sales_rank_drops365 = 30;
    return d;
  };
  struct row {
    const char* name;
    void (*edit)(deal&);
    const char* reason; // empty: survives, the peek decides
  };
  row rows[] = {
    {"a good listing", [](deal&) {}, ""},
    {"dead inventory", [](deal& d) { d.sales_rank_drops365 = 0; },
     "deal payload: dead inventory: 0 rank drops in 365 days"},
    {"unknown drops", [](deal& d) { d.sales_rank_drops365 = -1; }, ""},
    {"negative spread", [](deal& d) { d.current[2] = 3500; },
     "deal payload: negative spread"},
    {"ROI below 20 %", [](deal& d) { d.current[2] = 2600; },
     "deal payload: gross ROI below minimum"},
    {"sell below $12", [](deal& d) { d.avg[3][2] = 1100; },
     "deal payload: sell estimate below floor"},
    {"only the month's average", [](deal& d) { d.avg.resize(3); }, ""},
    {"no used average", [](deal& d) { d.avg[3][2] = -1; }, ""},
    {"no price", [](deal& d) { d.current[2] = -1; }, ""},
  };
  for (auto& r : rows) {
    CAPTURE(r.name);
    auto d = listing();
    r.edit(d);
    CHECK(check_payload(d).rejection == r.reason);
  }
}
