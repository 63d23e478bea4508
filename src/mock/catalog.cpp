#include "mock/catalog.hpp"

#include <algorithm>

namespace keepa::mock {

namespace {

constexpr int64_t hour_ms = 3600000;
constexpr int64_t deal_window_ms = 12 * hour_ms;

/// SplitMix64: a fast, well-mixed hash of one 64-bit value.
uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// A 10-character ASIN unique per index: "B0" and 8 base-36 digits.
std::string asin_of(int index, uint64_t seed) {
  static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  constexpr uint64_t space = 2821109907456ULL; // 36^8
  // An odd multiplier prime to 3 permutes 0..36^8-1.
  auto n = (static_cast<uint64_t>(index) * 2654435761ULL + seed % space) % space;
  std::string out = "B0";
  std::string tail(8, '0');
  for (int i = 7; i >= 0; --i, n /= 36)
    tail[static_cast<size_t>(i)] = digits[n % 36];
  return out + tail;
}

const char* const subjects[] = {"Calculus", "Biology", "Chemistry",
                                "Psychology", "Economics", "Statistics",
                                "Physics", "Nursing", "Accounting",
                                "Sociology"};
const char* const genres[] = {"Mystery", "Cookbook", "History", "Poetry",
                              "Travel Guide", "Biography", "Fantasy",
                              "Gardening"};

} // namespace

catalog::catalog(uint64_t seed, int products, int deal_rate)
  : seed_(seed),
    period_ms_(std::max<int64_t>(hour_ms / 60,
                                 static_cast<int64_t>(products) * hour_ms
                                   / std::max(1, deal_rate))) {
  items_.reserve(static_cast<size_t>(products));
  for (int i = 0; i < products; ++i) {
    item it;
    it.index = i;
    it.asin = asin_of(i, seed);
    auto r = noise(i, 1);
    it.seasonal = r % 7 == 0;
    it.dead = r % 20 == 3;
    it.sparse = r % 25 == 5;
    auto subject = subjects[(r >> 8) % 10];
    it.title = it.seasonal ? std::string{subject} + " Textbook, "
                               + std::to_string(2 + (r >> 12) % 9) + "th Edition"
                           : std::string{genres[(r >> 8) % 8]} + " No. "
                               + std::to_string(i);
    it.used_avg = 1200 + static_cast<int64_t>((r >> 16) % 13800);
    it.new_avg = it.used_avg * 2 + 500;
    it.rank = 10000 + static_cast<int64_t>((r >> 30) % 2990000);
    it.offers = 1 + static_cast<int>((r >> 40) % 40);
    it.fba_fee = 300 + static_cast<int64_t>((r >> 46) % 300);
    it.drop_percent = 15 + static_cast<int>((r >> 52) % 46);
    it.phase_ms = static_cast<int64_t>(noise(i, 2) % static_cast<uint64_t>(period_ms_));
    by_asin_.emplace(it.asin, i);
    items_.push_back(std::move(it));
  }
}

uint64_t catalog::noise(int index, uint64_t salt) const {
  return splitmix(seed_ * 0x100000001b3ULL + static_cast<uint64_t>(index) * 31
                  + salt);
}

const item* catalog::find(const std::string& asin) const {
  auto i = by_asin_.find(asin);
  return i == by_asin_.end() ? nullptr : &items_[static_cast<size_t>(i->second)];
}

live_state catalog::state_at(const item& it, int64_t now_ms) const {
  live_state s;
  auto since = now_ms - it.phase_ms;
  auto k = since >= 0 ? since / period_ms_ : (since - period_ms_ + 1) / period_ms_;
  s.last_update_ms = it.phase_ms + k * period_ms_;
  s.in_deal = now_ms - s.last_update_ms < deal_window_ms;
  auto wobble = static_cast<int64_t>(noise(it.index, 100 + static_cast<uint64_t>(k)) % 11) - 5;
  s.used = s.in_deal ? it.used_avg * (100 - it.drop_percent) / 100
                     : it.used_avg * (100 + wobble) / 100;
  s.fresh = it.new_avg;
  s.rank = it.rank;
  s.count_used = it.offers;
  return s;
}

std::vector<int> catalog::deals_at(int64_t now_ms) const {
  std::vector<int> out;
  for (auto& it : items_)
    if (state_at(it, now_ms).in_deal)
      out.push_back(it.index);
  return out;
}

} // namespace keepa::mock
