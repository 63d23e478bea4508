// REFRESHER: an active row is due once its newest fetch is older than
// refresh_after_hours, due rows are queued oldest fetch first (the
// refresher's share of the refill ahead of peeks, the rest only when idle),
// rows near the retention deadline go first in a lane of their own, and no
// due row starves.

#include "actors/db_writer.hpp"
#include "actors/refresher.hpp"
#include "db_writer_helpers.hpp"
#include "support/deterministic_fixture.hpp"
#include "support/process.hpp"

#include <doctest/doctest.h>

using namespace keepa;
using namespace std::chrono_literals;

namespace {

/// "A B C".
std::string joined(const std::vector<std::string>& asins) {
  std::string out;
  for (auto& a : asins)
    out += (out.empty() ? "" : " ") + a;
  return out;
}

/// One enqueue the light pool was sent: the lane and the ASINs, in order.
struct queued_jobs {
  refresh_class cls;
  std::vector<std::string> asins;
};

/// A REFRESHER on a real DB_WRITER, a token bucket that answers `bucket_state`
/// as its state (synced with Keepa unless a test says otherwise), and a
/// light pool that records what it is sent (and, with `write_back`, writes
/// each job's light fetch time as a refresh would).
struct refresher_fixture : test::deterministic_fixture {
  wall_clock wall = clock();
  std::string path = test::fresh_dir("refresher") + "/deals.db";
  bucket_stats bucket_state;
  bool write_back = false;
  std::vector<queued_jobs> queued;
  caf::actor bucket;
  caf::actor light;
  /// What the peek pool was told after each pass: room for listing rows.
  std::vector<bool> room;
  caf::actor peek;
  db_writer_actor db;
  refresher_actor refresher;

  refresher_fixture() {
    // Plenty: 20 tokens a minute at 1 token per light refresh, and calls
    // waiting (so only the due share is spent).
    bucket_state.synced = true;
    bucket_state.refill_per_min = 20;
    bucket_state.cost_per_item[call_kind::light] = 1;
    bucket_state.waiting = 1;
    bucket = spawn([this]() -> caf::behavior {
      return {[this](atom::stats) { return bucket_state; }};
    });
    db_writer_settings s;
    s.path = path;
    db = spawn(make_db_writer, s, wall);
    light = spawn([this]() -> caf::behavior {
      return {
        [this](atom::enqueue, const light_jobs& jobs, refresh_class cls) {
          queued_jobs q{cls, {}};
          write_batch b;
          for (auto& j : jobs) {
            q.asins.push_back(j.asin);
            deal_update u;
            u.asin = j.asin;
            u.mode = write_mode::update_only;
            u.set(column::last_light_fetch_utc, iso_utc(wall()));
            b.upserts.push_back(u);
          }
          queued.push_back(q);
          if (write_back)
            caf::anon_send(db, atom::write_v, std::move(b));
        },
      };
    });
    peek = spawn([this]() -> caf::behavior {
      return {[this](atom::room, bool r) { room.push_back(r); }};
    });
    run();
  }

  void start(refresher_settings settings = {}) {
    refresher
      = spawn(make_refresher,
              refresher_links{caf::actor_cast<token_bucket_actor>(bucket), db,
                              caf::actor_cast<light_pool_actor>(light),
                              caf::actor_cast<peek_pool_actor>(peek)},
              settings, wall);
    run();
  }

  /// Writes an active row seen now, fully fetched at `fetched`.
  void stored(const std::string& asin, const std::string& fetched,
              const std::string& light_fetched = "") {
    auto now = iso_utc(wall());
    deal_update u;
    u.asin = asin;
    u.set(column::status, std::string{to_string(deal_status::active)})
      .set(column::price_now, 10.0)
      .set(column::list_at, 30.0)
      .set(column::first_seen_utc, std::string{"2026-10-20T00:00:00Z"})
      .set(column::last_seen_utc, now)
      .set(column::last_full_fetch_utc, fetched);
    if (!light_fetched.empty())
      u.set(column::last_light_fetch_utc, light_fetched);
    test::write_durably(*this, db, std::move(u));
  }

  void flush() {
    test::flush_db(*this, db);
  }

  /// The ASINs sent to lane `cls`, over every pass, in order ("A B").
  std::string sent(refresh_class cls) const {
    std::vector<std::string> out;
    for (auto& q : queued)
      if (q.cls == cls)
        out.insert(out.end(), q.asins.begin(), q.asins.end());
    return joined(out);
  }

