#include "web/routes.hpp"

#include "model/keepa_time.hpp"
#include "web/assets.hpp"
#include "web/deal_render.hpp"
#include "web/metrics.hpp"

#include <boost/url/parse.hpp>
#include <rapidjson/document.h>

#include <cctype>

namespace keepa::web {

namespace {

/// A JSON body from a writer's buffer.
web_response json_response(const rapidjson::StringBuffer& buf,
                           int status = 200) {
  return {status, "application/json", {buf.GetString(), buf.GetSize()}, {}};
}

/// The embedded file as a response; 404 when there is none.
web_response asset_response(std::string_view name) {
  auto* a = find_asset(name);
  if (!a)
    return error_response(404, "no such page");
  return {200,
          std::string{a->content_type},
          std::string{a->body},
          {{"Cache-Control", "no-cache"}}};
}

/// A number cell as a double; nullopt when NULL.
std::optional<double> real_of(const cell& c) {
  if (auto* d = std::get_if<double>(&c))
    return *d;
  if (auto* n = std::get_if<int64_t>(&c))
    return static_cast<double>(*n);
  return std::nullopt;
}

/// The value of field `name` in a row.
const cell& field_of(const deal_row& row, std::string_view name) {
  static const cell none;
  auto& fields = deal_fields();
  for (size_t i = 0; i < fields.size() && i < row.size(); ++i)
    if (fields[i].name == name)
      return row[i];
  return none;
}

/// Writes `key: x` rounded to cents, or null.
void put_money(json_writer& w, const char* key, std::optional<double> x) {
  w.Key(key);
  if (x)
    w.Double(std::round(*x * 100.0) / 100.0);
  else
    w.Null();
}

/// Writes the stored chart for the page: times as Unix ms, prices in
/// dollars; null when none is stored or it does not parse.
void write_chart(json_writer& w, const std::optional<std::string>& stored) {
  rapidjson::Document chart;
  if (stored)
    chart.Parse(stored->c_str(), stored->size());
  if (!stored || chart.HasParseError() || !chart.IsObject()) {
    w.Null();
    return;
  }
  w.StartObject();
  for (auto* name : {"used", "landed", "rank"}) {
    w.Key(name);
    w.StartArray();
    auto series = chart.FindMember(name);
    if (series != chart.MemberEnd() && series->value.IsArray())
      for (auto& p : series->value.GetArray()) {
        if (!p.IsArray() || p.Size() != 2 || !p[0].IsInt64() || !p[1].IsInt64())
          continue;
        w.StartArray();
        w.Int64(to_unix_ms(p[0].GetInt64()));
        if (std::string_view{name} == "rank")
          w.Int64(p[1].GetInt64());
        else
          w.Double(static_cast<double>(p[1].GetInt64()) / 100.0);
        w.EndArray();
      }
    w.EndArray();
  }
  w.EndObject();
}

/// {"ok": true, "answer": ANSWER}.
web_response ok_answer(const std::string& answer) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key("ok");
  w.Bool(true);
  w.Key("answer");
  w.String(answer.c_str());
  w.EndObject();
  return json_response(buf);
}

/// The answer of an action the engine ran: ok, or 409 with its words.
web_response action_response(const std::string& answer) {
  if (answer.rfind("ok", 0) != 0)
    return error_response(
      answer.find("not in the database") != std::string::npos ? 404 : 409,
      answer);
  return ok_answer(answer);
}

/// The answer of `alerts test` or `alerts retry`: a line per target, or
/// 409 with the engine's error.
web_response alerts_response(const std::string& answer) {
  if (answer.rfind("error", 0) == 0)
    return error_response(409, answer);
  return ok_answer(answer);
}

/// Why a state-changing request is refused, or "" when it may go on: the
/// board's own scripts send `X-Keepa-Board: 1` from the same origin.
std::string cross_site_problem(const web_request& req) {
  if (req.board_header != "1")
    return "the X-Keepa-Board header is missing";
  if (!req.sec_fetch_site.empty() && req.sec_fetch_site != "same-origin"
      && req.sec_fetch_site != "none")
    return "a cross-site request";
  if (!req.origin.empty() && req.origin != "http://" + req.host
      && req.origin != "https://" + req.host)
    return "a request from another origin";
  return "";
}

/// A page as `{"total": N, "<key>": [...]}`, each row written by `write`.
web_response page_response(const board_page& page, const char* key,
                           void (*write)(json_writer&, const deal_row&, int),
                           int domain) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key("total");
  w.Int64(page.total);
  w.Key(key);
  w.StartArray();
  for (auto& row : page.rows)
    write(w, row, domain);
  w.EndArray();
  w.EndObject();
  return json_response(buf);
}

} // namespace

