#include "web/metrics.hpp"

#include "model/keepa_time.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

namespace keepa::web {

namespace {

/// The number at `path` ("tokens.balance"); nullopt when absent or null.
std::optional<double> at(const rapidjson::Value& dump,
                         const std::string& path) {
  const rapidjson::Value* v = &dump;
  size_t start = 0;
  while (start <= path.size()) {
    auto dot = path.find('.', start);
    auto key = path.substr(start, dot - start);
    if (!v->IsObject())
      return std::nullopt;
    auto m = v->FindMember(key.c_str());
    if (m == v->MemberEnd())
      return std::nullopt;
    v = &m->value;
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  if (v->IsBool())
    return v->GetBool() ? 1.0 : 0.0;
  return v->IsNumber() ? std::optional<double>{v->GetDouble()} : std::nullopt;
}

/// A sample value as Prometheus reads it.
std::string value_text(double x) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return ec == std::errc{} ? std::string{buf, end} : std::string{"NaN"};
}

/// One metric family being written.
class family {
public:
  family(std::string& out, const std::string& name, const char* type,
         const char* help)
    : out_(out), name_("keepa_ingest_" + name) {
    out_ += "# HELP " + name_ + " " + help + "\n";
    out_ += "# TYPE " + name_ + " " + type + "\n";
  }

  /// Adds a sample with an optional label; skipped when the value is
  /// unknown.
  family& sample(std::optional<double> value, const std::string& label = "",
                 const std::string& label_value = "") {
    if (!value)
      return *this;
    out_ += name_;
    if (!label.empty())
      out_ += "{" + label + "=\"" + label_value + "\"}";
    out_ += " " + value_text(*value) + "\n";
    return *this;
  }

private:
  std::string& out_;
  std::string name_;
};

/// A family with one sample read from the dump.
struct simple_metric {
  const char* name;
  const char* type;
  const char* help;
  const char* path;
};

const std::vector<simple_metric>& simple_metrics() {
  static const std::vector<simple_metric> list{
    {"token_balance", "gauge", "Projected Keepa token balance.",
     "tokens.balance"},
    {"token_refill_per_minute", "gauge",
     "Tokens Keepa refills each minute, net of flow reduction.",
     "tokens.refill_per_min"},
    {"keepa_calls_total", "counter", "Keepa calls answered.",
     "tokens.calls_total"},
    {"keepa_http_429_total", "counter", "Keepa answers with HTTP 429.",
     "tokens.http_429_total"},
    {"keepa_failures_total", "counter", "Keepa answers other than ok and 429.",
     "tokens.failures_total"},
    {"profitable_deals_last_hour", "gauge",
     "Committed rows with a profit above 0 in the last hour.",
     "commit.profitable_last_hour"},
    {"tokens_per_profitable_deal", "gauge",
     "Tokens spent buying in the last hour per profitable deal.",
     "commit.tokens_per_profitable_last_hour"},
    {"shed_listings_total", "counter",
     "Listings estimated to have left Keepa's /deal unread.",
     "scout.shed_total"},
    {"db_write_failures_total", "counter",
     "Database write transactions that failed and were retried.",
     "db.failed_flushes_total"},
    {"db_rejections", "gauge", "Rows of the rejections table.",
     "db.rejections"},
    {"paused", "gauge", "1 while Keepa calls are held.", "tokens.paused"},
    {"alerts_sent_last_hour", "gauge",
     "Alerts delivered to their webhooks in the last hour, all targets.",
     "alerts.sent_last_hour"},
    {"alerts_pending", "gauge", "Alerts waiting in the outboxes.",
     "alerts.pending"},
    {"alerts_failed", "gauge",
     "Alerts given up after give_up_hours (kept a week).", "alerts.failed"},
  };
  return list;
}

} // namespace

std::string render_metrics(const rapidjson::Value& dump,
                           const std::map<int, uint64_t>& requests_by_status,
                           int64_t now_ms) {
  std::string out;
  for (auto& m : simple_metrics())
    family{out, m.name, m.type, m.help}.sample(at(dump, m.path));
  {
    family f{out, "tokens_consumed_total", "counter",
             "Tokens Keepa reported consumed, by call kind."};
    for (auto* kind : {"deal_page", "peek", "commit", "light"})
      f.sample(at(dump, std::string{"tokens.consumed_by_kind."} + kind), "kind",
               kind);
  }
  {
    family f{out, "queue_depth", "gauge", "ASINs waiting, by stage."};
    for (auto* stage : {"peek", "commit", "light"})
      f.sample(at(dump, std::string{stage} + ".queued"), "stage", stage);
  }
  {
    family f{out, "rows", "gauge", "Rows of the deals table, by status."};
    for (auto* status : {"active", "pending", "gone"})
      f.sample(at(dump, std::string{"db."} + status), "status", status);
  }
  {
    family f{out, "watermark_age_seconds", "gauge",
             "How far the discovery watermark lags the wall clock."};
    if (auto minutes = at(dump, "watermark.keepa_minutes"))
      f.sample(std::floor(
        static_cast<double>(now_ms) / 1000.0
        - static_cast<double>(to_unix_ms(static_cast<keepa_minutes>(*minutes)))
            / 1000.0));
  }
  {
    family f{out, "web_requests_total", "counter",
             "Board and API requests answered, by HTTP status."};
    for (auto& [status, n] : requests_by_status)
      f.sample(static_cast<double>(n), "status", std::to_string(status));
  }
  return out;
}

} // namespace keepa::web
