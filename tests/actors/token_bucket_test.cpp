// TOKEN_BUCKET on virtual time against FAKE_KEEPA. Many tests replay one of
// the old pipeline's stalls (docs/design.md#failures-the-tests-replay).

#include "actors/token_bucket.hpp"
#include "model/defaults.hpp"
#include "support/deterministic_fixture.hpp"
#include "support/fake_keepa.hpp"

#include <doctest/doctest.h>

using namespace keepa;
using namespace std::chrono_literals;

namespace {

using replies = std::shared_ptr<std::vector<keepa_reply>>;

/// Forwards calls to the bucket and keeps the replies in arrival order.
caf::behavior make_caller(caf::event_based_actor* self,
                          token_bucket_actor bucket, replies out) {
  return {
    [=](atom::call, const keepa_call& c) {
      self->request(bucket, granted_call_timeout, atom::call_v, c)
        .then([=](const keepa_reply& r) { out->push_back(r); },
              [=](const caf::error&) { out->push_back(keepa_reply{}); });
    },
  };
}

/// Sends one call and, as the pools do, sends it again a second after any
/// answer but ok (a timeout included).
caf::behavior make_insistent_caller(caf::event_based_actor* self,
                                    token_bucket_actor bucket, replies out) {
  return {
    [=](atom::call, const keepa_call& c) {
      auto again = [=] { self->delayed_send(self, 1s, atom::call_v, c); };
      self->request(bucket, granted_call_timeout, atom::call_v, c)
        .then(
          [=](const keepa_reply& r) {
            out->push_back(r);
            if (r.status != call_status::ok)
              again();
          },
          [=](const caf::error&) {
            out->push_back(keepa_reply{});
            again();
          });
    },
  };
}

keepa_call product_call(call_kind kind, call_priority prio, size_t asins) {
  keepa_call c;
  c.kind = kind;
  c.priority = prio;
  product_request req;
  for (size_t i = 0; i < asins; ++i)
    req.asins.push_back("A" + std::to_string(i));
  if (kind == call_kind::commit)
    req.params = {{"offers", "20"}};
  c.request = std::move(req);
  return c;
}

struct bucket_fixture : test::deterministic_fixture {
  keepa_client_actor keepa;
  token_bucket_actor aut;
  caf::actor caller;
  replies got = std::make_shared<std::vector<keepa_reply>>();

  /// Starts FAKE_KEEPA with `balance` tokens at `rate` per minute, and the
  /// bucket in front of it.
  void start(double balance, int64_t rate,
             int64_t floor = defaults::deficit_floor) {
    keepa = spawn(test::make_fake_keepa);
    run();
    fake().balance = balance;
    fake().lowest = balance;
    fake().rate = rate;
    aut = spawn(make_token_bucket, keepa, bucket_settings{floor});
    caller = spawn(make_caller, aut, got);
    run();
  }

  test::fake_keepa_state& fake() {
    return state_of<test::fake_keepa_state>(keepa);
  }

  token_bucket_state& bucket() {
    return state_of<token_bucket_state>(aut);
  }

  void call(keepa_call c) {
    caf::anon_send(caller, atom::call_v, std::move(c));
    run();
  }

  size_t calls_of(const std::string& prefix) {
    return static_cast<size_t>(
      std::count_if(fake().log.begin(), fake().log.end(),
                    [&](auto& s) { return s.rfind(prefix, 0) == 0; }));
  }
};

} // namespace

TEST_CASE_FIXTURE(bucket_fixture, "a call is granted at once with a balance") {
  start(100, 5);
  CHECK(fake().log == std::vector<std::string>{"token"});
  call(product_call(call_kind::peek, call_priority::peek, 10));
  REQUIRE(got->size() == 1);
  CHECK(got->at(0).status == call_status::ok);
  CHECK(bucket().balance == doctest::Approx(90));
  CHECK(bucket().stats.consumed_total == 10);
}

TEST_CASE_FIXTURE(bucket_fixture,
                  "a wait is one timer that wakes at the tick") {
  start(0, 20);
  call(product_call(call_kind::peek, call_priority::peek, 10));
  CHECK(got->empty());
  CHECK(calls_of("product") == 0);
  CHECK(sched->has_pending_timeout());
  advance(59s);
  CHECK(calls_of("product") == 0);
  advance(2s);
  CHECK(calls_of("product") == 1);
  REQUIRE(got->size() == 1);
  CHECK(got->at(0).status == call_status::ok);
  CHECK(fake().http_429 == 0);
}

