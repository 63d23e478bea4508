#pragma once

// The mock's token account (docs/keepa.md): refill ticks every 60 s
// anchored at start, a cap of 60 × rate, admission while the balance is
// positive, negative balances allowed.

#include "model/keepa.hpp"

#include <cstdint>

namespace keepa::mock {

class ledger {
public:
  ledger(int64_t start_ms, int64_t rate, int64_t initial);

  /// Applies the ticks due by `now_ms`.
  void refill(int64_t now_ms);

  /// True when a paid call may run now (balance positive).
  bool admits(int64_t now_ms);

  /// Charges `cost` tokens (the balance may go negative).
  void charge(int64_t cost);

  /// The envelope to send now, with `consumed` as tokensConsumed.
  token_envelope envelope(int64_t now_ms, int64_t consumed);

  /// Changes the refill rate from the next tick on.
  void set_rate(int64_t rate);

  int64_t balance() const {
    return balance_;
  }
  int64_t lowest() const {
    return lowest_;
  }
  int64_t consumed_total() const {
    return consumed_;
  }
  int64_t refilled_total() const {
    return refilled_;
  }
  int64_t rate() const {
    return rate_;
  }

private:
  int64_t next_tick_ms_;
  int64_t rate_;
  int64_t balance_;
  int64_t lowest_;
  int64_t consumed_ = 0;
  int64_t refilled_ = 0;
};

} // namespace keepa::mock
