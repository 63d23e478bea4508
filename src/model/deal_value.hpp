#pragma once

// What a deal is worth before the heavy fetch buys it: the estimates the
// pools rank their queues by and the bound that decides whether the
// offers (the expensive part of a commit) can matter at all.

#include "model/analytics.hpp"
#include "model/keepa.hpp"

#include <optional>

namespace keepa {

/// The profit a product fetched with stats and history (no offers) can
/// reach, dollars; nullopt when it has no List at or no price.
struct profit_estimate {
  /// With the shipping of the offer unknown, priced as the fee settings'
  /// estimate (what a row without a matched live offer shows).
  std::optional<double> expected;
  /// With the best case for shipping: the offer ships free (FBA). No live
  /// offer can make the full fetch's profit higher than this.
  std::optional<double> best;
};

/// The profit estimate of `p` at `now_ms`, from the same List at, item
/// price and fees a full fetch computes; only the offer's shipping is open.
profit_estimate estimate_profit(const product& p, int64_t now_ms,
                                const fee_settings& fees);

/// The expected profit of a /deal listing from its payload alone, dollars:
/// the highest 90-day average of a used price type as the sale price, the
/// fee settings' default fees and shipping estimate; nullopt without a
/// price or a used average.
std::optional<double> payload_value(const deal& d, const fee_settings& fees);

} // namespace keepa
