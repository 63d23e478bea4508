#include "model/alert.hpp"

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
  return at_least(rules.min_profit, facts.profit)
         && at_least(rules.min_roi, facts.roi)
         && at_most(rules.max_rank, facts.sales_rank)
         && at_least(rules.min_drops90, facts.drops90);
}

bool is_news_drop(const alert_rules& rules, double lowest_alerted,
                  double price) {
  return price > 0 && lowest_alerted > 0
         && price <= lowest_alerted * (1 - rules.drop_percent / 100.0);
}

std::string alert_message::id() const {
  if (alerts.empty())
    return "";
  if (!is_digest())
    return alerts.front().id;
  return "digest-" + alerts.front().id + "-" + std::to_string(alerts.size());
}

} // namespace keepa