void web_counters::count(int status) {
  std::lock_guard<std::mutex> guard{mutex_};
  ++by_status_[status];
}

std::map<int, uint64_t> web_counters::by_status() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return by_status_;
}

std::string web_json(const web_facts& facts) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key("listening");
  w.Bool(!facts.url.empty());
  w.Key("url");
  w.String(facts.url.c_str());
  w.Key("problem");
  w.String(facts.problem.c_str());
  uint64_t total = 0;
  w.Key("requests_by_status");
  w.StartObject();
  if (facts.counters)
    for (auto& [status, n] : facts.counters->by_status()) {
      w.Key(std::to_string(status).c_str());
      w.Uint64(n);
      total += n;
    }
  w.EndObject();
  w.Key("requests_total");
  w.Uint64(total);
  w.Key("open_connections");
  w.Uint64(facts.counters ? facts.counters->open_connections.load() : 0);
  w.Key("refused_connections_total");
  w.Uint64(facts.counters ? facts.counters->refused_connections.load() : 0);
  w.Key("failed_handshakes_total");
  w.Uint64(facts.counters ? facts.counters->failed_handshakes.load() : 0);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

bool is_asin(const std::string& text) {
  if (text.size() != 10)
    return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      return false;
  return true;
}

web_response error_response(int status, const std::string& message,
                            const std::string& parameter) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key("error");
  w.String(message.c_str());
  if (!parameter.empty()) {
    w.Key("parameter");
    w.String(parameter.c_str());
  }
  w.EndObject();
  return json_response(buf, status);
}

routes::routes(board_settings settings, std::function<int64_t()> now_ms,
               const web_counters* counters)
  : settings_(std::move(settings)),
    now_ms_(std::move(now_ms)),
    counters_(counters) {
}

query_context routes::context() const {
  // The current minute: a price's age is counted in minutes, and pages
  // read within the same minute may be answered from memory.
  auto now = now_ms_();
  return {iso_utc(now - now % 60000), settings_.fees,
          settings_.target_roi_percent};
}

route_result routes::handle(const web_request& req, deal_reader& reader) const {
  auto url = boost::urls::parse_origin_form(req.target);
  if (!url)
    return error_response(400, "the request target is not a path");
  std::vector<std::string> segments;
  for (auto s : url->segments())
    segments.push_back(std::string{s});
  query_params params;
  for (auto p : url->params())
    params[std::string{p.key}] = std::string{p.value};
  if (req.method == "GET")
    return get(std::string{url->path()}, segments, params, reader);
  if (req.method == "POST")
    return post(req, segments);
  auto r = error_response(405, "only GET and POST are answered");
  r.headers.emplace_back("Allow", "GET, POST");
  return r;
}

route_result routes::get(const std::string& path_text,
                         const std::vector<std::string>& segments,
                         const query_params& params,
                         deal_reader& reader) const {
  auto n = segments.size();
  if (path_text == "/")
    return asset_response("index.html");
  if (n == 1 && segments[0] == "health")
    return asset_response("health.html");
  if (n == 2 && segments[0] == "deal" && is_asin(segments[1]))
    return asset_response("deal.html");
  if (n == 2 && segments[0] == "assets"
      && segments[1].find(".html") == std::string::npos)
    return asset_response(segments[1]);
  if (n == 1 && segments[0] == "deals.csv")
    return csv(params, reader);
  if (n == 1 && segments[0] == "metrics")
    return metrics();
  if (n == 2 && segments[0] == "api" && segments[1] == "deals")
    return deals(params, reader);
  if (n == 2 && segments[0] == "api" && segments[1] == "rejections")
    return rejections(params, reader);
  if (n == 2 && segments[0] == "api" && segments[1] == "status")
    return status();
  if (n == 3 && segments[0] == "api" && segments[1] == "deals"
      && is_asin(segments[2]))
    return deal(segments[2], reader);
  return error_response(404, "no such page");
}

route_result routes::post(const web_request& req,
                          const std::vector<std::string>& segments) const {
  if (segments.size() == 3 && segments[0] == "api" && segments[1] == "alerts"
      && (segments[2] == "test" || segments[2] == "retry")) {
    if (auto problem = cross_site_problem(req); !problem.empty())
      return error_response(403, "refused: " + problem);
    return engine_call{"alerts " + segments[2], alerts_response};
  }
  if (segments.size() != 4 || segments[0] != "api" || segments[1] != "deals"
      || !is_asin(segments[2]))
    return error_response(404, "no such action");
  if (auto problem = cross_site_problem(req); !problem.empty())
    return error_response(403, "refused: " + problem);
  auto& asin = segments[2];
  if (segments[3] == "refresh" || segments[3] == "verify")
    return engine_call{segments[3] + " " + asin, action_response};
  if (segments[3] != "mark")
    return error_response(404, "no such action");
  rapidjson::Document body;
  body.Parse(req.body.c_str(), req.body.size());
  if (body.HasParseError() || !body.IsObject() || !body.HasMember("mark"))
    return error_response(400, "mark: the body must be {\"mark\": ...}",
                          "mark");
  auto& mark = body["mark"];
  std::string word = mark.IsNull()     ? "none"
                     : mark.IsString() ? mark.GetString()
                                       : "";
  if (word != "watch" && word != "bought" && word != "dismissed"
      && word != "none")
    return error_response(400, "mark: must be watch, bought, dismissed or null",
                          "mark");
  return engine_call{"mark " + asin + " " + word, action_response};
}

