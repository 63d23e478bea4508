// The `status` line and its rates, rendered from collected stats (pure
// functions, no actor system).

#include "actors/status_line.hpp"
#include "sample_snapshot.hpp"

#include <doctest/doctest.h>

using namespace keepa;
using keepa::test::quiet_pipeline;
using keepa::test::says;

TEST_CASE("status shows both capacities of the refresher") {
  auto s = quiet_pipeline();
  s.refresher.capacity = 86400;
  s.refresher.fresh_capacity = 25920;
  auto line = render_status(s, engine_facts{});
  CHECK(says(line, "plan keeps at most 86400 deals alive, refreshes 25920 "
                   "on time"));
}

TEST_CASE("status warns of a watermark held by a listing nothing processes") {
  auto s = quiet_pipeline();
  s.watermark.cycle_period_ms = 10 * 60000;
  s.watermark.longest_held_asin = "B00STUCK00";
  s.watermark.longest_held_ms = 45 * 60000;
  CHECK(watermark_stuck(s));
  CHECK(says(render_status(s, engine_facts{}),
             "WATERMARK HELD 45 min by B00STUCK00"));
  // Queued for a peek, it is only waiting its turn.
  s.peek.queued = 3;
  CHECK(!watermark_stuck(s));
  CHECK(!says(render_status(s, engine_facts{}), "WATERMARK HELD"));
  // Held for less than a cycle, it is not stuck either.
  s.peek.queued = 0;
  s.watermark.longest_held_ms = 5 * 60000;
  CHECK(!watermark_stuck(s));
}

TEST_CASE("status says when listings left /deal unread") {
  auto s = quiet_pipeline();
  CHECK(!says(render_status(s, engine_facts{}), "SHEDDING"));
  s.scout.last_shed = 1200;
  CHECK(says(render_status(s, engine_facts{}),
             "SHEDDING: about 1200 listings left /deal unread"));
}

TEST_CASE("status shows the refill net of tracking reductions") {
  auto s = quiet_pipeline();
  s.bucket.refill_per_min = 15;
  s.bucket.flow_reduction = 5;
  CHECK(says(render_status(s, engine_facts{}), "(+15/min after 5 for "
                                               "trackings"));
}

TEST_CASE("status says what the next Keepa call is and when it is due") {
  auto s = quiet_pipeline();
  s.bucket.balance = 3;
  s.bucket.waiting = 2;
  s.bucket.next_refill_ms = 37000;
  s.bucket.next_kind = static_cast<int>(call_kind::commit);
  s.bucket.next_cost = 59.5;
  auto line = render_status(s, engine_facts{});
  CHECK(says(line, "2 waiting; next call: commit, about 60 tokens, at the "
                   "refill in 37 s)"));
  s.bucket.paused = true;
  CHECK(says(render_status(s, engine_facts{}),
             "next call: commit, about 60 tokens, held while paused)"));
  s.bucket.next_kind = -1;
  s.bucket.waiting = 0;
  CHECK(says(render_status(s, engine_facts{}), "0 waiting)"));
}

TEST_CASE("status shows peeks and commits per minute since the previous "
          "status") {
  auto s = quiet_pipeline();
  s.peek.done_total = 10;
  s.peek.rejected_total = 30;
  s.commit.done_total = 4;
  auto first = status_mark_of(s, 600000);
  CHECK(rates_since(status_mark{}, first).peeks_per_min == 0);
  s.peek.done_total = 20;
  s.peek.rejected_total = 50;
  s.commit.done_total = 10;
  auto second = status_mark_of(s, 600000 + 2 * 60000);
  auto rates = rates_since(first, second);
  CHECK(rates.peeks_per_min == doctest::Approx(15));
  CHECK(rates.commits_per_min == doctest::Approx(3));
  engine_facts f;
  f.rates = rates;
  CHECK(says(render_status(s, f), "| 15 peeks, 3 commits/min |"));
  // A second status in the same millisecond divides by nothing.
  CHECK(rates_since(second, second).commits_per_min == 0);
}
