// The command line and config.ini: every flag, every key's validation, the
// precedence of file, environment and flags, and no API key in any error.

#include "io/config.hpp"
#include "model/defaults.hpp"

#include "support/process.hpp"
#include "support/self_signed.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>
#include <vector>

using namespace keepa;
namespace fs = std::filesystem;

using keepa::test::temp_dir;

namespace {

const std::string secret = "SECRETKEY-7f3a9c1e5b";

/// An environment made of a map.
env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto i = vars.find(name);
    if (i == vars.end())
      return std::nullopt;
    return i->second;
  };
}

/// Writes the repo's config.ini (with `api_key = <secret>`, then `find`
/// replaced by `replace`, or `replace` appended when `find` is empty) and
/// the repo's deal_query.json (or `query`) into `dir`.
void write_config(const temp_dir& dir, const std::string& find,
                  const std::string& replace, const std::string& query = "") {
  auto ini
    = keepa::test::read_all(std::string{KEEPA_SOURCE_DIR} + "/config.ini");
  ini.replace(ini.find("api_key ="), 9, "api_key = " + secret);
  if (find.empty())
    ini += "\n" + replace + "\n";
  else
    ini.replace(ini.find(find), find.size(), replace);
  std::ofstream{dir / "config.ini"} << ini;
  std::ofstream{dir / "deal_query.json"}
    << (query.empty() ? keepa::test::read_all(std::string{KEEPA_SOURCE_DIR}
                                              + "/deal_query.json")
                      : query);
}

/// load_config on `dir`'s config.ini.
std::variant<config, config_error>
load(const temp_dir& dir, std::map<std::string, std::string> env = {},
     cli_options cli = {}) {
  cli.config_path = dir / "config.ini";
  return load_config(cli, env_of(std::move(env)));
}

/// parse_command_line on `args`, after a program name.
std::variant<cli_options, config_error> parse(std::vector<const char*> args) {
  args.insert(args.begin(), "keepa-ingest");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

} // namespace

TEST_CASE("the command line: each flag in both value forms") {
  struct row {
    std::vector<const char*> args;
    cli_options want;
  };
  auto with = [](auto change) {
    cli_options o;
    change(o);
    return o;
  };
  const row rows[] = {
    {{}, cli_options{}},
    {{"--config", "x.ini"}, with([](auto& o) { o.config_path = "x.ini"; })},
    {{"--config=y.ini"}, with([](auto& o) { o.config_path = "y.ini"; })},
    {{"--db", "d.db"}, with([](auto& o) { o.db_path = "d.db"; })},
    {{"--db=e.db"}, with([](auto& o) { o.db_path = "e.db"; })},
    {{"--log-level", "debug"}, with([](auto& o) { o.log_level = "debug"; })},
    {{"--log-level=warn"}, with([](auto& o) { o.log_level = "warn"; })},
    {{"--demo"}, with([](auto& o) { o.demo = true; })},
    {{"--once"}, with([](auto& o) { o.once = true; })},
    {{"--help"}, with([](auto& o) { o.help = true; })},
    {{"--version"}, with([](auto& o) { o.version = true; })},
    {{"--demo", "--once", "--db", "a=b.db"}, with([](auto& o) {
       o.demo = o.once = true;
       o.db_path = "a=b.db";
     })},
  };
  for (auto& r : rows) {
    CAPTURE(r.args.size());
    auto got = parse(r.args);
    REQUIRE(std::holds_alternative<cli_options>(got));
    auto& o = std::get<cli_options>(got);
    CHECK(o.config_path == r.want.config_path);
    CHECK(o.db_path == r.want.db_path);
    CHECK(o.log_level == r.want.log_level);
    CHECK(o.demo == r.want.demo);
    CHECK(o.once == r.want.once);
    CHECK(o.help == r.want.help);
    CHECK(o.version == r.want.version);
  }
}

