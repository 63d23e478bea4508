#include "io/config.hpp"

#include "io/alert_config.hpp"
#include "io/config_values.hpp"

#include "io/deal_query.hpp"
#include "io/redact.hpp"
#include "io/server_tls.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/property_tree/ini_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/url/parse.hpp>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

namespace keepa {

namespace {

namespace fs = std::filesystem;
namespace pt = boost::property_tree;

/// Stores `value` under `key` in the config, or says why it cannot.
using setter = maybe_error (*)(const std::string& key, const std::string& value,
                               config& c);

/// One key config.ini may hold: its `section.key` name and its validator.
struct key_spec {
  std::string_view key;
  setter set;
};

/// The whole content of a regular file, or nothing when it cannot be read.
std::optional<std::string> read_text(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return std::nullopt;
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return std::nullopt;
  return text.str();
}

/// Sets the number `(c.*section).*field`, checked against [lo, hi].
template <auto section, auto field, int lo, int hi>
maybe_error
set_number(const std::string& key, const std::string& value, config& c) {
  return read_number(key, value, lo, hi, (c.*section).*field);
}

/// An http:// or https:// URL with a host, or an error naming `key`.
maybe_error check_base_url(const std::string& key, const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed)
    return config_error{key, "is not a URL: '" + url + "'"};
  auto scheme = parsed->scheme();
  if (scheme != "http" && scheme != "https")
    return config_error{key, "must start with http:// or https://, got '" + url
                               + "'"};
  if (parsed->host().empty())
    return config_error{key, "has no host: '" + url + "'"};
  return std::nullopt;
}

/// Sets [keepa] base_url.
maybe_error set_base_url(const std::string& key, const std::string& value,
                         config& c) {
  c.keepa.base_url = value;
  return check_base_url(key, value);
}

/// Sets [keepa] api_key; the value is never echoed.
maybe_error set_api_key(const std::string&, const std::string& value,
                        config& c) {
  c.keepa.api_key = value;
  return std::nullopt;
}

/// Sets [keepa] domain: a Keepa locale, 1-6 or 8-12 (docs/keepa.md#requests).
maybe_error set_domain(const std::string& key, const std::string& value,
                       config& c) {
  int domain = 0;
  if (read_number(key, value, 1, 12, domain) || domain == 7)
    return config_error{key, "must be a Keepa domain, 1-6 or 8-12, got '"
                               + value + "'"};
  c.keepa.domain = domain;
  return std::nullopt;
}

/// Sets [keepa] deal_query, the JSON file's path (read later).
maybe_error set_deal_query(const std::string& key, const std::string& value,
                           config& c) {
  if (value.empty())
    return config_error{key, "must name a JSON file"};
  c.keepa.deal_query_path = value;
  return std::nullopt;
}

/// Sets [db] path.
maybe_error set_db_path(const std::string& key, const std::string& value,
                        config& c) {
  if (value.empty())
    return config_error{key, "must not be empty"};
  c.db_path = value;
  return std::nullopt;
}

/// Sets [log] level.
maybe_error set_log_level(const std::string& key, const std::string& value,
                          config& c) {
  static const std::set<std::string> levels{"trace", "debug", "info", "warn",
                                            "error"};
  if (levels.count(value) == 0)
    return config_error{key, "must be trace, debug, info, warn or error, got '"
                               + value + "'"};
  c.log_level = value;
  return std::nullopt;
}

/// Sets [log] file; empty means no log file.
maybe_error set_log_file(const std::string&, const std::string& value,
                         config& c) {
  c.log_file = value;
  return std::nullopt;
}

/// Sets [fees] tax_exempt.
maybe_error set_tax_exempt(const std::string& key, const std::string& value,
                           config& c) {
  if (value != "true" && value != "false")
    return config_error{key, "must be true or false, got '" + value + "'"};
  c.fees.tax_exempt = value == "true";
  return std::nullopt;
}

/// Sets [engine] listing_rows.
maybe_error set_listing_rows(const std::string& key, const std::string& value,
                             config& c) {
  if (value != "true" && value != "false")
    return config_error{key, "must be true or false, got '" + value + "'"};
  c.engine.listing_rows = value == "true";
  return std::nullopt;
}

/// Sets [web] listen: `off`, or HOST:PORT with an IP address (IPv6 in
/// brackets) and a port from 0 (any free port) to 65535.
maybe_error set_web_listen(const std::string& key, const std::string& value,
                           config& c) {
  if (value == "off") {
    c.web.enabled = false;
    return std::nullopt;
  }
  auto colon = value.rfind(':');
  auto bad = config_error{key, "must be off or HOST:PORT with an IP address, "
                               "e.g. 127.0.0.1:8080, got '"
                                 + value + "'"};
  if (colon == std::string::npos || colon == 0)
    return bad;
  auto host = value.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  auto port_text = value.substr(colon + 1);
  int port = -1;
  auto [end, perr] = std::from_chars(port_text.data(),
                                     port_text.data() + port_text.size(), port);
  if (ec || perr != std::errc{} || end != port_text.data() + port_text.size()
      || port < 0 || port > 65535)
    return bad;
  c.web.enabled = true;
  c.web.address = host;
  c.web.port = port;
  return std::nullopt;
}

/// Sets [web] password.
maybe_error set_web_password(const std::string&, const std::string& value,
                             config& c) {
  c.web.password = value;
  return std::nullopt;
}

/// Sets [web] tls_cert, a file path (checked with tls_key, see check_tls).
maybe_error set_web_tls_cert(const std::string&, const std::string& value,
                             config& c) {
  c.web.tls_cert = value;
  return std::nullopt;
}

/// Sets [web] tls_key, a file path (checked with tls_cert, see check_tls).
maybe_error set_web_tls_key(const std::string&, const std::string& value,
                            config& c) {
  c.web.tls_key = value;
  return std::nullopt;
}

/// Sets [fees] target_roi_percent.
maybe_error set_target_roi(const std::string& key, const std::string& value,
                           config& c) {
  double x = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(),
                                   x);
  if (ec != std::errc{} || end != value.data() + value.size() || x < 0
      || x > 1000)
    return config_error{key,
                        "must be a number from 0 to 1000, got '" + value + "'"};
  c.target_roi_percent = x;
  return std::nullopt;
}

