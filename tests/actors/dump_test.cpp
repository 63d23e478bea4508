// The `status` line and the dump, rendered from collected stats (pure
// functions, no actor system).

#include "actors/dump.hpp"

#include <doctest/doctest.h>

using namespace keepa;

namespace {

pipeline_snapshot quiet_pipeline() {
  pipeline_snapshot s;
  s.bucket.synced = true;
  s.bucket.balance = 100;
  s.bucket.refill_per_min = 20;
  s.bucket.cost_per_item = {0, 5, 1, 12, 1};
  s.watermark.watermark = 8000000;
  return s;
}

bool says(const std::string& line, const std::string& what) {
  return line.find(what) != std::string::npos;
}

} // namespace

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

TEST_CASE("status and dump say that discovery stopped on a refused query") {
  auto s = quiet_pipeline();
  CHECK(!says(render_status(s, engine_facts{}), "DISCOVERY STOPPED"));
  CHECK(says(render_dump(s, engine_facts{}, "").value_or(""), "\"query_refused\":null"));
  s.scout.query_refused = "Keepa refused the query in deal_query.json (HTTP "
                          "400, invalidParameter: queryJSON is of invalid "
                          "format (details: dateRange))";
  CHECK(says(render_status(s, engine_facts{}),
             "DISCOVERY STOPPED: Keepa refused the query in deal_query.json"));
  CHECK(says(render_dump(s, engine_facts{}, "scout").value_or(""),
             "\"query_refused\":\"Keepa refused the query in deal_query.json"));
}

TEST_CASE("status and dump show tokens per profitable deal of the last "
          "hour and the backlog's value") {
  auto s = quiet_pipeline();
  s.bucket.buying_last_hour = 1200;
  s.commit.profitable_last_hour = 96;
  s.commit.profitable_total = 400;
  s.commit.queued_value = 312.4;
  auto line = render_status(s, engine_facts{});
  CHECK(says(line, "last hour: 96 profitable, 12.5 tokens each"));
  CHECK(says(line, "backlog worth $312"));
  auto dump = render_dump(s, engine_facts{}, "commit");
  REQUIRE(dump);
  CHECK(says(*dump, "\"profitable_last_hour\":96"));
  CHECK(says(*dump, "\"tokens_per_profitable_last_hour\":12.5"));
  CHECK(says(*dump, "\"backlog_value\":312.4"));
  s.commit.profitable_last_hour = 0;
  CHECK(says(render_status(s, engine_facts{}), "last hour: 0 profitable |"));
  CHECK(says(*render_dump(s, engine_facts{}, "commit"),
             "\"tokens_per_profitable_last_hour\":null"));
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
