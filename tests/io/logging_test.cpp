// Key redaction and the logger set-up: no line carries the API key.

#include "io/logging.hpp"

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace keepa;
namespace fs = std::filesystem;

using keepa::test::temp_dir;

namespace {

const std::string secret = "SECRETKEY-7f3a9c1e5b";

/// Puts back a plain stderr default logger, closing any log file.
void reset_default_logger() {
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
    "test", std::make_shared<spdlog::sinks::stderr_color_sink_mt>()));
}

} // namespace

TEST_CASE("redact masks the secret and every key= value") {
  struct row {
    std::string in;
    std::string secret;
    std::string out;
  };
  const row rows[] = {
    {"a " + secret + " b", secret, "a *** b"},
    {secret, secret, "***"},
    {secret + secret + " and " + secret, secret, "****** and ***"},
    {"GET https://api.keepa.com/product?key=" + secret + "&asin=X", secret,
     "GET https://api.keepa.com/product?key=***&asin=X"},
    {"/token?key=other-key failed", secret, "/token?key=*** failed"},
    {"/deal?key=abc", "", "/deal?key=***"},
    {"{\"url\": \"/deal?domain=1&key=abc\"}", "",
     "{\"url\": \"/deal?domain=1&key=***\"}"},
    {"a=1&key=x&key=y", "", "a=1&key=***&key=***"},
    {"key= empty", "", "key= empty"},
    {"nothing here", secret, "nothing here"},
    {"nothing here", "", "nothing here"},
    {"", secret, ""},
  };
  for (auto& r : rows) {
    CAPTURE(r.in);
    CHECK(redact(r.in, r.secret) == r.out);
  }
}

TEST_CASE("no log line carries the key, the log directory is created") {
  temp_dir dir{"logging-test"};
  config c;
  c.log_file = (dir.path / "logs/test.log").string();
  init_logging(c, false, secret);
  spdlog::info("calling https://api.keepa.com/product?key={}&asin=1", secret);
  spdlog::warn("the key is {}", secret);
  spdlog::default_logger()->flush();
  auto text = keepa::test::read_all(c.log_file);
  CHECK(text.find(secret) == std::string::npos);
  CHECK(text.find("key=***&asin=1") != std::string::npos);
  CHECK(text.find("the key is ***") != std::string::npos);
  reset_default_logger();
}

TEST_CASE("the configured level filters lines") {
  temp_dir dir{"logging-test"};
  config c;
  c.log_file = (dir.path / "level.log").string();
  c.log_level = "warn";
  init_logging(c, false, secret);
  spdlog::info("an info line");
  spdlog::error("an error line");
  spdlog::default_logger()->flush();
  auto text = keepa::test::read_all(c.log_file);
  CHECK(text.find("an info line") == std::string::npos);
  CHECK(text.find("an error line") != std::string::npos);
  reset_default_logger();
}

TEST_CASE("a log file that cannot be opened is skipped, not fatal") {
  temp_dir dir{"logging-test"};
  std::ofstream{dir.path / "plain-file"} << "x";
  config c;
  c.log_file = (dir.path / "plain-file/sub/x.log").string();
  CHECK_NOTHROW(init_logging(c, false, secret));
  CHECK_NOTHROW(spdlog::error("still logging {}", secret));
  CHECK_FALSE(fs::exists(c.log_file));
  reset_default_logger();
}
