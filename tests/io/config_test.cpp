#include "io/config.hpp"
#include "io/logging.hpp"
#include "support/process.hpp"

#include <doctest/doctest.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace keepa;
using keepa::test::fresh_dir;

namespace {

const std::string secret = "SECRETKEY1234567890";

/// An environment made of a map.
env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto i = vars.find(name);
    if (i == vars.end())
      return std::nullopt;
    return i->second;
  };
}

/// The repo's config.ini and deal_query.json copied to a fresh directory,
/// with one line replaced (or appended when `find` is empty).
std::string config_dir_with(const std::string& find, const std::string& replace,
                            const std::string& query = "") {
  auto dir = fresh_dir("config");
  std::ifstream in{std::string{KEEPA_SOURCE_DIR} + "/config.ini"};
  std::stringstream text;
  text << in.rdbuf();
  auto s = text.str();
  if (find.empty())
    s += "\n" + replace + "\n";
  else
    s.replace(s.find(find), find.size(), replace);
  std::ofstream{dir + "/config.ini"} << s;
  std::ifstream q{std::string{KEEPA_SOURCE_DIR} + "/deal_query.json"};
  std::stringstream qtext;
  qtext << q.rdbuf();
  std::ofstream{dir + "/deal_query.json"} << (query.empty() ? qtext.str()
                                                            : query);
  return dir;
}

std::variant<config, config_error> load(const std::string& dir,
                                        std::map<std::string, std::string> env
                                        = {{"KEEPA_API_KEY", secret}}) {
  cli_options cli;
  cli.config_path = dir + "/config.ini";
  return load_config(cli, env_of(std::move(env)));
}

std::variant<cli_options, config_error>
parse(std::vector<const char*> args) {
  args.insert(args.begin(), "keepa-ingest");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

} // namespace

TEST_CASE("the command line: every flag, both value forms, and errors") {
  auto ok = parse({"--config", "x.ini", "--db=d.db", "--log-level", "debug",
                   "--demo", "--once"});
  REQUIRE(std::holds_alternative<cli_options>(ok));
  auto& o = std::get<cli_options>(ok);
  CHECK(o.config_path == "x.ini");
  CHECK(*o.db_path == "d.db");
  CHECK(*o.log_level == "debug");
  CHECK(o.demo);
  CHECK(o.once);
  CHECK(std::get<cli_options>(parse({"--help"})).help);
  CHECK(std::get<cli_options>(parse({"--version"})).version);
  CHECK(std::get<config_error>(parse({"--frobnicate"})).key == "--frobnicate");
  CHECK(std::get<config_error>(parse({"--config"})).key == "--config");
  CHECK(std::get<config_error>(parse({"--demo=1"})).key == "--demo");
}

TEST_CASE("the shipped config.ini loads with the key from the environment") {
  auto got = load(config_dir_with("", ""));
  REQUIRE(std::holds_alternative<config>(got));
  auto& c = std::get<config>(got);
  CHECK(c.keepa.api_key == secret);
  CHECK(c.keepa.base_url == "https://api.keepa.com");
  CHECK(c.engine.peek_batch == 50);
  CHECK(c.engine.commit_batch == 5);
  CHECK(c.engine.deficit_floor == -180);
  CHECK(c.db_path == "data/deals.db");
  CHECK(c.keepa.deal_query_json.find("\"sortType\": 1") != std::string::npos);
}

TEST_CASE("each bad value names its key and never the API key") {
  struct row {
    const char* find;
    const char* replace;
    const char* key;
  };
  const row rows[] = {
    {"peek_batch = 50", "peek_batch = abc", "engine.peek_batch"},
    {"peek_batch = 50", "peek_batch = 0", "engine.peek_batch"},
    {"peek_batch = 50", "peek_batch = 101", "engine.peek_batch"},
    {"peek_batch = 50", "peek_batch = 1.5", "engine.peek_batch"},
    {"peek_batch = 50", "peek_batch =", "engine.peek_batch"},
    {"request_timeout_s = 60", "request_timeout_s = 0",
     "keepa.request_timeout_s"},
    {"base_url = https://api.keepa.com", "base_url = ftp://x",
     "keepa.base_url"},
    {"base_url = https://api.keepa.com", "base_url = notaurl",
     "keepa.base_url"},
    {"level = info", "level = loud", "log.level"},
    {"peek_batch = 50", "peek_batch = 50\ncolour = red", "engine.colour"},
    {"", "[extra]\nx = 1", "extra.x"},
    {"deal_query = deal_query.json", "deal_query = missing.json",
     "keepa.deal_query"},
    {"domain = 1", "domain = 2", "keepa.deal_query"},
  };
  for (auto& r : rows) {
    CAPTURE(r.replace);
    auto got = load(config_dir_with(r.find, r.replace));
    REQUIRE(std::holds_alternative<config_error>(got));
    auto& err = std::get<config_error>(got);
    CHECK(err.key == r.key);
    CHECK(err.what().find(r.key) != std::string::npos);
    CHECK(err.what().find(secret) == std::string::npos);
  }
}