/// Every key config.ini may hold, in file order, with its validation.
const std::vector<key_spec>& key_specs() {
  constexpr auto k = &config::keepa;
  constexpr auto e = &config::engine;
  constexpr auto f = &config::fees;
  using ks = keepa_settings;
  using es = engine_settings;
  using fe = fee_settings;
  static const std::vector<key_spec> specs{
    {"keepa.base_url", set_base_url},
    {"keepa.api_key", set_api_key},
    {"keepa.domain", set_domain},
    {"keepa.deal_query", set_deal_query},
    {"keepa.request_timeout_s", set_number<k, &ks::request_timeout_s, 1, 600>},
    {"engine.peek_batch", set_number<e, &es::peek_batch, 1, 100>},
    {"engine.commit_batch", set_number<e, &es::commit_batch, 1, 100>},
    {"engine.light_batch", set_number<e, &es::light_batch, 1, 100>},
    {"engine.retention_hours", set_number<e, &es::retention_hours, 1, 8760>},
    {"engine.refresh_after_hours",
     set_number<e, &es::refresh_after_hours, 1, 8760>},
    {"engine.deficit_floor", set_number<e, &es::deficit_floor, -100000, 0>},
    {"engine.event_drop_percent",
     set_number<e, &es::event_drop_percent, 1, 99>},
    {"engine.stall_minutes", set_number<e, &es::stall_minutes, 1, 10080>},
    {"engine.janitor_interval_minutes",
     set_number<e, &es::janitor_interval_minutes, 1, 1440>},
    {"engine.listing_rows", set_listing_rows},
    {"fees.prep", set_number<f, &fe::prep, 0, 1000>},
    {"fees.shipping_estimate", set_number<f, &fe::shipping_estimate, 0, 1000>},
    {"fees.tax_percent", set_number<f, &fe::tax_percent, 0, 100>},
    {"fees.tax_exempt", set_tax_exempt},
    {"fees.default_fba_fee", set_number<f, &fe::default_fba_fee, 0, 1000>},
    {"fees.default_referral_percent",
     set_number<f, &fe::default_referral_percent, 0, 100>},
    {"fees.markup_percent", set_number<f, &fe::markup_percent, 0, 99>},
    {"fees.hard_cap", set_number<f, &fe::hard_cap, 1, 1000000>},
    {"fees.max_list_to_price", set_number<f, &fe::max_list_to_price, 1, 1000>},
    {"fees.target_roi_percent", set_target_roi},
    {"db.path", set_db_path},
    {"log.level", set_log_level},
    {"log.file", set_log_file},
    {"web.listen", set_web_listen},
    {"web.password", set_web_password},
    {"web.tls_cert", set_web_tls_cert},
    {"web.tls_key", set_web_tls_key},
  };
  return specs;
}

