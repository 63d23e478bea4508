// What following Keepa's recorded answers (live offers only, the deal's own
// rank drops) changes on the mock's catalog, through the real parser and
// the real analytics:
// - how many listed deals price_now differently when only live offers
//   count (liveOffersOrder) instead of every offer seen within a year, and
//   by how much at most;
// - what share of listed deals carry a known salesRankDrops365.
//
// usage: bench_recorded_shapes [products] [deal_rate]

#include "io/keepa_json.hpp"
#include "mock/handler.hpp"
#include "model/analytics.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using namespace keepa;

constexpr int64_t t0 = 1793491200000; // 2026-11-01T00:00:00Z

/// A body through the engine's parser; exits on an unusable one.
keepa_body parsed(const mock::http_answer& a) {
  std::string error;
  auto body = parse_keepa_body(a.body, error);
  if (!body || a.status != 200) {
    std::fprintf(stderr, "mock answered %d: %s\n", a.status, error.c_str());
    std::exit(1);
  }
  return std::move(*body);
}

} // namespace

int main(int argc, char** argv) {
  mock::options opts;
  opts.products = argc > 1 ? std::atoi(argv[1]) : 20000;
  opts.deal_rate = argc > 2 ? std::atoi(argv[2]) : 300;
  opts.refill_rate = 1000000;
  mock::handler h{opts, t0};
  // Every listed used deal, newest first.
  std::vector<deal> listed;
  for (int page = 0; page < 67; ++page) {
    auto body = parsed(h.handle(
      {"POST", "/deal?key=mock-key&domain=1",
       R"({"domainId":1,"priceTypes":[2],"dateRange":3,"sortType":1,"page":)"
         + std::to_string(page) + "}"},
      t0));
    auto& dr = body.deals->deals;
    listed.insert(listed.end(), dr.begin(), dr.end());
    if (dr.size() < 150)
      break;
  }
  size_t known_drops = 0;
  for (auto& d : listed)
    known_drops += d.sales_rank_drops365 >= 0;
  // Their commit fetch, priced both ways.
  auto now = to_keepa_minutes(t0);
  size_t priced = 0, changed = 0, higher = 0, historical_offers = 0,
         products = 0;
  double max_change = 0;
  for (size_t i = 0; i < listed.size(); i += 100) {
    std::string asins;
    for (size_t k = i; k < std::min(listed.size(), i + 100); ++k)
      asins += (k == i ? "" : ",") + listed[k].asin;
    auto body = parsed(h.handle(
      {"GET",
       "/product?key=mock-key&domain=1&stats=365&history=1&offers=20&days=365"
       "&asin="
         + asins,
       ""},
      t0));
    for (auto& p : body.products) {
      ++products;
      historical_offers += p.offers.size()
                           - (p.live_offers_order ? p.live_offers_order->size()
                                                  : 0);
      auto live = price_now(p, now);
      auto any = p;
      any.live_offers_order.reset(); // the rule before: recent lastSeen
      auto before = price_now(any, now);
      if (live.price <= 0)
        continue;
      ++priced;
      auto change = std::fabs(live.price - before.price);
      if (change > 0.005 || live.shipping_included != before.shipping_included)
        ++changed, higher += live.price > before.price;
      max_change = std::max(max_change, change);
    }
  }
  std::printf("catalog: %d products, %d deals/h; %zu listed used deals at "
              "2026-11-01T00:00Z\n",
              opts.products, opts.deal_rate, listed.size());
  std::printf("salesRankDrops365 known: %zu of %zu listed deals (%.1f %%)\n",
              known_drops, listed.size(),
              100.0 * static_cast<double>(known_drops)
                / static_cast<double>(std::max<size_t>(1, listed.size())));
  std::printf("historical offers: %zu in %zu products (%.2f per product)\n",
              historical_offers, products,
              static_cast<double>(historical_offers)
                / static_cast<double>(std::max<size_t>(1, products)));
  std::printf("price_now with live offers only: %zu of %zu priced rows "
              "change (%.1f %%; %zu higher, %zu lower), by at most $%.2f\n",
              changed, priced,
              100.0 * static_cast<double>(changed)
                / static_cast<double>(std::max<size_t>(1, priced)),
              higher, changed - higher, max_change);
}
