// DB_WRITER: a write that only settles listings settles them at once when
// nothing waits (and never ahead of writes that do), writes commit by size
// or after the flush delay, a commit SQLite refuses keeps its rows and is
// retried until they land, and a flush that cannot commit says so.

#include "actors/db_writer.hpp"
#include "support/committed_rows.hpp"
#include "support/deterministic_fixture.hpp"
#include "support/process.hpp"
#include "support/sqlite_read.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <variant>

using namespace keepa;
using namespace std::chrono_literals;
using keepa::test::committed;
using keepa::test::dropped;
using keepa::test::scalar;
using keepa::test::seen;

namespace {

/// A trigger that makes every new rejection fail its commit, as a full
/// disk would.
constexpr const char* refuse_rejections
  = "CREATE TRIGGER refuse BEFORE INSERT ON rejections BEGIN "
    "SELECT RAISE(ABORT, 'disk full (test)'); END";
constexpr const char* accept_rejections = "DROP TRIGGER refuse";

/// A DB_WRITER on a fresh database, with stand-ins for the watermark and
/// the engine that record what they are told.
struct db_writer_fixture : test::deterministic_fixture {
  std::string path = test::fresh_dir("db-writer") + "/deals.db";
  std::vector<std::vector<deal_key>> settled;
  std::vector<std::pair<bool, std::string>> health;
  caf::actor watermark;
  caf::actor engine;
  db_writer_actor db;

  db_writer_fixture() {
    watermark = spawn([this]() -> caf::behavior {
      return {
        [this](atom::settle, const std::vector<deal_key>& keys) {
          settled.push_back(keys);
        },
      };
    });
    engine = spawn([this]() -> caf::behavior {
      return {
        [this](atom::health, bool failing, const std::string& why) {
          health.emplace_back(failing, why);
        },
      };
    });
  }

  void start(size_t batch_rows = 500,
             std::vector<outbox_target> alert_targets = {}) {
    db_writer_settings s;
    s.path = path;
    s.batch_rows = batch_rows;
    s.alert_targets = std::move(alert_targets);
    db = spawn(make_db_writer, s, clock());
    caf::anon_send(db, atom::subscribe_v,
                   caf::actor_cast<watermark_actor>(watermark));
    caf::anon_send(db, atom::subscribe_v,
                   caf::actor_cast<engine_actor>(engine));
    run();
  }

  /// Runs `sql` on a connection of its own, as another program would.
  void exec(const std::string& sql) {
    sqlite3* conn = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &conn) == SQLITE_OK);
    char* err = nullptr;
    auto rc = sqlite3_exec(conn, sql.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(conn);
    REQUIRE_MESSAGE(rc == SQLITE_OK, msg);
  }

  /// A batch of one rejection of `asin`, settling its listing.
  static write_batch rejection_of(const std::string& asin,
                                  keepa_minutes at = 100) {
    write_batch b;
    b.rejections.push_back({asin, at, "no spread"});
    b.settles.push_back({asin, at});
    return b;
  }

  /// A batch that writes nothing and settles `keys`.
  static write_batch settle_only(std::vector<deal_key> keys) {
    write_batch b;
    b.settles = std::move(keys);
    return b;
  }

  void write(write_batch b) {
    caf::anon_send(db, atom::write_v, std::move(b));
    run();
  }

  /// Asks for a purge of rows unseen for `retention_ms` of engine-alive
  /// time; the count deleted, or the error's text.
  std::variant<int64_t, std::string> purge(int64_t retention_ms) {
    auto h = (*self)->request(db, caf::infinite, atom::purge_v, retention_ms);
    run();
    std::variant<int64_t, std::string> out;
    h.receive([&](int64_t deleted) { out = deleted; },
              [&](const caf::error& err) { out = error_text(err); });
    return out;
  }

  int64_t rows_of(const std::string& asin) {
    return scalar(path,
                  "SELECT COUNT(*) FROM deals WHERE asin = '" + asin + "'");
  }

  int64_t rejections_stored() {
    return scalar(path, "SELECT COUNT(*) FROM rejections");
  }

