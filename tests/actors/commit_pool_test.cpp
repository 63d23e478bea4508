// COMMIT_POOL: survivors are bought best first (fresh Keepa data first, it
// is cheaper), with Keepa's default update=1 sent, and the pool counts the
// profitable rows and the value of what waits.

#include "actors/commit_pool.hpp"
#include "spend_fixture.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace keepa;
using namespace std::chrono_literals;

namespace {

struct commit_fixture : test::spend_fixture {
  commit_pool_actor pool;

  void start(spend_levers levers, size_t batch = 1) {
    commit_settings settings;
    settings.batch = batch;
    settings.levers = levers;
    pool = spawn(make_commit_pool,
                 commit_links{caf::actor_cast<token_bucket_actor>(bucket),
                              caf::actor_cast<db_writer_actor>(db)},
                 settings, clock());
    run();
  }

  void enqueue(std::vector<survivor> s) {
    caf::anon_send(pool, atom::enqueue_v, std::move(s));
    run();
  }

  commit_stats stats() {
    return stats_of<commit_stats>(pool);
  }
};

/// A survivor listed by Keepa at `last_update` and queued now.
survivor job(const std::string& asin, keepa_minutes last_update, double value,
             int64_t queued_ms) {
  return {{asin, last_update}, value, queued_ms};
}

} // namespace

TEST_CASE_FIXTURE(commit_fixture, "survivors are bought by profit per "
                                  "token, with update=1") {
  start(spend_levers{});
  auto now_ms = clock()();
  auto fresh = to_keepa_minutes(now_ms) - 10;
  auto stale = to_keepa_minutes(now_ms) - 300;
  for (auto a : {"S", "F", "L"})
    catalog[a] = test::good_product(a);
  // S: $4 on stale data ($0.33 a token); F: $3 on fresh data ($0.60 a
  // token); L: $1 fresh ($0.20 a token).
  enqueue({job("L", fresh, 1, now_ms), job("S", stale, 4, now_ms),
           job("F", fresh, 3, now_ms)});
  CHECK(asked() == std::vector<std::string>{"F", "S", "L"});
  CHECK(param(0, "update") == "1");
  CHECK(param(0, "offers") == "20");
  auto s = stats();
  CHECK(s.profitable_total == 3);
  CHECK(s.profitable_last_hour == 3);
  advance(61min, 1min);
  CHECK(stats().profitable_last_hour == 0);
}

TEST_CASE_FIXTURE(commit_fixture, "a survivor past the wait bound goes "
                                  "first") {
  start(spend_levers{});
  auto now_ms = clock()();
  enqueue({job("NEW", -1, 9, now_ms), job("MID", -1, 2, now_ms),
           job("OLD", -1, 0.5, now_ms - 3 * 3600000)});
  CHECK(asked() == std::vector<std::string>{"OLD", "NEW", "MID"});
}

TEST_CASE_FIXTURE(commit_fixture, "the backlog's value is the expected "
                                  "profit of what waits, losses as 0") {
  start(spend_levers{});
  hold = true;
  auto now_ms = clock()();
  // The two best go out (two slots); 2.5 and -1 wait.
  enqueue({job("A", -1, 9, now_ms), job("B", -1, 2.5, now_ms),
           job("C", -1, 7, now_ms), job("D", -1, -1, now_ms)});
  CHECK(asked() == std::vector<std::string>{"A", "C"});
  auto s = stats();
  CHECK(s.queued == 2);
  CHECK(s.queued_value == doctest::Approx(2.5));
  // A seller's verify waits first in line, and is worth nothing new.
  auto seller = job("E", -1, std::numeric_limits<double>::max(), 0);
  seller.verify = seller.by_seller = true;
  enqueue({seller});
  s = stats();
  CHECK(s.queued == 3);
  CHECK(s.queued_value == doctest::Approx(2.5));
}

TEST_CASE_FIXTURE(commit_fixture, "arrival order without the levers, and no "
                                  "update parameter") {
  start(spend_levers{false, false, false, false, false, false});
  enqueue({job("L", -1, 1, 0), job("H", -1, 9, 0)});
  CHECK(asked() == std::vector<std::string>{"L", "H"});
  CHECK(param(0, "update").empty());
}

