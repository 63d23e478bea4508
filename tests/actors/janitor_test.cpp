// JANITOR: rows expire by engine-alive time (time the engine ran and Keepa
// answered), never by wall time: a downtime or a Keepa outage does not
// count, nothing is deleted while ingestion is stalled, and the passes run
// every interval of engine-alive time, the first one within a minute of
// Keepa's first answer when it is due: a restart never postpones one.

#include "actors/db_writer.hpp"
#include "actors/janitor.hpp"
#include "db_writer_helpers.hpp"
#include "support/deterministic_fixture.hpp"
#include "support/process.hpp"
#include "support/sqlite_read.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

using namespace keepa;
using namespace std::chrono_literals;
using keepa::test::scalar;

namespace {

int64_t ms(caf::timespan d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

/// A JANITOR on a real DB_WRITER, with a stand-in token bucket: while
/// `keepa_up`, Keepa answers every moment; otherwise its last success
/// stays where it was. With `silent`, the bucket answers with an error.
struct janitor_fixture : test::deterministic_fixture {
  wall_clock wall = clock();
  std::string path = test::fresh_dir("janitor") + "/deals.db";
  bool keepa_up = true;
  bool succeeded = true;
  bool silent = false;
  int64_t last_success_ms = wall();
  caf::actor bucket;
  db_writer_actor db;
  janitor_actor janitor;

  janitor_fixture() {
    bucket = spawn([this]() -> caf::behavior {
      return {
        [this](atom::stats) -> caf::result<bucket_stats> {
          if (silent)
            return caf::make_error(caf::sec::request_timeout);
          auto now = wall();
          if (keepa_up)
            last_success_ms = now;
          bucket_stats b;
          b.succeeded = succeeded;
          b.since_success_ms = now - last_success_ms;
          return b;
        },
      };
    });
  }

  void start_db() {
    db_writer_settings s;
    s.path = path;
    db = spawn(make_db_writer, s, wall);
    run();
  }

  void start(janitor_settings settings = {}) {
    if (!db)
      start_db();
    janitor
      = spawn(make_janitor,
              janitor_links{caf::actor_cast<token_bucket_actor>(bucket), db},
              settings, wall);
    run();
  }

  /// Stops the janitor and the database as a shutdown would.
  void stop() {
    caf::anon_send_exit(janitor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(db, caf::exit_reason::user_shutdown);
    run();
    janitor = janitor_actor{};
    db = db_writer_actor{};
  }

  /// Writes an active row seen now (stamped with the engine-alive clock).
  void seen(const std::string& asin) {
    auto now = iso_utc(wall());
    deal_update u;
    u.asin = asin;
    u.set(column::status, std::string{to_string(deal_status::active)})
      .set(column::price_now, 10.0)
      .set(column::first_seen_utc, now)
      .set(column::last_seen_utc, now)
      .set(column::last_full_fetch_utc, now);
    test::write_durably(*this, db, std::move(u));
  }

  void flush() {
    test::flush_db(*this, db);
  }

  /// Records that the last scheduled pass ran at `alive_ms` of the
  /// engine-alive clock, as a previous run of the engine would.
  void last_pass_at(int64_t alive_ms) {
    exec("INSERT OR REPLACE INTO system_state VALUES ('janitor_alive_ms', '"
         + std::to_string(alive_ms) + "', '2026-11-01T00:00:00Z')");
  }

  /// Starts with a retention of one hour and row A seen two hours of
  /// engine-alive time ago: past its retention. The last scheduled pass
  /// ran just now, so only the console's passes run in the next hour.
  void start_with_expired_row() {
    janitor_settings s;
    s.retention_hours = 1;
    start_db();
    last_pass_at(ms(2h));
    start(s);
    seen("A");
    caf::anon_send(db, atom::alive_v, ms(2h));
    flush();
  }

  int64_t rows() {
    return scalar(path, "SELECT COUNT(*) FROM deals");
  }

  /// The engine-alive clock as DB_WRITER keeps it.
  int64_t alive_ms() {
    return stats_of<db_stats>(db).alive_ms;
  }

  /// The console's `janitor` command.
  std::string purge() {
    auto h = (*self)->request(janitor, caf::infinite, atom::purge_v);
    run();
    std::string out;
    h.receive([&](const std::string& line) { out = line; },
              [](const caf::error& err) {
                FAIL("no answer: " << error_text(err));
              });
    return out;
  }

  janitor_stats stats() {
    return stats_of<janitor_stats>(janitor);
  }

  /// Runs `sql` on a connection of its own, as another program would.
  void exec(const std::string& sql) {
    sqlite3* conn = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &conn) == SQLITE_OK);
    auto rc = sqlite3_exec(conn, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(conn);
    REQUIRE(rc == SQLITE_OK);
  }
};

} // namespace

TEST_CASE("a tick earns its time while Keepa answered within the gap, "
          "none of the time after") {
  auto gap = caf::timespan{5min};
  CHECK(alive_credit_ms(1min, 0s, gap, true) == 60000);
  CHECK(alive_credit_ms(1min, 5min, gap, true) == 60000);
  // The last 20 s of the minute lie past the gap.
  CHECK(alive_credit_ms(1min, 5min + 20s, gap, true) == 40000);
  CHECK(alive_credit_ms(1min, 6min, gap, true) == 0);
  CHECK(alive_credit_ms(1min, 2h, gap, true) == 0);
  // Never a reply since the start, or no time elapsed: nothing.
  CHECK(alive_credit_ms(1min, 0s, gap, false) == 0);
  CHECK(alive_credit_ms(0s, 0s, gap, true) == 0);
}

TEST_CASE_FIXTURE(janitor_fixture, "a minute counts as engine-alive time "
                                   "only while Keepa answers") {
  start();
  advance(10min, 1min);
  CHECK(stats().credited_ms == ms(10min));
  CHECK(alive_ms() == ms(10min));
  // Keepa stops answering: the five minutes of the gap count, the rest of
  // the outage does not.
  keepa_up = false;
  advance(20min, 1min);
  CHECK(stats().credited_ms == ms(15min));
  keepa_up = true;
  advance(1min, 1min);
  CHECK(stats().credited_ms == ms(16min));
  // A bucket that never had a reply since its start earns nothing.
  succeeded = false;
  advance(10min, 1min);
  CHECK(stats().credited_ms == ms(16min));
  CHECK(alive_ms() == ms(16min));
}

TEST_CASE_FIXTURE(janitor_fixture, "rows expire by engine-alive time, not "
                                   "wall time, after a downtime") {
  janitor_settings s;
  s.retention_hours = 1;
  s.interval = 10min;
  start(s);
  seen("A");
  advance(30min, 1min);
  CHECK(rows() == 1);
  CHECK(stats().deleted_total == 0);
  // Five hours switched off: the wall clock moves, the alive clock not.
  stop();
  advance(5h, 10min);
  start(s);
  CHECK(alive_ms() == ms(30min));
  seen("B");
  // 30 more minutes make A's hour (not past it yet); B has 30 to go.
  advance(30min, 1min);
  CHECK(stats().passes == 3);
  CHECK(rows() == 2);
  // The next pass, past an hour of alive time since A was seen, deletes it.
  advance(10min, 1min);
  CHECK(stats().passes == 4);
  CHECK(rows() == 1);
  CHECK(scalar(path, "SELECT COUNT(*) FROM deals WHERE asin = 'B'") == 1);
  CHECK(stats().deleted_total == 1);
  CHECK(stats().note.empty());
}

TEST_CASE_FIXTURE(janitor_fixture, "nothing is deleted while ingestion is "
                                   "stalled, and the pass says so") {
  start_with_expired_row();
  // Keepa silent for 31 min, past the 30 min stall window.
  keepa_up = false;
  advance(31min, 1min);
  CHECK(purge()
        == "error: janitor deleted nothing, ingestion stalled for 31 min; "
           "deleting nothing");
  CHECK(rows() == 1);
  auto st = stats();
  CHECK(st.passes == 1);
  CHECK(st.deleted_total == 0);
  CHECK(st.note == "ingestion stalled for 31 min; deleting nothing");
  CHECK(st.last_run_iso == "2026-11-01T00:31:00Z");
  // Keepa answers again: the next pass deletes it.
  keepa_up = true;
  CHECK(purge() == "ok: janitor deleted 1 rows");
  CHECK(rows() == 0);
  st = stats();
  CHECK(st.passes == 2);
  CHECK(st.deleted_total == 1);
  CHECK(st.note.empty());
}

TEST_CASE_FIXTURE(janitor_fixture, "the first pass runs within a minute "
                                   "of Keepa's first answer, then every "
                                   "interval of engine-alive time") {
  // Keepa has not answered yet: no alive time, no pass.
  succeeded = false;
  start();
  advance(10min, 1min);
  CHECK(stats().passes == 0);
  succeeded = true;
  advance(1min, 1min);
  CHECK(stats().passes == 1);
  CHECK(stats().last_run_iso == "2026-11-01T00:11:00Z");
  // A console pass between two scheduled ones does not move them.
  advance(30min, 1min);
  CHECK(purge() == "ok: janitor deleted 0 rows");
  CHECK(stats().passes == 2);
  advance(29min, 1min);
  CHECK(stats().passes == 2);
  advance(1min, 1min);
  CHECK(stats().passes == 3);
  CHECK(stats().last_run_iso == "2026-11-01T01:11:00Z");
  // An outage stops the alive clock after five minutes, and the schedule
  // with it: the next pass comes an hour of alive time later.
  keepa_up = false;
  advance(1h, 1min);
  keepa_up = true;
  advance(54min, 1min);
  CHECK(stats().passes == 3);
  advance(1min, 1min);
  CHECK(stats().passes == 4);
}

TEST_CASE_FIXTURE(janitor_fixture, "a restart never postpones a pass: one "
                                   "every 30 minutes for three days still "
                                   "runs one per hour of alive time") {
  uint64_t passes = 0;
  for (int run = 0; run < 144; ++run) {
    start();
    advance(30min, 1min);
    passes += stats().passes;
    stop();
  }
  auto alive_hours = static_cast<double>(scalar(
                       path, "SELECT value FROM system_state WHERE key = "
                             "'alive_ms'"))
                     / 3600000.0;
  MESSAGE("janitor passes per alive hour with a restart every 30 min: "
          << static_cast<double>(passes) / alive_hours << " (" << passes
          << " passes in " << alive_hours << " alive hours)");
  CHECK(alive_hours == doctest::Approx(72));
  CHECK(static_cast<double>(passes) >= alive_hours);
  // Never more than one per alive hour either: the schedule is the alive
  // clock's, not the restarts'.
  CHECK(static_cast<double>(passes) <= alive_hours + 1);
}

TEST_CASE_FIXTURE(janitor_fixture, "a restart runs a pass that came due "
                                   "while it was down at Keepa's first "
                                   "answer, and waits for one that is "
                                   "not due") {
  janitor_settings s;
  s.interval = 3h;
  start_db();
  caf::anon_send(db, atom::alive_v, ms(10h));
  // The last pass ran 3 h of alive time ago: due at the first answer.
  last_pass_at(ms(7h));
  start(s);
  advance(1min, 1min);
  CHECK(stats().passes == 1);
  stop();
  // Its own pass is stored: the next start waits 3 h of alive time.
  start(s);
  advance(2h + 59min, 1min);
  CHECK(stats().passes == 0);
  advance(1min, 1min);
  CHECK(stats().passes == 1);
}

TEST_CASE_FIXTURE(janitor_fixture, "a scheduled pass while the database "
                                   "cannot write deletes nothing, says so, "
                                   "and runs again at the next pass") {
  start_with_expired_row();
  // The disk fills: a queued rejection cannot commit.
  exec("CREATE TRIGGER refuse BEFORE INSERT ON rejections BEGIN "
       "SELECT RAISE(ABORT, 'disk full (test)'); END");
  write_batch b;
  b.rejections.push_back({"X", 100, "no spread"});
  caf::anon_send(db, atom::write_v, std::move(b));
  // The scheduled pass comes due an hour of alive time after the last.
  advance(1h, 1min);
  auto st = stats();
  CHECK(st.passes == 1);
  CHECK(st.deleted_total == 0);
  CHECK(st.note.find("the database cannot write, so nothing is purged")
        != std::string::npos);
  CHECK(st.note.find("disk full (test)") != std::string::npos);
  CHECK(rows() == 1);
  // The disk has room again: the retry commits, and the next pass, an
  // hour of alive time later, deletes the row.
  exec("DROP TRIGGER refuse");
  advance(59min, 1min);
  CHECK(stats().passes == 1);
  CHECK(rows() == 1);
  advance(1min, 1min);
  CHECK(stats().passes == 2);
  CHECK(stats().note.empty());
  CHECK(rows() == 0);
}

TEST_CASE_FIXTURE(janitor_fixture, "a token bucket that does not answer "
                                   "earns no alive time and skips the "
                                   "pass") {
  start_with_expired_row();
  silent = true;
  advance(10min, 1min);
  CHECK(stats().credited_ms == 0);
  auto line = purge();
  CHECK(line.rfind("error: janitor skipped, the token bucket did not answer", 0)
        == 0);
  CHECK(rows() == 1);
  CHECK(stats().note == "skipped: the token bucket did not answer");
  // The silent minutes are not credited later: one tick earns one minute.
  silent = false;
  advance(1min, 1min);
  CHECK(stats().credited_ms == ms(1min));
}

TEST_CASE_FIXTURE(janitor_fixture, "a purge the database refuses is "
                                   "reported, and deletes nothing") {
  start_with_expired_row();
  exec("CREATE TRIGGER keep BEFORE DELETE ON deals BEGIN "
       "SELECT RAISE(ABORT, 'disk full (test)'); END");
  auto line = purge();
  CHECK(line.rfind("error: janitor failed: ", 0) == 0);
  CHECK(line.find("disk full (test)") != std::string::npos);
  CHECK(rows() == 1);
  auto st = stats();
  CHECK(st.deleted_total == 0);
  CHECK(st.note.rfind("failed: ", 0) == 0);
  exec("DROP TRIGGER keep");
  CHECK(purge() == "ok: janitor deleted 1 rows");
  CHECK(stats().note.empty());
}

TEST_CASE_FIXTURE(janitor_fixture, "rows written without an engine-alive "
                                   "stamp count as seen at the start: a "
                                   "full retention window, refreshed before "
                                   "it ends") {
  // An earlier version's database: the contract's columns of its time, no
  // seen_alive_ms. 100 active rows last seen five minutes short of 72 h
  // ago.
  exec("CREATE TABLE deals (asin TEXT PRIMARY KEY, status TEXT, price_now "
       "REAL, first_seen_utc TEXT, last_seen_utc TEXT, last_full_fetch_utc "
       "TEXT)");
  auto seen = iso_utc(wall() - ms(72h - 5min));
  for (int i = 0; i < 100; ++i)
    exec("INSERT INTO deals VALUES ('OLD" + std::to_string(i)
         + "', 'active', 10.0, '" + seen + "', '" + seen + "', '" + seen
         + "')");
  start();
  REQUIRE(rows() == 100);
  CHECK(scalar(path, "SELECT COUNT(*) FROM deals WHERE seen_alive_ms IS "
                     "NULL")
        == 0);
  // Ten minutes later, past their retention in wall time, a pass deletes
  // none of them.
  advance(10min, 1min);
  REQUIRE(alive_ms() == ms(10min));
  CHECK(purge() == "ok: janitor deleted 0 rows");
  CHECK(rows() == 100);
  // At 75 % of the retention they are near their deadline, like any row.
  caf::anon_send(db, atom::alive_v, ms(54h - 10min) + 1);
  refresh_query q;
  q.deadline_age_ms = ms(54h);
  q.deadline_limit = 1000;
  auto h = (*self)->request(db, caf::infinite, atom::stale_v, q);
  run();
  h.receive([](const refresh_due& due) { CHECK(due.deadline.size() == 100); },
            [](const caf::error& err) { FAIL(error_text(err)); });
  // Never refreshed, they go once the retention has run in alive time.
  caf::anon_send(db, atom::alive_v, ms(18h));
  CHECK(purge() == "ok: janitor deleted 100 rows");
  CHECK(rows() == 0);
}
