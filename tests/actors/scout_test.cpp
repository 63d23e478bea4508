// SCOUT: how often it walks the /deal query, against stand-ins for the
// token bucket, the router, the watermark and the peek pool.

#include "actors/scout.hpp"
#include "model/keepa_time.hpp"
#include "support/deterministic_fixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include <deque>

using namespace keepa;
using namespace std::chrono_literals;

namespace {

/// Stand-ins: the bucket answers each /deal page `page_delay` after it was
/// asked (full pages up to `pages`, then a short one) at 5 tokens/min, and
/// records when each page 0 was asked.
struct scout_fixture : test::deterministic_fixture {
  int pages = 10;
  caf::timespan page_delay = 4min;
  std::vector<caf::timespan> cycle_starts;
  /// Every page asked, in order.
  std::vector<int> asked;
  std::string selection = R"({"sortType": 4, "page": 0})";
  keepa_minutes watermark = -1;
  /// Keepa's clock in the replies' envelopes (-1: no envelope).
  keepa_minutes keepa_now = -1;
  /// Listings waiting for a peek, as the peek pool reports them.
  uint64_t peek_queued = 0;
  /// Keepa's `dealsCached` on every page (nullopt: not said).
  std::optional<bool> cached;
  /// This page is refused as a bad query (-1: none); this one fails once
  /// with a 503.
  int refused_page = -1;
  int failing_page = -1;
  /// scout_settings::fresh_horizon (0: a held walk goes on to the end).
  keepa_minutes fresh_horizon = 0;
  std::deque<std::pair<caf::response_promise, keepa_reply>> answers;
  caf::actor bucket;
  caf::actor sink;
  scout_actor scout;

  keepa_reply page(int n) {
    keepa_reply r;
    if (n == refused_page) {
      r.status = call_status::query_refused;
      r.http_status = 400;
      r.detail = "HTTP 400, invalidParameter: queryJSON is of invalid format "
                 "(details: dateRange)";
      return r;
    }
    if (n == failing_page) {
      failing_page = -1;
      r.status = call_status::retryable;
      r.detail = "server error (503)";
      return r;
    }
    keepa_body body;
    body.deals = deal_page{};
    body.deals->cached = cached;
    auto count = n + 1 < pages ? deals_per_page : size_t{10};
    for (size_t i = 0; i < count; ++i) {
      deal d;
      d.asin = "P" + std::to_string(n) + "-" + std::to_string(i);
      d.last_update = 8000000 - n * 1000 - static_cast<keepa_minutes>(i);
      body.deals->deals.push_back(d);
    }
    r.status = call_status::ok;
    r.body = std::make_shared<const keepa_body>(std::move(body));
    if (keepa_now >= 0) {
      r.envelope = token_envelope{};
      r.envelope->timestamp_ms = to_unix_ms(keepa_now);
    }
    return r;
  }

  void start() {
    auto origin = sched->clock().now();
    bucket = spawn(
      [this, origin](caf::event_based_actor* self) -> caf::behavior {
        return {
          [=](atom::call, const keepa_call& c) {
            auto& req = std::get<deal_request>(c.request);
            if (req.page == 0)
              cycle_starts.push_back(self->clock().now() - origin);
            asked.push_back(req.page);
            answers.emplace_back(self->make_response_promise(), page(req.page));
            self->delayed_send(self, page_delay, atom::run_v);
          },
          [=](atom::run) {
            auto [rp, r] = answers.front();
            answers.pop_front();
            rp.deliver(r);
          },
          [](atom::stats) {
            bucket_stats s;
            s.refill_per_min = 5;
            return s;
          },
        };
      });
    sink = spawn([this]() -> caf::behavior {
      return {
        [](atom::deal, const deal_list&) {},
        [](atom::cycle, keepa_minutes) {},
        [this](atom::get) { return watermark; },
        [this](atom::stats) {
          peek_stats p;
          p.queued = peek_queued;
          return p;
        },
      };
    });
    scout_settings s;
    s.selection = selection;
    s.fresh_horizon = fresh_horizon;
    scout = spawn(make_scout,
                  scout_links{caf::actor_cast<token_bucket_actor>(bucket),
                              caf::actor_cast<router_actor>(sink),
                              caf::actor_cast<watermark_actor>(sink),
                              caf::actor_cast<peek_pool_actor>(sink)},
                  s);
    run();
  }

  scout_stats stats() {
    return stats_of<scout_stats>(scout);
  }
};

} // namespace