TEST_CASE("the command line: unknown flags and missing values name the flag") {
  struct row {
    std::vector<const char*> args;
    const char* key;
  };
  const row rows[] = {
    {{"--frobnicate"}, "--frobnicate"},
    {{"--frobnicate=3"}, "--frobnicate"},
    {{"stray"}, "stray"},
    {{"--config"}, "--config"},
    {{"--db"}, "--db"},
    {{"--demo", "--log-level"}, "--log-level"},
    {{"--config="}, "--config"},
    {{"--demo=1"}, "--demo"},
  };
  for (auto& r : rows) {
    CAPTURE(r.key);
    auto got = parse(r.args);
    REQUIRE(std::holds_alternative<config_error>(got));
    CHECK(std::get<config_error>(got).key == r.key);
    CHECK(std::get<config_error>(got).what().find(r.key) != std::string::npos);
  }
}

TEST_CASE("the usage text lists every flag and override") {
  auto text = usage();
  for (auto word :
       {"--config", "--db", "--log-level", "--demo", "--once", "--help",
        "--version", "KEEPA_API_KEY", "KEEPA_BASE_URL", "KEEPA_DB"})
    CHECK(text.find(word) != std::string::npos);
}

TEST_CASE("the shipped config.ini loads with the key from the environment") {
  temp_dir dir{"config-test"};
  write_config(dir, "api_key = " + secret, "api_key =");
  auto got = load(dir, {{"KEEPA_API_KEY", secret}});
  REQUIRE(std::holds_alternative<config>(got));
  auto& c = std::get<config>(got);
  // It writes out the defaults.
  const config unset;
  CHECK(c.keepa.api_key == secret);
  CHECK(c.keepa.base_url == unset.keepa.base_url);
  CHECK(c.keepa.domain == defaults::domain);
  CHECK(c.keepa.deal_query_path == defaults::deal_query_path);
  CHECK(c.keepa.request_timeout_s == defaults::request_timeout_s);
  CHECK(c.engine.peek_batch == defaults::peek_batch);
  CHECK(c.engine.commit_batch == defaults::commit_batch);
  CHECK(c.engine.light_batch == defaults::light_batch);
  CHECK(c.engine.retention_hours == defaults::retention_hours);
  CHECK(c.engine.refresh_after_hours == defaults::refresh_after_hours);
  CHECK(c.engine.deficit_floor == defaults::deficit_floor);
  CHECK(c.engine.event_drop_percent == defaults::event_drop_percent);
  CHECK(c.engine.stall_minutes == defaults::stall_minutes);
  CHECK(c.engine.janitor_interval_minutes
        == defaults::janitor_interval_minutes);
  CHECK(c.engine.listing_rows);
  CHECK(c.db_path == unset.db_path);
  CHECK(c.log_level == "info");
  CHECK(c.log_file == unset.log_file);
  CHECK(c.keepa.deal_query_json
        == keepa::test::read_all(std::string{KEEPA_SOURCE_DIR}
                                 + "/deal_query.json"));
}

TEST_CASE("the shipped deal query is a newest-first US Books USED query") {
  auto q
    = keepa::test::read_all(std::string{KEEPA_SOURCE_DIR} + "/deal_query.json");
  for (auto member : {"\"domainId\": 1", "\"includeCategories\": [283155]",
                      "\"priceTypes\": [2]", "\"sortType\": 1", "\"page\": 0",
                      "\"isRangeEnabled\": true"})
    CHECK(q.find(member) != std::string::npos);
}

TEST_CASE("comment lines may start with # or a semicolon, indented or not") {
  temp_dir dir{"config-test"};
  write_config(dir, "peek_batch = 50",
               "# a hash comment\n  ; an indented semicolon comment\n"
               "\t# an indented hash comment\n; peek_batch = 0\n"
               "peek_batch = 40");
  auto got = load(dir);
  REQUIRE(std::holds_alternative<config>(got));
  CHECK(std::get<config>(got).engine.peek_batch == 40);
}

