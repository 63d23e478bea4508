// Alerts from the real engine to a webhook receiver process on loopback
// (tests/cli/webhook_receiver.py): through a refused connection, a 500, a
// 429 and a 404 every alert arrives exactly once; with kill -9 at seeded
// moments none is lost and a repeat carries the same id; the webhook URL
// shows nowhere.

#include "support/console.hpp"
#include "support/process.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

using keepa::test::console_kind;
using keepa::test::console_process;
using keepa::test::engine_dir;
using keepa::test::fresh_dir;
using keepa::test::ingest;
using keepa::test::mock_binary;
using keepa::test::mock_process;
using keepa::test::read_all;
using keepa::test::run;
using keepa::test::source;

using namespace std::chrono_literals;

namespace {

const std::string receiver = "/usr/bin/python3 " + source
                             + "/tests/cli/webhook_receiver.py";

/// The secret part of the webhook URL.
constexpr const char* secret = "hook-secret-91c4";

/// A loopback port that was free a moment ago.
std::string free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor{
    ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  return std::to_string(acceptor.local_endpoint().port());
}

/// An engine directory whose alerts go to the receiver on `port`.
std::string alerts_dir(const std::string& name, const std::string& keepa,
                       const std::string& port) {
  auto dir = engine_dir(name, keepa, 5);
  std::ofstream{dir + "/config.ini", std::ios::app}
    << "[alerts]\nformat = generic\nwebhook_url = http://127.0.0.1:" << port
    << "/" << secret << "\nmax_per_minute = 60\n";
  return dir;
}

/// What the receiver logged: for each Idempotency-Key, how often it came
/// answered 2xx, and every alert id delivered with how many times.
struct received {
  std::map<std::string, int> delivered_keys;
  std::map<std::string, int> delivered_ids;
  std::set<int> statuses;
};

received read_log(const std::string& path) {
  received out;
  std::istringstream in{read_all(path)};
  std::string line;
  while (std::getline(in, line)) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    REQUIRE_MESSAGE(d.IsObject(), line);
    int status = d["status"].GetInt();
    out.statuses.insert(status);
    if (status / 100 != 2)
      continue;
    ++out.delivered_keys[d["key"].GetString()];
    for (auto& id : d["ids"].GetArray())
      ++out.delivered_ids[id.GetString()];
  }
  return out;
}

/// The ids in the engine's outbox.
std::set<std::string> outbox(const std::string& dir) {
  std::set<std::string> out;
  std::istringstream in{
    keepa::test::sqlite(dir + "/data/deals.db", "SELECT id FROM alert_outbox")};
  std::string line;
  while (std::getline(in, line))
    if (!line.empty())
      out.insert(line);
  return out;
}

/// Pauses Keepa calls, then waits until no alert is pending: the engine
/// says so, and so does its outbox (right after a start the engine has not
/// read the outbox yet and counts nothing pending).
void drain_alerts(console_process& engine, const std::string& dir) {
  engine.type("pause");
  bool drained = false;
  for (int i = 0; i < 200 && !drained; ++i) {
    engine.type("dump alerts");
    drained = engine.wait_for("{\"sent_last_hour\":", 5s)
              && engine.wait_for("\"pending\":0,", 1s)
              && keepa::test::sqlite(dir + "/data/deals.db",
                                     "SELECT COUNT(*) FROM alert_outbox "
                                     "WHERE state = 'pending'")
                   == "0";
  }
  CHECK_MESSAGE(drained, engine.output);
}

} // namespace

