// ALERTS on virtual time, with a real DB_WRITER and a scripted webhook:
// a committed deal reaches the webhook once, with its id as the
// Idempotency-Key; 5xx and silence are retried with backoff, a 429 waits as
// told, a 404 stops the target until `alerts retry`, alerts past
// max_per_minute go in digests, a restart repeats at most the message in
// flight with the same id, and delivered alerts are pruned after a week.

#include "actors/alerts.hpp"
#include "actors/db_writer.hpp"
#include "model/alert_body.hpp"
#include "support/committed_rows.hpp"
#include "support/deterministic_fixture.hpp"
#include "support/process.hpp"
#include "support/sqlite_read.hpp"

#include <doctest/doctest.h>

#include <deque>
#include <functional>

using namespace keepa;
using namespace std::chrono_literals;
using keepa::test::committed;
using keepa::test::scalar;

namespace {

/// One request the webhook got.
struct received {
  int64_t at_ms = 0;
  std::string url;
  std::string key;
  std::string body;
};

/// The webhook as a script: each post is recorded and answered with the
/// next scripted answer (200 once the script is spent); a scripted status
/// of -1 never answers.
struct webhook_script {
  std::vector<received> posts;
  std::deque<delivery_answer> answers;
};

struct alerts_fixture : test::deterministic_fixture {
  std::string path = test::fresh_dir("alerts") + "/deals.db";
  webhook_script script;
  std::shared_ptr<int64_t> virtual_now = std::make_shared<int64_t>(0);
  db_writer_actor db;
  webhook_actor webhook;
  alerts_actor alerts;
  alert_settings targets;
  wall_clock now = clock();

  alerts_fixture() {
    alert_target t;
    t.name = "alerts";
    t.webhook_url = "https://hooks.example/secret-7f3a";
    targets.targets.push_back(t);
    webhook = spawn([this]() -> webhook_actor::behavior_type {
      return {
        [this](atom::post,
               const webhook_post& p) -> caf::result<delivery_answer> {
          script.posts.push_back({now(), p.url, p.idempotency_key, p.body});
          auto a = delivery_answer{200, {}, ""};
          if (!script.answers.empty()) {
            a = script.answers.front();
            script.answers.pop_front();
          }
          if (a.status < 0)
            return caf::delegated<delivery_answer>{};
          return a;
        },
        [](atom::completed, uint64_t, const delivery_answer&) {},
      };
    });
  }

  /// Starts DB_WRITER and ALERTS for `targets`.
  void start() {
    db_writer_settings s;
    s.path = path;
    for (auto& t : targets.targets)
      s.alert_targets.push_back({t.name, t.rules});
    db = spawn(make_db_writer, s, now);
    start_alerts();
  }

  /// Starts (again) ALERTS.
  void start_alerts() {
    alerts_settings a;
    a.alerts = targets;
    a.board_url = [] { return std::string{"http://board.test/"}; };
    alerts = spawn(make_alerts, alerts_links{db, webhook}, a, now);
    run();
  }

  /// Commits active deals `first` .. `first + n - 1` (profitable, so
  /// every target without rules hears of them).
  void commit_deals(int first, int n = 1) {
    write_batch b;
    for (int i = first; i < first + n; ++i)
      b.upserts.push_back(committed(asin(i), 20, 15, 7000));
    caf::anon_send(db, atom::write_v, std::move(b));
    run();
  }

  static std::string asin(int i) {
    auto digits = std::to_string(i);
    return "B" + std::string(9 - digits.size(), '0') + digits;
  }

  static std::string id_of(int i) {
    return asin(i) + "-7000-new_deal";
  }

  /// The outbox's states, "id state attempts", oldest first.
  std::vector<std::string> outbox() {
    return test::texts(path, "SELECT id || ' ' || state || ' ' || attempts "
                             "FROM alert_outbox ORDER BY rowid");
  }

  alerts_stats stats() {
    return stats_of<alerts_stats>(alerts);
  }

  /// Asks ALERTS a console question (`test` or `retry`).
  template <class Atom>
  std::string ask(Atom what) {
    auto h = (*self)->request(alerts, caf::infinite, what);
    run();
    std::string out;
    h.receive([&](const std::string& line) { out = line; },
              [&](const caf::error& err) { out = error_text(err); });
    return out;
  }

  /// Seconds from virtual time zero of each post.
  std::vector<int64_t> post_seconds() {
    std::vector<int64_t> out;
    for (auto& p : script.posts)
      out.push_back((p.at_ms - wall_start_ms) / 1000);
    return out;
  }
};

delivery_answer answer(int status, std::string detail = "",
                       std::map<std::string, std::string> headers = {}) {
  return {status, std::move(headers), std::move(detail)};
}

} // namespace

