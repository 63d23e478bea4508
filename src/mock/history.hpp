#pragma once

// An item's Keepa `csv` (docs/keepa.md) and the statistics Keepa derives
// from it: time-weighted means, latest values, sales-rank drops.

#include "mock/catalog.hpp"

#include <cstdint>
#include <vector>

namespace keepa::mock {

/// One csv series: [t, v, ...] or [t, price, shipping, ...]; empty = null.
using series = std::vector<int64_t>;

/// True for csv types stored as [t, price, shipping] triples.
bool with_shipping(int type);

/// The item's csv over the year before `now_ms` (36 series, fewer for a
/// sparse item). Times are Keepa minutes.
std::vector<series> csv_of(const catalog& cat, const item& it, int64_t now_ms);

/// The points of the last `days` days, plus the one in effect at the start.
series last_days(const series& s, int type, int64_t now_ms, int days);

/// The time-weighted mean over [from_ms, now_ms], skipping -1 segments
/// (landed for triples when `landed`); -1 when there is no data.
int64_t weighted_mean(const series& s, int type, int64_t from_ms,
                      int64_t now_ms, bool landed);

/// The newest value (landed for triples when `landed`); -1 when empty.
int64_t latest(const series& s, int type, bool landed);

/// The value before the newest (landed for triples); -1 when there is none.
int64_t previous(const series& s, int type);

/// The Keepa minute of the newest point; 0 when empty.
int64_t latest_time(const series& s, int type);

/// A deal's figures per csv type (docs/keepa.md), landed (item plus
/// shipping) for the *_SHIPPING types as in Keepa's; range index 0 =
/// day (48 h), 1 = week, 2 = month, 3 = 90 days. delta = avg - current and
/// deltaPercent = floor(100 (avg - current) / avg + 0.5), positive for a
/// drop; both 0 when either is missing.
struct deal_figures {
  std::vector<int64_t> current, current_since, delta_last;
  std::vector<std::vector<int64_t>> avg, delta, delta_percent;
  /// Sales-rank drops in the 30, 90, 180, 365 days before the update; -1
  /// (unknown) for a sparse item, as for 4 % of real deals.
  std::vector<int64_t> rank_drops;
  /// Per type: an offer again after none (current set, previous -1).
  std::vector<bool> back_in_stock;
};

/// The deal figures of an item at `now_ms`.
deal_figures deal_of(const catalog& cat, const item& it, int64_t now_ms);

/// How often the rank improved (a sale) since `from_ms`.
int64_t rank_drops(const series& rank, int64_t from_ms);

} // namespace keepa::mock
