#pragma once

// The mock's synthetic catalog: deterministic from a seed, each item's facts
// derived from its index (so 20,000 items start instantly). Prices drop on a
// per-item schedule so that about `deal_rate` new deals appear per hour; a
// drop stays listed as a deal for 12 hours. Values over time (price grid,
// daily sales rank) are pure functions of (seed, index, time).

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace keepa::mock {

/// A root category of the catalog.
struct root_category {
  int64_t id;
  const char* name;
};

/// The catalog's root categories; index 0 is Books.
extern const root_category root_categories[4];

/// The fixed facts of one product.
struct item {
  int index = 0;
  std::string asin;
  std::string title;
  int root = 0;         // index into root_categories
  int64_t leaf_cat = 0; // a sub-category id
  bool amazon = false;  // Amazon sells it (csv AMAZON present)
  int64_t used_avg = 0; // cents
  int64_t new_avg = 0;  // cents
  int64_t rank = 0;     // typical sales rank
  int offers = 0;       // offers Keepa knows (used)
  int new_offers = 0;   // new offers
  int64_t fba_fee = 0;  // cents
  int referral_percent = 15;
  int drop_percent = 0;  // how far a drop takes the used price
  int64_t phase_ms = 0;  // offset of its drop schedule
  bool dead = false;     // no sales-rank drops in a year
  bool seasonal = false; // a textbook that sells in August, September, January
  bool sparse = false;   // a short csv with null and one-point arrays
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

/// The step of the price grid (csv points of prices and counts).
inline constexpr int64_t price_step_ms = 3 * 86400000LL;

class catalog {
public:
  catalog(uint64_t seed, int products, int deal_rate);

  /// The number of items.
  int size() const {
    return static_cast<int>(items_.size());
  }

  /// The item at index `i`.
  const item& at(int i) const {
    return items_[static_cast<size_t>(i)];
  }

  /// The item with this ASIN, or null.
  const item* find(const std::string& asin) const;

  /// The item's prices at `now_ms`.
  live_state state_at(const item& it, int64_t now_ms) const;

  /// Indices of the items listed as deals at `now_ms` (updated within 12 h).
  std::vector<int> deals_at(int64_t now_ms) const;

  /// The grid value of csv type 0, 1, 2, 11 or 12 in price-grid cell `cell`
  /// (cell = floor(unix_ms / price_step_ms)); -1 = no offer.
  int64_t grid_value(const item& it, int type, int64_t cell) const;

  /// The sales rank on Unix days first..last (inclusive), one per day.
  std::vector<int64_t> ranks(const item& it, int64_t first_day,
                             int64_t last_day) const;

  /// The same seed, index and salt always give the same pseudo-random number.
  uint64_t noise(int index, uint64_t salt) const;

  /// The Unix ms of the item's latest scheduled drop at or before `now_ms`
  /// (its lastUpdate).
  int64_t last_drop_ms(const item& it, int64_t now_ms) const;

private:
  uint64_t seed_;
  int64_t period_ms_;
  std::vector<item> items_;
  std::unordered_map<std::string, int> by_asin_;
};

} // namespace keepa::mock
