// Reads back the alert an outbox row holds: the generic body of one alert
// (model/alert_body.cpp writes it).

#include "model/alert_body.hpp"

#include <rapidjson/document.h>

namespace keepa {

namespace {

std::string text(const rapidjson::Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString() ? it->value.GetString()
                                                     : std::string{};
}

std::optional<double> number(const rapidjson::Value& o, const char* key) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsNumber())
    return std::nullopt;
  return it->value.GetDouble();
}

} // namespace

std::optional<alert> read_alert(const std::string& generic_body) {
  rapidjson::Document doc;
  doc.Parse(generic_body.c_str(), generic_body.size());
  if (doc.HasParseError() || !doc.IsObject())
    return std::nullopt;
  auto list = doc.FindMember("alerts");
  if (list == doc.MemberEnd() || !list->value.IsArray()
      || list->value.Size() != 1 || !list->value[0].IsObject())
    return std::nullopt;
  auto& o = list->value[0];
  alert a;
  a.id = text(o, "id");
  auto kind = text(o, "kind");
  if (a.id.empty() || (kind != "new_deal" && kind != "price_drop"))
    return std::nullopt;
  a.kind = kind == "new_deal" ? alert_kind::new_deal : alert_kind::price_drop;
  a.asin = text(o, "asin");
  a.title = text(o, "title");
  a.price_now = number(o, "price_now").value_or(0);
  a.previous_price = number(o, "previous_price");
  a.profit = number(o, "profit");
  a.roi = number(o, "roi");
  if (auto rank = o.FindMember("sales_rank");
      rank != o.MemberEnd() && rank->value.IsInt64())
    a.sales_rank = rank->value.GetInt64();
  a.amazon_url = text(o, "amazon_url");
  a.board_url = text(o, "board_url");
  return a;
}

} // namespace keepa