  refresher_stats stats() {
    return stats_of<refresher_stats>(refresher);
  }
};

} // namespace

TEST_CASE_FIXTURE(refresher_fixture, "a row is due once its newest fetch is "
                                     "older than refresh_after_hours") {
  // The fixture's wall clock starts at 2026-11-01T00:00:00Z.
  stored("OLD", "2026-10-30T10:00:00Z");
  stored("NEW", "2026-10-31T01:00:00Z"); // 23 h ago: due at 01:00
  // Fully fetched long ago, light-fetched 12 h ago: not due.
  stored("LIGHT", "2026-10-29T00:00:00Z", "2026-10-31T12:00:00Z");
  start();
  // The first pass runs at once.
  REQUIRE(queued.size() == 1);
  CHECK(queued[0].cls == refresh_class::due);
  CHECK(joined(queued[0].asins) == "OLD");
  auto s = stats();
  CHECK(s.passes == 1);
  CHECK(s.due_last == 1);
  CHECK(s.deadline_last == 0);
  CHECK(s.last_run_iso == "2026-11-01T00:00:00Z");
  // 20 tokens/min for 72 h at 1 token; 90 % of it for 24 h.
  CHECK(s.capacity == 86400);
  CHECK(s.fresh_capacity == 25920);
  // At 01:00 NEW is exactly 24 h old, not older: still not due.
  advance(60min, 1min);
  CHECK(stats().passes == 7);
  CHECK(joined(queued.back().asins) == "OLD");
  advance(10min, 1min);
  CHECK(joined(queued.back().asins) == "OLD NEW");
  CHECK(sent(refresh_class::idle).empty());
  CHECK(sent(refresh_class::deadline).empty());
}

TEST_CASE_FIXTURE(refresher_fixture, "the first pass waits for the bucket's "
                                     "first answer from Keepa, then buys "
                                     "the due rows at once") {
  // A new user: rows fetched 30 h ago (due at 24 h).
  for (auto asin : {"A", "B", "C"})
    stored(asin, "2026-10-30T18:00:00Z");
  // Before /token has answered, the bucket knows neither balance nor plan.
  bucket_state = bucket_stats{};
  bucket_state.cost_per_item[call_kind::light] = 1;
  start();
  advance(20s, 1s);
  CHECK(queued.empty());
  // Keepa answers: 60 tokens a minute, 1,200 in hand, nothing waits.
  bucket_state.synced = true;
  bucket_state.refill_per_min = 60;
  bucket_state.balance = 1200;
  advance(1min, 1s);
  CHECK(sent(refresh_class::due) == "A B C");
  auto s = stats();
  CHECK(s.passes == 1);
  CHECK(s.queued_total == 3);
}

TEST_CASE_FIXTURE(refresher_fixture, "due rows go oldest fetch first: the "
                                     "refresher's share ahead of peeks, the "
                                     "rest only with idle tokens") {
  for (auto [asin, fetched] : std::vector<std::pair<std::string, std::string>>{
         {"F", "2026-10-30T06:00:00Z"},
         {"A", "2026-10-30T01:00:00Z"},
         {"E", "2026-10-30T05:00:00Z"},
         {"B", "2026-10-30T02:00:00Z"},
         {"D", "2026-10-30T04:00:00Z"},
         {"C", "2026-10-30T03:00:00Z"}})
    stored(asin, fetched);
  // 1 token a minute at 5 tokens a refresh: a 10 min pass's 90 % share
  // buys 2 (1.8 rounded up); nothing else waits, so the balance of 5 and
  // the refill until the next pass buy 3 more.
  bucket_state.refill_per_min = 1;
  bucket_state.cost_per_item[call_kind::light] = 5;
  bucket_state.waiting = 0;
  bucket_state.balance = 5;
  start();
  CHECK(sent(refresh_class::due) == "A B");
  CHECK(sent(refresh_class::idle) == "C D E");
  CHECK(stats().due_last == 5);
  // With calls waiting in the bucket, only the share goes out.
  queued.clear();
  bucket_state.waiting = 3;
  advance(10min, 1min);
  CHECK(sent(refresh_class::due) == "A B");
  CHECK(sent(refresh_class::idle).empty());
}

