#pragma once

// The command line and config.ini (docs/contract.md): parsed, validated key by
// key, with environment overrides. Every problem is a config_error that
// names the key (or file) and never contains the API key.

#include "model/alert_target.hpp"
#include "model/analytics.hpp"
#include "model/defaults.hpp"

#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace keepa {

struct keepa_settings {
  std::string base_url = "https://api.keepa.com";
  std::string api_key;
  int domain = defaults::domain;
  std::string deal_query_path = defaults::deal_query_path;
  /// The deal query file's content, a validated JSON object.
  std::string deal_query_json;
  int request_timeout_s = defaults::request_timeout_s;
};

struct engine_settings {
  int peek_batch = defaults::peek_batch;
  int commit_batch = defaults::commit_batch;
  int light_batch = defaults::light_batch;
  int retention_hours = defaults::retention_hours;
  int refresh_after_hours = defaults::refresh_after_hours;
  int deficit_floor = defaults::deficit_floor;
  /// A refresh lowering an active deal's price by more than this percent
  /// records a price-drop event.
  int event_drop_percent = defaults::event_drop_percent;
  /// Without a successful Keepa response for this long, ingestion counts
  /// as stalled and the janitor deletes nothing.
  int stall_minutes = defaults::stall_minutes;
  /// Engine-alive minutes between two janitor passes.
  int janitor_interval_minutes = defaults::janitor_interval_minutes;
  /// Peek survivors become active rows priced from their listing, offers
  /// bought only where they change a decision (spend_levers).
  bool listing_rows = true;
};

/// The deal board's server (`[web]`).
struct web_config {
  /// Off: no server. Else the address and port (0: any free port).
  bool enabled = true;
  std::string address = "127.0.0.1";
  int port = defaults::web_port;
  /// HTTP basic password; required unless the address is loopback.
  std::string password;
  /// PEM certificate chain and private key files: HTTPS when both are
  /// set, plain HTTP when neither is.
  std::string tls_cert;
  std::string tls_key;
};

struct config {
  keepa_settings keepa;
  engine_settings engine;
  fee_settings fees;
  /// The ROI the board's max buy cost aims at, percent.
  double target_roi_percent = defaults::target_roi_percent;
  web_config web;
  /// Webhook targets and their rules; none when config.ini has no
  /// [alerts] section.
  alert_settings alerts;
  std::string db_path = "data/deals.db";
  std::string log_level = "info";
  std::string log_file = "logs/keepa-ingest.log";
};

struct cli_options {
  std::string config_path = "config.ini";
  std::optional<std::string> db_path;
  std::optional<std::string> log_level;
  std::optional<std::string> web_listen;
  bool demo = false;
  bool once = false;
  bool help = false;
  bool version = false;
};

/// A bad flag, file or key.
struct config_error {
  /// `section.key`, `[section]`, a flag, an environment variable or a file.
  std::string key;
  std::string message;

  std::string what() const {
    return key + ": " + message;
  }
};

/// Parses the flags of docs/contract.md (`--flag value` or `--flag=value`).
std::variant<cli_options, config_error>
parse_command_line(int argc, const char* const* argv);

/// The usage text: every flag, the config file and its overrides.
std::string usage();

/// Looks up an environment variable.
using env_lookup
  = std::function<std::optional<std::string>(const std::string&)>;

/// The process environment.
env_lookup process_env();

/// Reads and validates the configuration: file < environment < flags.
std::variant<config, config_error> load_config(const cli_options& cli,
                                               const env_lookup& env);

} // namespace keepa
