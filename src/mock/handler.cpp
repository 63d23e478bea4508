#include "mock/handler.hpp"

#include "mock/render.hpp"

#include <boost/url/parse.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <sstream>

namespace keepa::mock {

namespace {

constexpr int64_t snapshot_ms = 120000;
constexpr size_t page_size = 150;
constexpr int max_pages = 67;

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
  auto lo = i->value[0].GetInt64();
  auto hi = i->value[1].GetInt64();
  return x >= lo && (hi < 0 || x <= hi);
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

http_answer handler::with_envelope(int status, int64_t now_ms,
                                   int64_t consumed,
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
                                  const std::string& message,
                                  bool zero_tokens) {
  std::string payload = R"("error":{"type":")" + type + R"(","message":")"
                        + message + R"(","details":""})";
  if (!zero_tokens)
    return with_envelope(status, now_ms, 0, payload);
  return {status, "{" + payload + R"(,"processingTimeInMs":0,"refillIn":0,)"
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
  view.history = int_param(params, "history", 1) != 0;
  view.days = std::max(1, int_param(params, "days", 365));
  view.offers = int_param(params, "offers", 0);
  if (params.count("offers") && (view.offers < 20 || view.offers > 100))
    return error_answer(200, now_ms, "invalidParameter",
                        "offers must be 20 to 100", false);
  if (!ledger_.admits(now_ms))
    return with_envelope(429, now_ms, 0, "");
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartArray();
  int64_t cost = 0;
  for (auto& a : asins) {
    auto* it = catalog_.find(a);
    if (!it) {
      // KEEPA_API.md §3.2: an unknown ASIN costs 1 and comes back INVALID.
      cost += 1;
      w.StartObject();
      w.Key("asin");
      w.String(a.c_str());
      w.Key("productType");
      w.Int(4);
      w.EndObject();
      continue;
    }
    cost += view.offers > 0
              ? 6 * std::max(1, (offers_returned(*it, view.offers) + 9) / 10)
              : 1;
    write_product(w, catalog_, *it, now_ms, view);
  }
  w.EndArray();
  ledger_.charge(cost);
  return with_envelope(200, now_ms, cost,
                       std::string{"\"products\":"} + buf.GetString());
}

http_answer handler::deals(const std::string& selection, int64_t now_ms) {
  rapidjson::Document sel;
  sel.Parse(selection.c_str(), selection.size());
  if (sel.HasParseError() || !sel.IsObject())
    return error_answer(200, now_ms, "invalidParameter",
                        "selection is not a JSON object", false);
  auto domain = selection_int(sel, "domainId", 0);
  auto page = selection_int(sel, "page", 0);
  auto price_type = selection_int(sel, "priceTypes", 0);
  auto sort = selection_int(sel, "sortType", 0);
  if (domain != 1 || !page || *page < 0 || *page >= max_pages || !price_type
      || !sort)
    return error_answer(200, now_ms, "invalidParameter",
                        "selection needs domainId 1, one priceType and a "
                        "page from 0 to 66",
                        false);
  if (!ledger_.admits(now_ms))
    return with_envelope(429, now_ms, 0, "");
  auto& snap = snapshots_[snapshot_key(sel)];
  if (snap.order.empty() || now_ms - snap.taken_ms >= snapshot_ms) {
    snap.taken_ms = now_ms;
    snap.order.clear();
    for (auto i : catalog_.deals_at(now_ms)) {
      auto s = catalog_.state_at(catalog_.at(i), now_ms);
      auto current = *price_type == 2 ? s.used : *price_type == 1 ? s.fresh : -1;
      auto drop = catalog_.at(i).used_avg > 0
                    ? (catalog_.at(i).used_avg - s.used) * 100
                        / catalog_.at(i).used_avg
                    : 0;
      if (current > 0 && in_range(sel, "currentRange", current)
          && in_range(sel, "deltaPercentRange", drop)
          && in_range(sel, "salesRankRange", s.rank))
        snap.order.push_back(i);
    }
    auto key_of = [&](int i) -> int64_t {
      auto& it = catalog_.at(i);
      auto s = catalog_.state_at(it, now_ms);
      switch (std::abs(*sort)) {
        case 1:
          return -s.last_update_ms;
        case 2:
          return -(it.used_avg - s.used);
        case 3:
          return s.rank;
        case 4:
          return -it.drop_percent;
        default:
          return i;
      }
    };
    std::stable_sort(snap.order.begin(), snap.order.end(),
                     [&](int a, int b) {
                       auto ka = key_of(a);
                       auto kb = key_of(b);
                       return *sort < 0 && std::abs(*sort) != 1 ? ka > kb
                                                                : ka < kb;
                     });
  }
  ledger_.charge(5);
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key("dr");
  w.StartArray();
  auto begin = std::min(snap.order.size(), static_cast<size_t>(*page) * page_size);
  auto end = std::min(snap.order.size(), begin + page_size);
  for (auto k = begin; k < end; ++k)
    write_deal(w, catalog_, catalog_.at(snap.order[k]), snap.taken_ms);
  w.EndArray();
  w.Key("categoryIds");
  w.StartArray();
  w.Int(283155);
  w.EndArray();
  w.Key("categoryNames");
  w.StartArray();
  w.String("Books");
  w.EndArray();
  w.Key("categoryCount");
  w.StartArray();
  w.Uint64(snap.order.size());
  w.EndArray();
  w.EndObject();
  return with_envelope(200, now_ms, 5,
                       std::string{"\"deals\":"} + buf.GetString());
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