web_response routes::deals(const query_params& params,
                           deal_reader& reader) const {
  auto parsed = parse_filter(params);
  if (auto* err = std::get_if<param_error>(&parsed))
    return error_response(400, err->message, err->parameter);
  return page_response(reader.page(std::get<deal_filter>(parsed), context()),
                       "deals", write_deal, settings_.domain);
}

web_response routes::rejections(const query_params& params,
                                deal_reader& reader) const {
  auto parsed = parse_rejection_filter(params);
  if (auto* err = std::get_if<param_error>(&parsed))
    return error_response(400, err->message, err->parameter);
  return page_response(reader.rejections(std::get<rejection_filter>(parsed)),
                       "rejections", write_rejection, settings_.domain);
}

web_response routes::deal(const std::string& asin, deal_reader& reader) const {
  auto row = reader.one(asin, context());
  if (!row)
    return error_response(404, asin + " is not in the database");
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  w.StartObject();
  w.Key("deal");
  write_deal(w, *row, settings_.domain);
  w.Key("events");
  w.StartArray();
  for (auto& e : reader.events(asin)) {
    w.StartObject();
    w.Key("at_utc");
    w.String(e.at_utc.c_str());
    put_money(w, "old_price", e.old_price);
    put_money(w, "new_price", e.new_price);
    w.EndObject();
  }
  w.EndArray();
  // The profit's parts, as the engine figures them (docs/contract.md#deals).
  auto& fees = settings_.fees;
  auto price = real_of(field_of(*row, "price_now"));
  auto list_at = real_of(field_of(*row, "list_at"));
  auto referral = real_of(field_of(*row, "referral_percent"));
  bool landed = real_of(field_of(*row, "shipping_included")).value_or(0) != 0;
  w.Key("costs");
  w.StartObject();
  put_money(w, "tax",
            price ? std::optional<double>{fees.tax_exempt
                                            ? 0.0
                                            : *price * fees.tax_percent / 100}
                  : std::nullopt);
  put_money(w, "prep", fees.prep);
  put_money(w, "inbound_shipping", landed ? 0.0 : fees.shipping_estimate);
  put_money(w, "referral_fee",
            list_at && referral
              ? std::optional<double>{*list_at * *referral / 100}
              : std::nullopt);
  put_money(w, "fba_fee", real_of(field_of(*row, "fba_fee")));
  w.EndObject();
  w.Key("chart");
  write_chart(w, reader.chart(asin));
  w.EndObject();
  return json_response(buf);
}

web_response routes::csv(const query_params& params,
                         deal_reader& reader) const {
  auto parsed = parse_filter(params, false);
  if (auto* err = std::get_if<param_error>(&parsed))
    return error_response(400, err->message, err->parameter);
  std::string body = csv_header();
  reader.each(std::get<deal_filter>(parsed), context(),
              [&](const deal_row& row) { body += csv_line(row); });
  return {200,
          "text/csv; charset=utf-8",
          std::move(body),
          {{"Content-Disposition", "attachment; filename=\"deals.csv\""}}};
}

engine_call routes::status() const {
  // The dump is one JSON object; anything else is the engine's error line.
  return {"dump", [](const std::string& answer) {
            if (answer.rfind("{", 0) != 0)
              return error_response(503, answer);
            return web_response{200, "application/json", answer, {}};
          }};
}

engine_call routes::metrics() const {
  auto counters = counters_;
  auto now_ms = now_ms_;
  return {"dump", [counters, now_ms](const std::string& answer) {
            rapidjson::Document dump;
            dump.Parse(answer.c_str(), answer.size());
            if (dump.HasParseError() || !dump.IsObject())
              return error_response(503, answer);
            std::map<int, uint64_t> by_status;
            if (counters)
              by_status = counters->by_status();
            return web_response{200,
                                "text/plain; version=0.0.4; charset=utf-8",
                                render_metrics(dump, by_status, now_ms()),
                                {}};
          }};
}

} // namespace keepa::web