TEST_CASE_FIXTURE(bucket_fixture, "priorities are explicit, never "
                                  "emergent from thresholds") {
  start(0, 100);
  call(product_call(call_kind::light, call_priority::refresh, 1));
  call(product_call(call_kind::peek, call_priority::peek, 1));
  call(product_call(call_kind::light, call_priority::urgent_refresh, 1));
  call(product_call(call_kind::commit, call_priority::commit, 1));
  keepa_call page;
  page.kind = call_kind::deal_page;
  page.priority = call_priority::discovery;
  page.request = deal_request{};
  call(page);
  CHECK(got->empty());
  advance(61s);
  CHECK(fake().log
        == std::vector<std::string>{"token", "product:1", "deal:0", "product:1",
                                    "product:1"});
  // The order of grants: a refresh near the retention deadline, discovery,
  // commit (offers), peek; other refreshes last, once a refill stays in
  // hand beside them (the next tick).
  REQUIRE(got->size() == 4);
  advance(60s);
  CHECK(fake().log.back() == "product:1");
  REQUIRE(got->size() == 5);
  CHECK(got->at(0).envelope->tokens_consumed == 1);
  CHECK(got->at(1).envelope->tokens_consumed == 5);
  CHECK(got->at(2).envelope->tokens_consumed == 6);
}

TEST_CASE_FIXTURE(bucket_fixture, "a call larger than the bucket is "
                                  "refused at once") {
  start(300, 5);
  call(product_call(call_kind::commit, call_priority::commit, 100));
  REQUIRE(got->size() == 1);
  CHECK(got->at(0).status == call_status::too_large);
  CHECK(got->at(0).detail.find("split") != std::string::npos);
  CHECK(calls_of("product") == 0);
}

TEST_CASE_FIXTURE(bucket_fixture, "grants never drive the balance "
                                  "below the deficit floor") {
  start(10, 5, -50);
  // 10 ASINs with offers=20: at most 120 tokens; 10 - 120 < -50: must wait.
  call(product_call(call_kind::commit, call_priority::commit, 10));
  CHECK(calls_of("product") == 0);
  // 10 + 12 ticks × 5 = 70: the first moment 70 - 120 >= -50.
  advance(11min);
  CHECK(calls_of("product") == 0);
  advance(2min);
  CHECK(calls_of("product") == 1);
  CHECK(fake().lowest >= -50);
  CHECK(fake().http_429 == 0);
}

TEST_CASE_FIXTURE(bucket_fixture, "after an upgrade, "
                                  "grants resume as soon as the balance is "
                                  "positive, never waiting for a full bucket") {
  start(-120, 5);
  fake().rate = 25;
  call(product_call(call_kind::peek, call_priority::peek, 5));
  CHECK(calls_of("product") == 0);
  // -120 + 5 × 25 = +5 after five ticks; the bucket still believes 5/min
  // but re-reads the balance after 5 minutes of waiting in silence.
  advance(4min);
  CHECK(calls_of("product") == 0);
  advance(2min);
  CHECK(calls_of("product") == 1);
  CHECK(bucket().rate == 25);
  CHECK(bucket().cap() == doctest::Approx(1500));
}

TEST_CASE_FIXTURE(bucket_fixture, "a refill-rate change takes effect within "
                                  "one tick and only speeds things up") {
  start(0, 5);
  for (int i = 0; i < 60; ++i)
    call(product_call(call_kind::peek, call_priority::peek, 5));
  advance(5min);
  auto slow = calls_of("product");
  fake().rate = 25;
  advance(5min);
  auto fast = calls_of("product") - slow;
  CHECK(slow <= 6);
  CHECK(fast >= 4 * slow);
  CHECK(bucket().rate == 25);
}

TEST_CASE_FIXTURE(bucket_fixture, "a 429 re-syncs from its envelope and "
                                  "re-queues the call") {
  start(50, 20);
  // Someone else drained the account: Keepa has -10, we believe 50.
  fake().balance = -10;
  call(product_call(call_kind::peek, call_priority::peek, 5));
  CHECK(fake().http_429 == 1);
  CHECK(got->empty());
  CHECK(bucket().balance == doctest::Approx(-10));
  advance(61s);
  REQUIRE(got->size() == 1);
  CHECK(got->at(0).status == call_status::ok);
  CHECK(bucket().stats.http_429_total == 1);
}

TEST_CASE_FIXTURE(bucket_fixture, "a failure without an envelope "
                                  "keeps the estimate conservative") {
  start(100, 5);
  fake().fail = true;
  call(product_call(call_kind::peek, call_priority::peek, 20));
  REQUIRE(got->size() == 1);
  CHECK(got->at(0).status == call_status::retryable);
  CHECK(bucket().balance == doctest::Approx(80));
  CHECK(bucket().stats.failures_total == 1);
  fake().fail = false;
  call(product_call(call_kind::peek, call_priority::peek, 1));
  CHECK(got->back().status == call_status::ok);
}

