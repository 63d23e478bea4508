#include "model/alert_body.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdio>

namespace keepa {

namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

/// Discord's limits: embeds a message, characters of its content, of an
/// embed's title. Slack's blocks a message; Telegram's characters a text.
constexpr size_t discord_embeds = 10;
constexpr size_t discord_content = 2000;
constexpr size_t discord_title = 256;
constexpr size_t slack_blocks = 45;
constexpr size_t telegram_text = 4096;

/// "$12.30", "-$3.10".
std::string money(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s$%.2f", x < 0 ? "-" : "", std::fabs(x));
  return buf;
}

/// An integer with thousands separators.
std::string grouped(int64_t n) {
  auto digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

/// `text` cut to at most `limit` bytes on a UTF-8 boundary, "…" marking a
/// cut.
std::string cut(const std::string& text, size_t limit) {
  if (text.size() <= limit)
    return text;
  size_t end = limit >= 3 ? limit - 3 : 0;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return text.substr(0, end) + "…";
}

/// Slack's mrkdwn escapes: &, < and >.
std::string slack_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

/// Discord's markdown characters escaped with a backslash.
std::string discord_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view{"\\*_~`|>#[]()"}.find(c) != std::string_view::npos)
      out += '\\';
    out += c;
  }
  return out;
}

/// "price $12.30 (was $15.00) · profit $8.10 · ROI 45% · rank 12,345".
std::string figures(const alert& a) {
  std::string out = "price " + money(a.price_now);
  if (a.previous_price)
    out += " (was " + money(*a.previous_price) + ")";
  if (a.profit)
    out += " · profit " + money(*a.profit);
  if (a.roi)
    out += " · ROI " + std::to_string(std::lround(*a.roi)) + "%";
  if (a.sales_rank)
    out += " · rank " + grouped(*a.sales_rank);
  return out;
}

/// "New deal" or "Price drop".
std::string headline(const alert& a) {
  return a.kind == alert_kind::price_drop ? "Price drop" : "New deal";
}

/// What a digest says first.
std::string digest_headline(const alert_message& m) {
  return std::to_string(m.alerts.size()) + " deals (more than the "
         + "per-minute limit, in one message)";
}

void put(json_writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void put(json_writer& w, const char* key, const std::optional<double>& v) {
  w.Key(key);
  if (v && std::isfinite(*v))
    w.Double(std::round(*v * 100.0) / 100.0);
  else
    w.Null();
}

/// Our own JSON: {"id", "alerts": [...]}.
void generic(json_writer& w, const alert_message& m) {
  w.StartObject();
  put(w, "id", m.id());
  w.Key("alerts");
  w.StartArray();
  for (auto& a : m.alerts) {
    w.StartObject();
    put(w, "id", a.id);
    put(w, "kind", to_string(a.kind));
    put(w, "asin", a.asin);
    put(w, "title", a.title);
    put(w, "price_now", std::optional<double>{a.price_now});
    put(w, "previous_price", a.previous_price);
    put(w, "profit", a.profit);
    put(w, "roi", a.roi);
    w.Key("sales_rank");
    if (a.sales_rank)
      w.Int64(*a.sales_rank);
    else
      w.Null();
    put(w, "amazon_url", a.amazon_url);
    put(w, "board_url", a.board_url);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

/// A Discord webhook message: one embed an alert (ten at most, the rest
/// as lines of the content), no mention allowed.
void discord(json_writer& w, const alert_message& m) {
  std::string content;
  if (m.is_digest()) {
    content = digest_headline(m);
    for (size_t i = discord_embeds; i < m.alerts.size(); ++i)
      content += "\n" + discord_escaped(alert_line(m.alerts[i])) + " <"
                 + m.alerts[i].amazon_url + ">";
  }
  w.StartObject();
  put(w, "username", std::string{"keepa-ingest"});
  put(w, "content", cut(content, discord_content));
  w.Key("allowed_mentions");
  w.StartObject();
  w.Key("parse");
  w.StartArray();
  w.EndArray();
  w.EndObject();
  w.Key("embeds");
  w.StartArray();
  for (size_t i = 0; i < m.alerts.size() && i < discord_embeds; ++i) {
    auto& a = m.alerts[i];
    w.StartObject();
    put(w, "title", cut(headline(a) + ": " + a.title, discord_title));
    put(w, "url", a.amazon_url);
    put(w, "description",
        figures(a)
          + (a.board_url.empty() ? ""
                                 : "\n[On the board](" + a.board_url + ")"));
    w.Key("footer");
    w.StartObject();
    put(w, "text", a.asin + " · " + a.id);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

/// A Slack incoming-webhook message: a section block an alert.
void slack(json_writer& w, const alert_message& m) {
  w.StartObject();
  put(w, "text",
      m.is_digest()      ? digest_headline(m)
      : m.alerts.empty() ? std::string{}
                         : alert_line(m.alerts.front()));
  w.Key("blocks");
  w.StartArray();
  for (size_t i = 0; i < m.alerts.size() && i < slack_blocks; ++i) {
    auto& a = m.alerts[i];
    std::string text = "*" + headline(a) + ":* <" + a.amazon_url + "|"
                       + slack_escaped(a.title) + ">\n"
                       + slack_escaped(figures(a));
    if (!a.board_url.empty())
      text += " · <" + a.board_url + "|board>";
    w.StartObject();
    put(w, "type", std::string{"section"});
    w.Key("text");
    w.StartObject();
    put(w, "type", std::string{"mrkdwn"});
    put(w, "text", cut(text, 3000));
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

/// A Telegram sendMessage: plain text (no parse mode, nothing to escape).
void telegram(json_writer& w, const alert_message& m,
              const std::string& chat_id) {
  std::string text = m.is_digest() ? digest_headline(m) + "\n" : "";
  for (auto& a : m.alerts)
    text += "\n" + alert_line(a) + "\n" + a.amazon_url + "\n";
  w.StartObject();
  put(w, "chat_id", chat_id);
  put(w, "text", cut(text, telegram_text));
  w.Key("disable_web_page_preview");
  w.Bool(true);
  w.EndObject();
}

} // namespace

const char* to_string(alert_format f) {
  switch (f) {
    case alert_format::discord:
      return "discord";
    case alert_format::slack:
      return "slack";
    case alert_format::telegram:
      return "telegram";
    default:
      return "generic";
  }
}

std::optional<alert_format> parse_alert_format(const std::string& name) {
  for (auto f : {alert_format::generic, alert_format::discord,
                 alert_format::slack, alert_format::telegram})
    if (name == to_string(f))
      return f;
  return std::nullopt;
}

std::string alert_line(const alert& a) {
  return headline(a) + ": " + a.title + " — " + figures(a);
}

std::string alert_body(alert_format format, const alert_message& m,
                       const std::string& telegram_chat_id) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  switch (format) {
    case alert_format::discord:
      discord(w, m);
      break;
    case alert_format::slack:
      slack(w, m);
      break;
    case alert_format::telegram:
      telegram(w, m, telegram_chat_id);
      break;
    default:
      generic(w, m);
  }
  return buf.GetString();
}

} // namespace keepa
