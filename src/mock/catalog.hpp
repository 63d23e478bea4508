#pragma once

// The mock's synthetic catalog: deterministic from a seed, generated on
// demand from each item's index (so 20,000 items start instantly). Prices
// drop on a per-item schedule so that about `deal_rate` new deals appear
// per hour; a drop stays listed as a deal for 12 hours.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace keepa::mock {

/// The fixed facts of one product.
struct item {
  int index = 0;
  std::string asin;
  std::string title;
  int64_t used_avg = 0;   // cents
  int64_t new_avg = 0;    // cents
  int64_t rank = 0;
  int offers = 0;         // offers Keepa knows
  int64_t fba_fee = 0;    // cents
  int drop_percent = 0;   // how far a drop takes the used price
  int64_t phase_ms = 0;   // offset of its drop schedule
  bool dead = false;      // no sales-rank drops in a year
  bool seasonal = false;  // a textbook that sells in August and January
  bool sparse = false;    // null and short csv arrays
};

/// An item's prices at one moment.
struct live_state {
  int64_t used = -1;
  int64_t fresh = -1;
  int64_t rank = -1;
  int64_t count_used = 0;
  /// The latest drop at or before now (Unix ms): Keepa's lastUpdate.
  int64_t last_update_ms = 0;
  bool in_deal = false;
};

class catalog {
public:
  catalog(uint64_t seed, int products, int deal_rate);

  int size() const {
    return static_cast<int>(items_.size());
  }

  const item& at(int i) const {
    return items_[static_cast<size_t>(i)];
  }

  /// The item with this ASIN, or null.
  const item* find(const std::string& asin) const;

  /// The item's prices at `now_ms`.
  live_state state_at(const item& it, int64_t now_ms) const;

  /// Indices of the items listed as deals at `now_ms` (updated within 12 h).
  std::vector<int> deals_at(int64_t now_ms) const;

  /// The same seed and index always give the same pseudo-random number.
  uint64_t noise(int index, uint64_t salt) const;

private:
  uint64_t seed_;
  int64_t period_ms_;
  std::vector<item> items_;
  std::unordered_map<std::string, int> by_asin_;
};

} // namespace keepa::mock