TEST_CASE("a deal query that is not a JSON object is refused") {
  for (auto query : {"{\"page\": 0,", "[1, 2]", "not json"}) {
    CAPTURE(query);
    auto got = load(config_dir_with("", "", query));
    REQUIRE(std::holds_alternative<config_error>(got));
    CHECK(std::get<config_error>(got).key == "keepa.deal_query");
  }
}

TEST_CASE("an empty key is an error unless --demo") {
  auto dir = config_dir_with("", "");
  auto got = load(dir, {});
  REQUIRE(std::holds_alternative<config_error>(got));
  CHECK(std::get<config_error>(got).key == "keepa.api_key");
  cli_options cli;
  cli.config_path = dir + "/config.ini";
  cli.demo = true;
  CHECK(std::holds_alternative<config>(load_config(cli, env_of({}))));
}

TEST_CASE("precedence: file < environment < command line") {
  auto dir = config_dir_with("path = data/deals.db", "path = file.db");
  cli_options cli;
  cli.config_path = dir + "/config.ini";
  auto env = env_of({{"KEEPA_API_KEY", secret},
                     {"KEEPA_DB", "env.db"},
                     {"KEEPA_BASE_URL", "http://127.0.0.1:9"}});
  auto c = std::get<config>(load_config(cli, env));
  CHECK(c.db_path == "env.db");
  CHECK(c.keepa.base_url == "http://127.0.0.1:9");
  cli.db_path = "cli.db";
  cli.log_level = "warn";
  c = std::get<config>(load_config(cli, env));
  CHECK(c.db_path == "cli.db");
  CHECK(c.log_level == "warn");
  auto bad = load_config(cli, env_of({{"KEEPA_API_KEY", secret},
                                      {"KEEPA_BASE_URL", "gopher://x"}}));
  CHECK(std::get<config_error>(bad).key == "KEEPA_BASE_URL");
}

TEST_CASE("a missing config file names the file") {
  cli_options cli;
  cli.config_path = "/nonexistent/keepa.ini";
  auto got = load_config(cli, env_of({}));
  CHECK(std::get<config_error>(got).key == "/nonexistent/keepa.ini");
}

TEST_CASE("redact masks the secret and every key= value") {
  struct row {
    std::string in;
    std::string out;
  };
  row rows[] = {
    {"a " + secret + " b", "a *** b"},
    {secret + secret, "******"},
    {"GET /product?key=" + secret + "&asin=X", "GET /product?key=***&asin=X"},
    {"http://h/token?key=other-key failed", "http://h/token?key=*** failed"},
    {"nothing here", "nothing here"},
  };
  for (auto& r : rows)
    CHECK(redact(r.in, secret) == r.out);
  CHECK(redact("x", "") == "x");
}

TEST_CASE("no log line carries the key, on the console or in the file") {
  auto dir = fresh_dir("logging");
  config c;
  c.log_file = dir + "/logs/test.log";
  init_logging(c, false, secret);
  spdlog::info("calling https://api.keepa.com/product?key={}&asin=1", secret);
  spdlog::warn("the key is {}", secret);
  spdlog::default_logger()->flush();
  std::ifstream in{c.log_file};
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str().find(secret) == std::string::npos);
  CHECK(text.str().find("key=***") != std::string::npos);
  CHECK(text.str().find("the key is ***") != std::string::npos);
  spdlog::set_default_logger(spdlog::stdout_color_mt("test-console"));
}
