#include "model/analytics.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <set>
#include <sstream>

namespace keepa {

namespace {

constexpr keepa_minutes day = 1440;

/// A csv series read in place as (time, value) points, in time order.
struct points {
  const std::vector<int64_t>& csv;

  size_t size() const {
    return csv.size() / 2;
  }
  keepa_minutes time(size_t i) const {
    return csv[2 * i];
  }
  int64_t value(size_t i) const {
    return csv[2 * i + 1];
  }

  /// Moves cursor `i` on to the first point after `t`, in amortized
  /// constant time while `t` never decreases between calls.
  size_t advance(size_t& i, keepa_minutes t) const {
    while (i < size() && time(i) <= t)
      ++i;
    return i;
  }

  /// The last positive value before index `end`; -1 when none.
  int64_t last_positive_before(size_t end) const {
    for (auto i = end; i > 0; --i)
      if (value(i - 1) > 0)
        return value(i - 1);
    return -1;
  }
};

/// A csv series of the product, or empty.
const std::vector<int64_t>& series(const product& p, csv_type t) {
  static const std::vector<int64_t> none;
  auto i = static_cast<size_t>(t);
  return i < p.csv.size() ? p.csv[i] : none;
}

/// True when the rank improved within 10 days after `t` (or, with sparse
/// data, the first rank within 30 days is below the last one before);
/// `after_t` is the index of the first rank point after `t`.
bool rank_confirms(const points& rank, keepa_minutes t, size_t after_t) {
  auto first = after_t; // back to the first point at or after t
  while (first > 0 && rank.time(first - 1) == t)
    --first;
  for (auto i = first; i < rank.size() && rank.time(i) <= t + 10 * day; ++i)
    if (i > 0 && rank.value(i) > 0 && rank.value(i - 1) > 0
        && rank.value(i) < rank.value(i - 1))
      return true;
  auto before = rank.last_positive_before(after_t);
  for (auto i = after_t; i < rank.size() && rank.time(i) <= t + 30 * day; ++i)
    if (rank.value(i) > 0)
      return before > 0 && rank.value(i) < before;
  return false;
}

/// The linear-interpolated quantile `q` of sorted values.
double quantile(const std::vector<double>& sorted, double q) {
  auto pos = q * static_cast<double>(sorted.size() - 1);
  auto lo = static_cast<size_t>(std::floor(pos));
  auto hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo]
         + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

/// Keeps sales within 1.5 IQR of the quartiles (with 4 or more sales).
std::vector<sale_event> iqr_filter(std::vector<sale_event> sales) {
  if (sales.size() < 4)
    return sales;
  std::vector<double> prices;
  for (auto& s : sales)
    prices.push_back(s.price);
  std::sort(prices.begin(), prices.end());
  auto q1 = quantile(prices, 0.25);
  auto q3 = quantile(prices, 0.75);
  auto lo = q1 - 1.5 * (q3 - q1);
  auto hi = q3 + 1.5 * (q3 - q1);
  sales.erase(
    std::remove_if(sales.begin(), sales.end(),
                   [&](auto& s) { return s.price < lo || s.price > hi; }),
    sales.end());
  return sales;
}

/// The median of a non-empty list.
double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  auto n = xs.size();
  return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2.0;
}

/// The calendar month (1-12, UTC) of a Keepa minute.
int month_of(keepa_minutes t) {
  return month_of_unix_day(to_unix_ms(t) / 86400000);
}

/// The most frequent price if it occurs more than once (the smallest of
/// tied ones), else the median.
double mode_or_median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  double best = xs.front();
  size_t best_run = 0;
  for (size_t i = 0, run = 1; i < xs.size(); ++i, ++run) {
    if (i > 0 && xs[i] != xs[i - 1])
      run = 1;
    if (run > best_run)
      best = xs[i], best_run = run;
  }
  return best_run > 1 ? best : median(std::move(xs));
}

/// The lowest positive Amazon price now, 180 or 365 days, in dollars.
std::optional<double> lowest_amazon(const product& p) {
  if (!p.stats)
    return std::nullopt;
  int64_t best = -1;
  for (auto* s : {&p.stats->current, &p.stats->avg180, &p.stats->avg365})
    if (auto v = at_or_missing(*s, csv_type::amazon);
        v > 0 && (best < 0 || v < best))
      best = v;
  if (best < 0)
    return std::nullopt;
  return static_cast<double>(best) / 100.0;
}

/// Lower-case words of a text.
std::set<std::string> words(const std::string& text) {
  std::set<std::string> out;
  std::string w;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      out.insert(w);
      w.clear();
    }
  }
  return out;
}

} // namespace

