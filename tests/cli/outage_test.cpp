// keepa-ingest through outages it cannot fix itself: a full disk and a
// Keepa that answers 5xx for a long stretch. Nothing is lost, nothing is
// deleted, and the engine goes on when the outage ends.

#include "support/process.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

using keepa::test::engine_dir;
using keepa::test::fresh_dir;
using keepa::test::ingest;
using keepa::test::mock_binary;
using keepa::test::mock_process;
using keepa::test::read_all;
using keepa::test::run;
using keepa::test::sqlite;

namespace {

/// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text,
                                        const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0)
      out.push_back(line);
  return out;
}

/// `calls_total` of a `dump tokens` line; -1 when it does not parse.
int64_t calls_total(const std::string& dump) {
  rapidjson::Document doc;
  doc.Parse(dump.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("tokens"))
    return -1;
  return doc["tokens"]["calls_total"].GetInt64();
}

} // namespace

TEST_CASE("a full disk holds every request, loses nothing written, exits 1 "
          "on quit, and a restart on the same database goes on") {
  auto log = fresh_dir("full-disk-mock") + "/mock.log";
  mock_process mock{mock_binary,
                    "--products 3000 --deal-rate 3000 --refill-rate 3000", log};
  auto dir = engine_dir("full-disk", mock.url(), 5);
  auto db = dir + "/data/deals.db";
  // Files may not grow past 500 KB: SQLite's writes fail as on a full disk
  // (SIGXFSZ ignored, so a write past the limit is an error, not a kill).
  // `status` is typed once the engine has said so (a slow machine takes
  // longer to fill the file), then the dumps 4 s apart.
  auto full
    = run("cd " + dir
            + " && (for i in $(seq 90); do grep -q \"the database cannot "
              "write\" err.txt 2>/dev/null && break; sleep 1; done; sleep 1; "
              "echo status; echo dump tokens; sleep 4; echo dump tokens; "
              "echo quit) | (trap \"\" XFSZ; ulimit -f 1000; "
            + ingest
            + " > out.txt 2> err.txt; "
              "echo exit=$?)",
          150);
  auto out = read_all(dir + "/out.txt");
  auto err = read_all(dir + "/err.txt");
  INFO(full.output, out, err);
  CHECK(full.output.find("exit=1") != std::string::npos);
  CHECK(out.find("DATABASE CANNOT WRITE") != std::string::npos);
  auto dumps = lines_starting(out, "{\"tokens\"");
  REQUIRE(dumps.size() == 2);
  CHECK(dumps[0].find("\"paused\":true") != std::string::npos);
  CHECK(calls_total(dumps[0]) > 0);
  CHECK(calls_total(dumps[1]) == calls_total(dumps[0]));
  CHECK(err.find("the database cannot write") != std::string::npos);
  CHECK(err.find("mock-key") == std::string::npos);
  CHECK(sqlite(db, "PRAGMA integrity_check") == "ok");
  auto before = sqlite(db, "SELECT asin FROM deals ORDER BY asin");
  REQUIRE_FALSE(before.empty());

  // The disk has room again: --once finishes on the same database.
  auto again = run("cd " + dir + " && " + ingest + " --once", 300);
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(sqlite(db, "PRAGMA integrity_check") == "ok");
  auto after = lines_starting(sqlite(db, "SELECT asin FROM deals"), "");
  std::set<std::string> now{after.begin(), after.end()};
  size_t missing = 0;
  for (auto& asin : lines_starting(before, ""))
    missing += now.count(asin) == 0;
  CHECK(missing == 0);
  CHECK(sqlite(db, "SELECT COUNT(*) FROM deals WHERE status = 'pending'")
        == "0");
}

TEST_CASE("Keepa answering 5xx past the stall window: the janitor deletes "
          "nothing, status says so, and the engine goes on when Keepa "
          "answers again") {
  auto logs = fresh_dir("stall-mock");
  std::string port;
  std::string dir;
  {
    mock_process healthy{mock_binary,
                         "--products 400 --deal-rate 400 --refill-rate 3000",
                         logs + "/healthy.log"};
    dir = engine_dir("stall", healthy.url(), 2);
    std::ofstream{dir + "/config.ini", std::ios::app}
      << "[engine]\nstall_minutes = 1\n";
    auto once = run("cd " + dir + " && " + ingest + " --once", 300);
    INFO(once.output);
    REQUIRE(once.exit_code == 0);
    port = healthy.port;
  }
  auto db = dir + "/data/deals.db";
  // One more row was never listed by the mock and is past its retention in
  // engine-alive time: a janitor pass that runs deletes it.
  sqlite(db, "INSERT INTO deals (asin, status, last_seen_utc, seen_alive_ms) "
             "VALUES ('B0GONE0000', 'active', '2000-01-01T00:00:00Z', "
             "-300000000)");
  auto rows = std::stoll(sqlite(db, "SELECT COUNT(*) FROM deals"));
  REQUIRE(rows > 1);

  // The same port answers 500 to everything for 70 s, then a healthy mock
  // takes it over; the console asks the janitor before and after.
  std::ofstream{dir + "/console.sh"}
    << "sleep 70; echo janitor; echo status; sleep 1\n"
       "kill $(cat mock.pid); sleep 1\n"
    << mock_binary << " --port " << port
    << " --products 400 --deal-rate 400 --refill-rate 3000 > /dev/null"
       " 2> healthy2.log & echo $! > mock.pid\n"
       "for i in $(seq 1 15); do sleep 2; echo janitor; done\n"
       "echo quit\n";
  auto res = run("cd " + dir + " && (" + mock_binary + " --port " + port
                   + " --faults 500:1 > /dev/null 2> failing.log & echo $! > "
                     "mock.pid; sh console.sh) | "
                   + ingest
                   + " > out.txt 2> err.txt; echo exit=$?; "
                     "kill $(cat mock.pid)",
                 240);
  auto out = read_all(dir + "/out.txt");
  INFO(res.output, out);
  CHECK(res.output.find("exit=0") != std::string::npos);
  auto answers = lines_starting(out, "");
  // The first line says where the deal board is; the answers follow.
  REQUIRE(answers.size() > 4);
  CHECK(answers[0].rfind("keepa-ingest: the deal board is at", 0) == 0);
  answers.erase(answers.begin());
  CHECK(answers[0].rfind("error: janitor deleted nothing, ingestion stalled", 0)
        == 0);
  CHECK(answers[1].rfind("tokens unknown (Keepa has not answered yet", 0) == 0);
  CHECK(answers[1].find("NO KEEPA ANSWER for 1 min") != std::string::npos);
  CHECK(answers[1].find("janitor: ingestion stalled") != std::string::npos);
  CHECK(sqlite(db, "PRAGMA integrity_check") == "ok");
  // Once Keepa answers again the janitor runs: its answers turn to ok, and
  // it deletes the one row no listing refreshed, nothing else.
  auto recovered = std::find_if(answers.begin() + 2, answers.end(),
                                [](const std::string& a) {
                                  return a.rfind("ok: janitor deleted", 0) == 0;
                                });
  CHECK(recovered != answers.end());
  CHECK(sqlite(db, "SELECT COUNT(*) FROM deals WHERE asin = 'B0GONE0000'")
        == "0");
  CHECK(std::stoll(sqlite(db, "SELECT COUNT(*) FROM deals")) >= rows - 1);
}
