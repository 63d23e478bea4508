// WATERMARK: it never passes a listing that is not durable, every tracked
// listing ends settled or released, and its state says what holds it.

#include "actors/db_writer.hpp"
#include "actors/watermark.hpp"
#include "support/deterministic_fixture.hpp"
#include "support/process.hpp"
#include "support/sqlite_read.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

using namespace keepa;
using namespace std::chrono_literals;
using keepa::test::scalar;

namespace {

/// A watermark on a fresh database, loaded.
struct watermark_fixture : test::deterministic_fixture {
  wall_clock wall = clock();
  db_writer_actor db;
  watermark_actor wm;

  watermark_fixture() {
    db_writer_settings s;
    s.path = test::fresh_dir("watermark") + "/deals.db";
    db = spawn(make_db_writer, s, wall);
    wm = spawn(make_watermark, db, wall);
    caf::anon_send(db, atom::subscribe_v, wm);
    run();
  }

  watermark_state& state() {
    return state_of<watermark_state>(wm);
  }

  watermark_stats stats() {
    return stats_of<watermark_stats>(wm);
  }
};

} // namespace

TEST_CASE_FIXTURE(test::deterministic_fixture,
                  "the watermark never passes "
                  "a listing that is not durable") {
  auto path = test::fresh_dir("watermark") + "/deals.db";
  db_writer_settings s;
  s.path = path;
  auto db = spawn(make_db_writer, s, clock());
  auto wm = spawn(make_watermark, db, clock());
  caf::anon_send(db, atom::subscribe_v, wm);
  run();
  auto& st = state_of<watermark_state>(wm);
  CHECK(st.watermark == -1);
  caf::anon_send(wm, atom::track_v,
                 std::vector<deal_key>{{"A", 100}, {"B", 90}, {"C", 80}});
  caf::anon_send(wm, atom::cycle_v, keepa_minutes{100});
  run();
  CHECK(st.watermark == 79);
  caf::anon_send(wm, atom::settle_v,
                 std::vector<deal_key>{{"A", 100}, {"C", 80}});
  run();
  CHECK(st.watermark == 89);
  caf::anon_send(wm, atom::settle_v, std::vector<deal_key>{{"B", 90}});
  run();
  CHECK(st.watermark == 100);
  advance(1s);
  CHECK(scalar(path, "SELECT value FROM system_state WHERE key = "
                     "'watermark'")
        == 100);
  auto h = (*self)->request(wm, caf::infinite, atom::rewind_v, int64_t{1});
  run();
  h.receive([](keepa_minutes w) { CHECK(w == 40); },
            [](const caf::error&) { FAIL("rewind failed"); });
  advance(1s);
  CHECK(scalar(path, "SELECT value FROM system_state WHERE key = "
                     "'watermark'")
        == 40);
}

TEST_CASE_FIXTURE(watermark_fixture, "a newer listing of the same product "
                                     "settles the older one") {
  // The product was listed at 100, its lookup failed, and the next cycle
  // listed it again at 120: the row written for 120 supersedes 100.
  caf::anon_send(wm, atom::track_v, std::vector<deal_key>{{"A", 100}});
  caf::anon_send(wm, atom::track_v, std::vector<deal_key>{{"A", 120}});
  caf::anon_send(wm, atom::cycle_v, keepa_minutes{130});
  run();
  CHECK(state().watermark == 99);
  caf::anon_send(wm, atom::settle_v, std::vector<deal_key>{{"A", 120}});
  run();
  CHECK(state().watermark == 130);
  CHECK(stats().unsettled == 0);
}

TEST_CASE_FIXTURE(watermark_fixture, "released listings hold it no longer "
                                     "and are counted") {
  caf::anon_send(wm, atom::track_v,
                 std::vector<deal_key>{{"A", 100}, {"B", 90}});
  caf::anon_send(wm, atom::cycle_v, keepa_minutes{100});
  run();
  CHECK(state().watermark == 89);
  caf::anon_send(wm, atom::release_v, std::vector<deal_key>{{"B", 90}});
  run();
  CHECK(state().watermark == 99);
  CHECK(stats().released_total == 1);
  // Releasing what is not tracked counts nothing.
  caf::anon_send(wm, atom::release_v, std::vector<deal_key>{{"C", 10}});
  run();
  CHECK(stats().released_total == 1);
}

TEST_CASE_FIXTURE(watermark_fixture, "its state names the listing held "
                                     "longest, its age and the cycle "
                                     "period") {
  CHECK(stats().longest_held_ms == -1);
  caf::anon_send(wm, atom::track_v, std::vector<deal_key>{{"OLD", 50}});
  caf::anon_send(wm, atom::cycle_v, keepa_minutes{60});
  advance(5min, 1min);
  caf::anon_send(wm, atom::track_v, std::vector<deal_key>{{"NEW", 40}});
  advance(2min, 1min);
  caf::anon_send(wm, atom::cycle_v, keepa_minutes{70});
  run();
  auto s = stats();
  CHECK(s.longest_held_asin == "OLD");
  CHECK(s.longest_held_ms == 7 * 60000);
  CHECK(s.oldest_unsettled == 40);
  CHECK(s.cycle_period_ms == 7 * 60000);
  CHECK(s.unsettled == 2);
}
