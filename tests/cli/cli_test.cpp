// The binaries as a user meets them: flags, exit codes, messages.

#include "support/process.hpp"
#include "support/self_signed.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sys/stat.h>

using keepa::test::fresh_dir;
using keepa::test::run;

namespace {

const std::string ingest = std::string{KEEPA_BINARY_DIR} + "/keepa-ingest";
const std::string mock = std::string{KEEPA_BINARY_DIR} + "/mock-keepa";
const std::string source = KEEPA_SOURCE_DIR;

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream{path} << text;
}

/// The repo's config.ini with a key set, then one line replaced (or appended).
std::string config_with(const std::string& find, const std::string& replace) {
  std::ifstream in{source + "/config.ini"};
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  text.replace(text.find("api_key ="), 9, "api_key = abc");
  auto pos = text.find(find);
  if (pos == std::string::npos)
    return text + "\n" + replace + "\n";
  return text.replace(pos, find.size(), replace);
}

} // namespace

TEST_CASE("keepa-ingest --help and --version exit 0") {
  auto help = run(ingest + " --help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("--config") != std::string::npos);
  CHECK(help.output.find("--demo") != std::string::npos);
  auto version = run(ingest + " --version");
  CHECK(version.exit_code == 0);
  CHECK(version.output.find("keepa-ingest") != std::string::npos);
}

TEST_CASE("an unknown flag exits 2 naming the flag") {
  auto res = run(ingest + " --frobnicate");
  CHECK(res.exit_code == 2);
  CHECK(res.output.find("--frobnicate") != std::string::npos);
}

TEST_CASE("a missing config file exits 2 naming the file") {
  auto dir = fresh_dir("missing-config");
  auto res = run("cd " + dir + " && " + ingest + " --config nope.ini");
  CHECK(res.exit_code == 2);
  CHECK(res.output.find("nope.ini") != std::string::npos);
}

TEST_CASE("each bad config exits 2 naming the key and creates no DB") {
  struct row {
    const char* find;
    const char* replace;
    const char* key;
  };
  const row rows[] = {
    {"peek_batch = 50", "peek_batch = fifty", "engine.peek_batch"},
    {"peek_batch = 50", "peek_batch = 500", "engine.peek_batch"},
    {"commit_batch = 5", "commit_batch = 0", "engine.commit_batch"},
    {"retention_hours = 72", "retention_hours = -1", "engine.retention_hours"},
    {"deficit_floor = -180", "deficit_floor = 10", "engine.deficit_floor"},
    {"base_url = https://api.keepa.com", "base_url = ftp://api.keepa.com",
     "keepa.base_url"},
    {"domain = 1", "domain = 7", "keepa.domain"},
    {"level = info", "level = loud", "log.level"},
    {"[db]", "[db]\nflavour = sqlite", "db.flavour"},
    {"api_key = abc", "api_key =", "keepa.api_key"},
    {"listen = 127.0.0.1:8080", "listen = 0.0.0.0:8080", "web.password"},
    {"listen = 127.0.0.1:8080", "listen = localhost", "web.listen"},
    {"[db]",
     "[alerts]\nformat = discord\nwebhook_url = "
     "discord.com/api/webhooks/1/SECRETHOOK\n[db]",
     "alerts.webhook_url"},
    {"[db]",
     "[alerts.phone]\nformat = telegram\nbot_token = 1:SECRETHOOK\n[db]",
     "alerts.phone.chat_id"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.key);
    auto dir = fresh_dir("bad-config");
    write_file(dir + "/config.ini", config_with(r.find, r.replace));
    run("cp " + source + "/deal_query.json " + dir);
    auto res = run("cd " + dir + " && " + ingest + " --config config.ini");
    CHECK(res.exit_code == 2);
    CHECK(res.output.find(r.key) != std::string::npos);
    CHECK(res.output.find("SECRETHOOK") == std::string::npos);
    CHECK_FALSE(exists(dir + "/data"));
  }
}

TEST_CASE("a bad TLS certificate or key exits 2 naming the key and creates "
          "no DB") {
  auto files = fresh_dir("tls-files");
  keepa::test::write_self_signed(files + "/cert.pem", files + "/key.pem");
  keepa::test::write_self_signed(files + "/other.pem",
                                 files + "/other-key.pem");
  write_file(files + "/garbage.pem", "GARBAGE-5e2b\n");
  struct row {
    std::string cert, key;
    const char* key_name;
  };
  const row rows[] = {
    {files + "/cert.pem", "", "web.tls_key"},
    {"", files + "/key.pem", "web.tls_cert"},
    {files + "/missing.pem", files + "/key.pem", "web.tls_cert"},
    {files + "/garbage.pem", files + "/key.pem", "web.tls_cert"},
    {files + "/cert.pem", files + "/garbage.pem", "web.tls_key"},
    {files + "/cert.pem", files + "/other-key.pem", "web.tls_key"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.key_name);
    auto dir = fresh_dir("bad-tls");
    write_file(dir + "/config.ini",
               config_with("tls_cert =\ntls_key =",
                           "tls_cert = " + r.cert + "\ntls_key = " + r.key));
    run("cp " + source + "/deal_query.json " + dir);
    auto res = run("cd " + dir + " && " + ingest + " --config config.ini");
    CHECK(res.exit_code == 2);
    CHECK(res.output.find(std::string{r.key_name} + ": ") != std::string::npos);
    CHECK(res.output.find("GARBAGE") == std::string::npos);
    CHECK(res.output.find("PRIVATE KEY") == std::string::npos);
    CHECK_FALSE(exists(dir + "/data"));
  }
}

TEST_CASE("a malformed deal_query.json exits 2 and creates no DB") {
  auto dir = fresh_dir("bad-query");
  write_file(dir + "/config.ini", config_with("", ""));
  write_file(dir + "/deal_query.json", "{\"priceTypes\": [2],");
  auto res = run("cd " + dir + " && " + ingest + " --config config.ini");
  CHECK(res.exit_code == 2);
  CHECK(res.output.find("keepa.deal_query") != std::string::npos);
  CHECK(res.output.find("abc") == std::string::npos);
  CHECK_FALSE(exists(dir + "/data"));
}

TEST_CASE("mock-keepa --help exits 0 and a bad flag exits 2") {
  auto help = run(mock + " --help");
  CHECK(help.exit_code == 0);
  CHECK(help.output.find("--refill-rate") != std::string::npos);
  CHECK(run(mock + " --refill-rate lots").exit_code == 2);
  CHECK(run(mock + " --no-such-flag").exit_code == 2);
}