  db_stats stats() {
    return stats_of<db_stats>(db);
  }

  /// The outbox's rows as "target id", oldest first.
  std::vector<std::string> outbox() {
    return test::texts(path, "SELECT target || ' ' || id FROM alert_outbox "
                             "ORDER BY rowid");
  }
};

} // namespace

TEST_CASE_FIXTURE(db_writer_fixture, "a write that only settles, with "
                                     "nothing queued, settles at once and "
                                     "never ahead of a queued write") {
  start();
  // Nothing waits: the watermark hears at once, without a transaction.
  write(settle_only({{"A", 100}, {"B", 90}}));
  REQUIRE(settled.size() == 1);
  CHECK(settled[0] == std::vector<deal_key>{{"A", 100}, {"B", 90}});
  CHECK(stats().transactions_total == 0);
  // A rejection waits for its commit: a settle-only write behind it waits
  // with it, so the watermark never passes C before C's row is durable.
  write(rejection_of("C", 80));
  write(settle_only({{"D", 70}}));
  CHECK(settled.size() == 1);
  CHECK(rejections_stored() == 0);
  advance(200ms);
  CHECK(rejections_stored() == 1);
  REQUIRE(settled.size() == 2);
  CHECK(settled[1] == std::vector<deal_key>{{"C", 80}, {"D", 70}});
  CHECK(stats().transactions_total == 1);
}

TEST_CASE_FIXTURE(db_writer_fixture, "writes commit once batch_rows are "
                                     "queued, or after the flush delay") {
  start(3);
  write(rejection_of("A"));
  write(rejection_of("B"));
  CHECK(rejections_stored() == 0);
  CHECK(stats().pending_writes == 2);
  // The third row fills the batch: committed without waiting.
  write(rejection_of("C"));
  CHECK(rejections_stored() == 3);
  REQUIRE(settled.size() == 1);
  CHECK(settled[0].size() == 3);
  // A lone row waits for the delay, not longer.
  write(rejection_of("D"));
  advance(100ms);
  CHECK(rejections_stored() == 3);
  advance(100ms);
  CHECK(rejections_stored() == 4);
  auto s = stats();
  CHECK(s.written_total == 4);
  CHECK(s.transactions_total == 2);
  CHECK(s.pending_writes == 0);
}

TEST_CASE_FIXTURE(db_writer_fixture, "a commit SQLite refuses keeps its rows "
                                     "and is retried until they land") {
  start();
  exec(refuse_rejections);
  write(rejection_of("A"));
  advance(200ms);
  CHECK(rejections_stored() == 0);
  auto s = stats();
  CHECK(s.pending_writes == 1);
  CHECK(s.transactions_total == 0);
  CHECK(s.last_error.find("disk full (test)") != std::string::npos);
  // Not durable: the watermark must not hear of it.
  CHECK(settled.empty());
  // Still refused at the first retry (2 s later); rows queued meanwhile
  // join the retry.
  write(rejection_of("B"));
  advance(2s);
  CHECK(rejections_stored() == 0);
  CHECK(stats().pending_writes == 2);
  exec(accept_rejections);
  advance(2s);
  CHECK(rejections_stored() == 2);
  REQUIRE(settled.size() == 1);
  CHECK(settled[0] == std::vector<deal_key>{{"A", 100}, {"B", 100}});
  s = stats();
  CHECK(s.pending_writes == 0);
  CHECK(s.written_total == 2);
  CHECK(s.transactions_total == 1);
  CHECK(s.last_error.empty());
}

