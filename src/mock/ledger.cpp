#include "mock/ledger.hpp"

#include <algorithm>

namespace keepa::mock {

namespace {
constexpr int64_t tick_ms = 60000;
} // namespace

ledger::ledger(int64_t start_ms, int64_t rate, int64_t initial)
  : next_tick_ms_(start_ms + tick_ms),
    rate_(rate),
    balance_(initial),
    lowest_(initial) {
}

void ledger::refill(int64_t now_ms) {
  while (now_ms >= next_tick_ms_) {
    auto cap = 60 * rate_;
    auto added = std::max<int64_t>(0, std::min(rate_, cap - balance_));
    balance_ += added;
    refilled_ += added;
    next_tick_ms_ += tick_ms;
  }
}

bool ledger::admits(int64_t now_ms) {
  refill(now_ms);
  return balance_ > 0;
}

void ledger::charge(int64_t cost) {
  balance_ -= cost;
  consumed_ += cost;
  lowest_ = std::min(lowest_, balance_);
}

token_envelope ledger::envelope(int64_t now_ms, int64_t consumed) {
  refill(now_ms);
  token_envelope env;
  env.timestamp_ms = now_ms;
  env.tokens_left = balance_;
  env.refill_in_ms = next_tick_ms_ - now_ms;
  env.refill_rate = rate_;
  env.tokens_consumed = consumed;
  return env;
}

void ledger::set_rate(int64_t rate) {
  rate_ = rate;
}

} // namespace keepa::mock