TEST_CASE("each bad value names its key and never the API key") {
  struct row {
    std::string find;
    std::string replace;
    std::string key;
  };
  const row rows[] = {
    {"peek_batch = 50", "peek_batch = abc", "engine.peek_batch"},
    {"peek_batch = 50", "peek_batch = 0", "engine.peek_batch"},
    {"peek_batch = 50", "peek_batch = 101", "engine.peek_batch"},
    {"peek_batch = 50", "peek_batch = 1.5", "engine.peek_batch"},
    {"peek_batch = 50", "peek_batch = 12abc", "engine.peek_batch"},
    {"peek_batch = 50", "peek_batch =", "engine.peek_batch"},
    {"commit_batch = 5", "commit_batch = 99999999999999999999",
     "engine.commit_batch"},
    {"light_batch = 50", "light_batch = 101", "engine.light_batch"},
    {"retention_hours = 72", "retention_hours = 8761",
     "engine.retention_hours"},
    {"refresh_after_hours = 24", "refresh_after_hours = 0",
     "engine.refresh_after_hours"},
    {"deficit_floor = -180", "deficit_floor = 1", "engine.deficit_floor"},
    {"janitor_interval_minutes = 60", "janitor_interval_minutes = 0",
     "engine.janitor_interval_minutes"},
    {"janitor_interval_minutes = 60", "janitor_interval_minutes = 1441",
     "engine.janitor_interval_minutes"},
    {"listing_rows = true", "listing_rows = yes", "engine.listing_rows"},
    {"deficit_floor = -180", "deficit_floor = -100001", "engine.deficit_floor"},
    {"request_timeout_s = 60", "request_timeout_s = 0",
     "keepa.request_timeout_s"},
    {"request_timeout_s = 60", "request_timeout_s = 601",
     "keepa.request_timeout_s"},
    {"domain = 1", "domain = 0", "keepa.domain"},
    {"domain = 1", "domain = 7", "keepa.domain"},
    {"domain = 1", "domain = 13", "keepa.domain"},
    {"base_url = https://api.keepa.com", "base_url = ftp://x",
     "keepa.base_url"},
    {"base_url = https://api.keepa.com", "base_url = notaurl",
     "keepa.base_url"},
    {"base_url = https://api.keepa.com", "base_url = http:///path",
     "keepa.base_url"},
    {"level = info", "level = loud", "log.level"},
    {"path = data/deals.db", "path =", "db.path"},
    {"deal_query = deal_query.json", "deal_query =", "keepa.deal_query"},
    {"peek_batch = 50", "peek_batch = 50\ncolour = red", "engine.colour"},
    {"", "[extra]\nx = 1", "[extra]"},
    {"api_key = " + secret, "api_key =", "keepa.api_key"},
    {"deal_query = deal_query.json", "deal_query = missing.json",
     "keepa.deal_query"},
    {"deal_query = deal_query.json", "deal_query = .", "keepa.deal_query"},
    {"domain = 1", "domain = 2", "keepa.deal_query"},
  };
  for (auto& r : rows) {
    CAPTURE(r.replace);
    temp_dir dir{"config-test"};
    write_config(dir, r.find, r.replace);
    auto got = load(dir);
    REQUIRE(std::holds_alternative<config_error>(got));
    auto& err = std::get<config_error>(got);
    CHECK(err.key == r.key);
    CHECK(err.what().find(r.key) != std::string::npos);
    CHECK(err.what().find(secret) == std::string::npos);
  }
}

TEST_CASE("a deal query must be a JSON object with a matching domainId") {
  struct row {
    const char* query;
    bool ok;
  };
  const row rows[] = {
    {"{\"page\": 0,", false},
    {"not json", false},
    {"", false},
    {"[1, 2]", false},
    {"\"text\"", false},
    {"{\"domainId\": 2}", false},
    {"{\"domainId\": \"2\"}", false},
    {"{\"domainId\": [1]}", false},
    {"{\"domainId\": 1, \"priceTypes\": [2]}", true},
    {"{\"domainId\": \"1\", \"priceTypes\": [2]}", true},
    {"{\"priceTypes\": [2]}", true},
  };
  for (auto& r : rows) {
    CAPTURE(r.query);
    temp_dir dir{"config-test"};
    write_config(dir, "", "", r.query);
    if (std::string{r.query}.empty())
      std::ofstream{dir / "deal_query.json", std::ios::trunc};
    auto got = load(dir);
    CHECK(std::holds_alternative<config>(got) == r.ok);
    if (auto* err = std::get_if<config_error>(&got)) {
      CHECK(err->key == "keepa.deal_query");
      CHECK(err->what().find("deal_query.json") != std::string::npos);
      CHECK(err->what().find(secret) == std::string::npos);
    }
  }
}