TEST_CASE_FIXTURE(db_writer_fixture, "a flush that cannot commit answers "
                                     "SQLite's error and the engine hears "
                                     "once that writes fail, then that they "
                                     "work") {
  start();
  exec(refuse_rejections);
  write(rejection_of("A"));
  auto h = (*self)->request(db, caf::infinite, atom::flush_v);
  run();
  h.receive([](uint64_t) { FAIL("a failed flush answered a row count"); },
            [](const caf::error& err) {
              CHECK(error_text(err).find("disk full (test)")
                    != std::string::npos);
            });
  REQUIRE(health.size() == 1);
  CHECK(health[0].first);
  CHECK(health[0].second.find("disk full (test)") != std::string::npos);
  // Retries that fail again tell the engine nothing new.
  advance(5s);
  CHECK(health.size() == 1);
  exec(accept_rejections);
  auto h2 = (*self)->request(db, caf::infinite, atom::flush_v);
  run();
  h2.receive([](uint64_t written) { CHECK(written == 1); },
             [](const caf::error& err) {
               FAIL("flush failed: " << error_text(err));
             });
  CHECK(rejections_stored() == 1);
  REQUIRE(health.size() == 2);
  CHECK_FALSE(health[1].first);
  CHECK(health[1].second.empty());
}

TEST_CASE_FIXTURE(db_writer_fixture, "a read sees every write sent before "
                                     "it, committed first") {
  start();
  write(rejection_of("A"));
  auto h = (*self)->request(db, caf::infinite, atom::lookup_v,
                            std::vector<std::string>{"A"});
  run();
  h.receive(
    [](const lookup_result& r) {
      REQUIRE(r.rejected.size() == 1);
      CHECK(r.rejected[0].asin == "A");
    },
    [](const caf::error&) { FAIL("no lookup answer"); });
  CHECK(stats().transactions_total == 1);
  // The refresher's question commits first too.
  write(rejection_of("B"));
  auto due = (*self)->request(db, caf::infinite, atom::stale_v,
                              refresh_query{});
  run();
  due.receive([](const refresh_due&) {},
              [](const caf::error&) { FAIL("no stale answer"); });
  CHECK(rejections_stored() == 2);
}

TEST_CASE_FIXTURE(db_writer_fixture, "a write of nothing is a no-op: no "
                                     "transaction, no settle, no recount") {
  start();
  write(rejection_of("A"));
  advance(200ms);
  auto before = stats();
  REQUIRE(before.transactions_total == 1);
  REQUIRE(settled.size() == 1);
  write(write_batch{});
  advance(1s);
  auto after = stats();
  CHECK(after.transactions_total == 1);
  CHECK(after.pending_writes == 0);
  CHECK(after.written_total == 1);
  CHECK(settled.size() == 1);
}

TEST_CASE_FIXTURE(db_writer_fixture, "a purge asked while writes fail is "
                                     "refused: it never deletes a row whose "
                                     "sighting waits to be written") {
  start();
  // A is seen at alive 0; two hours of engine-alive time pass.
  write_batch first;
  first.upserts.push_back(seen("A"));
  write(std::move(first));
  advance(200ms);
  caf::anon_send(db, atom::alive_v, int64_t{2 * 3600000});
  advance(200ms);
  REQUIRE(rows_of("A") == 1);
  // The disk fills. A /deal page sees A again: its update waits in memory,
  // behind a rejection the disk refuses.
  exec(refuse_rejections);
  auto again = rejection_of("X");
  again.upserts.push_back(seen("A", true));
  again.settles.push_back({"A", 200});
  write(std::move(again));
  advance(200ms);
  REQUIRE(stats().pending_writes == 2);
  // A purge with a retention of one hour: A's sighting is not durable, so
  // nothing may be judged; the purge says why and deletes nothing.
  auto refused = purge(3600000);
  REQUIRE(std::holds_alternative<std::string>(refused));
  CHECK(std::get<std::string>(refused).find("disk full (test)")
        != std::string::npos);
  CHECK(rows_of("A") == 1);
  CHECK(settled.empty());
  // The disk has room again: the sighting lands and stamps A anew.
  exec(accept_rejections);
  advance(2s);
  CHECK(stats().pending_writes == 0);
  CHECK(stats().dropped_refreshes_total == 0);
  CHECK(rows_of("A") == 1);
  CHECK(scalar(path, "SELECT seen_alive_ms FROM deals WHERE asin = 'A'")
        == 2 * 3600000);
  REQUIRE(settled.size() == 1);
  CHECK(settled[0] == std::vector<deal_key>{{"X", 100}, {"A", 200}});
  auto purged = purge(3600000);
  REQUIRE(std::holds_alternative<int64_t>(purged));
  CHECK(std::get<int64_t>(purged) == 0);
  CHECK(rows_of("A") == 1);
}

