#include "io/config.hpp"

#include <boost/property_tree/ini_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/url/parse.hpp>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace keepa {

namespace {

namespace pt = boost::property_tree;

/// Every key config.ini may hold, `section.key`.
const std::set<std::string>& known_keys() {
  static const std::set<std::string> keys{
    "keepa.base_url",       "keepa.api_key",          "keepa.domain",
    "keepa.deal_query",     "keepa.request_timeout_s", "engine.peek_batch",
    "engine.commit_batch",  "engine.light_batch",     "engine.retention_hours",
    "engine.refresh_after_hours", "engine.deficit_floor",
    "engine.event_drop_percent", "engine.stall_minutes", "db.path", "fees.prep",
    "fees.shipping_estimate", "fees.tax_percent", "fees.tax_exempt",
    "fees.default_fba_fee", "fees.default_referral_percent",
    "fees.markup_percent", "fees.hard_cap", "fees.max_list_to_price",
    "log.level",            "log.file"};
  return keys;
}

/// A whole number in [lo, hi], or an error naming `key`.
std::optional<config_error> read_int(const std::string& key,
                                     const std::string& text, int lo, int hi,
                                     int& out) {
  config_error err{key, "must be a whole number from " + std::to_string(lo)
                          + " to " + std::to_string(hi) + ", got '" + text
                          + "'"};
  try {
    size_t used = 0;
    auto v = std::stoll(text, &used);
    if (used != text.size() || v < lo || v > hi)
      return err;
    out = static_cast<int>(v);
    return std::nullopt;
  } catch (const std::exception&) {
    return err;
  }
}

/// A decimal number in [lo, hi], or an error naming `key`.
std::optional<config_error> read_double(const std::string& key,
                                        const std::string& text, double lo,
                                        double hi, double& out) {
  config_error err{key, "must be a number from " + std::to_string(lo) + " to "
                          + std::to_string(hi) + ", got '" + text + "'"};
  try {
    size_t used = 0;
    auto v = std::stod(text, &used);
    if (used != text.size() || !(v >= lo && v <= hi))
      return err;
    out = v;
    return std::nullopt;
  } catch (const std::exception&) {
    return err;
  }
}

/// `true` or `false`, or an error naming `key`.
std::optional<config_error> read_bool(const std::string& key,
                                      const std::string& text, bool& out) {
  if (text != "true" && text != "false")
    return config_error{key, "must be true or false, got '" + text + "'"};
  out = text == "true";
  return std::nullopt;
}

/// Applies one `[fees]` key.
std::optional<config_error> apply_fee(const std::string& key,
                                      const std::string& value,
                                      fee_settings& f) {
  if (key == "fees.tax_exempt")
    return read_bool(key, value, f.tax_exempt);
  struct spec {
    const char* key;
    double fee_settings::*field;
    double lo;
    double hi;
  };
  static const spec specs[] = {
    {"fees.prep", &fee_settings::prep, 0, 1000},
    {"fees.shipping_estimate", &fee_settings::shipping_estimate, 0, 1000},
    {"fees.tax_percent", &fee_settings::tax_percent, 0, 100},
    {"fees.default_fba_fee", &fee_settings::default_fba_fee, 0, 1000},
    {"fees.default_referral_percent", &fee_settings::default_referral_percent,
     0, 100},
    {"fees.markup_percent", &fee_settings::markup_percent, 0, 99},
    {"fees.hard_cap", &fee_settings::hard_cap, 1, 1000000},
    {"fees.max_list_to_price", &fee_settings::max_list_to_price, 1, 1000},
  };
  for (auto& s : specs)
    if (key == s.key)
      return read_double(key, value, s.lo, s.hi, f.*s.field);
  return config_error{key, "unknown key"};
}

/// An http:// or https:// URL with a host, or an error naming `key`.
std::optional<config_error> check_base_url(const std::string& key,
                                           const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed)
    return config_error{key, "is not a URL: '" + url + "'"};
  auto scheme = parsed->scheme();
  if (scheme != "http" && scheme != "https")
    return config_error{key, "must start with http:// or https://, got '"
                               + url + "'"};
  if (parsed->host().empty())
    return config_error{key, "has no host: '" + url + "'"};
  return std::nullopt;
}

