#pragma once

// Rows as the pools write them, for tests that feed DB_WRITER: a row seen
// now, a committed active deal, a refresh that records a price drop.

#include "actors/messages.hpp"

#include <string>

namespace keepa::test {

/// An active row of `asin` seen now: stamped with the engine-alive clock
/// when it commits. With `update_only`, a refresh that never creates it.
inline deal_update seen(const std::string& asin, bool update_only = false) {
  deal_update u;
  u.asin = asin;
  u.mode = update_only ? write_mode::update_only : write_mode::upsert;
  if (!update_only)
    u.set(column::status, std::string{to_string(deal_status::active)});
  u.set(column::price_now, 10.0)
    .set(column::last_seen_utc, std::string{"2026-11-01T00:00:00Z"});
  return u;
}

/// A full active row as the commit pool writes it.
inline deal_update committed(const std::string& asin, double price,
                             double profit, keepa_minutes last_update) {
  auto u = seen(asin);
  u.set(column::title, std::string{"Title of "} + asin)
    .set(column::price_now, price)
    .set(column::profit, profit)
    .set(column::all_in_cost, price + 5)
    .set(column::sales_rank, int64_t{40000})
    .set(column::keepa_last_update, int64_t{last_update});
  return u;
}

/// A refresh of `asin` to `price` that records a drop from `old_price`.
inline write_batch dropped(const std::string& asin, double old_price,
                           double price, double profit) {
  write_batch b;
  auto u = seen(asin, true);
  u.set(column::price_now, price).set(column::profit, profit);
  b.upserts.push_back(u);
  b.drops.push_back({asin, old_price, price});
  return b;
}

} // namespace keepa::test