TEST_CASE_FIXTURE(refresher_fixture, "listing rows only while the active "
                                     "rows are under what half the refill "
                                     "refreshes on time") {
  // 1 token a minute, 1 a refresh, due after 24 h: half the refill
  // refreshes 0.5 x 60 x 24 = 720 rows on time.
  bucket_state.refill_per_min = 1;
  start();
  CHECK(stats().keep_capacity == 720);
  CHECK(room == std::vector<bool>{true});
  // 720 active rows fill it: survivors wait for their offers.
  for (int i = 0; i < 720; ++i)
    stored("R" + std::to_string(i), "2026-10-31T23:00:00Z");
  advance(10min, 1min);
  CHECK(room == std::vector<bool>{true, false});
  CHECK_FALSE(stats().room);
  // A larger plan makes room again.
  bucket_state.refill_per_min = 2;
  advance(10min, 1min);
  CHECK(room == std::vector<bool>{true, false, true});
  CHECK(stats().keep_capacity == 1440);
}

TEST_CASE_FIXTURE(refresher_fixture, "rows near the retention deadline go "
                                     "first, earliest deadline first, in a "
                                     "lane of their own") {
  auto day_old = "2026-10-30T00:00:00Z"; // 48 h ago: due
  stored("X", day_old);                  // seen at 0 h of engine-alive time
  caf::anon_send(db, atom::alive_v, int64_t{3600000});
  stored("Y", day_old); // at 1 h
  caf::anon_send(db, atom::alive_v, int64_t{3600000});
  stored("X", day_old); // seen again at 2 h
  // 60 h of alive time: X and Y were seen more than 54 h (75 % of 72 h)
  // ago; Z is fresh, and due.
  caf::anon_send(db, atom::alive_v, int64_t{58} * 3600000);
  stored("Z", day_old);
  start();
  REQUIRE(queued.size() == 2);
  CHECK(queued[0].cls == refresh_class::deadline);
  CHECK(joined(queued[0].asins) == "Y X");
  CHECK(queued[1].cls == refresh_class::due);
  CHECK(joined(queued[1].asins) == "Z");
  auto s = stats();
  CHECK(s.deadline_last == 2);
  CHECK(s.due_last == 1);
  CHECK(s.queued_total == 3);
}

TEST_CASE_FIXTURE(refresher_fixture, "no due row starves: each pass takes "
                                     "the oldest, a refreshed row goes to "
                                     "the back") {
  stored("A", "2026-10-31T20:00:00Z"); // 4 h ago
  stored("B", "2026-10-31T21:00:00Z");
  stored("C", "2026-10-31T22:00:00Z");
  // One refresh per pass: 1 token a minute, 10 tokens a refresh, calls
  // waiting.
  bucket_state.refill_per_min = 1;
  bucket_state.cost_per_item[call_kind::light] = 10;
  bucket_state.waiting = 1;
  write_back = true;
  refresher_settings s;
  s.refresh_after_hours = 1;
  s.interval = 10min;
  start(s);
  // Passes at 0, 10, ..., 100 min: A, B, C refreshed at 0, 10 and 20; due
  // again 70 min later (more than an hour after), in the same order.
  advance(100min, 1min);
  CHECK(sent(refresh_class::due) == "A B C A B C");
  CHECK(sent(refresh_class::idle).empty());
  CHECK(stats().passes == 11);
}

TEST_CASE_FIXTURE(refresher_fixture, "tokens nothing else wants refresh rows "
                                     "not due yet, oldest fetch first, after "
                                     "the due ones") {
  bucket_state.waiting = 0; // nothing waits in the bucket: spare tokens
  bucket_state.balance = 100;
  stored("DUE", "2026-10-30T10:00:00Z");  // 38 h ago
  stored("HOUR", "2026-10-31T23:00:00Z"); // an hour ago
  stored("TWO", "2026-10-31T22:00:00Z");  // two hours ago
  stored("JUST", "2026-10-31T23:55:00Z"); // 5 min ago: too fresh
  start();
  CHECK(sent(refresh_class::due) == "DUE");
  CHECK(sent(refresh_class::idle) == "TWO HOUR");
  // While calls wait in the bucket, only due rows are bought.
  queued.clear();
  bucket_state.waiting = 1;
  advance(10min, 1min);
  CHECK(sent(refresh_class::due) == "DUE");
  CHECK(sent(refresh_class::idle).empty());
}