/// The file's text with `#` comment lines blanked (PropertyTree's INI
/// reader knows only `;`), line numbers unchanged.
std::string without_hash_comments(std::istream& in) {
  std::string text;
  std::string line;
  while (std::getline(in, line)) {
    auto first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] == '#')
      line.clear();
    text += line + '\n';
  }
  return text;
}

/// Reads the deal query file and checks it is a JSON object whose domainId
/// (if any) matches the configured domain.
std::optional<config_error> load_deal_query(const std::string& config_dir,
                                            keepa_settings& k) {
  const std::string key = "keepa.deal_query";
  std::filesystem::path path{k.deal_query_path};
  if (path.is_relative() && !config_dir.empty())
    path = std::filesystem::path{config_dir} / path;
  std::ifstream in{path};
  if (!in)
    return config_error{key, "cannot read '" + path.string() + "'"};
  std::stringstream text;
  text << in.rdbuf();
  k.deal_query_json = text.str();
  rapidjson::Document doc;
  doc.Parse(k.deal_query_json.c_str(), k.deal_query_json.size());
  if (doc.HasParseError())
    return config_error{key, "'" + path.string() + "' is not valid JSON at "
                               "offset "
                               + std::to_string(doc.GetErrorOffset()) + ": "
                               + rapidjson::GetParseError_En(
                                 doc.GetParseError())};
  if (!doc.IsObject())
    return config_error{key, "'" + path.string() + "' must hold a JSON object"};
  auto domain = doc.FindMember("domainId");
  if (domain != doc.MemberEnd()
      && (!domain->value.IsInt() || domain->value.GetInt() != k.domain))
    return config_error{key, "domainId in '" + path.string()
                               + "' differs from keepa.domain ("
                               + std::to_string(k.domain) + ")"};
  return std::nullopt;
}

/// Applies one `section.key = value` to the config.
std::optional<config_error> apply(const std::string& key,
                                  const std::string& value, config& c) {
  auto& e = c.engine;
  if (key == "keepa.base_url") {
    c.keepa.base_url = value;
    return check_base_url(key, value);
  }
  if (key == "keepa.api_key") {
    c.keepa.api_key = value;
    return std::nullopt;
  }
  if (key == "keepa.domain") {
    if (auto err = read_int(key, value, 1, 12, c.keepa.domain))
      return err;
    if (c.keepa.domain == 7)
      return config_error{key, "7 is not a Keepa domain (1-6 or 8-12)"};
    return std::nullopt;
  }
  if (key == "keepa.deal_query") {
    if (value.empty())
      return config_error{key, "must name a JSON file"};
    c.keepa.deal_query_path = value;
    return std::nullopt;
  }
  if (key == "keepa.request_timeout_s")
    return read_int(key, value, 1, 600, c.keepa.request_timeout_s);
  if (key == "engine.peek_batch")
    return read_int(key, value, 1, 100, e.peek_batch);
  if (key == "engine.commit_batch")
    return read_int(key, value, 1, 100, e.commit_batch);
  if (key == "engine.light_batch")
    return read_int(key, value, 1, 100, e.light_batch);
  if (key == "engine.retention_hours")
    return read_int(key, value, 1, 8760, e.retention_hours);
  if (key == "engine.refresh_after_hours")
    return read_int(key, value, 1, 8760, e.refresh_after_hours);
  if (key == "engine.deficit_floor")
    return read_int(key, value, -100000, 0, e.deficit_floor);
  if (key == "engine.event_drop_percent")
    return read_int(key, value, 1, 99, e.event_drop_percent);
  if (key == "engine.stall_minutes")
    return read_int(key, value, 1, 10080, e.stall_minutes);
  if (key == "db.path") {
    if (value.empty())
      return config_error{key, "must not be empty"};
    c.db_path = value;
    return std::nullopt;
  }
  if (key == "log.level") {
    static const std::set<std::string> levels{"trace", "debug", "info", "warn",
                                              "error"};
    if (levels.count(value) == 0)
      return config_error{key, "must be trace, debug, info, warn or error, "
                               "got '"
                                 + value + "'"};
    c.log_level = value;
    return std::nullopt;
  }
  if (key.rfind("fees.", 0) == 0)
    return apply_fee(key, value, c.fees);
  if (key == "log.file") {
    c.log_file = value;
    return std::nullopt;
  }
  return config_error{key, "unknown key (known: keepa.*, engine.*, db.path, "
                           "log.level, log.file)"};
}

