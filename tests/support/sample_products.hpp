#pragma once

// Products with a sales history the analytics can read, for tests at every
// level (model, actors, fakes). Model types only.

#include "model/keepa.hpp"
#include "model/keepa_time.hpp"

#include <string>

namespace keepa::test {

/// A product that passes the peek filter and can be profitable: used $10
/// now, $30 average, and six used sales at `sale_cents` ($30 by default)
/// in the summer of 2026: each drops the used-offer count by one, and the
/// rank improves an hour later. At $30 the List at is $30, so the profit is
/// $2.76, or $6.75 with free shipping.
inline product good_product(const std::string& asin,
                            int64_t sale_cents = 3000) {
  product p;
  p.asin = asin;
  p.title = "Book " + asin;
  p.csv.assign(csv_type_count, {});
  auto& used = p.csv[static_cast<size_t>(csv_type::used)];
  auto& rank = p.csv[static_cast<size_t>(csv_type::sales)];
  auto& count = p.csv[static_cast<size_t>(csv_type::count_used)];
  constexpr keepa_minutes day = 1440;
  keepa_minutes start = to_keepa_minutes(1782864000000); // 2026-07-01
  count.insert(count.end(), {start, 20});
  rank.insert(rank.end(), {start, 500000});
  for (int64_t k = 1; k <= 6; ++k) {
    auto t = start + k * 10 * day;
    used.insert(used.end(), {t - 60, sale_cents});
    count.insert(count.end(), {t, 20 - k});
    rank.insert(rank.end(), {t + 60, 100000, t + 600, 500000});
  }
  product_stats s;
  s.current = std::vector<int64_t>(36, -1);
  s.current[2] = 1000;
  s.current[21] = 1000; // landed: an FBA offer at the used price
  s.current[3] = 50000;
  s.avg90 = std::vector<int64_t>(36, -1);
  s.avg90[2] = 3000;
  s.avg365 = s.avg90;
  s.sales_rank_drops30 = 4;
  s.sales_rank_drops365 = 30;
  p.stats = s;
  return p;
}

} // namespace keepa::test
