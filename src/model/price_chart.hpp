#pragma once

// What the board's chart of a deal needs, kept with the row when it is
// committed (the heavy fetch is the only time the engine holds the
// history): the used price, the cheapest landed used price (item and
// shipping, over the four used conditions) and the sales rank over the
// last 365 days, each cut to a bounded number of points.

#include "model/keepa.hpp"
#include "model/keepa_time.hpp"

#include <string>

namespace keepa {

/// The most points one series of a stored chart keeps.
inline constexpr size_t chart_points = 40;

/// The chart as compact JSON: `{"used": [[t, cents], ...], "landed":
/// [...], "rank": [[t, rank], ...]}`, t in Keepa minutes, oldest first;
/// a series Keepa has no value for in the year is empty.
std::string price_chart_json(const product& p, keepa_minutes now);

} // namespace keepa