TEST_CASE("a deal query is checked field by field before any request: "
          "exit 2 naming the field") {
  // `fields` added to a USED query.
  auto used = [](const std::string& fields) {
    return R"({"priceTypes": [2], )" + fields + "}";
  };
  struct row {
    std::string query;
    const char* bad_field; // "" when the query passes
  };
  const row rows[] = {
    {used(R"("dateRange": 3)"), ""},
    {used(R"("dateRange": "3")"), ""}, // ints as strings, as Keepa takes them
    {used(R"("dateRange": 4)"), ""},   // undocumented, seen in use
    {used(R"("dateRange": 5)"), "dateRange"},
    {used(R"("dateRange": "7")"), "dateRange"}, // Keepa answered 400
    {used(R"("dateRange": 7)"), "dateRange"},
    {used(R"("dateRange": -1)"), "dateRange"},
    {used(R"("dateRange": "three")"), "dateRange"},
    {used(R"("dateRange": 3.5)"), "dateRange"},
    {used(R"("sortType": -1)"), "sortType"},
    {used(R"("sortType": -4)"), ""},
    {used(R"("sortType": 5)"), "sortType"},
    {used(R"("minRating": 51)"), "minRating"},
    {used(R"("minRating": -1)"), ""},
    {used(R"("isFilterEnabled": "yes")"), "isFilterEnabled"},
    {used(R"("isFilterEnable": true)"), "isFilterEnable"},
    {used(R"("includeCategories": [283155, "1000"])"), ""},
    {used(R"("includeCategories": 283155)"), "includeCategories"},
    {used(R"("warehouseConditions": [2, 6])"), "warehouseConditions"},
    {used(R"("currentRange": [2000, 45100])"), ""},
    {used(R"("currentRange": [45100, 2000])"), "currentRange"},
    {used(R"("currentRange": [2000])"), "currentRange"},
    {used(R"("salesRankRange": [10000, -1])"), ""},
    {used(R"("salesRankRange": null)"), ""},
    {used(R"("deltaPercentRange": [10, 2147483647])"), ""},
    {used(R"("deltaPercentRange": [5, 100])"), "deltaPercentRange"},
    {used(R"("titleSearch": 7)"), "titleSearch"},
    {used(R"("brand": ["Acme"])"), ""},
    {used(R"("brand": "Acme")"), "brand"},
    {used(R"("page": 67)"), "page"},
    {R"({"priceTypes": 2})", ""},
    {R"({"priceTypes": ["2"]})", ""},
    {R"({"priceTypes": [2, 1]})", "priceTypes"},
    {R"({"priceTypes": [4]})", "priceTypes"},
    {R"({"dateRange": 3})", "priceTypes"},
    {R"({"priceTypes": [3], "deltaPercentRange": [50, 100]})",
     "deltaPercentRange"},
    {R"({"priceTypes": [3], "deltaPercentRange": [80, 100]})", ""},
  };
  for (auto& r : rows) {
    CAPTURE(r.query);
    temp_dir dir{"config-test"};
    write_config(dir, "", "", r.query);
    auto got = load(dir);
    auto* err = std::get_if<config_error>(&got);
    CHECK((err == nullptr) == (std::string{r.bad_field}.empty()));
    if (err) {
      CHECK(err->key == "keepa.deal_query");
      CHECK(err->message.find(std::string{": "} + r.bad_field + " ")
            != std::string::npos);
    }
  }
}

TEST_CASE("a relative deal_query is found beside the config, an absolute one "
          "anywhere") {
  temp_dir dir{"config-test"};
  temp_dir elsewhere{"config-test"};
  write_config(dir, "deal_query = deal_query.json",
               "deal_query = " + (elsewhere / "q.json"));
  std::ofstream{elsewhere / "q.json"} << "{\"priceTypes\": [2]}";
  auto got = load(dir);
  REQUIRE(std::holds_alternative<config>(got));
  CHECK(std::get<config>(got).keepa.deal_query_json == "{\"priceTypes\": [2]}");
  fs::create_directories(dir.path / "sub");
  fs::rename(dir / "config.ini", dir / "sub/config.ini");
  cli_options cli;
  cli.config_path = dir / "sub/config.ini";
  CHECK(std::holds_alternative<config>(load_config(cli, env_of({}))));
}

