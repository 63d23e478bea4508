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
/// price when there is no used offer; -1 when neither. The peek filter and
/// the payload rules judge by it; no row is priced by it after a full fetch.
int64_t item_price(const csv_values& current);

/// The `price_basis` texts: where a row's price_now came from.
namespace price_from {
inline constexpr const char* listing = "listing";
inline constexpr const char* offers = "offers";
inline constexpr const char* stats = "stats";
} // namespace price_from

/// A deal seen again on a /deal page: price (its landed used price, basis
/// `listing` as of its lastUpdate, with everything derived from it on the
/// stored row's `basis`), rank, the rank drops (the deal's own
/// salesRankDrops30/90/365, when known), lastUpdate and liveness, at no
/// product cost. A payload without a landed price, or without known drops,
/// leaves that column as it is.
deal_update payload_refresh(const deal& d, const cost_basis& basis,
                            const std::string& now_iso,
                            const fee_settings& fees);

/// A peek survivor, stored at once as `pending` so the paid-for result
/// survives a crash.
deal_update pending_row(const deal& d, const peek_verdict& v,
                        const std::string& now_iso);

/// The full row of a committed deal after the heavy fetch, priced by its
/// live offers (basis `offers`); `last_update` is the listing's (-1 keeps
/// the stored one).
deal_update full_row(const product& p, keepa_minutes last_update,
                     int64_t now_ms, const fee_settings& fees);

/// The active row of a listing `d` whose peek `p` (stats and a year of
/// history) is at hand: the analytics of a full row, priced at the
/// listing's landed used price (basis `listing` as of its lastUpdate,
/// shipping unknown), with no offers bought. Empty (no ASIN) when the
/// listing has no landed price.
deal_update listing_row(const deal& d, const product& p, int64_t now_ms,
                        const fee_settings& fees);

/// A light refresh: only price (the landed condition prices of the
/// product's stats, basis `stats`; none there leaves the price as it is),
/// rank, drops, liveness and the economics recomputed on the stored row's
/// `basis` (List at, average and fees preserved from the last analysis).
deal_update light_row(const product& p, const cost_basis& basis, int64_t now_ms,
                      const fee_settings& fees);

/// Marks an active row `gone` (update only): Keepa stopped returning its
/// product. Nothing else changes, so the janitor deletes it on time.
deal_update gone_row(const std::string& asin);

/// True when Keepa's answer for `p` is a sign of life: a known product
/// (not productType 4) with stats. Anything else must not be written as a
/// deal, nor keep one alive past the janitor.
bool has_live_data(const product& p);

/// True when the row `u` prices more than `percent` below `old_price`,
/// both landed prices: `old_basis` and the basis `u` sets are known. A row
/// priced before price_basis existed (NULL) measures no drop, so a change
/// of definition is never news.
bool is_price_drop(std::optional<double> old_price,
                   const std::optional<std::string>& old_basis,
                   const deal_update& u, double percent);

} // namespace keepa
