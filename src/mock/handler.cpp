#include "mock/handler.hpp"

#include "mock/render.hpp"

#include <boost/url/parse.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <sstream>

namespace keepa::mock {

namespace {

constexpr int64_t snapshot_ms = 120000;
constexpr int64_t deal_window_ms = 12 * 3600000LL;
constexpr size_t page_size = 150;
constexpr int max_pages = 67;
constexpr size_t max_results = 10000;

/// The path without a trailing slash ("/product/" is "/product").
std::string normalized(std::string path) {
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  return path;
}

/// An integer parameter, or `fallback` when absent or malformed.
int int_param(const std::map<std::string, std::string>& params,
              const std::string& key, int fallback) {
  auto i = params.find(key);
  if (i == params.end())
    return fallback;
  try {
    return std::stoi(i->second);
  } catch (const std::exception&) {
    return fallback;
  }
}

/// Splits "A,B,C".
std::vector<std::string> split_csv(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in{s};
  std::string part;
  while (std::getline(in, part, ','))
    if (!part.empty())
      out.push_back(part);
  return out;
}

/// A selection member as int (Keepa coerces "1" to 1); `fallback` if absent.
std::optional<int> selection_int(const rapidjson::Value& sel, const char* key,
                                 int fallback) {
  auto i = sel.FindMember(key);
  if (i == sel.MemberEnd() || i->value.IsNull())
    return fallback;
  if (i->value.IsInt())
    return i->value.GetInt();
  if (i->value.IsString()) {
    try {
      return std::stoi(i->value.GetString());
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (i->value.IsArray() && i->value.Size() == 1 && i->value[0].IsInt())
    return i->value[0].GetInt();
  return std::nullopt;
}

/// True when `x` is inside the selection's [min, max] range (or no range).
bool in_range(const rapidjson::Value& sel, const char* key, int64_t x) {
  auto i = sel.FindMember(key);
  if (i == sel.MemberEnd() || !i->value.IsArray() || i->value.Size() != 2
      || !i->value[0].IsNumber() || !i->value[1].IsNumber())
    return true;
  auto lo = static_cast<int64_t>(i->value[0].GetDouble());
  auto hi = static_cast<int64_t>(i->value[1].GetDouble());
  return x >= lo && (hi < 0 || x <= hi);
}

/// A selection member as bool (true, 1 or "true"); false when absent.
bool selection_bool(const rapidjson::Value& sel, const char* key) {
  auto i = sel.FindMember(key);
  if (i == sel.MemberEnd())
    return false;
  auto& v = i->value;
  return (v.IsBool() && v.GetBool()) || (v.IsInt() && v.GetInt() != 0)
         || (v.IsString() && std::string{v.GetString()} == "true");
}

/// True when the selection has a non-empty array `key`.
bool has_list(const rapidjson::Value& sel, const char* key) {
  auto i = sel.FindMember(key);
  return i != sel.MemberEnd() && i->value.IsArray() && !i->value.Empty();
}

/// True when the selection's array `key` holds the number `x`.
bool in_list(const rapidjson::Value& sel, const char* key, int64_t x) {
  if (!has_list(sel, key))
    return false;
  for (auto& v : sel[key].GetArray())
    if ((v.IsInt64() && v.GetInt64() == x)
        || (v.IsString() && std::string{v.GetString()} == std::to_string(x)))
      return true;
  return false;
}

/// The selection's identity without its page, for the snapshot cache.
std::string snapshot_key(rapidjson::Document& sel) {
  sel.RemoveMember("page");
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  sel.Accept(w);
  return buf.GetString();
}

} // namespace

handler::handler(const options& opts, int64_t start_ms)
  : opts_(opts),
    catalog_(opts.seed, opts.products, opts.deal_rate),
    ledger_(start_ms, opts.refill_rate,
            opts.initial_tokens.value_or(60 * opts.refill_rate)) {
}

void handler::count(const std::string& endpoint, int status) {
  ++stats_.requests_by_endpoint[endpoint];
  ++stats_.requests_by_status[status];
  if (status == 429)
    ++stats_.http_429;
}

void handler::count_fault(const std::string& endpoint, int status) {
  std::lock_guard<std::mutex> guard{mutex_};
  ++stats_.faults_injected;
  count(endpoint, status);
}

void handler::note_fault() {
  std::lock_guard<std::mutex> guard{mutex_};
  ++stats_.faults_injected;
}

http_answer handler::with_envelope(int status, int64_t now_ms, int64_t consumed,
                                   const std::string& payload) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  write_envelope(w, ledger_.envelope(now_ms, consumed));
  w.EndObject();
  std::string body = buf.GetString();
  if (!payload.empty()) {
    body.pop_back();
    body += "," + payload + "}";
  }
  return {status, body};
}

http_answer handler::error_answer(int status, int64_t now_ms,
                                  const std::string& type,
                                  const std::string& message, bool zero_tokens,
                                  const std::string& details_json) {
  std::string payload
    = R"("error":{"type":")" + type + R"(","message":")" + message + "\""
      + (details_json.empty() ? "" : ",\"details\":" + details_json) + "}";
  if (!zero_tokens)
    return with_envelope(status, now_ms, 0, payload);
  return {status, "{" + payload
                    + R"(,"processingTimeInMs":0,"refillIn":0,)"
                      R"("refillRate":0,"timestamp":)"
                    + std::to_string(now_ms)
                    + R"(,"tokenFlowReduction":0.0,"tokensConsumed":0,)"
                      R"("tokensLeft":0})"};
}

http_answer handler::item_error(int64_t now_ms, const std::string& message) {
  std::lock_guard<std::mutex> guard{mutex_};
  return error_answer(200, now_ms, "invalidParameter", message, false);
}

http_answer handler::handle(const http_call& call, int64_t now_ms) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto url = boost::urls::parse_origin_form(call.target);
  if (!url) {
    count("other", 400);
    return {400, "malformed request target"};
  }
  std::map<std::string, std::string> params;
  for (auto p : url->params())
    params[std::string{p.key}] = std::string{p.value};
  auto path = normalized(std::string{url->path()});
  auto answer = route(path, params, call, now_ms);
  auto endpoint = path == "/token" || path == "/product" || path == "/deal"
                      || path.rfind("/_mock", 0) == 0
                    ? path.substr(1)
                    : std::string{"other"};
  count(endpoint, answer.status);
  return answer;
}