TEST_SUITE_BEGIN("alerts");

TEST_CASE_FIXTURE(alerts_fixture, "a committed deal reaches the webhook "
                                  "within a second, once, its id the "
                                  "Idempotency-Key, and is marked delivered") {
  start();
  commit_deals(1);
  advance(1s);
  REQUIRE(script.posts.size() == 1);
  auto& p = script.posts[0];
  CHECK(p.key == id_of(1));
  CHECK(p.url == "https://hooks.example/secret-7f3a");
  CHECK(p.at_ms - wall_start_ms <= 1000);
  auto sent = read_alert(p.body);
  REQUIRE(sent);
  CHECK(sent->id == id_of(1));
  CHECK(sent->board_url == "http://board.test/deal/" + asin(1));
  CHECK(outbox() == std::vector<std::string>{id_of(1) + " delivered 1"});
  advance(10min, 1s);
  CHECK(script.posts.size() == 1);
  auto s = stats();
  REQUIRE(s.targets.size() == 1);
  CHECK(s.targets[0].delivered_total == 1);
  CHECK(s.targets[0].sent_last_hour == 1);
  CHECK(s.targets[0].pending == 0);
  advance(61min, 1min);
  CHECK(stats().targets[0].sent_last_hour == 0);
}

TEST_CASE_FIXTURE(alerts_fixture, "5xx and silence are retried with backoff, "
                                  "each time with the same id, until "
                                  "delivered") {
  script.answers = {answer(500, "oops"), answer(503),
                    answer(0, "timeout after 15000 ms")};
  start();
  commit_deals(1);
  advance(10min, 1s);
  REQUIRE(script.posts.size() == 4);
  for (auto& p : script.posts)
    CHECK(p.key == id_of(1));
  // 30 s, then 60 s, then 120 s (within the tick of 10 s).
  auto at = post_seconds();
  CHECK(at[1] - at[0] >= 30);
  CHECK(at[1] - at[0] <= 40);
  CHECK(at[2] - at[1] >= 60);
  CHECK(at[2] - at[1] <= 70);
  CHECK(at[3] - at[2] >= 120);
  CHECK(at[3] - at[2] <= 130);
  CHECK(outbox() == std::vector<std::string>{id_of(1) + " delivered 4"});
  CHECK(stats().targets[0].last_error == "no answer: timeout after 15000 ms");
}

TEST_CASE_FIXTURE(alerts_fixture, "a 429 waits as Retry-After says") {
  script.answers = {answer(429, "", {{"retry-after", "45"}})};
  start();
  commit_deals(1);
  advance(5min, 1s);
  REQUIRE(script.posts.size() == 2);
  auto at = post_seconds();
  CHECK(at[1] - at[0] >= 45);
  CHECK(at[1] - at[0] <= 55);
  CHECK(stats().targets[0].rate_limited_total == 1);
  CHECK(outbox() == std::vector<std::string>{id_of(1) + " delivered 2"});
}

TEST_CASE_FIXTURE(alerts_fixture, "a 404 stops the target, nothing is lost, "
                                  "and alerts retry sends it all") {
  script.answers = {answer(404, "Unknown Webhook")};
  start();
  commit_deals(1);
  advance(1s);
  commit_deals(2, 2);
  advance(30min, 1s);
  CHECK(script.posts.size() == 1);
  auto s = stats();
  CHECK(s.targets[0].stopped == "HTTP 404: Unknown Webhook");
  CHECK(s.targets[0].pending == 3);
  CHECK(ask(atom::retry_v) == "ok: sending again to alerts");
  advance(1min, 1s);
  CHECK(script.posts.size() == 4);
  CHECK(stats().targets[0].stopped.empty());
  CHECK(outbox()
        == std::vector<std::string>{id_of(1) + " delivered 1",
                                    id_of(2) + " delivered 1",
                                    id_of(3) + " delivered 1"});
  CHECK(ask(atom::retry_v) == "ok: no alert target was stopped");
}

TEST_CASE_FIXTURE(alerts_fixture, "past max_per_minute the rest of the "
                                  "minute go as one digest") {
  targets.targets[0].max_per_minute = 3;
  start();
  commit_deals(1, 10);
  advance(5s, 1s);
  REQUIRE(script.posts.size() == 3);
  CHECK(script.posts[0].key == id_of(1));
  CHECK(script.posts[1].key == id_of(2));
  CHECK(script.posts[2].key == "digest-" + id_of(3) + "-8");
  CHECK(script.posts[2].body.find(id_of(10)) != std::string::npos);
  CHECK(scalar(path, "SELECT COUNT(*) FROM alert_outbox WHERE state = "
                     "'delivered'")
        == 10);
  // The next minute starts empty: two more go one by one.
  commit_deals(11, 2);
  advance(2min, 1s);
  REQUIRE(script.posts.size() == 5);
  CHECK(script.posts[3].key == id_of(11));
  CHECK(post_seconds()[3] >= 60);
}

