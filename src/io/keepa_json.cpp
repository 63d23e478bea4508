#include "io/keepa_json.hpp"

#include <rapidjson/error/en.h>

#include <cmath>
#include <limits>

namespace keepa {

namespace {

using value = rapidjson::Value;

// Not kParseFullPrecisionFlag: in RapidJSON 1.1 (Debian's) its strtod reads
// out of bounds on a decimal with hundreds of zeros (found by
// fuzz/keepa_json_fuzz.cpp); Keepa's numbers are integers or short decimals.
constexpr auto parse_flags = rapidjson::kParseValidateEncodingFlag
                             | rapidjson::kParseIterativeFlag;

/// A JSON number as int64 when it is integral and in range.
std::optional<int64_t> as_int(const value& v) {
  if (v.IsInt64())
    return v.GetInt64();
  if (v.IsDouble()) {
    constexpr double two_pow_63 = 9223372036854775808.0;
    auto d = v.GetDouble();
    if (std::isfinite(d) && std::floor(d) == d && d >= -two_pow_63
        && d < two_pow_63)
      return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

/// The member `key` of an object, or null when absent.
const value* member(const value& obj, const char* key) {
  if (!obj.IsObject())
    return nullptr;
  auto i = obj.FindMember(key);
  return i == obj.MemberEnd() ? nullptr : &i->value;
}

/// An integer member, or `fallback`.
int64_t int_or(const value& obj, const char* key, int64_t fallback) {
  auto* v = member(obj, key);
  if (!v)
    return fallback;
  return as_int(*v).value_or(fallback);
}

/// An integer member that fits in an int, or `fallback`.
int small_int_or(const value& obj, const char* key, int fallback) {
  auto v = int_or(obj, key, fallback);
  if (v < std::numeric_limits<int>::min()
      || v > std::numeric_limits<int>::max())
    return fallback;
  return static_cast<int>(v);
}

/// A numeric member as double, or `fallback`.
double double_or(const value& obj, const char* key, double fallback) {
  auto* v = member(obj, key);
  return v && v->IsNumber() && std::isfinite(v->GetDouble()) ? v->GetDouble()
                                                             : fallback;
}

/// A string member, or empty.
std::string string_or_empty(const value& obj, const char* key) {
  auto* v = member(obj, key);
  if (!v || !v->IsString())
    return {};
  return {v->GetString(), v->GetStringLength()};
}

/// A boolean member, or `fallback`.
bool bool_or(const value& obj, const char* key, bool fallback) {
  auto* v = member(obj, key);
  return v && v->IsBool() ? v->GetBool() : fallback;
}

/// An array of integers; null or non-integer entries become -1.
std::vector<int64_t> int_array(const value* v) {
  std::vector<int64_t> out;
  if (!v || !v->IsArray())
    return out;
  out.reserve(v->Size());
  for (auto& x : v->GetArray())
    out.push_back(as_int(x).value_or(-1));
  return out;
}

/// An array of integer arrays (e.g. deal `avg`); non-arrays become empty.
std::vector<csv_values> int_matrix(const value* v) {
  std::vector<csv_values> out;
  if (!v || !v->IsArray())
    return out;
  for (auto& row : v->GetArray())
    out.push_back(int_array(&row));
  return out;
}

/// `csv`: one series per csv_type, empty where Keepa sent null.
std::vector<std::vector<int64_t>> csv_series(const value* v) {
  std::vector<std::vector<int64_t>> out(csv_type_count);
  if (!v || !v->IsArray())
    return out;
  auto n = std::min<size_t>(v->Size(), csv_type_count);
  for (size_t i = 0; i < n; ++i)
    out[i] = int_array(&(*v)[static_cast<rapidjson::SizeType>(i)]);
  return out;
}

/// `stats` (docs/keepa.md); nullopt when absent or not an object.
std::optional<product_stats> parse_stats(const value* v) {
  if (!v || !v->IsObject())
    return std::nullopt;
  product_stats s;
  s.current = int_array(member(*v, "current"));
  s.avg = int_array(member(*v, "avg"));
  s.avg30 = int_array(member(*v, "avg30"));
  s.avg90 = int_array(member(*v, "avg90"));
  s.avg180 = int_array(member(*v, "avg180"));
  s.avg365 = int_array(member(*v, "avg365"));
  s.out_of_stock_percentage90 = int_array(member(*v, "outOfStockPercentage90"));
  s.sales_rank_drops30 = int_or(*v, "salesRankDrops30", -1);
  s.sales_rank_drops90 = int_or(*v, "salesRankDrops90", -1);
  s.sales_rank_drops180 = int_or(*v, "salesRankDrops180", -1);
  s.sales_rank_drops365 = int_or(*v, "salesRankDrops365", -1);
  s.total_offer_count = int_or(*v, "totalOfferCount", -2);
  s.offer_count_fba = int_or(*v, "offerCountFBA", -2);
  s.offer_count_fbm = int_or(*v, "offerCountFBM", -2);
  s.buy_box_price = int_or(*v, "buyBoxPrice", -2);
  s.buy_box_shipping = int_or(*v, "buyBoxShipping", -2);
  s.buy_box_used_price = int_or(*v, "buyBoxUsedPrice", -2);
  s.buy_box_used_shipping = int_or(*v, "buyBoxUsedShipping", -2);
  s.last_offers_update = int_or(*v, "lastOffersUpdate", -1);
  return s;
}

/// `offers[]`; entries that are not objects are skipped.
std::vector<offer> parse_offers(const value* v) {
  std::vector<offer> out;
  if (!v || !v->IsArray())
    return out;
  for (auto& o : v->GetArray()) {
    if (!o.IsObject())
      continue;
    offer x;
    x.offer_id = int_or(o, "offerId", -1);
    x.last_seen = int_or(o, "lastSeen", -1);
    x.seller_id = string_or_empty(o, "sellerId");
    x.condition = small_int_or(o, "condition", 0);
    x.is_fba = bool_or(o, "isFBA", false);
    x.is_prime = bool_or(o, "isPrime", false);
    x.is_amazon = bool_or(o, "isAmazon", false);
    x.is_shippable = bool_or(o, "isShippable", true);
    x.offer_csv = int_array(member(o, "offerCSV"));
    out.push_back(std::move(x));
  }
  return out;
}

/// `liveOffersOrder`: indices into `offers`; nullopt when absent or not
/// an array, entries that are not indices of an offer left out.
std::optional<std::vector<int>> live_order(const value* v, size_t offers) {
  if (!v || !v->IsArray())
    return std::nullopt;
  std::vector<int> out;
  for (auto& x : v->GetArray())
    if (auto i = as_int(x); i && *i >= 0 && static_cast<size_t>(*i) < offers)
      out.push_back(static_cast<int>(*i));
  return out;
}

/// A boolean array; non-booleans become false.
std::vector<bool> bool_array(const value* v) {
  std::vector<bool> out;
  if (!v || !v->IsArray())
    return out;
  for (auto& b : v->GetArray())
    out.push_back(b.IsBool() && b.GetBool());
  return out;
}

/// `categoryTree` names, root first.
std::vector<std::string> category_names(const value* v) {
  std::vector<std::string> out;
  if (!v || !v->IsArray())
    return out;
  for (auto& c : v->GetArray())
    if (auto name = string_or_empty(c, "name"); !name.empty())
      out.push_back(std::move(name));
  return out;
}

/// A deal's `image`: an array of ASCII codes, or a plain string.
std::string image_name(const value* v) {
  if (!v)
    return {};
  if (v->IsString())
    return {v->GetString(), v->GetStringLength()};
  std::string out;
  if (v->IsArray())
    for (auto& c : v->GetArray())
      if (auto code = as_int(c); code && *code > 31 && *code < 127)
        out.push_back(static_cast<char>(*code));
  return out;
}

/// A string array; non-strings become empty strings.
std::vector<std::string> string_array(const value* v) {
  std::vector<std::string> out;
  if (!v || !v->IsArray())
    return out;
  for (auto& s : v->GetArray())
    out.push_back(s.IsString() ? std::string{s.GetString(), s.GetStringLength()}
                               : std::string{});
  return out;
}

/// The referral fee in %: `referralFeePercentage` (a double), else the
/// deprecated integer `referralFeePercent` (docs/keepa.md), else -1.
double referral_fee_percent(const value& v) {
  auto pct = double_or(v, "referralFeePercentage", -1.0);
  return pct >= 0 ? pct : double_or(v, "referralFeePercent", -1.0);
}

/// The ASIN of a product or deal entry; nullopt (with `why`) when the
/// entry is not an object with a string ASIN.
std::optional<std::string> item_asin(const value& v, std::string& why) {
  if (!v.IsObject()) {
    why = "not an object";
    return std::nullopt;
  }
  auto asin = string_or_empty(v, "asin");
  if (asin.empty()) {
    why = "no string asin";
    return std::nullopt;
  }
  return asin;
}

/// `deals` of a /deal response.
deal_page parse_deal_page(const value& v, std::vector<std::string>& warnings) {
  deal_page page;
  if (auto* dr = member(v, "dr"); dr && dr->IsArray()) {
    for (auto& d : dr->GetArray()) {
      std::string why;
      if (auto parsed = parse_deal(d, why))
        page.deals.push_back(std::move(*parsed));
      else
        warnings.push_back("deal skipped: " + why);
    }
  }
  page.category_ids = int_array(member(v, "categoryIds"));
  page.category_names = string_array(member(v, "categoryNames"));
  page.category_counts = int_array(member(v, "categoryCount"));
  return page;
}

/// The `products` array into `body`; unusable entries become warnings.
void parse_products(const value& products, keepa_body& body) {
  body.has_products = true;
  for (auto& p : products.GetArray()) {
    std::string why;
    if (auto parsed = parse_product(p, why))
      body.products.push_back(std::move(*parsed));
    else
      body.warnings.push_back("product skipped: " + why);
  }
}

/// Why `json` is not one JSON value, or empty when it parses into `doc`.
/// A raw NUL is never valid JSON, but RapidJSON stops reading at one.
std::string parse_document(std::string_view json, rapidjson::Document& doc) {
  if (auto nul = json.find('\0'); nul != std::string_view::npos)
    return "invalid JSON at offset " + std::to_string(nul) + ": a NUL byte";
  doc.Parse<parse_flags>(json.data(), json.size());
  if (!doc.HasParseError())
    return {};
  return "invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": "
         + rapidjson::GetParseError_En(doc.GetParseError());
}

} // namespace

std::optional<token_envelope> parse_envelope(const value& obj) {
  auto* left = member(obj, "tokensLeft");
  if (!left || !as_int(*left))
    return std::nullopt;
  token_envelope env;
  env.tokens_left = *as_int(*left);
  env.timestamp_ms = int_or(obj, "timestamp", 0);
  env.refill_in_ms = int_or(obj, "refillIn", 0);
  env.refill_rate = int_or(obj, "refillRate", 0);
  env.token_flow_reduction = double_or(obj, "tokenFlowReduction", 0.0);
  env.tokens_consumed = int_or(obj, "tokensConsumed", 0);
  env.processing_time_ms = int_or(obj, "processingTimeInMs", 0);
  return env;
}

std::optional<product> parse_product(const value& v, std::string& why) {
  auto asin = item_asin(v, why);
  if (!asin)
    return std::nullopt;
  product p;
  p.asin = std::move(*asin);
  p.title = string_or_empty(v, "title");
  p.parent_asin = string_or_empty(v, "parentAsin");
  p.product_type = small_int_or(v, "productType", 0);
  p.root_category = int_or(v, "rootCategory", 0);
  p.categories = int_array(member(v, "categories"));
  p.category_tree = category_names(member(v, "categoryTree"));
  p.manufacturer = string_or_empty(v, "manufacturer");
  p.binding = string_or_empty(v, "binding");
  p.tracking_since = int_or(v, "trackingSince", -1);
  p.last_update = int_or(v, "lastUpdate", -1);
  p.last_price_change = int_or(v, "lastPriceChange", -1);
  p.publication_date = int_or(v, "publicationDate", -1);
  p.csv = csv_series(member(v, "csv"));
  p.stats = parse_stats(member(v, "stats"));
  p.offers = parse_offers(member(v, "offers"));
  p.live_offers_order = live_order(member(v, "liveOffersOrder"),
                                   p.offers.size());
  if (auto* fees = member(v, "fbaFees"))
    p.fba_pick_pack_fee = int_or(*fees, "pickAndPackFee", -1);
  p.referral_fee_percent = referral_fee_percent(v);
  return p;
}

std::optional<deal> parse_deal(const value& v, std::string& why) {
  auto asin = item_asin(v, why);
  if (!asin)
    return std::nullopt;
  deal d;
  d.asin = std::move(*asin);
  d.parent_asin = string_or_empty(v, "parentAsin");
  d.title = string_or_empty(v, "title");
  d.root_cat = int_or(v, "rootCat", 0);
  d.categories = int_array(member(v, "categories"));
  d.image = image_name(member(v, "image"));
  d.creation_date = int_or(v, "creationDate", -1);
  d.last_update = int_or(v, "lastUpdate", -1);
  d.current = int_array(member(v, "current"));
  d.current_since = int_array(member(v, "currentSince"));
  d.delta_last = int_array(member(v, "deltaLast"));
  d.avg = int_matrix(member(v, "avg"));
  d.delta = int_matrix(member(v, "delta"));
  d.delta_percent = int_matrix(member(v, "deltaPercent"));
  d.warehouse_condition = small_int_or(v, "warehouseCondition", 0);
  d.sales_rank_drops30 = int_or(v, "salesRankDrops30", -1);
  d.sales_rank_drops90 = int_or(v, "salesRankDrops90", -1);
  d.sales_rank_drops180 = int_or(v, "salesRankDrops180", -1);
  d.sales_rank_drops365 = int_or(v, "salesRankDrops365", -1);
  d.back_in_stock = bool_array(member(v, "backInStock"));
  d.flags = int_or(v, "flags", -1);
  return d;
}

std::optional<keepa_body> parse_keepa_body(std::string_view json,
                                           std::string& error) {
  rapidjson::Document doc;
  error = parse_document(json, doc);
  if (!error.empty())
    return std::nullopt;
  if (!doc.IsObject()) {
    error = "the body is not a JSON object";
    return std::nullopt;
  }
  keepa_body body;
  body.envelope = parse_envelope(doc);
  if (auto* err = member(doc, "error"); err && err->IsObject())
    body.error = api_error{string_or_empty(*err, "type"),
                           string_or_empty(*err, "message"),
                           string_or_empty(*err, "details")};
  if (auto* products = member(doc, "products"); products && products->IsArray())
    parse_products(*products, body);
  if (auto* deals = member(doc, "deals"); deals && deals->IsObject())
    body.deals = parse_deal_page(*deals, body.warnings);
  if (auto* cached = member(doc, "dealsCached");
      body.deals && cached && cached->IsBool())
    body.deals->cached = cached->GetBool();
  return body;
}

} // namespace keepa