sales_inference infer_sales(const product& p, keepa_minutes now,
                            int window_days) {
  sales_inference out;
  points counts{series(p, csv_type::count_used)};
  points rank{series(p, csv_type::sales)};
  points price{series(p, csv_type::used)};
  auto start = now - static_cast<keepa_minutes>(window_days) * day;
  std::vector<sale_event> sales;
  // One pass: the drops come in time order, so the cursors into the rank
  // and price series only move forward.
  size_t rank_at = 0;
  size_t price_at = 0;
  for (size_t k = 1; k < counts.size(); ++k) {
    auto t = counts.time(k);
    auto v = counts.value(k);
    auto prev = counts.value(k - 1);
    if (t < start || v < 0 || prev < 0 || v >= prev)
      continue;
    ++out.drops;
    if (!rank_confirms(rank, t, rank.advance(rank_at, t)))
      continue;
    auto cents = price.last_positive_before(price.advance(price_at, t));
    if (cents > 0)
      sales.push_back({t, static_cast<double>(cents) / 100.0});
  }
  out.sales = iqr_filter(std::move(sales));
  return out;
}

list_at_estimate estimate_list_at(const sales_inference& s, const product& p,
                                  const fee_settings& fees) {
  list_at_estimate out;
  if (s.sales.empty()) {
    out.source = "rejected: no inferred sales";
    return out;
  }
  std::vector<double> prices;
  for (auto& e : s.sales)
    prices.push_back(e.price);
  double peak_median = 0;
  double trough_median = 0;
  if (s.sales.size() < 3) {
    out.list_at = median(prices);
    out.source = "inferred sales (sparse)";
  } else {
    std::array<std::vector<double>, 13> by_month; // [1] is January
    for (auto& e : s.sales)
      by_month[static_cast<size_t>(month_of(e.time))].push_back(e.price);
    peak_median = -1;
    trough_median = -1;
    for (int month = 1; month <= 12; ++month) {
      auto& xs = by_month[static_cast<size_t>(month)];
      if (xs.empty())
        continue;
      auto m = median(xs);
      if (m > peak_median)
        peak_median = m, out.peak_month = month;
      if (trough_median < 0 || m < trough_median)
        trough_median = m, out.trough_month = month;
    }
    out.list_at = mode_or_median(by_month[static_cast<size_t>(out.peak_month)]);
    out.source = "inferred sales";
  }
  if (auto amazon = lowest_amazon(p); amazon && *out.list_at > 0.9 * *amazon) {
    out.list_at = 0.9 * *amazon;
    out.source = "capped: 90% of the lowest Amazon price";
    return out;
  }
  if (*out.list_at > fees.hard_cap) {
    out.list_at.reset();
    out.source = "rejected: above the hard cap";
    return out;
  }
  auto used = p.stats ? at_or_missing(p.stats->current, csv_type::used) : -1;
  if (used > 0
      && *out.list_at
           > fees.max_list_to_price * static_cast<double>(used) / 100) {
    bool seasonal = s.sales.size() >= 3 && trough_median > 0
                    && peak_median >= 1.5 * trough_median;
    if (!seasonal) {
      out.list_at.reset();
      std::ostringstream why;
      why << "rejected: over " << fees.max_list_to_price
          << "x the used price without a seasonal peak";
      out.source = why.str();
      return out;
    }
    out.source = "inferred sales (seasonal peak)";
  }
  return out;
}

std::optional<double> one_year_average(const sales_inference& s,
                                       keepa_minutes now) {
  double sum = 0;
  int n = 0;
  for (auto& e : s.sales)
    if (e.time >= now - 365 * day)
      sum += e.price, ++n;
  if (n == 0)
    return std::nullopt;
  return sum / n;
}

std::optional<double> percent_down(std::optional<double> avg, double now) {
  if (!avg || *avg <= 0 || now <= 0)
    return std::nullopt;
  return std::max(0.0, (*avg - now) / *avg * 100.0);
}

std::vector<const offer*> live_offers(const product& p, keepa_minutes now) {
  std::vector<const offer*> out;
  if (p.live_offers_order) {
    for (auto i : *p.live_offers_order)
      out.push_back(&p.offers[static_cast<size_t>(i)]);
    return out;
  }
  for (auto& o : p.offers)
    if (o.last_seen >= now - 365 * day)
      out.push_back(&o);
  return out;
}