TEST_CASE("a malformed INI file names the file and the line") {
  temp_dir dir{"config-test"};
  write_config(dir, "[engine]", "[engine");
  auto got = load(dir);
  REQUIRE(std::holds_alternative<config_error>(got));
  auto& err = std::get<config_error>(got);
  CHECK(err.key == dir / "config.ini");
  CHECK(err.what().find("line 11") != std::string::npos);
  CHECK(err.what().find(secret) == std::string::npos);
}

TEST_CASE("a missing or unreadable config file names the file") {
  temp_dir dir{"config-test"};
  for (auto path : {std::string{"/nonexistent/keepa.ini"}, dir.path.string()}) {
    CAPTURE(path);
    cli_options cli;
    cli.config_path = path;
    auto got = load_config(cli, env_of({{"KEEPA_API_KEY", secret}}));
    REQUIRE(std::holds_alternative<config_error>(got));
    CHECK(std::get<config_error>(got).key == path);
    CHECK(std::get<config_error>(got).what().find(path) != std::string::npos);
  }
}

TEST_CASE("the board listens on loopback port 8080 unless told otherwise") {
  temp_dir dir{"cfg"};
  write_config(dir, "", "");
  auto c = std::get<config>(load(dir));
  CHECK(c.web.enabled);
  CHECK(c.web.address == "127.0.0.1");
  CHECK(c.web.port == 8080);
  CHECK(c.target_roi_percent == 30);
  cli_options free_port;
  free_port.web_listen = "[::1]:0";
  auto v6 = std::get<config>(load(dir, {}, free_port));
  CHECK(v6.web.address == "::1");
  CHECK(v6.web.port == 0);
  cli_options off;
  off.web_listen = "off";
  CHECK_FALSE(std::get<config>(load(dir, {}, off)).web.enabled);
  auto flags = parse({"--web-listen", "127.0.0.1:9000"});
  REQUIRE(std::holds_alternative<cli_options>(flags));
  CHECK(std::get<cli_options>(flags).web_listen == "127.0.0.1:9000");
}

TEST_CASE("a bad [web] listen names the key, and the flag names the flag") {
  for (auto bad : {"localhost:8080", "127.0.0.1", "127.0.0.1:65536",
                   "127.0.0.1:-1", "127.0.0.1:http", ":8080"}) {
    CAPTURE(bad);
    temp_dir dir{"cfg"};
    write_config(dir, "listen = 127.0.0.1:8080",
                 "listen = " + std::string{bad});
    auto loaded = load(dir);
    REQUIRE(std::holds_alternative<config_error>(loaded));
    CHECK(std::get<config_error>(loaded).key == "web.listen");
    cli_options flag;
    flag.web_listen = bad;
    temp_dir good{"cfg"};
    write_config(good, "", "");
    auto by_flag = load(good, {}, flag);
    REQUIRE(std::holds_alternative<config_error>(by_flag));
    CHECK(std::get<config_error>(by_flag).key == "--web-listen");
  }
}

TEST_CASE("listening beyond loopback needs a password") {
  temp_dir dir{"cfg"};
  write_config(dir, "listen = 127.0.0.1:8080", "listen = 0.0.0.0:8080");
  auto open = load(dir);
  REQUIRE(std::holds_alternative<config_error>(open));
  CHECK(std::get<config_error>(open).what()
        == "web.password: is needed to listen on 0.0.0.0, which is not a "
           "loopback address");
  temp_dir locked{"cfg"};
  auto block = std::string{"listen = 127.0.0.1:8080\n# HTTP basic password; "
                           "needed to listen on anything but loopback\n"
                           "password ="};
  write_config(locked, block, "listen = 0.0.0.0:8080\npassword = s3cret");
  auto c = std::get<config>(load(locked));
  CHECK(c.web.password == "s3cret");
}

