#pragma once

// Where alerts go (`[alerts]` and `[alerts.NAME]` in config.ini,
// docs/contract.md#alerts): a webhook in one format, the rules of what it
// hears of, and how many alerts a minute it takes before a digest.

#include "model/alert.hpp"
#include "model/alert_body.hpp"

#include <string>
#include <vector>

namespace keepa {

struct alert_target {
  /// `alerts` for the target in [alerts] itself, else `alerts.NAME`.
  std::string name;
  alert_format format = alert_format::generic;
  /// The webhook (Telegram: the Bot API's base URL). A credential: never
  /// logged, shown or stored.
  std::string webhook_url;
  /// Telegram only: the bot's token (a credential) and the chat.
  std::string bot_token;
  std::string chat_id;
  alert_rules rules;
  /// Messages a minute: one alert each while they fit, else digests.
  int max_per_minute = 10;
};

struct alert_settings {
  std::vector<alert_target> targets;
  /// Hours an alert is retried before it is marked failed.
  int give_up_hours = 24;
};

} // namespace keepa