/// Reads the INI file into `c`.
std::optional<config_error> read_file(const std::string& path, config& c) {
  std::ifstream in{path};
  if (!in)
    return config_error{path, "cannot read the config file"};
  std::istringstream text{without_hash_comments(in)};
  pt::ptree tree;
  try {
    pt::ini_parser::read_ini(text, tree);
  } catch (const pt::ini_parser_error& e) {
    return config_error{path, "line " + std::to_string(e.line()) + ": "
                                + e.message()};
  }
  for (auto& [section, keys] : tree) {
    if (keys.empty() && !keys.data().empty())
      return config_error{section, "a key outside any [section]"};
    for (auto& [name, node] : keys) {
      auto key = section + "." + name;
      if (known_keys().count(key) == 0)
        return config_error{key, "unknown key"};
      if (auto err = apply(key, node.data(), c))
        return err;
    }
  }
  return std::nullopt;
}

/// The value of a `--flag value` or `--flag=value`.
std::optional<std::string> flag_value(const std::string& arg, int& i, int argc,
                                      const char* const* argv) {
  auto eq = arg.find('=');
  if (eq != std::string::npos)
    return arg.substr(eq + 1);
  if (i + 1 >= argc)
    return std::nullopt;
  return std::string{argv[++i]};
}

} // namespace

std::variant<cli_options, config_error>
parse_command_line(int argc, const char* const* argv) {
  cli_options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto name = arg.substr(0, arg.find('='));
    if (name == "--demo" || name == "--once" || name == "--help"
        || name == "-h" || name == "--version") {
      if (name != arg)
        return config_error{name, "takes no value"};
      (name == "--demo"      ? o.demo
       : name == "--once"    ? o.once
       : name == "--version" ? o.version
                             : o.help)
        = true;
      continue;
    }
    if (name != "--config" && name != "--db" && name != "--log-level")
      return config_error{arg, "unknown flag"};
    auto value = flag_value(arg, i, argc, argv);
    if (!value || value->empty())
      return config_error{name, "needs a value"};
    if (name == "--config")
      o.config_path = *value;
    else if (name == "--db")
      o.db_path = *value;
    else
      o.log_level = *value;
  }
  return o;
}

std::string usage() {
  return "usage: keepa-ingest [--config PATH] [--db PATH]\n"
         "                    [--log-level trace|debug|info|warn|error]\n"
         "                    [--demo] [--once] [--help] [--version]\n"
         "\n"
         "  --config PATH     INI file (default: config.ini)\n"
         "  --db PATH         SQLite database, overrides [db] path\n"
         "  --log-level L     overrides [log] level\n"
         "  --demo            run against an embedded mock Keepa server\n"
         "  --once            one discovery cycle, drain, janitor pass, exit\n"
         "  --help            this text\n"
         "  --version         the version\n"
         "\n"
         "Environment overrides of config.ini: KEEPA_API_KEY, KEEPA_BASE_URL,\n"
         "KEEPA_DB. Console on stdin: status, dump [NAME], pause, resume,\n"
         "rewind HOURS, refresh ASIN, janitor, quit.\n"
         "Exit codes: 0 clean stop, 1 runtime error, 2 bad usage or config.\n";
}

env_lookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (auto* v = std::getenv(name.c_str()))
      return std::string{v};
    return std::nullopt;
  };
}

std::variant<config, config_error> load_config(const cli_options& cli,
                                               const env_lookup& env) {
  config c;
  if (auto err = read_file(cli.config_path, c))
    return *err;
  if (auto key = env("KEEPA_API_KEY"))
    c.keepa.api_key = *key;
  if (auto url = env("KEEPA_BASE_URL")) {
    c.keepa.base_url = *url;
    if (auto err = check_base_url("KEEPA_BASE_URL", *url))
      return *err;
  }
  if (auto db = env("KEEPA_DB"); db && !db->empty())
    c.db_path = *db;
  if (cli.db_path)
    c.db_path = *cli.db_path;
  if (cli.log_level)
    if (auto err = apply("log.level", *cli.log_level, c))
      return config_error{"--log-level", err->message};
  if (c.keepa.api_key.empty() && !cli.demo)
    return config_error{"keepa.api_key",
                        "is empty; set it in the config file or in "
                        "KEEPA_API_KEY (or run with --demo)"};
  auto dir = std::filesystem::path{cli.config_path}.parent_path().string();
  if (auto err = load_deal_query(dir, c.keepa))
    return *err;
  return c;
}

} // namespace keepa
