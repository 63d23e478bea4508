#include "model/price_chart.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

namespace keepa {

namespace {

using point = std::pair<keepa_minutes, int64_t>;

/// The points of one csv series since `since`: [t, value] pairs, or
/// [t, price, shipping] triples summed to the landed price. Values of -1
/// (no offer, no rank) are gaps, left out.
std::vector<point> series_since(const product& p, csv_type type,
                                keepa_minutes since) {
  std::vector<point> out;
  auto index = static_cast<size_t>(type);
  if (index >= p.csv.size())
    return out;
  auto& csv = p.csv[index];
  size_t stride = csv_with_shipping(type) ? 3 : 2;
  for (size_t i = 0; i + stride <= csv.size(); i += stride) {
    auto value = csv[i + 1];
    if (stride == 3 && value >= 0)
      value += std::max<int64_t>(0, csv[i + 2]);
    if (csv[i] >= since && value >= 0)
      out.emplace_back(csv[i], value);
  }
  return out;
}

/// The cheapest landed used price at each change of any used condition.
std::vector<point> cheapest_landed(const product& p, keepa_minutes since) {
  std::vector<std::vector<point>> conditions;
  std::vector<keepa_minutes> times;
  for (auto type :
       {csv_type::used_new_shipping, csv_type::used_very_good_shipping,
        csv_type::used_good_shipping, csv_type::used_acceptable_shipping}) {
    conditions.push_back(series_since(p, type, since));
    for (auto& [t, v] : conditions.back())
      times.push_back(t);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  std::vector<point> out;
  std::vector<size_t> next(conditions.size(), 0);
  std::vector<std::optional<int64_t>> latest(conditions.size());
  for (auto t : times) {
    std::optional<int64_t> lowest;
    for (size_t c = 0; c < conditions.size(); ++c) {
      while (next[c] < conditions[c].size()
             && conditions[c][next[c]].first <= t)
        latest[c] = conditions[c][next[c]++].second;
      if (latest[c] && (!lowest || *latest[c] < *lowest))
        lowest = latest[c];
    }
    if (lowest)
      out.emplace_back(t, *lowest);
  }
  return out;
}

/// At most `chart_points` of the points, evenly spread, the newest kept.
std::vector<point> thinned(const std::vector<point>& points) {
  if (points.size() <= chart_points)
    return points;
  std::vector<point> out;
  for (size_t i = 0; i < chart_points; ++i)
    out.push_back(points[i * (points.size() - 1) / (chart_points - 1)]);
  return out;
}

/// `"name":[[t,v],...]`.
std::string series_json(const char* name, const std::vector<point>& points) {
  std::string out = "\"" + std::string{name} + "\":[";
  for (size_t i = 0; i < points.size(); ++i) {
    if (i > 0)
      out += ',';
    out += "[" + std::to_string(points[i].first) + ","
           + std::to_string(points[i].second) + "]";
  }
  return out + "]";
}

} // namespace

std::string price_chart_json(const product& p, keepa_minutes now) {
  auto since = now - 365 * 24 * 60;
  return "{"
         + series_json("used", thinned(series_since(p, csv_type::used, since)))
         + "," + series_json("landed", thinned(cheapest_landed(p, since))) + ","
         + series_json("rank", thinned(series_since(p, csv_type::sales, since)))
         + "}";
}

} // namespace keepa
