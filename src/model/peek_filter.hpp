#pragma once

// The peek filter: cheap rules on a buy price, a sell estimate and the
// rank drops of a year that reject a deal before its heavy fetch. A
// missing, null or short stats array is "no data", never an exception.

#include "model/keepa.hpp"

#include <initializer_list>
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
  /// The expected profit (dollars) the pools rank the survivor by, when
  /// known: from the sales history when the peek fetched it.
  std::optional<double> value;

  bool survives() const {
    return rejection.empty();
  }
};

/// The highest average of a used price type over `averages`, cents; -1
/// when none has one.
int64_t sell_estimate(std::initializer_list<const csv_values*> averages);

/// Applies the peek filter to a product fetched with `stats`: the sell
/// estimate is the highest 90- or 365-day average of a used price type.
peek_verdict check_peek(const product& p, const peek_rules& rules = {});

/// Applies the peek filter to a /deal listing before any token is spent:
/// the sell estimate is the highest 90-day average of a used price type
/// (the payload has no 365-day one), the rank drops the deal's own. A
/// listing without a price or a used average survives (the peek decides),
/// and a rejection's reason starts with "deal payload: ".
peek_verdict check_payload(const deal& d, const peek_rules& rules = {});

} // namespace keepa