TEST_CASE_FIXTURE(commit_fixture, "a survivor missing from the heavy fetch "
                                  "is asked again 10 min later, and "
                                  "rejected after three misses in a row") {
  start(spend_levers{});
  enqueue({job("M", -1, 1, clock()())});
  CHECK(asked() == std::vector<std::string>{"M"});
  CHECK(writes.empty());
  advance(10min, 1min);
  CHECK(asked() == std::vector<std::string>{"M", "M"});
  advance(10min, 1min);
  CHECK(asked() == std::vector<std::string>{"M", "M", "M"});
  CHECK(rejections()
        == std::vector<std::string>{"M: missing from 3 heavy fetches in a "
                                    "row"});
  advance(1h, 1min);
  CHECK(calls.size() == 3);
  CHECK(stats().failed_total == 3);
}

TEST_CASE_FIXTURE(commit_fixture, "a batch Keepa refuses for good is "
                                  "rejected, not asked again") {
  refuse = [](const keepa_call&) { return call_status::item_error; };
  start(spend_levers{});
  enqueue({job("R", -1, 1, clock()())});
  advance(1h, 1min);
  CHECK(asked() == std::vector<std::string>{"R"});
  CHECK(rejections()
        == std::vector<std::string>{"R: Keepa refused the heavy fetch: "
                                    "refused"});
  auto s = stats();
  CHECK(s.refused_total == 1);
  CHECK(s.queued == 0);
}

TEST_CASE_FIXTURE(commit_fixture, "a batch too large for the token bucket "
                                  "goes out again at once in halves") {
  refuse = [](const keepa_call& c) -> std::optional<call_status> {
    if (c.items() > 2)
      return call_status::too_large;
    return std::nullopt;
  };
  for (auto a : {"A", "B", "C", "D"})
    catalog[a] = test::good_product(a);
  start(spend_levers{false, false, false, false, false, false}, 4);
  auto now_ms = clock()();
  enqueue({job("A", -1, 1, now_ms), job("B", -1, 1, now_ms),
           job("C", -1, 1, now_ms), job("D", -1, 1, now_ms)});
  CHECK(asked() == std::vector<std::string>{"ABCD", "AB", "CD"});
  auto s = stats();
  CHECK(s.done_total == 4);
  CHECK(s.refused_total == 0);
  CHECK(rejections().empty());
}

TEST_CASE_FIXTURE(commit_fixture, "a verify buys the offers of a row priced "
                                  "from its listing and counts what they "
                                  "turned, never the row as found again") {
  start(spend_levers{});
  catalog["A"] = test::good_product("A");       // profitable
  catalog["B"] = test::good_product("B", 1200); // a loss
  auto now_ms = clock()();
  // The peek pool found two profitable rows from their listings.
  caf::anon_send(pool, atom::completed_v, uint64_t{2});
  run();
  auto verify = [&](const std::string& asin) {
    auto j = job(asin, 100, 0.5, now_ms);
    j.verify = true;
    return j;
  };
  enqueue({verify("A"), verify("B")});
  REQUIRE(writes.size() == 2);
  auto s = stats();
  CHECK(s.profitable_total == 2);
  CHECK(s.profitable_last_hour == 2);
  CHECK(s.verified_total == 2);
  // B's offers show a loss: the listing's profit was not there.
  CHECK(s.verify_changed_total == 1);
  // A commit that is no verify counts its row when profitable.
  catalog["C"] = test::good_product("C");
  enqueue({job("C", 100, 3, now_ms)});
  s = stats();
  CHECK(s.profitable_total == 3);
  CHECK(s.verified_total == 2);
  // A seller's verify of a row its listing showed profitable, whose offers
  // show a loss, changed no decision the engine made.
  auto seller = verify("B");
  seller.value = std::numeric_limits<double>::max();
  seller.by_seller = true;
  enqueue({seller});
  s = stats();
  CHECK(s.verified_total == 3);
  CHECK(s.verify_changed_total == 1);
}
