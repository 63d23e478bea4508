// A soak: the engine against mock-keepa with every fault on, for three
// minutes of real time (KEEPA_SOAK_SECONDS, at least 30), then the
// invariants on the mock's own counters, the database and the logs
// (docs/design.md, Invariants and Admission: a sound database, no 429, no
// balance below the deficit floor, and the API key in no output).

#include "model/defaults.hpp"
#include "support/process.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
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
using keepa::test::sqlite;

namespace {

/// How long the soak runs: KEEPA_SOAK_SECONDS, 180 by default.
int soak_seconds() {
  auto* env = std::getenv("KEEPA_SOAK_SECONDS");
  return env != nullptr ? std::max(30, std::atoi(env)) : 180;
}

/// The integer after `"key":` in a JSON text; -1 when absent.
long long json_int(const std::string& json, const std::string& key) {
  auto pos = json.find("\"" + key + "\":");
  if (pos == std::string::npos)
    return -1;
  return std::stoll(json.substr(pos + key.size() + 3));
}

} // namespace

TEST_CASE("soak with faults: stays up, progresses, no 429, floor kept, "
          "bounded memory, no key in any output") {
  auto mock_log = fresh_dir("soak-mock") + "/mock.log";
  std::string dir;
  std::string served;
  {
    mock_process mock{mock_binary,
                      "--products 20000 --deal-rate 20000 --refill-rate 500 "
                      "--slow-ms 2000 --faults 500:0.03,slow:0.02,reset:0.01,"
                      "badjson:0.01,truncate:0.01,http200error:0.01",
                      mock_log};
    dir = engine_dir("soak", mock.url(), 5);
    // RSS after 10 s and 5 s before the end, a dump, then SIGTERM.
    auto middle = std::to_string(soak_seconds() - 15);
    auto res = run("cd " + dir + " && (sleep 10; echo status; sleep " + middle
                     + "; echo dump) | (" + ingest
                     + " 2> stderr.txt & "
                       "pid=$!; sleep 10; grep VmRSS /proc/$pid/status; sleep "
                     + middle
                     + "; grep VmRSS /proc/$pid/status; sleep 5; "
                       "kill -TERM $pid; wait $pid; echo exit=$?)",
                   soak_seconds() + 60);
    INFO(res.output);
    CHECK(res.output.find("exit=0") != std::string::npos);
    auto first = res.output.find("VmRSS:");
    auto second = res.output.find("VmRSS:", first + 1);
    REQUIRE(second != std::string::npos);
    auto rss_start = std::stoll(res.output.substr(first + 6));
    auto rss_end = std::stoll(res.output.substr(second + 6));
    MESSAGE("RSS start " << rss_start << " kB, end " << rss_end << " kB");
    CHECK(rss_end < 2 * rss_start + 20000);
    CHECK(res.output.find("mock-key") == std::string::npos);
    auto db = dir + "/data/deals.db";
    CHECK(sqlite(db, "PRAGMA integrity_check") == "ok");
    auto active = std::stoll(sqlite(db, "SELECT COUNT(*) FROM deals WHERE "
                                        "status = 'active'"));
    MESSAGE("active deals after the soak: " << active);
    CHECK(active > 500);
  }
  served = read_all(mock_log);
  INFO(served);
  MESSAGE("mock served: " << served);
  CHECK(json_int(served, "http_429") == 0);
  CHECK(json_int(served, "lowest_balance") >= keepa::defaults::deficit_floor);
  CHECK(json_int(served, "faults_injected") > 10);
  CHECK(read_all(dir + "/logs/k.log").find("mock-key") == std::string::npos);
  CHECK(read_all(dir + "/stderr.txt").find("mock-key") == std::string::npos);
}