/// The spec of `section.key`, or null when there is none.
const key_spec* find_spec(const std::string& key) {
  for (auto& s : key_specs())
    if (s.key == key)
      return &s;
  return nullptr;
}

/// The keys of `section`, comma-separated; empty for an unknown section.
std::string keys_of(const std::string& section) {
  std::string out;
  auto prefix = section + ".";
  for (auto& s : key_specs())
    if (s.key.compare(0, prefix.size(), prefix) == 0)
      out += (out.empty() ? "" : ", ")
             + std::string{s.key.substr(prefix.size())};
  return out;
}

/// The sections config.ini may hold, as `[a], [b]`.
std::string known_sections() {
  std::string out;
  std::string last;
  for (auto& s : key_specs()) {
    std::string section{s.key.substr(0, s.key.find('.'))};
    if (section != last)
      out += (out.empty() ? "[" : ", [") + section + "]";
    last = section;
  }
  return out + ", [alerts], [alerts.NAME]";
}

/// Applies `value` to `key` on behalf of `source` (an environment variable
/// or a flag), so that an error names the source.
maybe_error apply_override(const std::string& source, const std::string& key,
                           const std::string& value, config& c) {
  auto err = find_spec(key)->set(key, value, c);
  if (err)
    err->key = source;
  return err;
}

/// The file's text with `#` comment lines blanked (PropertyTree's INI
/// reader knows only `;`), line numbers unchanged.
std::string without_hash_comments(const std::string& text) {
  std::istringstream in{text};
  std::string out;
  std::string line;
  while (std::getline(in, line)) {
    auto first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] == '#')
      line.clear();
    out += line + '\n';
  }
  return out;
}

/// `err` with every API key it might quote (one pasted into the wrong key,
/// say) replaced by `***`.
config_error without_keys(config_error err,
                          std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    err.key = redact(err.key, key);
    err.message = redact(err.message, key);
  }
  return err;
}

/// Validates and applies every key of one INI section.
maybe_error apply_section(const std::string& section, const pt::ptree& keys,
                          config& c) {
  auto known = keys_of(section);
  if (known.empty())
    return config_error{"[" + section + "]",
                        "unknown section (known: " + known_sections() + ")"};
  for (auto& [name, node] : keys) {
    auto key = section + "." + name;
    auto spec = find_spec(key);
    if (spec == nullptr)
      return config_error{key, "unknown key (known in [" + section
                                 + "]: " + known + ")"};
    if (auto err = spec->set(key, node.data(), c))
      return err;
  }
  return std::nullopt;
}

/// Reads the INI file at `path` into `c`.
maybe_error read_file(const std::string& path, config& c) {
  auto text = read_text(path);
  if (!text)
    return config_error{path, "cannot read the config file"};
  std::istringstream in{without_hash_comments(*text)};
  pt::ptree tree;
  try {
    pt::ini_parser::read_ini(in, tree);
  } catch (const pt::ini_parser_error& e) {
    return config_error{path, "line " + std::to_string(e.line()) + ": "
                                + e.message()};
  }
  auto file_key = tree.get<std::string>("keepa.api_key", "");
  for (auto& [section, keys] : tree) {
    if (is_alert_section(section))
      continue;
    auto err = keys.empty() && !keys.data().empty()
                 ? config_error{section, "a key outside any [section]"}
                 : apply_section(section, keys, c);
    if (err)
      return without_keys(*err, {file_key});
  }
  if (auto err = read_alert_sections(tree, c.alerts)) {
    err = without_keys(*err, {file_key});
    for (auto& secret : alert_secrets(c.alerts))
      err = without_keys(*err, {secret});
    return err;
  }
  return std::nullopt;
}

