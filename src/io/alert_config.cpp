#include "io/alert_config.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <map>

namespace keepa {

namespace {

namespace pt = boost::property_tree;

/// The keys of the rules, which [alerts] also sets for every target.
const std::vector<std::string> rule_keys{"min_profit",   "min_roi",
                                         "max_rank",     "min_drops90",
                                         "drop_percent", "max_per_minute"};

/// The keys naming where a target's alerts go.
const std::vector<std::string> where_keys{"webhook_url", "format", "bot_token",
                                          "chat_id"};

/// Where Telegram's Bot API is unless webhook_url says otherwise.
constexpr const char* telegram_api = "https://api.telegram.org";

bool has(const std::vector<std::string>& keys, const std::string& name) {
  return std::find(keys.begin(), keys.end(), name) != keys.end();
}

/// The keys one section may hold, comma-separated.
std::string known_keys(bool base) {
  std::string out;
  for (auto* list : {&where_keys, &rule_keys})
    for (auto& k : *list)
      out += (out.empty() ? "" : ", ") + k;
  return base ? out + ", give_up_hours" : out;
}

/// An http(s) URL with a host; the error does not quote it (a webhook URL
/// is a credential).
maybe_error check_url(const std::string& key, const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https")
      || parsed->host().empty())
    return config_error{key, "must be an http:// or https:// URL with a host "
                             "(not shown here: it is a credential)"};
  return std::nullopt;
}

/// Sets one rule of `t` from `value`.
maybe_error set_rule(const std::string& key, const std::string& name,
                     const std::string& value, alert_target& t) {
  double real = 0;
  int whole = 0;
  auto real_into = [&](std::optional<double>& slot, int lo, int hi) {
    auto err = read_number(key, value, lo, hi, real);
    if (!err)
      slot = real;
    return err;
  };
  auto whole_into = [&](auto& slot, int lo, int hi) {
    auto err = read_number(key, value, lo, hi, whole);
    if (!err)
      slot = whole;
    return err;
  };
  if (name == "min_profit")
    return real_into(t.rules.min_profit, -1000, 1000000);
  if (name == "min_roi")
    return real_into(t.rules.min_roi, -100, 100000);
  if (name == "max_rank")
    return whole_into(t.rules.max_rank, 1, 100000000);
  if (name == "min_drops90")
    return whole_into(t.rules.min_drops90, 0, 100000);
  if (name == "drop_percent")
    return read_number(key, value, 1, 99, t.rules.drop_percent);
  return whole_into(t.max_per_minute, 1, 60);
}

/// Sets where `t` sends to from one key.
maybe_error set_where(const std::string& key, const std::string& name,
                      const std::string& value, alert_target& t) {
  if (name == "format") {
    auto format = parse_alert_format(value);
    if (!format)
      return config_error{key, "must be generic, discord, slack or telegram, "
                               "got '"
                                 + value + "'"};
    t.format = *format;
  } else if (name == "webhook_url") {
    t.webhook_url = value;
  } else if (name == "bot_token") {
    t.bot_token = value;
  } else {
    t.chat_id = value;
  }
  return std::nullopt;
}

/// Checks that `t` has what its format needs.
maybe_error check_target(const alert_target& t, const pt::ptree& keys) {
  auto key = [&](const char* name) { return t.name + "." + name; };
  if (!keys.get_child_optional("format"))
    return config_error{key("format"),
                        "is needed: generic, discord, slack or telegram"};
  bool telegram = t.format == alert_format::telegram;
  if (telegram) {
    if (t.bot_token.empty())
      return config_error{key("bot_token"), "is needed with format = telegram"};
    if (t.chat_id.empty())
      return config_error{key("chat_id"), "is needed with format = telegram"};
  } else {
    if (!t.bot_token.empty())
      return config_error{key("bot_token"), "is only for format = telegram"};
    if (!t.chat_id.empty())
      return config_error{key("chat_id"), "is only for format = telegram"};
    if (t.webhook_url.empty())
      return config_error{key("webhook_url"),
                          "is needed with format = "
                            + std::string{to_string(t.format)}};
  }
  return check_url(key("webhook_url"), t.webhook_url);
}

/// A target from its section; the base section's rules first.
maybe_error read_target(const std::string& name, const pt::ptree& keys,
                        const pt::ptree* base, alert_target& t) {
  t.name = name;
  if (base)
    for (auto& [k, node] : *base)
      if (has(rule_keys, k))
        if (auto err = set_rule("alerts." + k, k, node.data(), t))
          return err;
  for (auto& [k, node] : keys) {
    auto key = name + "." + k;
    maybe_error err;
    if (has(rule_keys, k))
      err = set_rule(key, k, node.data(), t);
    else if (has(where_keys, k))
      err = set_where(key, k, node.data(), t);
    else if (k != "give_up_hours" || name != "alerts")
      err = config_error{key, "unknown key (known in [" + name
                                + "]: " + known_keys(name == "alerts") + ")"};
    if (err)
      return err;
  }
  if (t.format == alert_format::telegram && t.webhook_url.empty())
    t.webhook_url = telegram_api;
  return check_target(t, keys);
}

/// True when NAME of [alerts.NAME] is letters, digits, `-` and `_`.
bool is_target_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

} // namespace

bool is_alert_section(const std::string& section) {
  return section == "alerts" || section.rfind("alerts.", 0) == 0;
}

maybe_error read_alert_sections(const pt::ptree& tree, alert_settings& out) {
  const pt::ptree* base = nullptr;
  for (auto& [section, keys] : tree)
    if (section == "alerts")
      base = &keys;
  out = alert_settings{};
  if (base) {
    if (auto hours = base->get_optional<std::string>("give_up_hours"))
      if (auto err = read_number("alerts.give_up_hours", *hours, 1, 720,
                                 out.give_up_hours))
        return err;
    // [alerts] sets the rules of every target, and is one itself when it
    // says where to send.
    alert_target rules;
    bool is_target = false;
    for (auto& [k, node] : *base) {
      is_target = is_target || has(where_keys, k);
      if (has(rule_keys, k)) {
        if (auto err = set_rule("alerts." + k, k, node.data(), rules))
          return err;
      } else if (!has(where_keys, k) && k != "give_up_hours") {
        return config_error{"alerts." + k, "unknown key (known in [alerts]: "
                                             + known_keys(true) + ")"};
      }
    }
    if (is_target) {
      alert_target t;
      if (auto err = read_target("alerts", *base, nullptr, t))
        return err;
      out.targets.push_back(t);
    }
  }
  for (auto& [section, keys] : tree) {
    if (section == "alerts" || !is_alert_section(section))
      continue;
    auto name = section.substr(std::string{"alerts."}.size());
    if (!is_target_name(name))
      return config_error{"[" + section + "]",
                          "a target's name is letters, digits, - and _"};
    alert_target t;
    if (auto err = read_target(section, keys, base, t))
      return err;
    out.targets.push_back(t);
  }
  return std::nullopt;
}

std::vector<std::string> alert_secrets(const alert_settings& s) {
  std::vector<std::string> out;
  for (auto& t : s.targets) {
    if (!t.webhook_url.empty() && t.format != alert_format::telegram)
      out.push_back(t.webhook_url);
    if (!t.bot_token.empty())
      out.push_back(t.bot_token);
  }
  return out;
}

} // namespace keepa
