#include "mock/render.hpp"

#include "model/keepa_time.hpp"

#include <algorithm>

namespace keepa::mock {

namespace {

constexpr int64_t day_ms = 86400000;
constexpr int history_points = 24;

/// Writes an array of integers.
void write_ints(json_writer& w, const std::vector<int64_t>& xs) {
  w.StartArray();
  for (auto x : xs)
    w.Int64(x);
  w.EndArray();
}

/// A 36-entry series of -1 with the used, new, rank and used-count values.
std::vector<int64_t> series(int64_t used, int64_t fresh, int64_t rank,
                            int64_t count_used) {
  std::vector<int64_t> v(csv_type_count, -1);
  v[1] = fresh;
  v[2] = used;
  v[3] = rank;
  v[12] = count_used;
  v[21] = used > 0 ? used + 399 : -1;
  return v;
}

/// A year (or `days`) of history for one csv type: [t, value, ...], or
/// [t, price, shipping, ...] when `shipping` >= 0.
std::vector<int64_t> history(const catalog& cat, const item& it, int64_t now_ms,
                             int days, int64_t base, int64_t last,
                             uint64_t salt, int64_t shipping) {
  std::vector<int64_t> out;
  auto span = static_cast<int64_t>(days) * day_ms;
  for (int k = 0; k < history_points; ++k) {
    auto t = now_ms - span + span * k / history_points;
    auto n = cat.noise(it.index, salt + static_cast<uint64_t>(k));
    auto v = base * (80 + static_cast<int64_t>(n % 41)) / 100;
    // Textbooks sell high in August-September and January.
    if (it.seasonal && (k % 12 == 7 || k % 12 == 0))
      v = v * 3 / 2;
    out.push_back(to_keepa_minutes(t));
    out.push_back(v);
    if (shipping >= 0)
      out.push_back(shipping);
  }
  out.push_back(to_keepa_minutes(now_ms - 60000));
  out.push_back(last);
  if (shipping >= 0)
    out.push_back(shipping);
  return out;
}

/// Writes `csv`, with null and short arrays for sparse items.
void write_csv(json_writer& w, const catalog& cat, const item& it,
               int64_t now_ms, int days, const live_state& s) {
  w.Key("csv");
  w.StartArray();
  for (int type = 0; type < csv_type_count; ++type) {
    std::vector<int64_t> h;
    switch (type) {
      case 1:
        h = history(cat, it, now_ms, days, it.new_avg, s.fresh, 10, -1);
        break;
      case 2:
        h = history(cat, it, now_ms, days, it.used_avg, s.used, 20, -1);
        break;
      case 3:
        h = history(cat, it, now_ms, days, it.rank, s.rank, 30, -1);
        break;
      case 12:
        h = history(cat, it, now_ms, days, it.offers, s.count_used, 40, -1);
        break;
      case 21:
        h = history(cat, it, now_ms, days, it.used_avg, s.used, 50, 399);
        break;
      default:
        break;
    }
    if (it.sparse && type == 1)
      h.resize(1); // a short, odd-length array
    if (h.empty() || (it.sparse && type == 12))
      w.Null();
    else
      write_ints(w, h);
  }
  w.EndArray();
}

/// Writes `stats` consistent with the history's averages.
void write_stats(json_writer& w, const item& it, const live_state& s,
                 int offers) {
  w.Key("stats");
  w.StartObject();
  w.Key("current");
  write_ints(w, series(s.used, s.fresh, s.rank, s.count_used));
  auto avg = series(it.used_avg, it.new_avg, it.rank, it.offers);
  for (auto key : {"avg", "avg30", "avg90", "avg180", "avg365"}) {
    w.Key(key);
    if (it.sparse && std::string{key} == "avg30")
      w.Null();
    else
      write_ints(w, avg);
  }
  auto drops = it.dead ? 0 : static_cast<int64_t>(3000000 / it.rank) + 1;
  w.Key("salesRankDrops30");
  w.Int64(drops / 12);
  w.Key("salesRankDrops90");
  w.Int64(drops / 4);
  w.Key("salesRankDrops180");
  w.Int64(drops / 2);
  w.Key("salesRankDrops365");
  w.Int64(drops);
  w.Key("totalOfferCount");
  w.Int(offers > 0 ? it.offers : -2);
  w.Key("buyBoxUsedPrice");
  w.Int64(offers > 0 ? s.used : -2);
  w.EndObject();
}

/// Writes `offers` (historical offers included, as Keepa does).
void write_offers(json_writer& w, const catalog& cat, const item& it,
                  const live_state& s, int n, int64_t now_ms) {
  w.Key("offers");
  w.StartArray();
  for (int k = 0; k < n; ++k) {
    auto r = cat.noise(it.index, 1000 + static_cast<uint64_t>(k));
    w.StartObject();
    w.Key("offerId");
    w.Int(k);
    w.Key("lastSeen");
    w.Int64(to_keepa_minutes(now_ms) - static_cast<int64_t>(r % 3000));
    w.Key("sellerId");
    w.String(("A" + std::to_string(r % 100000)).c_str());
    w.Key("condition");
    w.Int(1 + static_cast<int>(r % 5));
    w.Key("isFBA");
    w.Bool(r % 3 == 0);
    w.Key("isPrime");
    w.Bool(r % 3 == 0);
    w.Key("isAmazon");
    w.Bool(false);
    w.Key("isShippable");
    w.Bool(true);
    w.Key("offerCSV");
    write_ints(w, {to_keepa_minutes(now_ms) - 600,
                   s.used + static_cast<int64_t>(r % 500), 399});
    w.EndObject();
  }
  w.EndArray();
}

} // namespace

int offers_returned(const item& it, int requested) {
  return std::min(it.offers, requested);
}

void write_envelope(json_writer& w, const token_envelope& env) {
  w.Key("timestamp");
  w.Int64(env.timestamp_ms);
  w.Key("tokensLeft");
  w.Int64(env.tokens_left);
  w.Key("refillIn");
  w.Int64(env.refill_in_ms);
  w.Key("refillRate");
  w.Int64(env.refill_rate);
  w.Key("tokenFlowReduction");
  w.Double(0.0);
  w.Key("tokensConsumed");
  w.Int64(env.tokens_consumed);
  w.Key("processingTimeInMs");
  w.Int64(env.processing_time_ms);
}

void write_product(json_writer& w, const catalog& cat, const item& it,
                   int64_t now_ms, const product_view& view) {
  auto s = cat.state_at(it, now_ms);
  w.StartObject();
  w.Key("asin");
  w.String(it.asin.c_str());
  w.Key("domainId");
  w.Int(1);
  w.Key("title");
  w.String(it.title.c_str());
  w.Key("productType");
  w.Int(0);
  w.Key("rootCategory");
  w.Int(283155);
  w.Key("categories");
  write_ints(w, {283155, 1000 + it.index % 50});
  w.Key("categoryTree");
  w.StartArray();
  w.StartObject();
  w.Key("catId");
  w.Int(283155);
  w.Key("name");
  w.String("Books");
  w.EndObject();
  w.EndArray();
  w.Key("binding");
  w.String("Paperback");
  w.Key("trackingSince");
  w.Int64(to_keepa_minutes(now_ms - 400 * day_ms));
  w.Key("lastUpdate");
  w.Int64(to_keepa_minutes(s.last_update_ms));
  w.Key("lastPriceChange");
  w.Int64(to_keepa_minutes(s.last_update_ms));
  if (view.history)
    write_csv(w, cat, it, now_ms, view.days, s);
  else {
    w.Key("csv");
    w.Null();
  }
  auto n = view.offers > 0 ? offers_returned(it, view.offers) : 0;
  if (view.stats)
    write_stats(w, it, s, view.offers);
  if (view.offers > 0)
    write_offers(w, cat, it, s, n, now_ms);
  w.Key("fbaFees");
  w.StartObject();
  w.Key("pickAndPackFee");
  w.Int64(it.fba_fee);
  w.EndObject();
  w.Key("referralFeePercent");
  w.Int(15);
  w.EndObject();
}

void write_deal(json_writer& w, const catalog& cat, const item& it,
                int64_t now_ms) {
  auto s = cat.state_at(it, now_ms);
  auto updated = to_keepa_minutes(s.last_update_ms);
  w.StartObject();
  w.Key("asin");
  w.String(it.asin.c_str());
  w.Key("title");
  w.String(it.title.c_str());
  w.Key("rootCat");
  w.Int(283155);
  w.Key("categories");
  write_ints(w, {283155});
  w.Key("image");
  w.StartArray();
  for (char c : it.asin + ".jpg")
    w.Int(c);
  w.EndArray();
  w.Key("creationDate");
  w.Int64(updated);
  w.Key("lastUpdate");
  w.Int64(updated);
  w.Key("current");
  write_ints(w, series(s.used, s.fresh, s.rank, s.count_used));
  w.Key("currentSince");
  write_ints(w, std::vector<int64_t>(csv_type_count, updated));
  auto avg = series(it.used_avg, it.new_avg, it.rank, it.offers);
  std::vector<int64_t> delta(csv_type_count, 0);
  std::vector<int64_t> percent(csv_type_count, 0);
  delta[2] = it.used_avg - s.used;
  percent[2] = it.used_avg > 0 ? delta[2] * 100 / it.used_avg : 0;
  for (auto key : {"avg", "delta", "deltaPercent"}) {
    w.Key(key);
    w.StartArray();
    for (int range = 0; range < 4; ++range)
      write_ints(w, key[0] == 'a' ? avg : key[5] == 'P' ? percent : delta);
    w.EndArray();
  }
  w.Key("deltaLast");
  write_ints(w, delta);
  w.Key("warehouseCondition");
  w.Int(0);
  w.EndObject();
}

} // namespace keepa::mock
