// keepa-ingest end to end against a mock-keepa process on loopback.

#include "support/process.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

using keepa::test::engine_dir;
using keepa::test::fresh_dir;
using keepa::test::ingest;
using keepa::test::mock_binary;
using keepa::test::mock_process;
using keepa::test::read_all;
using keepa::test::run;
using keepa::test::source;

namespace {

/// One value from the engine's database.
std::string query(const std::string& dir, const std::string& sql) {
  return keepa::test::sqlite(dir + "/data/deals.db", sql);
}

} // namespace

TEST_CASE("--once fills the database, a second --once refreshes instead of "
          "buying again, and the mock saw no 429") {
  auto log = fresh_dir("engine-mock") + "/mock.log";
  std::string dir;
  const std::string ancient = "2000-01-01T00:00:00Z";
  {
    mock_process mock{
      mock_binary, "--products 3000 --deal-rate 1000 --refill-rate 2000", log};
    dir = engine_dir("engine", mock.url());
    auto first = run("cd " + dir + " && " + ingest + " --once", 300);
    INFO(first.output);
    REQUIRE(first.exit_code == 0);
    auto active = std::stoi(query(dir, "SELECT COUNT(*) FROM deals WHERE "
                                       "status = 'active'"));
    CHECK(active > 100);
    CHECK(query(dir, "SELECT COUNT(*) FROM deals WHERE status = 'pending'")
          == "0");
    CHECK(query(dir, "PRAGMA integrity_check") == "ok");
    CHECK(query(dir, "SELECT COUNT(*) FROM system_state WHERE key = "
                     "'watermark'")
          == "1");
    // Mark every heavy fetch as ancient: any fetch by the second run shows,
    // however fast it comes.
    query(dir, "UPDATE deals SET last_full_fetch_utc = '" + ancient + "'");
    auto second = run("cd " + dir + " && " + ingest + " --once", 300);
    INFO(second.output);
    REQUIRE(second.exit_code == 0);
    // Nothing bought again.
    CHECK(query(dir, "SELECT MAX(last_full_fetch_utc) FROM deals") == ancient);
    CHECK(query(dir, "SELECT COUNT(*) FROM deals WHERE status = 'active'")
          == std::to_string(active));
  }
  auto served = read_all(log);
  INFO(served);
  CHECK(served.find("\"http_429\":0") != std::string::npos);
  CHECK(served.find("\"429\"") == std::string::npos);
  // The key never reached the engine's log.
  CHECK(read_all(dir + "/logs/k.log").find("mock-key") == std::string::npos);
}

TEST_CASE("console commands through a pipe, and quit stops cleanly") {
  auto log = fresh_dir("console-mock") + "/mock.log";
  mock_process mock{mock_binary, "--products 500", log};
  auto dir = engine_dir("engine", mock.url());
  auto res = run("cd " + dir
                   + " && printf \"status\\ndump\\nfrobnicate\\n"
                     "pause\\nresume\\nrewind 1\\nrewind x\\nrefresh NOPE\\n"
                     "janitor\\nquit\\n\" | "
                   + ingest,
                 120);
  INFO(res.output);
  CHECK(res.exit_code == 0);
  CHECK(res.output.find("tokens ") != std::string::npos);
  auto json_line = res.output.substr(res.output.find("{\"tokens\""));
  json_line = json_line.substr(0, json_line.find('\n'));
  rapidjson::Document dump;
  dump.Parse(json_line.c_str());
  REQUIRE_FALSE(dump.HasParseError());
  for (auto member :
       {"tokens", "watermark", "peek", "commit", "light", "db", "janitor"})
    CHECK(dump.HasMember(member));
  for (auto key : {"balance", "refill_per_min", "next_refill_ms", "waiting",
                   "consumed_total", "http_429_total"})
    CHECK(dump["tokens"].HasMember(key));
  CHECK(dump["watermark"].HasMember("keepa_minutes"));
  CHECK(dump["watermark"].HasMember("iso"));
  for (auto key : {"queued", "in_flight", "done_total", "rejected_total"})
    CHECK(dump["peek"].HasMember(key));
  for (auto key : {"rows", "pending_writes", "written_total"})
    CHECK(dump["db"].HasMember(key));
  CHECK(dump["janitor"].HasMember("deleted_total"));
  CHECK(dump["janitor"].HasMember("last_run_iso"));
  CHECK(res.output.find("error: rewind needs a positive whole number")
        != std::string::npos);
  CHECK(res.output.find("error: NOPE is not in the database")
        != std::string::npos);
  CHECK(res.output.find("error: unknown command 'frobnicate'")
        != std::string::npos);
  CHECK(res.output.find("ok: paused") != std::string::npos);
  CHECK(res.output.find("ok: resumed") != std::string::npos);
  CHECK(res.output.find("ok: janitor deleted") != std::string::npos);
  CHECK(res.output.find("ok: stopping") != std::string::npos);
  // stdout is a pipe: no status line, no escape codes.
  CHECK(res.output.find("\033[") == std::string::npos);
  CHECK(res.output.find('\r') == std::string::npos);
}

TEST_CASE("a key Keepa refuses stops --once with exit 1, says so, and "
          "never prints the key") {
  auto log = fresh_dir("refused-mock") + "/mock.log";
  mock_process mock{mock_binary, "--products 100 --key another-key", log};
  auto dir = engine_dir("engine", mock.url());
  auto res = run("cd " + dir + " && " + ingest + " --once", 120);
  INFO(res.output);
  CHECK(res.exit_code == 1);
  CHECK(res.output.find("refused the key") != std::string::npos);
  CHECK(res.output.find("mock-key") == std::string::npos);
}

TEST_CASE("a database file that is not SQLite, or a read-only data "
          "directory: exit 1 with a clear message, the file untouched") {
  auto dir = engine_dir("engine", "http://127.0.0.1:9");
  run("mkdir -p " + dir + "/data && head -c 4096 /dev/zero | tr '\\\\0' x > "
      + dir + "/data/deals.db");
  auto garbage = run("cd " + dir + " && " + ingest + " --once", 30);
  INFO(garbage.output);
  CHECK(garbage.exit_code == 1);
  CHECK(garbage.output.find("data/deals.db") != std::string::npos);
  CHECK(garbage.output.find("not a database") != std::string::npos);
  CHECK(run("wc -c < " + dir + "/data/deals.db").output.find("4096")
        != std::string::npos);
  auto ro = engine_dir("engine", "http://127.0.0.1:9");
  run("mkdir -p " + ro + "/data && chmod 555 " + ro + "/data");
  auto engine = ingest;
  auto as_user = std::string{};
  if (geteuid() == 0) {
    // Root ignores the mode: the engine runs as nobody, from a copy in a
    // directory nobody can reach (the build tree may not be).
    auto reach = run("d=$(mktemp -d /tmp/keepa-ro.XXXXXX) && chmod 755 $d "
                     "&& printf %s $d")
                   .output;
    run("cp " + ingest + " " + reach + " && cp -r " + ro + "/. " + reach
        + " && chmod -R a+rX " + reach);
    ro = reach;
    engine = "./keepa-ingest";
    as_user = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  auto res = run("cd " + ro + " && " + as_user + engine + " --once", 30);
  INFO(res.output);
  CHECK(res.exit_code == 1);
  CHECK(res.output.find("data/deals.db") != std::string::npos);
  CHECK(run("ls -A " + ro + "/data").output.empty());
  if (geteuid() == 0)
    run("rm -rf " + ro);
}
