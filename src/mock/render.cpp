#include "mock/render.hpp"

#include "mock/offers.hpp"

#include "model/keepa_time.hpp"

#include <algorithm>

namespace keepa::mock {

namespace {

constexpr int64_t day_ms = 86400000;

/// Writes an array of integers.
void write_ints(json_writer& w, const std::vector<int64_t>& xs) {
  w.StartArray();
  for (auto x : xs)
    w.Int64(x);
  w.EndArray();
}

/// Writes `csv`: one array per type, null where there is no data.
void write_csv(json_writer& w, const std::vector<series>& csv, int64_t now_ms,
               int days) {
  w.Key("csv");
  w.StartArray();
  for (size_t t = 0; t < csv.size(); ++t) {
    if (csv[t].empty())
      w.Null();
    else
      write_ints(w, last_days(csv[t], static_cast<int>(t), now_ms, days));
  }
  w.EndArray();
}

/// The per-type time-weighted means over the last `days` days (36 entries).
std::vector<int64_t> means(const std::vector<series>& csv, int64_t now_ms,
                           int days) {
  std::vector<int64_t> out(csv_type_count, -1);
  for (size_t t = 0; t < csv.size(); ++t)
    out[t] = weighted_mean(csv[t], static_cast<int>(t),
                           now_ms - static_cast<int64_t>(days) * day_ms, now_ms,
                           true);
  return out;
}

/// Writes `stats`, derived from the full csv.
void write_stats(json_writer& w, const item& it, const live_state& s,
                 const std::vector<series>& csv, int64_t now_ms,
                 const product_view& view) {
  w.Key("stats");
  w.StartObject();
  std::vector<int64_t> current(csv_type_count, -1);
  for (size_t t = 0; t < csv.size(); ++t)
    current[t] = latest(csv[t], static_cast<int>(t), true);
  w.Key("current");
  write_ints(w, current);
  w.Key("avg");
  write_ints(w, means(csv, now_ms, view.stats_days));
  for (auto [key, days] :
       {std::pair{"avg30", 30}, std::pair{"avg90", 90},
        std::pair{"avg180", 180}, std::pair{"avg365", 365}}) {
    w.Key(key);
    write_ints(w, means(csv, now_ms, days));
  }
  for (auto [key, days] :
       {std::pair{"salesRankDrops30", 30}, std::pair{"salesRankDrops90", 90},
        std::pair{"salesRankDrops180", 180},
        std::pair{"salesRankDrops365", 365}}) {
    w.Key(key);
    w.Int64(rank_drops(csv[3], now_ms - days * day_ms));
  }
  // totalOfferCount and lastOffersUpdate come without offers= too; the
  // FBA/FBM counts only with it (docs/keepa.md#facts-from-recorded-responses).
  auto n = view.offers > 0 ? offers_returned(it, view.offers) : 0;
  auto fba = n / 3 + (n % 3 > 0 ? 1 : 0);
  w.Key("totalOfferCount");
  w.Int(it.offers + it.new_offers);
  w.Key("retrievedOfferCount");
  w.Int(view.offers > 0 ? n : -2);
  w.Key("offerCountFBA");
  w.Int(view.offers > 0 ? fba : -2);
  w.Key("offerCountFBM");
  w.Int(view.offers > 0 ? n - fba : -2);
  w.Key("buyBoxPrice");
  w.Int64(view.offers > 0 ? s.fresh : -2);
  w.Key("buyBoxShipping");
  w.Int64(view.offers > 0 ? 0 : -2);
  w.Key("buyBoxUsedPrice");
  w.Int64(view.offers > 0 ? s.used : -2);
  w.Key("buyBoxUsedShipping");
  w.Int64(view.offers > 0 ? 399 : -2);
  w.Key("lastOffersUpdate");
  w.Int64(to_keepa_minutes(s.last_update_ms));
  w.EndObject();
}

/// Writes one offer.
void write_offer(json_writer& w, const offer_fields& o) {
  w.StartObject();
  w.Key("offerId");
  w.Int(o.id);
  w.Key("lastSeen");
  w.Int64(o.last_seen);
  w.Key("sellerId");
  w.String(("A" + std::to_string(o.seller % 100000)).c_str());
  w.Key("condition");
  w.Int(o.condition);
  w.Key("isFBA");
  w.Bool(o.fba);
  w.Key("isPrime");
  w.Bool(o.fba);
  w.Key("isAmazon");
  w.Bool(false);
  w.Key("isShippable");
  w.Bool(true);
  w.Key("offerCSV");
  write_ints(w, {o.since, o.price, o.shipping});
  w.EndObject();
}

/// Writes `offers`: the sold (historical) ones first, then `n` live ones,
/// and `liveOffersOrder`, the live ones' indices cheapest first.
void write_offers(json_writer& w, const catalog& cat, const item& it,
                  const live_state& s, int n, int64_t now_ms) {
  auto offers = sold_offers(cat, it, now_ms);
  auto first_live = offers.size();
  auto live = live_offers(cat, it, s, now_ms);
  live.resize(std::min(live.size(), static_cast<size_t>(n)));
  offers.insert(offers.end(), live.begin(), live.end());
  for (size_t i = 0; i < offers.size(); ++i)
    offers[i].id = static_cast<int>(i);
  w.Key("offers");
  w.StartArray();
  for (auto& o : offers)
    write_offer(w, o);
  w.EndArray();
  w.Key("liveOffersOrder"); // the live ones, already cheapest first
  w.StartArray();
  for (auto i = first_live; i < offers.size(); ++i)
    w.Uint64(i);
  w.EndArray();
}

/// Writes the category members of a product.
void write_categories(json_writer& w, const item& it) {
  auto& root = root_categories[it.root];
  w.Key("rootCategory");
  w.Int64(root.id);
  w.Key("categories");
  write_ints(w, {it.leaf_cat});
  w.Key("categoryTree");
  w.StartArray();
  w.StartObject();
  w.Key("catId");
  w.Int64(root.id);
  w.Key("name");
  w.String(root.name);
  w.EndObject();
  w.StartObject();
  w.Key("catId");
  w.Int64(it.leaf_cat);
  w.Key("name");
  w.String(
    (std::string{root.name} + " " + std::to_string(it.leaf_cat % 10)).c_str());
  w.EndObject();
  w.EndArray();
}

} // namespace

int offers_returned(const item& it, int requested) {
  return std::min(it.offers + it.new_offers, requested);
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
  write_categories(w, it);
  w.Key("binding");
  w.String(it.root == 0 ? "Paperback" : "Misc.");
  w.Key("trackingSince");
  w.Int64(to_keepa_minutes(now_ms - 400 * day_ms));
  w.Key("lastUpdate");
  w.Int64(to_keepa_minutes(s.last_update_ms));
  w.Key("lastPriceChange");
  w.Int64(to_keepa_minutes(s.last_update_ms));
  std::vector<series> csv;
  if (view.history || view.stats)
    csv = csv_of(cat, it, now_ms);
  if (view.history)
    write_csv(w, csv, now_ms, view.days);
  else {
    w.Key("csv");
    w.Null();
  }
  if (view.stats)
    write_stats(w, it, s, csv, now_ms, view);
  if (view.offers > 0)
    write_offers(w, cat, it, s, offers_returned(it, view.offers), now_ms);
  w.Key("fbaFees");
  w.StartObject();
  w.Key("lastUpdate");
  w.Int64(to_keepa_minutes(now_ms - 30 * day_ms));
  w.Key("pickAndPackFee");
  w.Int64(it.fba_fee);
  w.EndObject();
  w.Key("referralFeePercent");
  w.Int(it.referral_percent);
  w.Key("referralFeePercentage");
  w.Double(it.referral_percent);
  w.EndObject();
}

void write_deal(json_writer& w, const item& it, const live_state& s,
                const deal_figures& d) {
  auto updated = to_keepa_minutes(s.last_update_ms);
  w.StartObject();
  w.Key("asin");
  w.String(it.asin.c_str());
  w.Key("parentAsin");
  w.Null();
  w.Key("title");
  w.String(it.title.c_str());
  w.Key("rootCat");
  w.Int64(root_categories[it.root].id);
  w.Key("categories");
  write_ints(w, {it.leaf_cat});
  w.Key("image");
  w.StartArray();
  for (char c : it.asin + ".jpg")
    w.Int(c);
  w.EndArray();
  w.Key("creationDate");
  w.Int64(updated);
  w.Key("lastUpdate");
  w.Int64(updated);
  w.Key("lightningEnd");
  w.Int(0);
  w.Key("current");
  write_ints(w, d.current);
  w.Key("currentSince");
  write_ints(w, d.current_since);
  w.Key("deltaLast");
  write_ints(w, d.delta_last);
  for (auto [key, rows] :
       {std::pair{"avg", &d.avg}, std::pair{"delta", &d.delta},
        std::pair{"deltaPercent", &d.delta_percent}}) {
    w.Key(key);
    w.StartArray();
    for (auto& row : *rows)
      write_ints(w, row);
    w.EndArray();
  }
  const char* drops[] = {"salesRankDrops30", "salesRankDrops90",
                         "salesRankDrops180", "salesRankDrops365"};
  for (size_t i = 0; i < 4; ++i) {
    w.Key(drops[i]);
    w.Int64(i < d.rank_drops.size() ? d.rank_drops[i] : -1);
  }
  w.Key("backInStock");
  w.StartArray();
  for (bool b : d.back_in_stock)
    w.Bool(b);
  w.EndArray();
  w.Key("dateIntervalIndex");
  w.Int(0);
  w.Key("lightningStart");
  w.Int(0);
  w.Key("flags");
  w.Null();
  w.Key("warehouseCondition");
  w.Int(0);
  w.EndObject();
}

} // namespace keepa::mock
