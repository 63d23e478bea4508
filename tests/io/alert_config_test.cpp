// The [alerts] and [alerts.NAME] sections: targets, inherited rules, and
// every error naming its key without quoting a webhook URL or a token.

#include "io/alert_config.hpp"

#include <boost/property_tree/ini_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <doctest/doctest.h>

#include <sstream>

using namespace keepa;

namespace {

const std::string discord_url
  = "https://discord.com/api/webhooks/123/SECRET-discord-token";

/// Reads `ini` (alert sections only) into settings, or the error.
std::variant<alert_settings, config_error> read(const std::string& ini) {
  std::istringstream in{ini};
  boost::property_tree::ptree tree;
  boost::property_tree::ini_parser::read_ini(in, tree);
  alert_settings out;
  if (auto err = read_alert_sections(tree, out))
    return *err;
  return out;
}

alert_settings good(const std::string& ini) {
  auto r = read(ini);
  if (auto* err = std::get_if<config_error>(&r))
    FAIL(err->what());
  return std::get<alert_settings>(r);
}

config_error bad(const std::string& ini) {
  auto r = read(ini);
  REQUIRE(std::holds_alternative<config_error>(r));
  return std::get<config_error>(r);
}

} // namespace

TEST_SUITE_BEGIN("alert_config");

TEST_CASE("no [alerts] section: no target") {
  CHECK(good("[web]\nlisten = off\n").targets.empty());
}

TEST_CASE("[alerts] is the first target and [alerts.NAME] more, inheriting "
          "the rules [alerts] sets") {
  auto s = good("[alerts]\nwebhook_url = " + discord_url
                + "\nformat = discord\nmin_profit = 8\nmax_rank = 500000\n"
                  "give_up_hours = 12\n"
                  "[alerts.phone]\nformat = telegram\nbot_token = 123:ABC\n"
                  "chat_id = -100200\nmin_profit = 15\n"
                  "[alerts.team]\nformat = slack\nwebhook_url = "
                  "https://hooks.slack.com/services/T/B/X\ndrop_percent = "
                  "20\nmax_per_minute = 3\n");
  REQUIRE(s.targets.size() == 3);
  CHECK(s.give_up_hours == 12);
  auto& first = s.targets[0];
  CHECK(first.name == "alerts");
  CHECK(first.format == alert_format::discord);
  CHECK(first.webhook_url == discord_url);
  CHECK(*first.rules.min_profit == 8);
  CHECK(*first.rules.max_rank == 500000);
  auto& phone = s.targets[1];
  CHECK(phone.name == "alerts.phone");
  CHECK(phone.format == alert_format::telegram);
  CHECK(phone.webhook_url == "https://api.telegram.org");
  CHECK(phone.bot_token == "123:ABC");
  CHECK(phone.chat_id == "-100200");
  CHECK(*phone.rules.min_profit == 15);
  CHECK(*phone.rules.max_rank == 500000);
  auto& team = s.targets[2];
  CHECK(team.rules.drop_percent == 20);
  CHECK(team.max_per_minute == 3);
  CHECK(*team.rules.min_profit == 8);
  CHECK(alert_secrets(s)
        == std::vector<std::string>{discord_url, "123:ABC",
                                    "https://hooks.slack.com/services/T/B/X"});
}

TEST_CASE("[alerts] holding only rules is no target itself") {
  auto s = good("[alerts]\nmin_roi = 30\n[alerts.me]\nformat = generic\n"
                "webhook_url = http://127.0.0.1:9000/hook\n");
  REQUIRE(s.targets.size() == 1);
  CHECK(s.targets[0].name == "alerts.me");
  CHECK(*s.targets[0].rules.min_roi == 30);
}

TEST_CASE("each bad alert key names the key and never the URL or token") {
  struct row {
    std::string ini;
    std::string key;
    std::string message;
  };
  const row rows[] = {
    {"[alerts]\nwebhook_url = " + discord_url + "\n", "alerts.format",
     "is needed: generic, discord, slack or telegram"},
    {"[alerts]\nformat = teams\nwebhook_url = " + discord_url + "\n",
     "alerts.format",
     "must be generic, discord, slack or telegram, got 'teams'"},
    {"[alerts]\nformat = discord\n", "alerts.webhook_url",
     "is needed with format = discord"},
    {"[alerts]\nformat = discord\nwebhook_url = "
     "ftp://discord.com/SECRET-discord-token\n",
     "alerts.webhook_url",
     "must be an http:// or https:// URL with a host (not shown here: it is "
     "a credential)"},
    {"[alerts]\nformat = slack\nwebhook_url = SECRET-discord-token\n",
     "alerts.webhook_url",
     "must be an http:// or https:// URL with a host (not shown here: it is "
     "a credential)"},
    {"[alerts.phone]\nformat = telegram\nchat_id = 5\n",
     "alerts.phone.bot_token", "is needed with format = telegram"},
    {"[alerts.phone]\nformat = telegram\nbot_token = 1:SECRET-discord-token\n",
     "alerts.phone.chat_id", "is needed with format = telegram"},
    {"[alerts]\nformat = discord\nwebhook_url = " + discord_url
       + "\nbot_token = x\n",
     "alerts.bot_token", "is only for format = telegram"},
    {"[alerts]\nformat = discord\nwebhook_url = " + discord_url
       + "\nmin_profit = lots\n",
     "alerts.min_profit", "must be a number from -1000 to 1000000, got 'lots'"},
    {"[alerts]\nmax_per_minute = 0\n", "alerts.max_per_minute",
     "must be a whole number from 1 to 60, got '0'"},
    {"[alerts]\ndrop_percent = 100\n", "alerts.drop_percent",
     "must be a number from 1 to 99, got '100'"},
    {"[alerts]\ngive_up_hours = 0\n", "alerts.give_up_hours",
     "must be a whole number from 1 to 720, got '0'"},
    {"[alerts]\ncolour = red\n", "alerts.colour",
     "unknown key (known in [alerts]: webhook_url, format, bot_token, "
     "chat_id, min_profit, min_roi, max_rank, min_drops90, drop_percent, "
     "max_per_minute, give_up_hours)"},
    {"[alerts.x]\nformat = generic\nwebhook_url = http://h/\ngive_up_hours = "
     "3\n",
     "alerts.x.give_up_hours",
     "unknown key (known in [alerts.x]: webhook_url, format, bot_token, "
     "chat_id, min_profit, min_roi, max_rank, min_drops90, drop_percent, "
     "max_per_minute)"},
    {"[alerts.a b]\nformat = generic\n", "[alerts.a b]",
     "a target's name is letters, digits, - and _"},
  };
  for (auto& r : rows) {
    CAPTURE(r.ini);
    auto err = bad(r.ini);
    CHECK(err.key == r.key);
    CHECK(err.message == r.message);
    CHECK(err.what().find("SECRET") == std::string::npos);
  }
}

TEST_SUITE_END();