landed_price price_now(const product& p, keepa_minutes now) {
  landed_price out;
  if (!p.stats)
    return out;
  auto used = at_or_missing(p.stats->current, csv_type::used);
  auto target = used > 0 ? used
                         : at_or_missing(p.stats->current, csv_type::new_);
  if (target <= 0)
    return out;
  out.price = static_cast<double>(target) / 100.0;
  int64_t best = -1, best_shipping = 0;
  for (auto* o : live_offers(p, now)) {
    auto& csv = o->offer_csv;
    bool same_class = used > 0 ? o->condition >= 2 && o->condition <= 5
                               : o->condition == 1;
    if (!same_class || csv.size() < 3)
      continue;
    auto item = csv[csv.size() - 2];
    auto shipping = csv[csv.size() - 1];
    // A used offer of any item price may be the cheapest landed; a new one
    // must match the new price now. Unknown shipping gives no landed price.
    if (item <= 0 || (used <= 0 && item != target)
        || (shipping < 0 && !o->is_fba))
      continue;
    shipping = std::max<int64_t>(0, shipping);
    if (best < 0 || item + shipping < best) {
      best = item + shipping;
      best_shipping = shipping;
    }
  }
  if (best > 0) {
    out.price = static_cast<double>(best) / 100.0;
    out.shipping = static_cast<double>(best_shipping) / 100.0;
    out.shipping_included = true;
  }
  return out;
}

business business_math(std::optional<double> list_at, double price,
                       bool shipping_included, double fba_fee,
                       double referral_percent, const fee_settings& fees) {
  business b;
  b.all_in = price + (fees.tax_exempt ? 0.0 : price * fees.tax_percent / 100.0)
             + fees.prep + (shipping_included ? 0.0 : fees.shipping_estimate);
  bool listed = list_at && *list_at > 0;
  b.amazon_fees = (listed ? *list_at * referral_percent / 100.0 : 0.0)
                  + fba_fee;
  if (listed) {
    b.profit = *list_at - b.all_in - b.amazon_fees;
    b.margin = *b.profit / *list_at * 100.0;
  }
  auto markup = std::min(fees.markup_percent, 99.0);
  auto denominator = 1.0 - markup / 100.0 - referral_percent / 100.0;
  if (denominator > 0)
    b.min_listing_price = (b.all_in + fba_fee) / denominator;
  return b;
}

std::pair<double, double> product_fees(const product& p,
                                       const fee_settings& fees) {
  auto fba = p.fba_pick_pack_fee > 0
               ? static_cast<double>(p.fba_pick_pack_fee) / 100.0
               : fees.default_fba_fee;
  auto referral = p.referral_fee_percent > 0 ? p.referral_fee_percent
                                             : fees.default_referral_percent;
  return {fba, referral};
}

std::string rank_trend(const product& p) {
  std::vector<int64_t> unique;
  points rank{series(p, csv_type::sales)};
  for (size_t i = 0; i < rank.size(); ++i)
    if (auto v = rank.value(i); v > 0 && (unique.empty() || unique.back() != v))
      unique.push_back(v);
  if (unique.size() < 2)
    return "flat";
  auto now = unique.back();
  size_t n = now < 100000 ? 10 : now < 500000 ? 5 : 3;
  auto first = unique[unique.size() - std::min(n, unique.size())];
  // A lower rank sells better.
  if (now < first * 95 / 100)
    return "improving";
  if (now > first * 105 / 100)
    return "worsening";
  return "flat";
}

std::string seasonality(const product& p) {
  std::string text = p.title + " " + p.manufacturer;
  for (auto& c : p.category_tree)
    text += " " + c;
  auto w = words(text);
  auto any = [&](std::initializer_list<const char*> keys) {
    return std::any_of(keys.begin(), keys.end(),
                       [&](const char* k) { return w.count(k) > 0; });
  };
  if (any({"textbook", "textbooks", "cengage", "mcgraw", "pearson", "wiley",
           "macmillan", "sage", "nursing", "edition"}))
    return "textbook (Aug-Sep, Jan)";
  if (any({"christmas", "holiday", "advent"}))
    return "christmas (Nov-Dec)";
  if (any({"halloween"}))
    return "halloween (Sep-Oct)";
  if (any({"tax", "taxes"}))
    return "tax season (Jan-Apr)";
  if (any({"gardening", "garden"}))
    return "spring (Mar-May)";
  if (any({"bbq", "grilling", "travel"}))
    return "summer (May-Aug)";
  if (any({"fitness", "diet"}))
    return "new year (Jan)";
  return "year-round";
}

std::optional<double> deal_trust(const sales_inference& s) {
  if (s.drops == 0)
    return std::nullopt;
  return 100.0 * static_cast<double>(s.sales.size())
         / static_cast<double>(s.drops);
}

} // namespace keepa