TEST_CASE("[web] tls_cert and tls_key name PEM files the board serves HTTPS "
          "with") {
  temp_dir files{"tls"};
  keepa::test::write_self_signed(files / "cert.pem", files / "key.pem");
  temp_dir dir{"cfg"};
  write_config(dir, "tls_cert =\ntls_key =",
               "tls_cert = " + files / "cert.pem"
                 + "\ntls_key = " + files / "key.pem");
  auto c = std::get<config>(load(dir));
  CHECK(c.web.tls_cert == files / "cert.pem");
  CHECK(c.web.tls_key == files / "key.pem");
  temp_dir plain{"cfg"};
  write_config(plain, "", "");
  CHECK(std::get<config>(load(plain)).web.tls_cert.empty());
}

TEST_CASE("a bad [web] tls_cert or tls_key names the key, never the file's "
          "content") {
  temp_dir files{"tls"};
  keepa::test::write_self_signed(files / "cert.pem", files / "key.pem");
  keepa::test::write_self_signed(files / "other.pem", files / "other-key.pem");
  keepa::test::write_self_signed(files / "locked.pem", files / "locked-key.pem",
                                 "passphrase");
  std::ofstream{files / "garbage.pem"} << "GARBAGE-7c1d not a PEM file\n";
  struct row {
    std::string cert, key, error;
  };
  const row rows[] = {
    {files / "cert.pem", "", "web.tls_key: is needed with web.tls_cert"},
    {"", files / "key.pem", "web.tls_cert: is needed with web.tls_key"},
    {files / "none.pem", files / "key.pem",
     "web.tls_cert: cannot read '" + files / "none.pem"
       + "': No such file or directory"},
    {files / "cert.pem", files / "none.pem",
     "web.tls_key: cannot read '" + files / "none.pem"
       + "': No such file or directory"},
    {files / "garbage.pem", files / "key.pem",
     "web.tls_cert: '" + files / "garbage.pem" + "' holds no PEM certificate"},
    {files / "key.pem", files / "key.pem",
     "web.tls_cert: '" + files / "key.pem" + "' holds no PEM certificate"},
    {files / "cert.pem", files / "garbage.pem",
     "web.tls_key: '" + files / "garbage.pem"
       + "' holds no unencrypted PEM private key"},
    {files / "cert.pem", files / "cert.pem",
     "web.tls_key: '" + files / "cert.pem"
       + "' holds no unencrypted PEM private key"},
    {files / "locked.pem", files / "locked-key.pem",
     "web.tls_key: '" + files / "locked-key.pem"
       + "' holds no unencrypted PEM private key"},
    {files / "cert.pem", files / "other-key.pem",
     "web.tls_key: '" + files / "other-key.pem"
       + "' does not match the certificate in '" + files / "cert.pem" + "'"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.error);
    temp_dir dir{"cfg"};
    write_config(dir, "tls_cert =\ntls_key =",
                 "tls_cert = " + r.cert + "\ntls_key = " + r.key);
    auto loaded = load(dir);
    REQUIRE(std::holds_alternative<config_error>(loaded));
    CHECK(std::get<config_error>(loaded).what() == r.error);
  }
  // The files matter only while the board is on; the pair always does.
  temp_dir off{"cfg"};
  write_config(off, "tls_cert =\ntls_key =",
               "tls_cert = " + files / "none.pem"
                 + "\ntls_key = " + files / "none.pem");
  cli_options no_board;
  no_board.web_listen = "off";
  CHECK(std::holds_alternative<config>(load(off, {}, no_board)));
  temp_dir half{"cfg"};
  write_config(half, "tls_cert =", "tls_cert = " + files / "cert.pem");
  CHECK(std::holds_alternative<config_error>(load(half, {}, no_board)));
}

TEST_CASE("an empty key is an error unless --demo") {
  temp_dir dir{"config-test"};
  write_config(dir, "api_key = " + secret, "api_key =");
  auto got = load(dir);
  REQUIRE(std::holds_alternative<config_error>(got));
  CHECK(std::get<config_error>(got).key == "keepa.api_key");
  cli_options demo;
  demo.demo = true;
  CHECK(std::holds_alternative<config>(load(dir, {}, demo)));
}