TEST_CASE("through a refused connection, a 500, a 429 and a 404 every alert "
          "arrives exactly once and the webhook URL shows nowhere") {
  mock_process mock{mock_binary,
                    "--products 300 --deal-rate 300 --refill-rate 3000",
                    fresh_dir("alerts-mock") + "/mock.log"};
  auto port = free_port();
  auto dir = alerts_dir("alerts-faults", mock.url(), port);
  auto log = dir + "/received.jsonl";
  console_process engine{console_kind::pipe, dir, {ingest}};
  // Nothing listens yet: the first alerts meet a refused connection.
  REQUIRE_MESSAGE(engine.wait_for("alerts: alerts: no answer: connect", 120s),
                  engine.output);
  {
    mock_process hook{
      receiver, "--port " + port + " --log " + log + " --plan 500,429:1,404",
      dir + "/receiver.err"};
    REQUIRE_MESSAGE(engine.wait_for("HTTP 404", 120s), engine.output);
    engine.type("status");
    REQUIRE_MESSAGE(engine.wait_for("ALERTS STOPPED for alerts: HTTP 404", 30s),
                    engine.output);
    engine.type("alerts retry");
    REQUIRE_MESSAGE(engine.wait_for("ok: sending again to alerts", 30s),
                    engine.output);
    drain_alerts(engine, dir);
    engine.type("alerts test");
    REQUIRE_MESSAGE(engine.wait_for("alerts: ok, HTTP 200", 30s),
                    engine.output);
    engine.type("quit");
    CHECK(engine.wait_exit(30s) == 0);
  }
  auto got = read_log(log);
  CHECK(got.statuses == std::set<int>{200, 404, 429, 500});
  auto ids = outbox(dir);
  REQUIRE(ids.size() >= 3);
  for (auto& id : ids)
    CHECK_MESSAGE(got.delivered_ids[id] == 1, id);
  for (auto& [key, n] : got.delivered_keys)
    CHECK_MESSAGE(n == 1, key);
  // The URL's secret is in no output, log line or table.
  CHECK(engine.output.find(secret) == std::string::npos);
  CHECK(read_all(dir + "/logs/k.log").find(secret) == std::string::npos);
  CHECK(run("cat " + dir + "/data/deals.db* | grep -c " + secret + " || true")
          .output
        == "0\n");
}

TEST_CASE("kill -9 during delivery loses no alert, and a repeat carries the "
          "same id") {
  mock_process mock{mock_binary,
                    "--products 3000 --deal-rate 3000 --refill-rate 3000",
                    fresh_dir("alerts-crash-mock") + "/mock.log"};
  auto log = fresh_dir("alerts-crash-hook") + "/received.jsonl";
  mock_process hook{receiver, "--log " + log, log + ".err"};
  auto dir = alerts_dir("alerts-crash", mock.url(), hook.port);
  // The kills leave hundreds of alerts (about 1,100 in all): the restarted
  // engine sends them in digests within a minute or two.
  std::mt19937 rng{20261205};
  const int kills = 4;
  for (int kill = 0; kill < kills; ++kill) {
    auto ms = std::uniform_int_distribution<int>{1500, 5000}(rng);
    auto res = run("cd " + dir + " && timeout -s KILL "
                     + std::to_string(ms / 1000.0) + " " + ingest
                     + " > /dev/null 2>&1; echo exit=$?",
                   60);
    CAPTURE(ms);
    CHECK(res.output.find("exit=137") != std::string::npos);
  }
  console_process engine{console_kind::pipe, dir, {ingest}};
  drain_alerts(engine, dir);
  engine.type("quit");
  CHECK(engine.wait_exit(30s) == 0);
  auto got = read_log(log);
  auto ids = outbox(dir);
  REQUIRE(!ids.empty());
  int repeats = 0;
  for (auto& id : ids) {
    CHECK_MESSAGE(got.delivered_ids[id] >= 1, id);
    repeats += std::max(0, got.delivered_ids[id] - 1);
  }
  // Only what was in flight at a kill may come again: one message a kill.
  int repeated_messages = 0;
  for (auto& [key, n] : got.delivered_keys)
    repeated_messages += n - 1;
  CHECK(repeated_messages <= kills);
  MESSAGE("alerts: ", ids.size(), ", repeated: ", repeats);
}
