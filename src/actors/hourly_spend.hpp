#pragma once

// The tokens spent by call kind in each of the last 24 hours of the actor
// clock: the health page's chart (docs/contract.md#the-dump).

#include "actors/messages.hpp"

#include <caf/actor_clock.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

namespace keepa {

class hourly_spend {
public:
  /// The hours kept.
  static constexpr int64_t hours = 24;

  /// Counts `tokens` spent on a call of `kind` at `at`.
  void add(caf::actor_clock::time_point at, call_kind kind, int64_t tokens) {
    auto h = hour_of(at);
    if (by_hour_.empty() || by_hour_.back().first != h)
      by_hour_.emplace_back(h, by_kind<int64_t>{});
    by_hour_.back().second[kind] += tokens;
    forget_before(h);
  }

  /// The spend of each hour, the current one first, back to the oldest
  /// kept (at most `hours`); an hour without a call is all zeros.
  std::vector<by_kind<int64_t>> newest_first(caf::actor_clock::time_point now) {
    auto h = hour_of(now);
    forget_before(h);
    std::vector<by_kind<int64_t>> out;
    if (by_hour_.empty())
      return out;
    out.resize(static_cast<size_t>(h - by_hour_.front().first + 1));
    for (auto& [hour, spent] : by_hour_)
      out[static_cast<size_t>(h - hour)] = spent;
    return out;
  }

private:
  static int64_t hour_of(caf::actor_clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::hours>(at.time_since_epoch())
      .count();
  }

  void forget_before(int64_t current) {
    while (!by_hour_.empty() && by_hour_.front().first <= current - hours)
      by_hour_.pop_front();
  }

  /// (hour of the clock, tokens by kind), oldest first.
  std::deque<std::pair<int64_t, by_kind<int64_t>>> by_hour_;
};

} // namespace keepa