TEST_CASE_FIXTURE(bucket_fixture, "a stale balance forces "
                                  "a re-sync before the next grant") {
  start(100, 5);
  CHECK(calls_of("token") == 1);
  advance(11min);
  CHECK(calls_of("token") == 1); // idle: /token is never polled
  call(product_call(call_kind::peek, call_priority::peek, 1));
  CHECK(calls_of("token") == 2);
  CHECK(got->size() == 1);
}

TEST_CASE_FIXTURE(bucket_fixture, "the cost estimate is learned "
                                  "from tokensConsumed") {
  start(1000, 20);
  // Before any measurement: the upper bound for offers=20 (2 pages of 6).
  CHECK(bucket().stats.cost_per_item[call_kind::commit] == 12);
  fake().per_product = 7.7;
  for (int i = 0; i < 10; ++i)
    call(product_call(call_kind::peek, call_priority::peek, 10));
  CHECK(bucket().stats.cost_per_item[call_kind::peek]
        == doctest::Approx(7.7).epsilon(0.05));
}

TEST_CASE_FIXTURE(bucket_fixture, "the tokens of each kind are kept per "
                                  "hour for a day") {
  start(1000, 20);
  fake().per_product = 1;
  call(product_call(call_kind::peek, call_priority::peek, 10));
  advance(2h, 1min);
  call(product_call(call_kind::peek, call_priority::peek, 3));
  call(product_call(call_kind::commit, call_priority::commit, 2));
  auto hours = bucket().spent_by_hour.newest_first(sched->clock().now());
  REQUIRE(hours.size() == 3);
  CHECK(hours[0][call_kind::peek] == 3);
  CHECK(hours[0][call_kind::commit] == 12); // offers: 6 a product here
  CHECK(hours[1][call_kind::peek] == 0);
  CHECK(hours[2][call_kind::peek] == 10);
  advance(23h, 1h);
  hours = bucket().spent_by_hour.newest_first(sched->clock().now());
  CHECK(hours.size() == 24);
  CHECK(hours[23][call_kind::peek] == 3);
  advance(1h, 1h);
  CHECK(bucket().spent_by_hour.newest_first(sched->clock().now()).empty());
}

TEST_CASE_FIXTURE(bucket_fixture, "a large call is not starved by a "
                                  "stream of small ones") {
  start(0, 20, -50);
  // 10 × 12 = 120 tokens: needs a balance of 70 with a floor of -50.
  call(product_call(call_kind::commit, call_priority::peek, 10));
  for (int i = 0; i < 30; ++i)
    call(product_call(call_kind::peek, call_priority::peek, 1));
  advance(5min);
  REQUIRE(calls_of("product") >= 1);
  CHECK(fake().log[1] == "product:10");
}

TEST_CASE_FIXTURE(bucket_fixture,
                  "pause holds every grant and resume releases them") {
  start(100, 5);
  caf::anon_send(aut, atom::pause_v, true);
  call(product_call(call_kind::peek, call_priority::peek, 1));
  CHECK(got->empty());
  caf::anon_send(aut, atom::pause_v, false);
  run();
  CHECK(got->size() == 1);
}

TEST_CASE_FIXTURE(bucket_fixture, "steady state: full utilization, no 429, "
                                  "floor kept over 30 ticks") {
  start(0, 20);
  for (int i = 0; i < 200; ++i)
    call(product_call(call_kind::peek, call_priority::peek, 5));
  advance(30min + 1s);
  CHECK(fake().http_429 == 0);
  CHECK(fake().lowest >= defaults::deficit_floor);
  // 30 ticks × 20 tokens, all spent: at most one call's worth left over.
  CHECK(fake().consumed >= 600 - 5);
}

TEST_CASE_FIXTURE(bucket_fixture, "tokenFlowReduction is taken from every "
                                  "projected refill") {
  start(10, 20);
  fake().flow_reduction = 5;
  // The first call syncs the envelope with its reduction.
  call(product_call(call_kind::peek, call_priority::peek, 1));
  advance(1s);
  REQUIRE(got->size() == 1);
  auto before = bucket().balance;
  advance(10min, 1s);
  auto h = (*self)->request(aut, caf::infinite, atom::stats_v);
  run();
  h.receive(
    [&](const bucket_stats& s) {
      CHECK(s.refill_per_min == 15);
      CHECK(s.flow_reduction == 5);
      CHECK(s.balance == doctest::Approx(before + 10 * 15));
    },
    [](const caf::error&) { FAIL("no stats"); });
}