TEST_CASE_FIXTURE(alerts_fixture, "a backlog past one digest goes in as "
                                  "many digests as the minute allows") {
  targets.targets[0].max_per_minute = 3;
  start();
  commit_deals(1, 200);
  advance(5s, 1s);
  // 200 due and three messages: three digests of the oldest 50 each.
  REQUIRE(script.posts.size() == 3);
  CHECK(script.posts[0].key == "digest-" + id_of(1) + "-50");
  CHECK(script.posts[1].key == "digest-" + id_of(51) + "-50");
  CHECK(script.posts[2].key == "digest-" + id_of(101) + "-50");
  CHECK(scalar(path, "SELECT COUNT(*) FROM alert_outbox WHERE state = "
                     "'delivered'")
        == 150);
  // The next minute: 50 left in three messages, two alone and a digest.
  advance(2min, 1s);
  REQUIRE(script.posts.size() == 6);
  CHECK(script.posts[3].key == id_of(151));
  CHECK(script.posts[4].key == id_of(152));
  CHECK(script.posts[5].key == "digest-" + id_of(153) + "-48");
  CHECK(stats().targets[0].pending == 0);
}

TEST_CASE_FIXTURE(alerts_fixture, "a restart while a message is in flight "
                                  "sends it again with the same id, and "
                                  "nothing else twice") {
  targets.targets[0].max_per_minute = 2;
  script.answers = {answer(200), answer(-1)};
  start();
  commit_deals(1, 4);
  advance(2s, 1s);
  // The first went alone; the digest of the other three never got an answer.
  REQUIRE(script.posts.size() == 2);
  auto digest = "digest-" + id_of(2) + "-3";
  CHECK(script.posts[1].key == digest);
  caf::anon_send_exit(alerts, caf::exit_reason::kill);
  run();
  start_alerts();
  advance(5s, 1s);
  REQUIRE(script.posts.size() == 3);
  CHECK(script.posts[2].key == digest);
  CHECK(scalar(path, "SELECT COUNT(*) FROM alert_outbox WHERE state = "
                     "'delivered'")
        == 4);
}

TEST_CASE_FIXTURE(alerts_fixture, "an alert is given up after give_up_hours "
                                  "and the error never shows the URL") {
  targets.give_up_hours = 1;
  for (int i = 0; i < 20; ++i)
    script.answers.push_back(
      answer(502, "bad gateway at https://hooks.example/secret-7f3a"));
  start();
  commit_deals(1);
  advance(2h, 1s);
  // Tried at 0, 30 s, 1.5 min, 3.5, 7.5, 15.5, 31.5 and 61.5 min: past the
  // hour, the eighth failure gives it up.
  CHECK(outbox() == std::vector<std::string>{id_of(1) + " failed 8"});
  CHECK(script.posts.size() == 8);
  auto s = stats();
  CHECK(s.targets[0].pending == 0);
  CHECK(s.targets[0].failed == 1);
  CHECK(s.targets[0].last_error == "HTTP 502: bad gateway at ***");
}

TEST_CASE_FIXTURE(alerts_fixture, "alerts test posts a test message to every "
                                  "target and prints each answer") {
  alert_target second;
  second.name = "alerts.team";
  second.format = alert_format::discord;
  second.webhook_url = "https://discord.example/api/webhooks/1/tok";
  targets.targets.push_back(second);
  script.answers = {answer(204), answer(404, "Unknown Webhook")};
  start();
  CHECK(ask(atom::test_v)
        == "alerts: ok, HTTP 204\nalerts.team: failed, HTTP 404: Unknown "
           "Webhook");
  REQUIRE(script.posts.size() == 2);
  CHECK(script.posts[1].body.find("test alert") != std::string::npos);
  CHECK(outbox().empty());
}

TEST_CASE_FIXTURE(alerts_fixture, "delivered alerts are pruned a week after "
                                  "delivery") {
  start();
  commit_deals(1);
  advance(1s);
  REQUIRE(outbox().size() == 1);
  auto purge = [&] {
    auto h = (*self)->request(db, caf::infinite, atom::purge_v,
                              int64_t{1'000'000'000'000});
    run();
    h.receive([](int64_t) {}, [](const caf::error&) { FAIL("no purge"); });
  };
  advance(6 * 24h, 1h);
  purge();
  CHECK(outbox().size() == 1);
  advance(25h, 1h);
  purge();
  CHECK(outbox().empty());
  CHECK(stats_of<db_stats>(db).pruned_alerts_total == 1);
}

TEST_SUITE_END();
