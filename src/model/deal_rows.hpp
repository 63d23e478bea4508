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

/// The used buy price now listed on a /deal payload, cents; -1 unknown.
int64_t deal_used_price(const deal& d);

/// The used buy price now from product stats (landed where Keepa has it),
/// cents; -1 unknown.
int64_t stats_used_price(const product_stats& s);

/// A deal seen again on a /deal page: price, rank, lastUpdate and liveness,
/// at no product cost.
deal_update payload_refresh(const deal& d, const std::string& now_iso);

/// A peek survivor, stored at once as `pending` so the paid-for result
/// survives a crash.
deal_update pending_row(const deal& d, const peek_verdict& v,
                        const std::string& now_iso);

/// The full row of a committed deal after the heavy fetch; `last_update`
/// is the listing's (-1 keeps the stored one).
deal_update full_row(const product& p, keepa_minutes last_update,
                     int64_t now_ms, const fee_settings& fees);

/// A light refresh: only price, rank, drops, liveness and the economics
/// recomputed from the preserved `list_at` and `one_yr_avg`.
deal_update light_row(const product& p, std::optional<double> list_at,
                      std::optional<double> one_yr_avg, int64_t now_ms,
                      const fee_settings& fees);

/// True when Keepa's answer for `p` is a sign of life: a known product
/// (not productType 4) with stats. Anything else must not be written as a
/// deal, nor keep one alive past the janitor.
bool has_live_data(const product& p);

/// True when `new_price` is more than `percent` below `old_price`.
bool is_price_drop(std::optional<double> old_price, const cell* new_price,
                   double percent);

} // namespace keepa