http_answer handler::route(const std::string& path,
                           const std::map<std::string, std::string>& params,
                           const http_call& call, int64_t now_ms) {
  if (path == "/_mock/stats")
    return {200, render_stats(now_ms)};
  if (path == "/_mock/refill" && call.method == "POST") {
    auto rate = int_param(params, "rate", -1);
    if (rate <= 0)
      return {400, "rate must be a positive integer"};
    ledger_.refill(now_ms);
    ledger_.set_rate(rate);
    return {200, "{\"refillRate\":" + std::to_string(rate) + "}"};
  }
  if (path != "/token" && path != "/product" && path != "/deal")
    return {404, R"({"error":{"type":"notFound","message":"no such )"
                 R"(endpoint"}})"};
  auto key = params.find("key");
  if (key != params.end() && key->second == opts_.expired_key)
    return error_answer(402, now_ms, "paymentRequired",
                        "Your subscription has expired.", true);
  if (key == params.end() || key->second != opts_.key)
    return error_answer(400, now_ms, "invalidParameter",
                        "You used an invalid parameter for this API call.",
                        true);
  if (path == "/token")
    return with_envelope(200, now_ms, 0, "");
  if (path == "/product")
    return product(params, now_ms);
  if (auto sel = params.find("selection"); sel != params.end())
    return deals(sel->second, now_ms);
  return deals(call.body, now_ms);
}