TEST_CASE("precedence: file < environment < command line") {
  temp_dir dir{"config-test"};
  write_config(dir, "path = data/deals.db", "path = file.db");
  std::map<std::string, std::string> env{{"KEEPA_API_KEY", "env-key"},
                                         {"KEEPA_DB", "env.db"},
                                         {"KEEPA_BASE_URL",
                                          "http://127.0.0.1:9"}};
  auto file = std::get<config>(load(dir));
  CHECK(file.db_path == "file.db");
  CHECK(file.keepa.api_key == secret);
  auto c = std::get<config>(load(dir, env));
  CHECK(c.db_path == "env.db");
  CHECK(c.keepa.api_key == "env-key");
  CHECK(c.keepa.base_url == "http://127.0.0.1:9");
  cli_options cli;
  cli.db_path = "cli.db";
  cli.log_level = "warn";
  c = std::get<config>(load(dir, env, cli));
  CHECK(c.db_path == "cli.db");
  CHECK(c.log_level == "warn");
}

TEST_CASE("an empty environment variable counts as unset") {
  temp_dir dir{"config-test"};
  write_config(dir, "", "");
  auto c = std::get<config>(load(
    dir, {{"KEEPA_API_KEY", ""}, {"KEEPA_DB", ""}, {"KEEPA_BASE_URL", ""}}));
  CHECK(c.keepa.api_key == secret);
  CHECK(c.db_path == "data/deals.db");
  CHECK(c.keepa.base_url == "https://api.keepa.com");
}

TEST_CASE("overrides are validated and errors name the variable or flag") {
  temp_dir dir{"config-test"};
  write_config(dir, "", "");
  struct row {
    std::map<std::string, std::string> env;
    cli_options cli;
    const char* key;
  };
  cli_options loud;
  loud.log_level = "loud";
  cli_options empty_db;
  empty_db.db_path = "";
  const row rows[] = {
    {{{"KEEPA_BASE_URL", "gopher://x"}}, {}, "KEEPA_BASE_URL"},
    {{{"KEEPA_BASE_URL", "not a url"}}, {}, "KEEPA_BASE_URL"},
    {{}, loud, "--log-level"},
    {{}, empty_db, "--db"},
  };
  for (auto& r : rows) {
    CAPTURE(r.key);
    auto got = load(dir, r.env, r.cli);
    REQUIRE(std::holds_alternative<config_error>(got));
    CHECK(std::get<config_error>(got).key == r.key);
    CHECK(std::get<config_error>(got).what().find(secret) == std::string::npos);
  }
}

TEST_CASE("an API key pasted into another value is never echoed") {
  // Found by fuzz_config: the base_url error quoted the value, key and all.
  struct row {
    std::string replace;
    std::map<std::string, std::string> env;
    std::string key;
  };
  const row rows[] = {
    // the key in the file comes after the bad line
    {"base_url = " + secret, {}, "keepa.base_url"},
    {"base_url = ftp://" + secret + "/", {}, "keepa.base_url"},
    // the key in the environment, the file's key left empty
    {"base_url = " + secret, {{"KEEPA_API_KEY", secret}}, "keepa.base_url"},
    {"",
     {{"KEEPA_API_KEY", secret}, {"KEEPA_BASE_URL", secret}},
     "KEEPA_BASE_URL"},
    // the key where a key name or a section name goes
    {secret + " = 1", {}, "keepa.***"},
    {"[" + secret + "]", {{"KEEPA_API_KEY", secret}}, "[***]"},
  };
  for (auto& r : rows) {
    CAPTURE(r.replace);
    temp_dir dir{"config-test"};
    write_config(dir, "base_url = https://api.keepa.com", r.replace);
    auto got = load(dir, r.env);
    REQUIRE(std::holds_alternative<config_error>(got));
    auto& err = std::get<config_error>(got);
    CHECK(err.key == r.key);
    CHECK(err.what().find(secret) == std::string::npos);
    CHECK(err.what().find("***") != std::string::npos);
  }
}
