#include "web/deal_render.hpp"

#include <charconv>
#include <cmath>
#include <iterator>
#include <utility>

namespace keepa::web {

namespace {

/// A number as its shortest exact text.
std::string number_text(double x) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return ec == std::errc{} ? std::string{buf, end} : std::string{};
}

/// True when `text` reads whole as a number (a price, `-3.5`).
bool is_number(std::string_view text) {
  double x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

/// Writes one cell as the field's JSON type.
void write_cell(json_writer& w, const cell& c, field_type type) {
  if (auto* s = std::get_if<std::string>(&c)) {
    w.String(s->c_str(), static_cast<rapidjson::SizeType>(s->size()));
  } else if (auto* n = std::get_if<int64_t>(&c)) {
    if (type == field_type::boolean)
      w.Bool(*n != 0);
    else if (type == field_type::real)
      w.Double(static_cast<double>(*n));
    else
      w.Int64(*n);
  } else if (auto* d = std::get_if<double>(&c)) {
    if (!std::isfinite(*d))
      w.Null();
    else if (type == field_type::integer)
      w.Int64(static_cast<int64_t>(std::llround(*d)));
    else
      w.Double(std::round(*d * 100.0) / 100.0);
  } else {
    w.Null();
  }
}

} // namespace

namespace {

/// The Amazon and Keepa links of `asin`, as two members.
void write_links(json_writer& w, int domain, const std::string& asin) {
  w.Key("amazon_url");
  w.String(amazon_url(domain, asin).c_str());
  w.Key("keepa_url");
  w.String(keepa_url(domain, asin).c_str());
}

} // namespace

void write_deal(json_writer& w, const deal_row& row, int domain) {
  auto& fields = deal_fields();
  w.StartObject();
  std::string asin;
  for (size_t i = 0; i < fields.size() && i < row.size(); ++i) {
    w.Key(fields[i].name.data(),
          static_cast<rapidjson::SizeType>(fields[i].name.size()));
    write_cell(w, row[i], fields[i].type);
    if (fields[i].name == "asin")
      if (auto* s = std::get_if<std::string>(&row[i]))
        asin = *s;
  }
  write_links(w, domain, asin);
  w.EndObject();
}

void write_rejection(json_writer& w, const deal_row& row, int domain) {
  using t = field_type;
  static const std::pair<const char*, field_type> fields[]
    = {{"asin", t::text},
       {"reason", t::text},
       {"keepa_last_update", t::integer},
       {"rejected_utc", t::text}};
  w.StartObject();
  for (size_t i = 0; i < std::size(fields) && i < row.size(); ++i) {
    w.Key(fields[i].first);
    write_cell(w, row[i], fields[i].second);
  }
  auto* asin = row.empty() ? nullptr : std::get_if<std::string>(&row[0]);
  write_links(w, domain, asin ? *asin : "");
  w.EndObject();
}

std::string csv_cell(std::string_view text) {
  std::string out;
  bool risky = !text.empty()
               && std::string_view{"=+-@\t\r"}.find(text.front())
                    != std::string_view::npos
               && !is_number(text);
  if (risky)
    out += '\'';
  out += text;
  if (out.find_first_of(",\"\r\n") == std::string::npos)
    return out;
  std::string quoted = "\"";
  for (char c : out) {
    if (c == '"')
      quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string csv_header() {
  std::string line;
  for (auto& f : deal_fields()) {
    if (!line.empty())
      line += ',';
    line += f.name;
  }
  return line + "\r\n";
}

std::string csv_line(const deal_row& row) {
  std::string line;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0)
      line += ',';
    auto& c = row[i];
    if (auto* s = std::get_if<std::string>(&c))
      line += csv_cell(*s);
    else if (auto* n = std::get_if<int64_t>(&c))
      line += std::to_string(*n);
    else if (auto* d = std::get_if<double>(&c))
      line += number_text(*d);
  }
  return line + "\r\n";
}

} // namespace keepa::web
