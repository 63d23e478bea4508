// ROUTER: every listing it tracks reaches the peek pool, the database or
// the watermark, even when the database lookup fails; a stored deal seen
// again is refreshed from the page, and a price drop is recorded once.

#include "actors/router.hpp"
#include "actors/watermark.hpp"
#include "model/deal_rows.hpp"
#include "support/deterministic_fixture.hpp"

#include <doctest/doctest.h>

using namespace keepa;
using namespace std::chrono_literals;

namespace {

/// Stand-ins for the database and the pools: the database fails its first
/// `failures` lookups and then answers `known`; the pools record what they
/// were given.
struct router_fixture : test::deterministic_fixture {
  int failures = 1;
  int lookups = 0;
  lookup_result known;
  std::vector<deal> peeked;
  light_jobs lighted;
  std::vector<std::vector<deal_key>> tracked;
  std::vector<write_batch> writes;
  caf::actor db;
  caf::actor watermark;
  caf::actor peek;
  caf::actor light;
  router_actor router;

  router_fixture() {
    db = spawn([this]() -> caf::behavior {
      return {
        [this](atom::lookup,
               const std::vector<std::string>&) -> caf::result<lookup_result> {
          if (lookups++ < failures)
            return caf::make_error(caf::sec::request_timeout);
          return known;
        },
        [this](atom::write, const write_batch& b) { writes.push_back(b); },
      };
    });
    watermark = spawn([this]() -> caf::behavior {
      return {
        [this](atom::track, const std::vector<deal_key>& keys) {
          tracked.push_back(keys);
        },
        [](atom::settle, const std::vector<deal_key>&) {},
        [](atom::cycle, keepa_minutes) {},
      };
    });
    peek = spawn([this]() -> caf::behavior {
      return {
        [this](atom::enqueue, const deal_list& deals) {
          peeked.insert(peeked.end(), deals->begin(), deals->end());
        },
      };
    });
    light = spawn([this]() -> caf::behavior {
      return {
        [this](atom::enqueue, const light_jobs& jobs, refresh_class) {
          lighted.insert(lighted.end(), jobs.begin(), jobs.end());
        },
      };
    });
    router = spawn(make_router,
                   router_links{caf::actor_cast<db_writer_actor>(db),
                                caf::actor_cast<watermark_actor>(watermark),
                                caf::actor_cast<peek_pool_actor>(peek),
                                caf::actor_cast<light_pool_actor>(light)},
                   router_settings{}, clock());
  }

  void list(const std::vector<std::string>& asins, keepa_minutes at,
            int64_t drops365 = -1) {
    auto page = std::make_shared<std::vector<deal>>();
    for (auto& a : asins) {
      deal d;
      d.asin = a;
      d.last_update = at;
      d.current = std::vector<int64_t>(36, -1);
      d.current[2] = 1000;
      d.current[21] = 1000;
      d.avg.assign(4, std::vector<int64_t>(36, -1));
      d.avg[3][2] = 3000;
      d.sales_rank_drops365 = drops365;
      page->push_back(d);
    }
    caf::anon_send(router, atom::deal_v, deal_list{page});
    run();
  }

  router_stats stats() {
    return stats_of<router_stats>(router);
  }
};

} // namespace

TEST_CASE_FIXTURE(router_fixture, "a failed lookup is retried: its listings "
                                  "still reach the peek pool") {
  failures = 3;
  list({"A", "B"}, 100);
  CHECK(tracked.size() == 1);
  CHECK(peeked.empty());
  // Backoff 1 s, 2 s, 4 s.
  advance(10s);
  CHECK(lookups == 4);
  REQUIRE(peeked.size() == 2);
  CHECK(peeked[0].asin == "A");
  CHECK(stats().failed_lookups_total == 3);
  // Listed again meanwhile or later: not routed twice.
  list({"A", "B"}, 100);
  CHECK(peeked.size() == 2);
  CHECK(tracked.size() == 1);
}

TEST_CASE_FIXTURE(router_fixture, "a listing with a newer lastUpdate is "
                                  "routed and tracked again") {
  failures = 0;
  list({"A"}, 100);
  list({"A"}, 120);
  CHECK(peeked.size() == 2);
  REQUIRE(tracked.size() == 2);
  CHECK(tracked[1][0].last_update == 120);
}

TEST_CASE_FIXTURE(router_fixture, "a listing its payload rejects is written "
                                  "as a rejection, never peeked") {
  failures = 0;
  list({"DEAD"}, 100, 0);
  list({"LIVE"}, 100, 12);
  REQUIRE(peeked.size() == 1);
  CHECK(peeked[0].asin == "LIVE");
  REQUIRE(writes.size() == 1);
  REQUIRE(writes[0].rejections.size() == 1);
  CHECK(writes[0].rejections[0].asin == "DEAD");
  CHECK(writes[0].rejections[0].reason
        == "deal payload: dead inventory: 0 rank drops in 365 days");
  // Settled by that write, so the watermark passes it once durable.
  REQUIRE(writes[0].settles.size() == 1);
  CHECK(writes[0].settles[0].last_update == 100);
  CHECK(stats().payload_rejected_total == 1);
}

TEST_CASE_FIXTURE(router_fixture, "a drop seen on a page is one event: the "
                                  "light pool gets the row as refreshed") {
  failures = 0;
  // Active at $20, last fetched a month ago (due), listed at $10.
  stored_deal row;
  row.asin = "A";
  row.status = deal_status::active;
  row.keepa_last_update = 90;
  row.list_at = 40.0;
  row.price_now = 20.0;
  row.price_basis = "offers";
  row.last_fetch_utc = "2026-10-01T00:00:00Z";
  row.last_seen_utc = "2026-10-01T00:00:00Z";
  known.stored = {row};
  list({"A"}, 100);
  REQUIRE(writes.size() == 1);
  REQUIRE(writes[0].drops.size() == 1);
  CHECK(writes[0].drops[0].old_price == 20.0);
  CHECK(writes[0].drops[0].new_price == 10.0);
  // The light pool compares its refresh with the price the page wrote, so
  // Keepa's answer at that same $10 records no second event.
  REQUIRE(lighted.size() == 1);
  auto& job = lighted[0];
  CHECK(job.price_now == 10.0);
  CHECK(job.price_basis == "listing");
  CHECK(job.keepa_last_update == 100);
  CHECK(job.last_seen_utc == "2026-11-01T00:00:00Z");
  CHECK(job.last_fetch_utc == row.last_fetch_utc);
  product p;
  p.asin = "A";
  p.stats = product_stats{};
  p.stats->current = std::vector<int64_t>(36, -1);
  p.stats->current[2] = 1000;
  p.stats->current[21] = 1000;
  auto light = light_row(p, job.basis(), 0, fee_settings{});
  CHECK_FALSE(is_price_drop(job.price_now, job.price_basis, light,
                            router_settings{}.drop_percent));
}