TEST_CASE_FIXTURE(db_writer_fixture, "a committed deal that passes a "
                                     "target's rules is alerted to it once, "
                                     "in the row's own transaction") {
  alert_rules picky;
  picky.min_profit = 20;
  start(500, {{"alerts", {}}, {"alerts.picky", picky}});
  write_batch b;
  b.upserts.push_back(committed("B000000001", 10, 12, 7000));
  b.upserts.push_back(committed("B000000002", 10, 25, 7000));
  write(b);
  advance(200ms);
  CHECK(outbox()
        == std::vector<std::string>{"alerts B000000001-7000-new_deal",
                                    "alerts B000000002-7000-new_deal",
                                    "alerts.picky B000000002-7000-new_deal"});
  CHECK(stats().alerts_queued_total == 3);
  // Listed again (a new lastUpdate, a new heavy fetch): no second alert.
  write_batch again;
  again.upserts.push_back(committed("B000000001", 9, 13, 7100));
  write(again);
  advance(200ms);
  CHECK(outbox().size() == 3);
  auto alert_json = test::texts(path, "SELECT alert FROM alert_outbox WHERE "
                                      "id = 'B000000002-7000-new_deal' AND "
                                      "target = 'alerts'");
  REQUIRE(alert_json.size() == 1);
  CHECK(alert_json[0].find(R"("title":"Title of B000000002")")
        != std::string::npos);
  CHECK(alert_json[0].find(R"("roi":166.67)") != std::string::npos);
}

TEST_CASE_FIXTURE(db_writer_fixture, "a drop is alerted only when it falls "
                                     "drop_percent below the lowest price "
                                     "alerted") {
  alert_rules rules;
  rules.drop_percent = 10;
  start(500, {{"alerts", rules}});
  write_batch b;
  b.upserts.push_back(committed("B000000001", 20, 12, 7000));
  write(b);
  advance(200ms);
  write(dropped("B000000001", 20, 19, 13)); // 5 %: noise
  advance(200ms);
  CHECK(outbox().size() == 1);
  write(dropped("B000000001", 19, 17.5, 14)); // 12.5 % below 20: news
  advance(200ms);
  REQUIRE(outbox().size() == 2);
  CHECK(outbox()[1] == "alerts B000000001-7000-price_drop");
  auto json = test::texts(path, "SELECT alert FROM alert_outbox WHERE kind "
                                "= 'price_drop'");
  CHECK(json[0].find(R"("previous_price":20.0)") != std::string::npos);
  // Up and down again, not below 17.50 by 10 %: not news.
  write(dropped("B000000001", 22, 16.5, 15));
  advance(200ms);
  CHECK(outbox().size() == 2);
  // A deal never alerted gets no drop alert.
  write(dropped("B000000404", 20, 5, 30));
  advance(200ms);
  CHECK(outbox().size() == 2);
}

TEST_CASE_FIXTURE(db_writer_fixture, "an alert is neither lost nor doubled "
                                     "when its row's commit is refused") {
  start(500, {{"alerts", {}}});
  exec("CREATE TRIGGER refuse BEFORE INSERT ON alert_outbox BEGIN "
       "SELECT RAISE(ABORT, 'disk full (test)'); END");
  write_batch b;
  b.upserts.push_back(committed("B000000001", 10, 12, 7000));
  write(b);
  advance(200ms);
  CHECK(rows_of("B000000001") == 0);
  CHECK(stats().alerts_queued_total == 0);
  exec("DROP TRIGGER refuse");
  advance(2s);
  CHECK(rows_of("B000000001") == 1);
  CHECK(outbox()
        == std::vector<std::string>{"alerts B000000001-7000-new_deal"});
  CHECK(stats().alerts_queued_total == 1);
}
