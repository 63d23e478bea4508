// The `status` line and its rates, rendered from collected stats (pure
// functions, no actor system).

#include "actors/status_line.hpp"
#include "sample_snapshot.hpp"

#include <doctest/doctest.h>

#include <algorithm>

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

TEST_CASE("status says when the rows fill what the plan refreshes on "
          "time") {
  auto s = quiet_pipeline();
  CHECK(!says(render_status(s, engine_facts{}), "PLAN FULL"));
  s.refresher.room = false;
  s.refresher.active_last = 3700;
  s.refresher.keep_capacity = 3600;
  CHECK(says(render_status(s, engine_facts{}),
             "PLAN FULL: 3700 active rows fill the 3600 half the plan "
             "refreshes on time; no new listing is peeked"));
}

TEST_CASE("status shows the alerts of the last hour and warns of a stopped "
          "target") {
  auto s = quiet_pipeline();
  CHECK(!says(render_status(s, engine_facts{}), "alerts"));
  alert_target_stats ok;
  ok.name = "alerts";
  ok.sent_last_hour = 7;
  ok.pending = 2;
  alert_target_stats refused;
  refused.name = "alerts.team";
  refused.sent_last_hour = 1;
  refused.pending = 3;
  refused.failed = 1;
  refused.stopped = "HTTP 404: Unknown Webhook";
  s.alerts.targets = {ok, refused};
  auto line = render_status(s, engine_facts{});
  CHECK(says(line, "alerts 8 sent/h, 5 pending, 1 failed"));
  CHECK(
    says(line, "ALERTS STOPPED for alerts.team: HTTP 404: Unknown Webhook"));
  auto warnings = status_warnings(s, engine_facts{});
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].action.find("alerts retry") != std::string::npos);
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

namespace {

/// A pipeline with every field showing and numbers of several digits.
pipeline_snapshot busy_pipeline() {
  auto s = quiet_pipeline();
  s.bucket.balance = 812;
  s.bucket.waiting = 3;
  s.bucket.next_refill_ms = 37000;
  s.bucket.next_kind = static_cast<int>(call_kind::commit);
  s.bucket.next_cost = 59.5;
  s.bucket.flow_reduction = 5;
  s.bucket.buying_last_hour = 1200;
  s.bucket.http_429_total = 2;
  s.peek.queued = 120;
  s.peek.in_flight = 1;
  s.commit.queued = 15;
  s.commit.in_flight = 2;
  s.commit.profitable_last_hour = 96;
  s.commit.queued_value = 312.4;
  s.db.rows.active = 24310;
  s.db.rows.pending = 7;
  s.db.rows.rejections = 188400;
  s.refresher.capacity = 86400;
  s.refresher.fresh_capacity = 25920;
  return s;
}

/// `line` split at " | ".
std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (auto at = line.find(" | "); at != std::string::npos;
       at = line.find(" | ", start)) {
    out.push_back(line.substr(start, at - start));
    start = at + 3;
  }
  out.push_back(line.substr(start));
  return out;
}

/// The form of `f` the live line shows.
std::string brief_of(const status_field& f) {
  return f.brief.empty() ? f.text : f.brief;
}

} // namespace

TEST_CASE("the status line is its fields joined, in the order they print") {
  auto s = busy_pipeline();
  s.bucket.paused = true;
  s.db.pending_writes = 4;
  s.db.last_error = "disk I/O error";
  auto fields = status_fields(s, engine_facts{});
  std::string joined;
  for (auto& f : fields)
    joined += (joined.empty() ? "" : f.joint) + f.text;
  CHECK(render_status(s, engine_facts{}) == joined);
  CHECK(says(joined, "tokens 812 (+20/min after 5 for trackings, next in 37 "
                     "s, 3 waiting; next call: commit, about 60 tokens, held "
                     "while paused) PAUSED | peek 120+1 commit 15+2 light "
                     "0+0 | deals 24310 active, 7 pending, 188400 rejected"));
  CHECK(says(joined, "| DATABASE CANNOT WRITE, 4 rows held, requests paused: "
                     "disk I/O error"));
}

TEST_CASE("the live line keeps the most important fields that fit, in "
          "their order, each whole") {
  auto s = busy_pipeline();
  s.db.pending_writes = 4;
  s.db.last_error = "disk I/O error";
  auto fields = status_fields(s, engine_facts{});
  CHECK(fit_status(fields, 79)
        == "tokens 812 (+20/min, next in 37 s) | DATABASE CANNOT "
           "WRITE");
  CHECK(fit_status(fields, 200)
        == "tokens 812 (+20/min, next in 37 s) | peek 120+1 commit "
           "15+2 light 0+0 | deals 24310 active, 7 pending, 188400 rejected | "
           "429s 2 | 0 peeks, 0 commits/min | backlog ETA 15 min | DATABASE "
           "CANNOT WRITE");
  auto& top
    = *std::min_element(fields.begin(), fields.end(),
                        [](auto& a, auto& b) { return a.rank < b.rank; });
  for (size_t width = 0; width <= 400; ++width) {
    CAPTURE(width);
    auto line = fit_status(fields, width);
    REQUIRE(line.size() <= width);
    if (brief_of(top).size() > width) {
      // The first words of the most important field, ending before a
      // separator: no word cut (nothing when even the first is too wide).
      auto whole = brief_of(top);
      CHECK(whole.rfind(line, 0) == 0);
      if (!line.empty())
        CHECK(std::string{" |,;"}.find(whole.at(line.size()))
              != std::string::npos);
      continue;
    }
    // Each shown field is one whole field; none shows while a more
    // important one is left out.
    int worst_shown = 0;
    size_t next = 0;
    for (auto& shown : split_fields(line)) {
      while (next < fields.size() && brief_of(fields[next]) != shown)
        ++next;
      REQUIRE(next < fields.size());
      worst_shown = std::max(worst_shown, fields[next].rank);
      ++next;
    }
    for (auto& f : fields)
      if (line.find(brief_of(f)) == std::string::npos)
        CHECK(f.rank >= worst_shown);
  }
}

TEST_CASE("the live line cuts only between words when not even its most "
          "important field fits") {
  auto s = quiet_pipeline();
  s.bucket.halted = "key_rejected: request rejected (400): You used an "
                    "invalid API key";
  auto fields = status_fields(s, engine_facts{});
  CHECK(says(render_status(s, engine_facts{}), "HALTED: key_rejected: request "
                                               "rejected (400): You used"));
  CHECK(fit_status(fields, 79)
        == "tokens 100 (+20/min, next in 0 s) HALTED: key_rejected");
  CHECK(fit_status(fields, 15) == "HALTED:");
  CHECK(fit_status(fields, 5).empty());
}

TEST_CASE("the live line says little while the balance is unknown") {
  pipeline_snapshot s;
  s.bucket.waiting = 2;
  CHECK(says(render_status(s, engine_facts{}),
             "tokens unknown (Keepa has not answered yet, 2 waiting) |"));
  CHECK(render_live_status(s, engine_facts{}, 40)
        == "tokens unknown (2 waiting)");
}
