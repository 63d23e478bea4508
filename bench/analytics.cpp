// Analytics cost per product on a realistic year of history: the commit
// row (inferred sales, List at, averages, landed price, business math,
// trend, seasonality). Run it under `valgrind --tool=callgrind` for a
// stable instruction count; the wall-clock figure is only indicative.
//
// usage: bench_analytics [products]

#include "model/deal_rows.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

using namespace keepa;

/// A product with a year of history: a used price, rank and offer-count
/// point every ~9 hours (about 1,000 points each), stats and 20 offers.
product realistic(int seed, keepa_minutes now) {
  product p;
  p.asin = "B0" + std::to_string(10000000 + seed);
  p.title = "Campbell Biology, 12th Edition";
  p.csv.assign(csv_type_count, {});
  uint64_t x = static_cast<uint64_t>(seed) * 2654435761u + 1;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (keepa_minutes t = now - 365 * 1440; t < now; t += 540) {
    p.csv[2].insert(p.csv[2].end(),
                    {t, 2000 + static_cast<int64_t>(next() % 3000)});
    p.csv[3].insert(p.csv[3].end(),
                    {t, 50000 + static_cast<int64_t>(next() % 200000)});
    p.csv[12].insert(p.csv[12].end(),
                     {t, 10 + static_cast<int64_t>(next() % 20)});
  }
  product_stats s;
  s.current = std::vector<int64_t>(36, -1);
  s.current[2] = 2500;
  s.current[3] = 120000;
  s.avg365 = s.current;
  s.sales_rank_drops30 = 12;
  p.stats = s;
  for (int i = 0; i < 20; ++i) {
    offer o;
    o.condition = 2 + i % 4;
    o.last_seen = now - 100;
    o.offer_csv = {now - 500, 2500 + i, 399};
    p.offers.push_back(o);
  }
  return p;
}

} // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int64_t now_ms = 1793491200000;
  auto now = to_keepa_minutes(now_ms);
  std::vector<product> products;
  for (int i = 0; i < 50; ++i)
    products.push_back(realistic(i, now));
  fee_settings fees;
  size_t cells = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i)
    cells += full_row(products[static_cast<size_t>(i) % products.size()], now,
                      now_ms, fees)
               .cells.size();
  auto us = std::chrono::duration<double, std::micro>(
              std::chrono::steady_clock::now() - start)
              .count();
  std::printf("analytics: %d products, %.1f us per product (wall clock, "
              "indicative), %zu cells\n",
              n, us / n, cells);
  return 0;
}
