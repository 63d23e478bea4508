#pragma once

// An alert message as the body each webhook format wants
// (docs/contract.md#alert-bodies): our own JSON, a Discord embed, Slack
// blocks, a Telegram sendMessage. Every text from Keepa is escaped for the
// format it lands in, and no body can mention @everyone.

#include "model/alert.hpp"

#include <optional>
#include <string>

namespace keepa {

enum class alert_format { generic, discord, slack, telegram };

const char* to_string(alert_format f);

/// The format named `name`; nullopt for an unknown one.
std::optional<alert_format> parse_alert_format(const std::string& name);

/// The JSON body of `m` in `format`; `telegram_chat_id` is the chat a
/// Telegram message goes to.
std::string alert_body(alert_format format, const alert_message& m,
                       const std::string& telegram_chat_id = "");

/// The alert an outbox row holds (the generic body of one alert, as
/// written by the db_writer); nullopt when it is not such a body.
std::optional<alert> read_alert(const std::string& generic_body);

/// One alert as one line of text: what happened, the title, the price,
/// the profit, the ROI and the rank.
std::string alert_line(const alert& a);

} // namespace keepa