/// Checks that the deal query's domainId, if any (an int, or a string of
/// one as real clients send), is the configured domain.
maybe_error check_query_domain(const rapidjson::Document& doc, int domain,
                               const std::string& file) {
  auto m = doc.FindMember("domainId");
  if (m == doc.MemberEnd())
    return std::nullopt;
  std::string got = m->value.IsInt()      ? std::to_string(m->value.GetInt())
                    : m->value.IsString() ? m->value.GetString()
                                          : "";
  if (got == std::to_string(domain))
    return std::nullopt;
  return config_error{"keepa.deal_query", "domainId in " + file
                                            + " differs from keepa.domain ("
                                            + std::to_string(domain) + ")"};
}

/// Reads the deal query file (relative to `config_dir`) and checks it is a
/// JSON object whose domainId, if any, matches the configured domain.
maybe_error load_deal_query(const fs::path& config_dir, keepa_settings& k) {
  const std::string key = "keepa.deal_query";
  fs::path path{k.deal_query_path};
  if (path.is_relative())
    path = config_dir / path;
  auto file = "'" + path.string() + "'";
  auto text = read_text(path);
  if (!text)
    return config_error{key, "cannot read " + file};
  rapidjson::Document doc;
  doc.Parse(text->c_str(), text->size());
  if (doc.HasParseError())
    return config_error{key,
                        file + " is not valid JSON at offset "
                          + std::to_string(doc.GetErrorOffset()) + ": "
                          + rapidjson::GetParseError_En(doc.GetParseError())};
  if (!doc.IsObject())
    return config_error{key, file + " must hold a JSON object"};
  if (auto err = check_query_domain(doc, k.domain, file))
    return err;
  if (auto problem = check_selection(doc))
    return config_error{key,
                        file + ": " + problem->field + " " + problem->message};
  k.deal_query_json = std::move(*text);
  return std::nullopt;
}

/// Applies the environment overrides (KEEPA_API_KEY, KEEPA_BASE_URL,
/// KEEPA_DB); a variable set to "" counts as unset.
maybe_error apply_env(const env_lookup& env, config& c) {
  static const std::pair<const char*, const char*> vars[] = {
    {"KEEPA_API_KEY", "keepa.api_key"},
    {"KEEPA_BASE_URL", "keepa.base_url"},
    {"KEEPA_DB", "db.path"},
  };
  for (auto& [name, key] : vars)
    if (auto value = env(name); value && !value->empty())
      if (auto err = apply_override(name, key, *value, c))
        return err;
  return std::nullopt;
}

/// Applies the command-line overrides: --db, --log-level.
maybe_error apply_cli(const cli_options& cli, config& c) {
  if (cli.db_path)
    if (auto err = apply_override("--db", "db.path", *cli.db_path, c))
      return err;
  if (cli.log_level)
    if (auto err = apply_override("--log-level", "log.level", *cli.log_level,
                                  c))
      return err;
  if (cli.web_listen)
    return apply_override("--web-listen", "web.listen", *cli.web_listen, c);
  return std::nullopt;
}