TEST_CASE_FIXTURE(scout_fixture, "a long cycle is not paid for twice: the "
                                 "pause counts the time the cycle took") {
  // Ten pages cost 50 tokens: at a quarter of 5 tokens/min, one cycle per
  // 40 min. This one took 40 min to read, so the next starts after the
  // 120 s Keepa caches a query, not 40 min later.
  start();
  advance(50min, 1s);
  REQUIRE(cycle_starts.size() >= 2);
  CHECK(cycle_starts[0] == caf::timespan{0});
  CHECK(cycle_starts[1] <= 43min);
  CHECK(cycle_starts[1] >= 42min);
}

TEST_CASE_FIXTURE(scout_fixture, "a quick cycle waits out its share of the "
                                 "refill") {
  page_delay = 1s;
  start();
  advance(50min, 1s);
  REQUIRE(cycle_starts.size() >= 2);
  // 10 s of reading, then the rest of the 40 min.
  CHECK(cycle_starts[1] >= 39min);
  CHECK(cycle_starts[1] <= 41min);
}

TEST_CASE_FIXTURE(scout_fixture, "a rewind during a cycle takes effect in "
                                 "that cycle") {
  // Newest first; the watermark lies in page 3, so the cycle would stop
  // there. Ten hours back it lies in page 4.
  selection = R"({"sortType": 1, "page": 0})";
  watermark = 8000000 - 2500;
  page_delay = 4min;
  start();
  advance(5min, 1s);
  REQUIRE(asked.size() == 2);
  caf::anon_send(scout, atom::rewind_v, watermark - 600);
  advance(30min, 1s);
  REQUIRE(asked.size() >= 5);
  CHECK(std::vector<int>(asked.begin(), asked.begin() + 5)
        == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE_FIXTURE(scout_fixture, "listings that left /deal unread are "
                                 "counted") {
  selection = R"({"sortType": 1, "page": 0})";
  page_delay = 1s;
  // The walk reads 10 pages (1,360 listings over about 9,000 minutes of
  // lastUpdate) and runs out 100,000 minutes above the watermark.
  watermark = 8000000 - 9009 - 100000;
  start();
  advance(1min, 1s);
  auto s = stats();
  CHECK(s.cycles == 1);
  CHECK(s.last_shed > 14000);
  CHECK(s.last_shed < 16000);
  CHECK(s.shed_total == s.last_shed);
}

TEST_CASE_FIXTURE(scout_fixture, "a walk that reaches the watermark sheds "
                                 "nothing") {
  selection = R"({"sortType": 1, "page": 0})";
  page_delay = 1s;
  watermark = 8000000 - 2500;
  start();
  advance(1min, 1s);
  CHECK(stats().shed_total == 0);
}

TEST_CASE_FIXTURE(scout_fixture, "a cycle held behind the 12 h window counts "
                                 "what aged out unread") {
  // The peek backlog never drains: the cycle holds after page 0 (150
  // listings over 149 minutes, the newest now). Keepa's 12 h window starts
  // 5,000 minutes after the watermark: those listings are gone unread.
  selection = R"({"sortType": 1, "page": 0})";
  page_delay = 1s;
  peek_queued = 1000000;
  keepa_now = 8000000;
  watermark = keepa_now - 12 * 60 - 5000;
  start();
  advance(1min, 1s);
  auto s = stats();
  CHECK(s.cycles == 0);
  CHECK(s.pages_total == 1);
  CHECK(s.last_shed > 4900);
  CHECK(s.last_shed < 5200);
}

TEST_CASE_FIXTURE(scout_fixture, "without a watermark, a held first cycle "
                                 "counts what ages out while it holds") {
  selection = R"({"sortType": 1, "page": 0})";
  page_delay = 1s;
  peek_queued = 1000000;
  keepa_now = 8000000;
  start();
  advance(1min, 1s);
  // 2,000 minutes later the backlog drains for 2 s and the cycle reads on;
  // the window has moved 2,000 minutes past what page 0 saw.
  keepa_now += 2000;
  peek_queued = 0;
  advance(2s, 1s);
  peek_queued = 1000000;
  advance(1min, 1s);
  auto s = stats();
  CHECK(s.pages_total >= 2);
  // The held cycle resumes by reading page 0 again: the window's edge
  // has passed everything below it (7,999,851) that page 0 first saw
  // above the edge (7,999,280): 571 minutes at 150 listings per 149.
  CHECK(s.last_shed > 540);
  CHECK(s.last_shed < 620);
}

TEST_CASE_FIXTURE(scout_fixture, "a query Keepa refuses stops discovery for "
                                 "good, naming the file and Keepa's words") {
  refused_page = 0;
  page_delay = 1s;
  start();
  advance(1min, 1s);
  auto s = stats();
  CHECK(s.query_refused.find("deal_query.json") != std::string::npos);
  CHECK(s.query_refused.find("queryJSON is of invalid format (details: "
                             "dateRange)")
        != std::string::npos);
  CHECK_FALSE(s.cycle_running);
  // Neither time nor a rewind asks again: the same query would be refused.
  caf::anon_send(scout, atom::rewind_v, keepa_minutes{7000000});
  advance(24h, 1min);
  CHECK(asked == std::vector<int>{0});
}

TEST_CASE_FIXTURE(scout_fixture, "a page that fails mid-cycle is asked "
                                 "again, the pages before it are not bought "
                                 "again") {
  page_delay = 1s;
  pages = 4;
  failing_page = 2;
  cached = false;
  start();
  advance(1min, 1s);
  CHECK(std::vector<int>(asked.begin(), asked.begin() + 5)
        == std::vector<int>{0, 1, 2, 2, 3});
  CHECK(stats().cycles == 1);
}

TEST_CASE("a short hold resumes on the next page while Keepa's cache holds "
          "the snapshot, a long one reads the last page again") {
  // The backlog fills after page 0 and drains after `hold`; Keepa answers
  // page 0 from a fresh snapshot (dealsCached false).
  struct row {
    caf::timespan hold;
    std::optional<bool> cached;
    std::vector<int> expected;
  };
  const row rows[] = {
    {30s, false, {0, 1}},        // same snapshot: page 0 would be the same
    {200s, false, {0, 0}},       // the snapshot expired: pages may shift
    {30s, std::nullopt, {0, 0}}, // Keepa did not say: read it again
  };
  for (auto& r : rows) {
    CAPTURE(r.hold);
    scout_fixture f;
    f.page_delay = 1s;
    f.cached = r.cached;
    f.peek_queued = 1000000;
    f.start();
    f.advance(2s, 1s);
    REQUIRE(f.asked == std::vector<int>{0});
    f.advance(r.hold - 2s, 1s);
    f.peek_queued = 0;
    f.advance(3s, 1s);
    REQUIRE(f.asked.size() >= 2);
    CHECK(std::vector<int>(f.asked.begin(), f.asked.begin() + 2) == r.expected);
  }
}

TEST_CASE_FIXTURE(scout_fixture, "a held walk that reached hour-old "
                                 "listings ends its cycle, and the next one "
                                 "reads the newest") {
  // Page 0 holds listings 0 to 149 minutes old: past the 60 min horizon,
  // so the walk, held by the backlog for two minutes, ends its cycle
  // instead of reading on down to the watermark, and counts what it leaves
  // unread. A shorter hold (a backlog a rich plan clears in seconds) does
  // not.
  selection = R"({"sortType": 1, "page": 0})";
  page_delay = 1s;
  peek_queued = 1000000;
  keepa_now = 8000000;
  watermark = keepa_now - 600;
  fresh_horizon = 60;
  start();
  advance(100s, 1s);
  CHECK(stats().cycles == 0);
  advance(30s, 1s);
  auto s = stats();
  CHECK(s.cycles == 1);
  CHECK(s.pages_total == 1);
  // 450 minutes below page 0's oldest listing, at 150 listings per 149.
  CHECK(s.last_shed > 440);
  CHECK(s.last_shed < 470);
  // The next cycle starts at page 0 after discovery's pause (one page at
  // 5 tokens is 4 minutes of its share of 5 tokens/min).
  advance(5min, 1s);
  REQUIRE(cycle_starts.size() >= 2);
  CHECK(asked == std::vector<int>(asked.size(), 0));
}

TEST_CASE_FIXTURE(scout_fixture, "a held walk within the horizon waits and "
                                 "reads on") {
  // Page 0 spans 149 minutes; Keepa's clock is at its newest listing plus
  // 0, the horizon 200 minutes: held three minutes, the walk then reads
  // page 1.
  selection = R"({"sortType": 1, "page": 0})";
  page_delay = 1s;
  peek_queued = 1000000;
  keepa_now = 8000000;
  fresh_horizon = 200;
  start();
  advance(3min, 1s);
  CHECK(stats().cycles == 0);
  peek_queued = 0;
  advance(3s, 1s);
  CHECK(std::count(asked.begin(), asked.end(), 1) >= 1);
}
