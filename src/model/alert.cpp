#include "model/alert.hpp"

#include "model/links.hpp"

namespace keepa {

const char* to_string(alert_kind k) {
  return k == alert_kind::price_drop ? "price_drop" : "new_deal";
}

std::string alert_id(const std::string& asin, int64_t last_update,
                     alert_kind kind) {
  return asin + "-" + std::to_string(last_update) + "-" + to_string(kind);
}

bool passes(const alert_rules& rules, const alert_facts& facts) {
  auto at_least = [](const auto& rule, const auto& value) {
    return !rule || (value && *value >= *rule);
  };
  auto at_most = [](const auto& rule, const auto& value) {
    return !rule || (value && *value <= *rule);
  };
  // A deal that loses money is never news, whatever the rules.
  return facts.profit && *facts.profit > 0
         && at_least(rules.min_profit, facts.profit)
         && at_least(rules.min_roi, facts.roi)
         && at_most(rules.max_rank, facts.sales_rank)
         && at_least(rules.min_drops90, facts.drops90);
}

bool is_news_drop(const alert_rules& rules, double lowest_alerted,
                  double price) {
  return price > 0 && lowest_alerted > 0
         && price <= lowest_alerted * (1 - rules.drop_percent / 100.0);
}

alert_facts facts_of(const alerted_row& row) {
  alert_facts f;
  f.price_now = row.price_now;
  f.profit = row.profit;
  if (row.profit && row.all_in_cost && *row.all_in_cost > 0)
    f.roi = *row.profit * 100.0 / *row.all_in_cost;
  f.sales_rank = row.sales_rank;
  f.drops90 = row.drops90;
  return f;
}

alert make_alert(const alerted_row& row, alert_kind kind,
                 const alert_links& links,
                 std::optional<double> previous_price) {
  auto facts = facts_of(row);
  alert a;
  a.id = alert_id(row.asin, row.keepa_last_update, kind);
  a.kind = kind;
  a.asin = row.asin;
  a.title = row.title;
  a.price_now = row.price_now;
  a.profit = row.profit;
  a.roi = facts.roi;
  a.previous_price = previous_price;
  a.sales_rank = row.sales_rank;
  a.amazon_url = amazon_url(links.domain, row.asin);
  if (!links.board_url.empty())
    a.board_url = links.board_url + "deal/" + row.asin;
  return a;
}

std::string alert_message::id() const {
  if (alerts.empty())
    return "";
  if (!is_digest())
    return alerts.front().id;
  return "digest-" + alerts.front().id + "-" + std::to_string(alerts.size());
}

} // namespace keepa
