#include "mock/history.hpp"

#include "mock/offers.hpp"

#include "model/keepa_time.hpp"

#include <algorithm>
#include <cmath>

namespace keepa::mock {

namespace {

constexpr int64_t day_ms = 86400000;
constexpr int64_t year_ms = 365 * day_ms;
constexpr int64_t used_shipping = 399;

/// Appends a point when the value (or its shipping) differs from the last.
void push(series& s, int stride, int64_t t, int64_t v, int64_t ship) {
  auto n = s.size();
  ship = v < 0 ? -1 : ship;
  if (n >= static_cast<size_t>(stride)
      && s[n - static_cast<size_t>(stride) + 1] == v
      && (stride == 2 || s[n - 1] == ship))
    return;
  s.push_back(to_keepa_minutes(t));
  s.push_back(v);
  if (stride == 3)
    s.push_back(ship);
}

/// Scales a price by `percent`, keeping -1 (no offer).
int64_t scaled(int64_t v, int64_t percent) {
  return v < 0 ? -1 : v * percent / 100;
}

/// A grid series of type 0, 1, 11 or 12 over the year before `now_ms`.
series grid_series(const catalog& cat, const item& it, int type,
                   int64_t now_ms) {
  series s;
  for (auto c = (now_ms - year_ms) / price_step_ms; c * price_step_ms <= now_ms;
       ++c)
    push(s, 2, c * price_step_ms, cat.grid_value(it, type, c), 0);
  return s;
}

/// The used series (USED, or a condition's with shipping at `percent` of
/// the used grid): the grid until the latest drop, then `live` (price and
/// shipping of the offer that sets it now, -1 when none is live).
series used_series(const catalog& cat, const item& it, const live_state& st,
                   int64_t now_ms, int stride, int64_t percent,
                   std::pair<int64_t, int64_t> live) {
  series s;
  for (auto c = (now_ms - year_ms) / price_step_ms;
       c * price_step_ms < st.last_update_ms; ++c)
    push(s, stride, c * price_step_ms,
         scaled(cat.grid_value(it, 2, c), percent), used_shipping);
  push(s, stride, st.last_update_ms, live.first, live.second);
  return s;
}

/// The daily sales-rank series over the year before `now_ms`.
series rank_series(const catalog& cat, const item& it, int64_t now_ms) {
  series s;
  auto last = now_ms / day_ms;
  auto first = last - 365;
  auto values = cat.ranks(it, first, last);
  for (auto d = first; d <= last; ++d)
    push(s, 2, d * day_ms, values[static_cast<size_t>(d - first)], 0);
  return s;
}

/// Values per point: 3 for triples, else 2.
int stride_of(int type) {
  return with_shipping(type) ? 3 : 2;
}

/// The value of point `i` (landed for triples when `landed`).
int64_t value_at(const series& s, int stride, size_t i, bool landed) {
  auto v = s[i + 1];
  if (stride == 3 && landed && v >= 0)
    v += std::max<int64_t>(0, s[i + 2]);
  return v;
}

} // namespace

bool with_shipping(int type) {
  return type == 7 || (type >= 18 && type <= 29) || type == 32;
}

std::vector<series> csv_of(const catalog& cat, const item& it, int64_t now_ms) {
  auto st = cat.state_at(it, now_ms);
  std::vector<series> csv(it.sparse ? 23 : 36);
  csv[0] = grid_series(cat, it, 0, now_ms);
  csv[1] = grid_series(cat, it, 1, now_ms);
  csv[2] = used_series(cat, it, st, now_ms, 2, 100, {st.used, -1});
  csv[3] = rank_series(cat, it, now_ms);
  csv[11] = grid_series(cat, it, 11, now_ms);
  csv[12] = grid_series(cat, it, 12, now_ms);
  const int64_t condition_percent[] = {130, 115, 105, 100}; // 19..22
  auto live = live_offers(cat, it, st, now_ms);
  for (int k = 0; k < 4; ++k) {
    auto cheapest = cheapest_in_condition(live, 2 + k);
    csv[static_cast<size_t>(19 + k)]
      = used_series(cat, it, st, now_ms, 3, condition_percent[k],
                    cheapest ? std::pair{cheapest->price, cheapest->shipping}
                             : std::pair<int64_t, int64_t>{-1, -1});
  }
  if (!it.amazon)
    csv[0].clear();
  if (it.sparse) {
    csv[1].resize(2); // a single point
    csv[12].clear();
  }
  return csv;
}

series last_days(const series& s, int type, int64_t now_ms, int days) {
  auto stride = static_cast<size_t>(stride_of(type));
  auto from = to_keepa_minutes(now_ms - static_cast<int64_t>(days) * day_ms);
  size_t start = 0;
  for (size_t i = 0; i + stride <= s.size(); i += stride)
    if (s[i] <= from)
      start = i;
  return series(s.begin() + static_cast<std::ptrdiff_t>(start), s.end());
}

int64_t weighted_mean(const series& s, int type, int64_t from_ms,
                      int64_t now_ms, bool landed) {
  auto stride = static_cast<size_t>(stride_of(type));
  auto from = to_keepa_minutes(from_ms);
  auto now = to_keepa_minutes(now_ms);
  double sum = 0;
  int64_t weight = 0;
  for (size_t i = 0; i + stride <= s.size(); i += stride) {
    auto begin = std::max(s[i], from);
    auto end = i + 2 * stride <= s.size() ? std::min(s[i + stride], now) : now;
    auto v = value_at(s, static_cast<int>(stride), i, landed);
    if (end > begin && v >= 0) {
      sum += static_cast<double>(v) * static_cast<double>(end - begin);
      weight += end - begin;
    }
  }
  return weight > 0
           ? static_cast<int64_t>(sum / static_cast<double>(weight) + 0.5)
           : -1;
}

int64_t latest(const series& s, int type, bool landed) {
  auto stride = static_cast<size_t>(stride_of(type));
  return s.size() < stride
           ? -1
           : value_at(s, static_cast<int>(stride), s.size() - stride, landed);
}

int64_t previous(const series& s, int type) {
  auto stride = static_cast<size_t>(stride_of(type));
  return s.size() < 2 * stride
           ? -1
           : value_at(s, static_cast<int>(stride), s.size() - 2 * stride, true);
}

int64_t latest_time(const series& s, int type) {
  auto stride = static_cast<size_t>(stride_of(type));
  return s.size() < stride ? 0 : s[s.size() - stride];
}

deal_figures deal_of(const catalog& cat, const item& it, int64_t now_ms) {
  constexpr int64_t range_ms[4] = {2 * day_ms, 7 * day_ms, 31 * day_ms,
                                   90 * day_ms};
  auto csv = csv_of(cat, it, now_ms);
  csv.resize(36);
  deal_figures d;
  d.current.assign(36, -1);
  d.current_since.assign(36, 0);
  d.delta_last.assign(36, 0);
  d.avg.assign(4, std::vector<int64_t>(36, -1));
  d.delta.assign(4, std::vector<int64_t>(36, 0));
  d.delta_percent.assign(4, std::vector<int64_t>(36, 0));
  d.back_in_stock.assign(36, false);
  for (int days : {30, 90, 180, 365})
    d.rank_drops.push_back(
      it.sparse ? -1 : rank_drops(csv[3], now_ms - days * day_ms));
  for (int t = 0; t < 36; ++t) {
    auto& s = csv[static_cast<size_t>(t)];
    if (s.empty())
      continue;
    auto cur = latest(s, t, true); // landed for the *_SHIPPING types
    auto prev = previous(s, t);
    d.current[static_cast<size_t>(t)] = cur;
    d.current_since[static_cast<size_t>(t)] = latest_time(s, t);
    d.delta_last[static_cast<size_t>(t)] = cur >= 0 && prev >= 0 ? cur - prev
                                                                 : 0;
    d.back_in_stock[static_cast<size_t>(t)]
      = cur >= 0 && prev == -1
        && s.size() >= 2 * static_cast<size_t>(stride_of(t));
    for (size_t r = 0; r < 4; ++r) {
      auto avg = weighted_mean(s, t, now_ms - range_ms[r], now_ms, true);
      d.avg[r][static_cast<size_t>(t)] = avg;
      if (avg > 0 && cur >= 0) {
        d.delta[r][static_cast<size_t>(t)] = avg - cur;
        d.delta_percent[r][static_cast<size_t>(t)]
          = static_cast<int64_t>(std::floor(
            100.0 * static_cast<double>(avg - cur) / static_cast<double>(avg)
            + 0.5));
      }
    }
  }
  return d;
}

int64_t rank_drops(const series& rank, int64_t from_ms) {
  auto from = to_keepa_minutes(from_ms);
  int64_t drops = 0;
  for (size_t i = 2; i + 2 <= rank.size(); i += 2)
    if (rank[i] > from && rank[i + 1] >= 0 && rank[i - 1] >= 0
        && rank[i + 1] < rank[i - 1])
      ++drops;
  return drops;
}

} // namespace keepa::mock
