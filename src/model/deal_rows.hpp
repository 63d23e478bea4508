#pragma once

// The rows each stage writes: pure functions from Keepa data to partial
// `deals` updates. Each function sets only the columns its stage computes.

#include "model/analytics.hpp"
#include "model/columns.hpp"
#include "model/keepa.hpp"
#include "model/peek_filter.hpp"

#include <optional>
#include <string>

namespace keepa {

/// The landed price (item plus shipping, cents) of the cheapest used offer
/// in any condition, as a `current` array (a /deal listing or product
/// stats) gives it in its four USED_*_SHIPPING types; -1 when none is
/// known. This is what price_now means: the full fetch reads the same from
/// the live offers (price_now in analytics), a refresh from here.
int64_t landed_used_price(const csv_values& current);

/// The item price of a `current` array, cents: the used price, or the new
/// price when there is no used offer; -1 when neither. Without a landed
/// price, a refresh prices a row at this plus the shipping of its last
/// full fetch when that is known (shipping_included = 1), else this alone
/// (shipping_included = 0, and all_in_cost carries the fee settings'
/// shipping estimate).
int64_t item_price(const csv_values& current);

/// A deal seen again on a /deal page: price (its landed used price, or on
/// the stored row's `basis`, with everything derived from it), rank, the rank
/// drops (the deal's own salesRankDrops30/90/365, when known), lastUpdate and
/// liveness, at no product cost. A payload without a price, or without known
/// drops, leaves that column as it is.
deal_update payload_refresh(const deal& d, const price_basis& basis,
                            const std::string& now_iso,
                            const fee_settings& fees);

/// A peek survivor, stored at once as `pending` so the paid-for result
/// survives a crash.
deal_update pending_row(const deal& d, const peek_verdict& v,
                        const std::string& now_iso);

/// The full row of a committed deal after the heavy fetch; `last_update`
/// is the listing's (-1 keeps the stored one).
deal_update full_row(const product& p, keepa_minutes last_update,
                     int64_t now_ms, const fee_settings& fees);

/// A light refresh: only price (as a page refresh reads it, from the
/// product's stats), rank, drops, liveness and the economics recomputed on
/// the stored row's `basis` (List at, average, shipping and fees preserved
/// from the full fetch).
deal_update light_row(const product& p, const price_basis& basis,
                      int64_t now_ms, const fee_settings& fees);

/// Marks an active row `gone` (update only): Keepa stopped returning its
/// product. Nothing else changes, so the janitor deletes it on time.
deal_update gone_row(const std::string& asin);

/// True when Keepa's answer for `p` is a sign of life: a known product
/// (not productType 4) with stats. Anything else must not be written as a
/// deal, nor keep one alive past the janitor.
bool has_live_data(const product& p);

/// True when the row `u` prices more than `percent` below `old_price`,
/// priced the same way (`old_shipping_included` equals the new one).
bool is_price_drop(std::optional<double> old_price,
                   std::optional<int64_t> old_shipping_included,
                   const deal_update& u, double percent);

} // namespace keepa
