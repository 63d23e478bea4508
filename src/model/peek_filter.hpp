#pragma once

// The peek filter (REFERENCE_SYSTEM.md §5) with its crash fixed: a missing,
// null or short stats array is "no data", never an exception.

#include "model/keepa.hpp"

#include <optional>
#include <string>

namespace keepa {

/// Thresholds of the peek filter, in Keepa cents and ratios.
struct peek_rules {
  /// Dead inventory: fewer sales-rank drops in a year than this.
  int64_t min_drops_365 = 1;
  /// The lowest expected sell price worth a look ($12).
  int64_t min_sell_cents = 1200;
  /// Reject when the buy price exceeds the sell estimate times this.
  double max_buy_to_sell = 1.1;
  /// Reject a gross ROI below this.
  double min_roi = 0.20;
};

/// What the peek learned about one product.
struct peek_verdict {
  /// Empty when the product survives; otherwise why it was rejected.
  std::string rejection;
  /// The used buy price now, cents; -1 when unknown.
  int64_t buy_cents = -1;
  /// The optimistic used sell estimate, cents; -1 when unknown.
  int64_t sell_cents = -1;

  bool survives() const {
    return rejection.empty();
  }
};

/// Applies the peek filter to a product fetched with `stats`.
peek_verdict check_peek(const product& p, const peek_rules& rules = {});

} // namespace keepa
