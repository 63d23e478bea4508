// kill -9 at seeded random moments, restart on the same database each time
// (docs/design.md#invariants): the database stays sound and nothing committed
// before a kill is missing after it.

#include "support/process.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <set>
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

/// The lines the sqlite3 shell prints for `sql` on the crash database.
std::set<std::string> rows(const std::string& dir, const std::string& sql) {
  std::set<std::string> out;
  std::istringstream in{keepa::test::sqlite(dir + "/data/deals.db", sql)};
  std::string line;
  while (std::getline(in, line))
    if (!line.empty())
      out.insert(line);
  return out;
}

} // namespace

TEST_CASE("kill -9 at random moments (ten at least) loses nothing "
          "committed") {
  auto log = fresh_dir("crash-mock") + "/mock.log";
  mock_process mock{mock_binary,
                    "--products 3000 --deal-rate 3000 --refill-rate 3000 "
                    "--faults 500:0.02,slow:0.01,reset:0.01",
                    log};
  auto dir = engine_dir("crash", mock.url(), 5);
  std::mt19937 rng{20261124};
  std::set<std::string> committed;
  // Ten kills, and more (up to 30, each given up to 5 s) while fewer than
  // 51 rows committed: a slow machine (the sanitizers, a busy CI) commits
  // less in the same moments, and the check must still cover enough rows.
  for (int kill = 0; kill < 10 || (committed.size() <= 50 && kill < 30);
       ++kill) {
    auto longest = kill < 10 ? 2500 : 5000;
    auto ms = std::uniform_int_distribution<int>{300, longest}(rng);
    auto res = run("cd " + dir + " && timeout -s KILL "
                     + std::to_string(ms / 1000.0) + " " + ingest
                     + " > /dev/null 2>&1; echo exit=$?",
                   60);
    CAPTURE(kill);
    CAPTURE(ms);
    CHECK(res.output.find("exit=137") != std::string::npos);
    CHECK(rows(dir, "PRAGMA integrity_check") == std::set<std::string>{"ok"});
    auto now = rows(dir, "SELECT asin FROM deals WHERE status = 'active'");
    for (auto& asin : committed)
      CHECK(now.count(asin) == 1);
    CHECK(rows(dir, "SELECT COUNT(*) - COUNT(DISTINCT asin) FROM deals")
          == std::set<std::string>{"0"});
    committed.insert(now.begin(), now.end());
  }
  CHECK(committed.size() > 50);
  // A final clean run resumes the pending survivors and finishes them.
  auto last = run("cd " + dir + " && " + ingest + " --once", 300);
  INFO(last.output);
  CHECK(last.exit_code == 0);
  CHECK(rows(dir, "SELECT COUNT(*) FROM deals WHERE status = 'pending'")
        == std::set<std::string>{"0"});
}