http_answer handler::product(const std::map<std::string, std::string>& params,
                             int64_t now_ms) {
  if (int_param(params, "domain", 0) != 1)
    return error_answer(200, now_ms, "invalidParameter",
                        "domain must be 1 here", false);
  auto asins = params.count("asin") ? split_csv(params.at("asin"))
                                    : std::vector<std::string>{};
  if (asins.empty() || asins.size() > 100)
    return error_answer(200, now_ms, "invalidParameter",
                        "asin needs 1 to 100 ASINs", false);
  product_view view;
  view.stats = params.count("stats") > 0;
  view.stats_days = std::max(1, int_param(params, "stats", 180));
  view.history = int_param(params, "history", 1) != 0;
  view.days = std::max(1, int_param(params, "days", 365));
  view.offers = int_param(params, "offers", 0);
  if (params.count("offers") && (view.offers < 20 || view.offers > 100))
    return error_answer(200, now_ms, "invalidParameter",
                        "offers must be 20 to 100", false, "");
  auto update = int_param(params, "update", 1);
  if (!ledger_.admits(now_ms))
    return with_envelope(429, now_ms, 0, "");
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartArray();
  int64_t cost = 0;
  for (auto& a : asins) {
    auto* it = retired_.count(a) > 0 ? nullptr : catalog_.find(a);
    if (!it) {
      // docs/keepa.md: with update=-1 an unknown ASIN costs nothing and
      // is left out; otherwise it costs 1 and comes back INVALID.
      if (update == -1)
        continue;
      cost += 1;
      w.StartObject();
      w.Key("asin");
      w.String(a.c_str());
      w.Key("productType");
      w.Int(4);
      w.EndObject();
      continue;
    }
    cost += product_cost(*it, params, view, update, now_ms);
    write_product(w, catalog_, *it, now_ms, view);
  }
  w.EndArray();
  ledger_.charge(cost);
  return with_envelope(200, now_ms, cost,
                       std::string{"\"products\":"} + buf.GetString());
}

int64_t handler::product_cost(const item& it,
                              const std::map<std::string, std::string>& params,
                              const product_view& view, int update,
                              int64_t now_ms) const {
  auto age_ms = now_ms - catalog_.state_at(it, now_ms).last_update_ms;
  auto flag = [&](const char* name) { return int_param(params, name, 0) != 0; };
  int64_t cost = 1;
  if (view.offers > 0) {
    auto fresh = params.count("update") && update > 0
                 && age_ms < static_cast<int64_t>(update) * 3600000;
    cost = fresh ? 5
                 : 6 * std::max(1, (offers_returned(it, view.offers) + 9) / 10);
  }
  if (update == 0 && age_ms < 3600000)
    cost += 1;
  if (flag("rating"))
    cost += 1; // every item's rating data is under 14 days old
  if (flag("buybox") && view.offers == 0)
    cost += 2;
  if (flag("stock") && view.offers > 0)
    cost += 2; // offers carry a stock update under 7 days old
  return cost; // historical-variations: no item has a parent ASIN
}

