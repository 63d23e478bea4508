#include "mock/catalog.hpp"
#include "model/keepa_time.hpp"

#include <algorithm>

namespace keepa::mock {

const root_category root_categories[4] = {{283155, "Books"},
                                          {165793011, "Toys & Games"},
                                          {172282, "Electronics"},
                                          {1055398, "Home & Kitchen"}};

namespace {

constexpr int64_t hour_ms = 3600000;
constexpr int64_t day_ms = 24 * hour_ms;
constexpr int64_t deal_window_ms = 12 * hour_ms;

/// SplitMix64: a fast, well-mixed hash of one 64-bit value.
uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// A unique code per index: `prefix` then `width` digits of base `base`,
/// the index permuted by an odd multiplier prime to 3 and 5.
std::string code_of(int index, uint64_t seed, const char* prefix, int width,
                    uint64_t base) {
  static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  uint64_t space = 1;
  for (int i = 0; i < width; ++i)
    space *= base;
  auto n = (static_cast<uint64_t>(index) * 2654435761ULL + seed % space)
           % space;
  std::string tail(static_cast<size_t>(width), '0');
  for (int i = width - 1; i >= 0; --i, n /= base)
    tail[static_cast<size_t>(i)] = digits[n % base];
  return prefix + tail;
}

/// True in a textbook's selling season: August, September and January.
bool in_season(int64_t unix_day) {
  auto m = month_of_unix_day(unix_day);
  return m == 8 || m == 9 || m == 1;
}

const char* const subjects[]
  = {"Calculus",   "Biology", "Chemistry", "Psychology", "Economics",
     "Statistics", "Physics", "Nursing",   "Accounting", "Sociology"};
const char* const genres[] = {"Mystery", "Cookbook",     "History",
                              "Poetry",  "Travel Guide", "Biography",
                              "Fantasy", "Gardening"};
const char* const goods[]
  = {"Building Blocks", "Wireless Earbuds", "Chef's Knife", "Puzzle",
     "USB-C Cable",     "Coffee Grinder",   "Board Game",   "Desk Lamp"};

} // namespace

catalog::catalog(uint64_t seed, int products, int deal_rate)
  : seed_(seed),
    period_ms_(
      std::max<int64_t>(hour_ms / 60, static_cast<int64_t>(products) * hour_ms
                                        / std::max(1, deal_rate))) {
  items_.reserve(static_cast<size_t>(products));
  for (int i = 0; i < products; ++i) {
    item it;
    it.index = i;
    auto r = noise(i, 1);
    auto r2 = noise(i, 3);
    it.root = r2 % 10 < 6 ? 0 : 1 + static_cast<int>((r2 >> 4) % 3);
    bool book = it.root == 0;
    it.asin = book ? code_of(i, seed, "", 10, 10)
                   : code_of(i, seed, "B0", 8, 36);
    it.leaf_cat = root_categories[it.root].id * 10 + 1
                  + static_cast<int64_t>((r2 >> 8) % 9);
    it.seasonal = book && r % 7 == 0;
    it.dead = r % 20 == 3;
    it.sparse = r % 25 == 5;
    it.amazon = (r2 >> 12) % 3 == 0;
    it.title
      = it.seasonal ? std::string{subjects[(r >> 8) % 10]} + " Textbook, "
                        + std::to_string(2 + (r >> 12) % 9) + "th Edition"
        : book
          ? std::string{genres[(r >> 8) % 8]} + " No. " + std::to_string(i)
          : std::string{goods[(r >> 8) % 8]} + ", Model " + std::to_string(i);
    it.used_avg = 1200 + static_cast<int64_t>((r >> 16) % 13800);
    it.new_avg = it.used_avg * 2 + 500;
    it.rank = 10000 + static_cast<int64_t>((r >> 30) % 2990000);
    it.offers = 1 + static_cast<int>((r >> 40) % 40);
    it.new_offers = 1 + static_cast<int>((r2 >> 20) % 15);
    it.fba_fee = 300 + static_cast<int64_t>((r >> 46) % 300);
    it.referral_percent = book ? 15 : 8 + static_cast<int>((r2 >> 28) % 8);
    it.drop_percent = 15 + static_cast<int>((r >> 52) % 46);
    it.phase_ms
      = static_cast<int64_t>(noise(i, 2) % static_cast<uint64_t>(period_ms_));
    by_asin_.emplace(it.asin, i);
    items_.push_back(std::move(it));
  }
}

uint64_t catalog::noise(int index, uint64_t salt) const {
  return splitmix(splitmix(seed_ * 0x100000001b3ULL + salt)
                  + static_cast<uint64_t>(index));
}

const item* catalog::find(const std::string& asin) const {
  auto i = by_asin_.find(asin);
  return i == by_asin_.end() ? nullptr
                             : &items_[static_cast<size_t>(i->second)];
}

int64_t catalog::grid_value(const item& it, int type, int64_t cell) const {
  auto n = noise(it.index, 7000 + static_cast<uint64_t>(type) * 1000003
                             + static_cast<uint64_t>(cell));
  auto wobble = 85 + static_cast<int64_t>(n % 31); // 85..115 %
  if (it.seasonal && in_season(cell * price_step_ms / day_ms) && type != 11
      && type != 12)
    wobble = wobble * 13 / 10;
  switch (type) {
    case 0:
      return it.amazon ? it.new_avg * wobble / 100 : -1;
    case 1: {
      auto v = it.new_avg * wobble / 100;
      return it.amazon ? std::min(v, grid_value(it, 0, cell)) : v;
    }
    case 2:
      return (n >> 20) % 40 == 0 ? -1 : it.used_avg * wobble / 100;
    case 11:
      return std::max<int64_t>(1, it.new_offers * wobble / 100);
    case 12:
      return std::max<int64_t>(0, it.offers * wobble / 100);
    default:
      return -1;
  }
}

std::vector<int64_t> catalog::ranks(const item& it, int64_t first_day,
                                    int64_t last_day) const {
  // A sale drops the rank (lower with each day of a sales run); without one
  // it climbs 5 % a day for up to 30 days. 31 warm-up days make the value of
  // a day independent of where the walk starts.
  std::vector<int64_t> out;
  int64_t since_sale = 30;
  int64_t run = 0;
  for (auto d = first_day - 31; d <= last_day; ++d) {
    auto per_mille = it.dead ? 0 : std::min<int64_t>(950, 50000000 / it.rank);
    if (it.seasonal)
      per_mille = in_season(d) ? std::min<int64_t>(950, per_mille * 3)
                               : per_mille / 3;
    bool sale = static_cast<int64_t>(
                  noise(it.index, 9000000 + static_cast<uint64_t>(d)) % 1000)
                < per_mille;
    since_sale = sale ? 0 : std::min<int64_t>(30, since_sale + 1);
    run = sale ? std::min<int64_t>(10, run + 1) : 0;
    if (d >= first_day)
      out.push_back(sale ? it.rank * (70 - 3 * run) / 100
                         : it.rank * (100 + 5 * since_sale) / 100);
  }
  return out;
}

int64_t catalog::last_drop_ms(const item& it, int64_t now_ms) const {
  auto since = now_ms - it.phase_ms;
  auto k = since >= 0 ? since / period_ms_
                      : (since - period_ms_ + 1) / period_ms_;
  return it.phase_ms + k * period_ms_;
}

live_state catalog::state_at(const item& it, int64_t now_ms) const {
  live_state s;
  s.last_update_ms = last_drop_ms(it, now_ms);
  s.in_deal = now_ms - s.last_update_ms < deal_window_ms;
  auto k = (s.last_update_ms - it.phase_ms) / period_ms_;
  auto wobble
    = static_cast<int64_t>(noise(it.index, 100 + static_cast<uint64_t>(k)) % 11)
      - 5;
  s.used = s.in_deal ? it.used_avg * (100 - it.drop_percent) / 100
                     : it.used_avg * (100 + wobble) / 100;
  auto cell = now_ms / price_step_ms;
  s.fresh = grid_value(it, 1, cell);
  auto today = now_ms / day_ms;
  s.rank = ranks(it, today, today).back();
  s.count_used = grid_value(it, 12, cell);
  return s;
}

std::vector<int> catalog::deals_at(int64_t now_ms) const {
  std::vector<int> out;
  for (auto& it : items_)
    if (now_ms - last_drop_ms(it, now_ms) < deal_window_ms)
      out.push_back(it.index);
  return out;
}

} // namespace keepa::mock
