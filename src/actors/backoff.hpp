#pragma once

#include <algorithm>
#include <chrono>

#include <caf/timespan.hpp>

namespace keepa {

/// Exponential retry delay for a pool whose calls fail: 1 s doubling to at
/// most 5 min, back to 1 s after a success.
struct backoff {
  caf::timespan next = std::chrono::seconds{1};

  /// The delay to wait now; doubles the next one.
  caf::timespan bump() {
    auto out = next;
    next = std::min<caf::timespan>(next * 2, std::chrono::minutes{5});
    return out;
  }

  void reset() {
    next = std::chrono::seconds{1};
  }
};

} // namespace keepa