/// [web] tls_cert and tls_key: both or neither, and while the board is on,
/// files it can serve HTTPS with.
maybe_error check_tls(const web_config& web) {
  if (web.tls_cert.empty() && !web.tls_key.empty())
    return config_error{"web.tls_cert", "is needed with web.tls_key"};
  if (!web.tls_cert.empty() && web.tls_key.empty())
    return config_error{"web.tls_key", "is needed with web.tls_cert"};
  if (!web.enabled || web.tls_cert.empty())
    return std::nullopt;
  auto tls = server_tls_context(web.tls_cert, web.tls_key);
  if (auto* err = std::get_if<config_error>(&tls))
    return *err;
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

/// The switch a valueless flag sets, or null when `name` is not one.
bool* switch_of(const std::string& name, cli_options& o) {
  if (name == "--demo")
    return &o.demo;
  if (name == "--once")
    return &o.once;
  if (name == "--help" || name == "-h")
    return &o.help;
  if (name == "--version")
    return &o.version;
  return nullptr;
}

/// Whether `name` is a flag that takes a value.
bool takes_value(const std::string& name) {
  return name == "--config" || name == "--db" || name == "--log-level"
         || name == "--web-listen";
}

/// Stores the value of a flag that takes one.
void set_value(const std::string& name, const std::string& value,
               cli_options& o) {
  if (name == "--config")
    o.config_path = value;
  else if (name == "--db")
    o.db_path = value;
  else if (name == "--web-listen")
    o.web_listen = value;
  else
    o.log_level = value;
}

} // namespace

std::variant<cli_options, config_error>
parse_command_line(int argc, const char* const* argv) {
  cli_options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto name = arg.substr(0, arg.find('='));
    if (auto* flag = switch_of(name, o)) {
      if (name != arg)
        return config_error{name, "takes no value"};
      *flag = true;
      continue;
    }
    if (!takes_value(name))
      return config_error{name, "unknown flag"};
    auto value = flag_value(arg, i, argc, argv);
    if (!value || value->empty())
      return config_error{name, "needs a value"};
    set_value(name, *value, o);
  }
  return o;
}

std::string usage() {
  return "usage: keepa-ingest [--config PATH] [--db PATH]\n"
         "                    [--log-level trace|debug|info|warn|error]\n"
         "                    [--web-listen HOST:PORT|off]\n"
         "                    [--demo] [--once] [--help] [--version]\n"
         "\n"
         "  --config PATH     INI file (default: config.ini)\n"
         "  --db PATH         SQLite database, overrides [db] path\n"
         "  --log-level L     overrides [log] level\n"
         "  --web-listen A    the deal board's HOST:PORT (0: a free port) or\n"
         "                    off; overrides [web] listen\n"
         "  --demo            run against an embedded mock Keepa server\n"
         "  --once            one discovery cycle, drain, janitor pass, exit\n"
         "  --help            this text\n"
         "  --version         the version\n"
         "Flags also take --flag=value.\n"
         "\n"
         "Precedence: config.ini < environment < flags. Environment:\n"
         "  KEEPA_API_KEY     overrides [keepa] api_key\n"
         "  KEEPA_BASE_URL    overrides [keepa] base_url\n"
         "  KEEPA_DB          overrides [db] path\n"
         "(a variable set to \"\" counts as unset)\n"
         "\n"
         "Console on stdin: status, dump [NAME], pause, resume,\n"
         "rewind HOURS, refresh ASIN,\n"
         "mark ASIN watch|bought|dismissed|none, janitor, quit.\n"
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
  auto env_key = env("KEEPA_API_KEY").value_or("");
  auto fail = [&](const config_error& err) {
    return without_keys(err, {env_key, c.keepa.api_key});
  };
  if (auto err = read_file(cli.config_path, c))
    return fail(*err);
  if (auto err = apply_env(env, c))
    return fail(*err);
  if (auto err = apply_cli(cli, c))
    return fail(*err);
  if (c.keepa.api_key.empty() && !cli.demo)
    return config_error{"keepa.api_key",
                        "is empty; set it in the config file or in "
                        "KEEPA_API_KEY (or run with --demo)"};
  if (c.web.enabled && c.web.password.empty()) {
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(c.web.address, ec);
    if (!address.is_loopback())
      return config_error{"web.password",
                          "is needed to listen on " + c.web.address
                            + ", which is not a loopback address"};
  }
  if (auto err = check_tls(c.web))
    return *err;
  auto dir = fs::path{cli.config_path}.parent_path();
  if (auto err = load_deal_query(dir, c.keepa))
    return fail(*err);
  return c;
}

} // namespace keepa