http_answer handler::deals(const std::string& selection, int64_t now_ms) {
  // docs/keepa.md: a selection Keepa refuses is a 400 with the envelope
  // and an error naming the field.
  rapidjson::Document sel;
  sel.Parse(selection.c_str(), selection.size());
  if (sel.HasParseError() || !sel.IsObject())
    return error_answer(400, now_ms, "invalidParameter",
                        "queryJSON is missing or invalid", false, "null");
  if (auto field = refused_field(sel); !field.empty())
    return error_answer(400, now_ms, "invalidParameter",
                        "queryJSON is of invalid format", false,
                        "\"" + field + "\"");
  auto page = selection_int(sel, "page", 0);
  auto price_type = selection_int(sel, "priceTypes", -1);
  auto sort = selection_int(sel, "sortType", 1);
  auto date_range = selection_int(sel, "dateRange", 0);
  if (!ledger_.admits(now_ms))
    return with_envelope(429, now_ms, 0, "");
  for (auto i = snapshots_.begin(); i != snapshots_.end();)
    i = now_ms - i->second.taken_ms >= snapshot_ms ? snapshots_.erase(i)
                                                   : std::next(i);
  auto key = snapshot_key(sel);
  auto found = snapshots_.find(key);
  bool cached = found != snapshots_.end();
  if (!cached)
    found = snapshots_
              .emplace(key,
                       take_snapshot(sel, *price_type, std::min(3, *date_range),
                                     *sort, now_ms))
              .first;
  auto& snap = found->second;
  ledger_.charge(5);
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key("dr");
  w.StartArray();
  auto begin = std::min(snap.order.size(),
                        static_cast<size_t>(*page) * page_size);
  auto end = std::min(snap.order.size(), begin + page_size);
  for (auto k = begin; k < end; ++k) {
    auto& it = catalog_.at(snap.order[k]);
    auto state = catalog_.state_at(it, snap.taken_ms);
    write_deal(w, it, state, figures_of(it, state.last_update_ms));
  }
  w.EndArray();
  w.Key("drDateIndex");
  w.StartArray();
  w.EndArray();
  w.Key("categoryIds");
  w.StartArray();
  for (auto& [root, n] : snap.roots)
    w.Int64(root_categories[root].id);
  w.EndArray();
  w.Key("categoryNames");
  w.StartArray();
  for (auto& [root, n] : snap.roots)
    w.String(root_categories[root].name);
  w.EndArray();
  w.Key("categoryCount");
  w.StartArray();
  for (auto& [root, n] : snap.roots)
    w.Uint64(n);
  w.EndArray();
  w.EndObject();
  return with_envelope(200, now_ms, 5,
                       std::string{"\"dealsCached\":"}
                         + (cached ? "true" : "false")
                         + ",\"deals\":" + buf.GetString());
}

std::string handler::refused_field(const rapidjson::Document& sel) const {
  if (!opts_.refuse_field.empty())
    return opts_.refuse_field;
  static const int valid_types[] = {0,  1,  2,  3,  5,  6,  7,  8, 9,
                                    10, 18, 19, 20, 21, 22, 32, 33};
  auto domain = selection_int(sel, "domainId", 0);
  if (domain != 1)
    return "domainId";
  auto price_type = selection_int(sel, "priceTypes", -1);
  if (!price_type
      || std::find(std::begin(valid_types), std::end(valid_types), *price_type)
           == std::end(valid_types))
    return "priceTypes";
  auto page = selection_int(sel, "page", 0);
  if (!page || *page < 0 || *page >= max_pages)
    return "page";
  auto sort = selection_int(sel, "sortType", 1);
  if (!sort || *sort == 0 || *sort == -1 || std::abs(*sort) > 4)
    return "sortType";
  // 0-3 documented, 4 seen in use; "7" was refused (docs/keepa.md, errors).
  auto date_range = selection_int(sel, "dateRange", 0);
  if (!date_range || *date_range < 0 || *date_range > 4)
    return "dateRange";
  return "";
}