TEST_CASE_FIXTURE(bucket_fixture, "a resync that fails while a tick is armed "
                                  "still leaves a wake-up for its retry") {
  start(0, 5);
  // About 240 tokens: granted once the balance is 60 (the deficit floor is
  // -180), after twelve refills; a tick wake is armed each minute.
  call(product_call(call_kind::commit, call_priority::commit, 20));
  advance(300s + 200ms, 100ms);
  REQUIRE(got->empty());
  // Five minutes without an envelope: the next call resyncs first, and that
  // /token fails at once, while the tick wake of 300.5 s is armed.
  fake().fail = true;
  call(product_call(call_kind::peek, call_priority::peek, 1));
  fake().fail = false;
  // The tick wake comes before the /token retry is allowed; the retry must
  // still come, and the commit be granted at the twelfth refill.
  advance(10min, 1s);
  CHECK(got->size() == 1);
  CHECK(calls_of("product") == 1);
}

TEST_CASE_FIXTURE(bucket_fixture, "a waiting call raised to a higher "
                                  "class is granted as one of it") {
  start(0, 20);
  auto idle = product_call(call_kind::light, call_priority::refresh, 10);
  idle.id = 7;
  call(idle);
  call(product_call(call_kind::peek, call_priority::peek, 5));
  caf::anon_send(aut, atom::promote_v, uint64_t{7},
                 call_priority::urgent_refresh);
  // An unknown id changes nothing.
  caf::anon_send(aut, atom::promote_v, uint64_t{8},
                 call_priority::urgent_refresh);
  run();
  CHECK(bucket().queues[0].size() == 1);
  advance(61s, 500ms);
  // The raised call (10 ASINs) goes before the peek (5) it waited behind.
  REQUIRE(fake().log.size() >= 2);
  CHECK(fake().log.at(1) == "product:10");
  CHECK(bucket().queues[0].empty());
}

TEST_CASE_FIXTURE(bucket_fixture, "a call held through a 30 h pause is "
                                  "answered before its caller gives up, and "
                                  "runs once after the pause") {
  start(100, 5);
  caf::anon_send(aut, atom::pause_v, true);
  auto insistent = spawn(make_insistent_caller, aut, got);
  caf::anon_send(insistent, atom::call_v,
                 product_call(call_kind::light, call_priority::refresh, 3));
  advance(30h, 1min);
  CHECK(calls_of("product") == 0);
  // Answered by the bucket at 23 h and asked again: one call waits.
  REQUIRE(got->size() == 1);
  CHECK(got->at(0).status == call_status::retryable);
  CHECK(bucket().waiting() == 1);
  CHECK(bucket().stats.expired_total == 1);
  caf::anon_send(aut, atom::pause_v, false);
  advance(2h, 1min);
  CHECK(calls_of("product") == 1);
  CHECK(bucket().waiting() == 0);
  REQUIRE(got->size() == 2);
  CHECK(got->at(1).status == call_status::ok);
}

TEST_CASE_FIXTURE(bucket_fixture, "a spare refresh keeps one refill in hand "
                                  "for the classes above it") {
  // 25 tokens at 20 a minute: a 10-ASIN refresh would leave 15, under one
  // refill, so it waits; a peek of the same size goes at once.
  start(25, 20);
  call(product_call(call_kind::light, call_priority::refresh, 10));
  CHECK(got->empty());
  call(product_call(call_kind::peek, call_priority::peek, 10));
  REQUIRE(got->size() == 1);
  CHECK(bucket().balance == doctest::Approx(15));
  // With 35 tokens after the next tick, the refresh leaves 25 >= 20: sent.
  advance(61s, 1s);
  REQUIRE(got->size() == 2);
  CHECK(got->at(1).status == call_status::ok);
  CHECK(bucket().balance == doctest::Approx(25));
}

TEST_CASE_FIXTURE(bucket_fixture, "a due refresh that waited 30 min goes "
                                  "before the discovery pages queued after "
                                  "it") {
  // 5 tokens a minute, all of them wanted by a page a minute: without the
  // overtake, the refresh would wait for as long as discovery reads.
  start(0, 5);
  call(product_call(call_kind::light, call_priority::due_refresh, 5));
  keepa_call page;
  page.kind = call_kind::deal_page;
  page.priority = call_priority::discovery;
  page.request = deal_request{};
  size_t refreshed_at = 0;
  for (size_t minute = 1; minute <= 40 && refreshed_at == 0; ++minute) {
    call(page);
    advance(60s, 1s);
    if (calls_of("product") > 0)
      refreshed_at = minute;
  }
  CAPTURE(fake().log);
  CHECK(refreshed_at >= 30);
  CHECK(refreshed_at <= 33);
  CHECK(bucket().stats.overtaken_total == 1);
}
