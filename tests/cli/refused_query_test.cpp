// A deal query Keepa refuses, end to end against mock-keepa processes: the
// engine passes its own checks (what else Keepa refuses only Keepa knows;
// the mock's --refuse-field stands for it), Keepa answers 400 naming the
// field, and only discovery stops.

#include "support/console.hpp"
#include "support/process.hpp"

#include <doctest/doctest.h>

#include <fstream>

using keepa::test::console_kind;
using keepa::test::console_process;
using keepa::test::engine_dir;
using keepa::test::fresh_dir;
using keepa::test::ingest;
using keepa::test::mock_binary;
using keepa::test::mock_process;
using keepa::test::read_all;
using keepa::test::run;
using keepa::test::sqlite;

using namespace std::chrono_literals;

TEST_CASE("a deal query Keepa refuses stops discovery with Keepa's words, "
          "commits in progress still land, and quit exits 0") {
  const std::string catalog
    = "--products 3000 --deal-rate 1000 --refill-rate 2000";
  auto logs = fresh_dir("refused-mock");
  auto log = logs + "/refusing.log";
  std::string dir;
  std::string db;
  std::string first_url;
  {
    mock_process mock{mock_binary, catalog, logs + "/first.log"};
    first_url = mock.url();
    dir = engine_dir("refused", first_url);
    db = dir + "/data/deals.db";
    auto first = run("cd " + dir + " && " + ingest + " --once", 300);
    INFO(first.output);
    REQUIRE(first.exit_code == 0);
  }
  {
    // The same catalog, now refusing the query.
    mock_process mock{mock_binary, catalog + " --refuse-field salesRankRange",
                      log};
    auto config = read_all(dir + "/config.ini");
    config.replace(config.find(first_url), first_url.size(), mock.url());
    std::ofstream{dir + "/config.ini", std::ios::trunc} << config;
    // Ten deals back to pending, as if their commit were in progress.
    sqlite(db, "UPDATE deals SET status = 'pending', last_full_fetch_utc = "
               "NULL WHERE asin IN (SELECT asin FROM deals ORDER BY asin "
               "LIMIT 10)");
    REQUIRE(sqlite(db, "SELECT COUNT(*) FROM deals WHERE status = 'pending'")
            == "10");

    console_process engine{console_kind::pipe, dir, {ingest}};
    REQUIRE_MESSAGE(engine.wait_for("Keepa refused the query in "
                                    "deal_query.json",
                                    60s),
                    engine.output);
    // The pending deals are committed meanwhile: read the database itself
    // (WAL lets a reader in), bounded, between two status answers.
    const std::string unfinished
      = "SELECT COUNT(*) FROM deals WHERE status = 'pending'";
    bool landed = false;
    for (int i = 0; i < 60 && !landed; ++i) {
      engine.type("status");
      REQUIRE(engine.wait_for("tokens ", 10s));
      landed = sqlite(db, unfinished) == "0";
    }
    INFO(engine.output);
    CHECK(landed);
    engine.type("status");
    CHECK(engine.wait_for("DISCOVERY STOPPED: Keepa refused the query in "
                          "deal_query.json (HTTP 400, invalidParameter: "
                          "queryJSON is of invalid format (details: "
                          "salesRankRange))",
                          10s));
    engine.type("quit");
    CHECK(engine.wait_exit(10s) == 0);
    CHECK(sqlite(db, unfinished) == "0");
    // Committed: their offers were bought.
    CHECK(std::stoi(sqlite(db, "SELECT COUNT(*) FROM deals WHERE "
                               "last_full_fetch_utc IS NOT NULL"))
          >= 10);
    auto engine_log = read_all(dir + "/logs/k.log");
    CHECK(engine_log.find("queryJSON is of invalid format (details: "
                          "salesRankRange)")
          != std::string::npos);
    // The key was never in doubt.
    CHECK(engine_log.find("refused the key") == std::string::npos);
  }
  // One refused page, never asked again.
  auto served = read_all(log);
  INFO(served);
  auto at = served.find("\"400\":");
  REQUIRE(at != std::string::npos);
  CHECK(std::stoi(served.substr(at + 6)) == 1);
}