handler::snapshot handler::take_snapshot(const rapidjson::Document& sel,
                                         int price_type, int date_range,
                                         int sort, int64_t now_ms) {
  snapshot snap;
  snap.taken_ms = now_ms;
  auto pt = static_cast<size_t>(price_type);
  auto dr = static_cast<size_t>(date_range);
  bool ranges = selection_bool(sel, "isRangeEnabled");
  std::vector<std::pair<int64_t, int>> keyed;
  for (auto i : catalog_.deals_at(now_ms)) {
    auto& it = catalog_.at(i);
    if (retired_.count(it.asin) > 0)
      continue;
    auto last_update_ms = catalog_.last_drop_ms(it, now_ms);
    auto& d = figures_of(it, last_update_ms);
    auto current = d.current[pt];
    if (current < 0 || !in_range(sel, "salesRankRange", d.current[3]))
      continue;
    if (ranges
        && !(in_range(sel, "currentRange", current)
             && in_range(sel, "deltaRange", d.delta[dr][pt])
             && in_range(sel, "deltaPercentRange", d.delta_percent[dr][pt])
             && in_range(sel, "deltaLastRange", d.delta_last[pt])))
      continue;
    ++snap.roots[it.root];
    auto root = root_categories[it.root].id;
    auto listed = [&](const char* key) {
      return in_list(sel, key, root) || in_list(sel, key, it.leaf_cat);
    };
    if (has_list(sel, "includeCategories") && !listed("includeCategories"))
      continue;
    if (listed("excludeCategories"))
      continue;
    int64_t k = 0;
    switch (std::abs(sort)) {
      case 1:
        k = -last_update_ms;
        break;
      case 2:
        k = -d.delta[dr][pt];
        break;
      case 3:
        k = d.current[3] < 0 ? INT64_MAX / 2 : d.current[3];
        break;
      case 4:
        k = -d.delta_percent[dr][pt];
        break;
      default:
        break;
    }
    keyed.emplace_back(sort < 0 && sort != -1 ? -k : k, i);
  }
  for (auto i = figures_.begin(); i != figures_.end();)
    i = now_ms - i->second.first > deal_window_ms ? figures_.erase(i)
                                                  : std::next(i);
  std::stable_sort(keyed.begin(), keyed.end());
  if (keyed.size() > max_results)
    keyed.resize(max_results);
  for (auto& [k, i] : keyed)
    snap.order.push_back(i);
  return snap;
}

const deal_figures& handler::figures_of(const item& it,
                                        int64_t last_update_ms) {
  auto& [at, figures] = figures_[it.index];
  if (at != last_update_ms || figures.current.empty()) {
    at = last_update_ms;
    figures = deal_of(catalog_, it, last_update_ms);
  }
  return figures;
}

void handler::retire(const std::string& asin) {
  std::lock_guard<std::mutex> lock{mutex_};
  retired_.insert(asin);
}

stats_snapshot handler::stats(int64_t now_ms) {
  std::lock_guard<std::mutex> guard{mutex_};
  ledger_.refill(now_ms);
  auto s = stats_;
  s.tokens_consumed = ledger_.consumed_total();
  s.tokens_refilled = ledger_.refilled_total();
  s.balance = ledger_.balance();
  s.lowest_balance = ledger_.lowest();
  s.refill_rate = ledger_.rate();
  return s;
}

std::string handler::stats_json(int64_t now_ms) {
  std::lock_guard<std::mutex> guard{mutex_};
  return render_stats(now_ms);
}

std::string handler::render_stats(int64_t now_ms) {
  ledger_.refill(now_ms);
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key("requests_by_endpoint");
  w.StartObject();
  for (auto& [k, v] : stats_.requests_by_endpoint) {
    w.Key(k.c_str());
    w.Uint64(v);
  }
  w.EndObject();
  w.Key("requests_by_status");
  w.StartObject();
  for (auto& [k, v] : stats_.requests_by_status) {
    w.Key(std::to_string(k).c_str());
    w.Uint64(v);
  }
  w.EndObject();
  w.Key("tokens_consumed");
  w.Int64(ledger_.consumed_total());
  w.Key("tokens_refilled");
  w.Int64(ledger_.refilled_total());
  w.Key("balance");
  w.Int64(ledger_.balance());
  w.Key("lowest_balance");
  w.Int64(ledger_.lowest());
  w.Key("refill_rate");
  w.Int64(ledger_.rate());
  w.Key("http_429");
  w.Uint64(stats_.http_429);
  w.Key("faults_injected");
  w.Uint64(stats_.faults_injected);
  w.EndObject();
  return buf.GetString();
}

void handler::set_refill_rate(int64_t rate) {
  std::lock_guard<std::mutex> guard{mutex_};
  ledger_.set_rate(rate);
}

} // namespace keepa::mock
