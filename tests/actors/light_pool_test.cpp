// LIGHT_POOL: a failed batch is parked in its lane and sent again after the
// backoff, ahead of the jobs that queued meanwhile; a call that fails with
// a CAF error frees its slot at once; urgent lanes have call slots of their
// own; a deal moves up to a more urgent lane, never down; an answered batch
// writes light rows and price drops.

#include "actors/light_pool.hpp"
#include "support/deterministic_fixture.hpp"
#include "support/sample_products.hpp"
#include "support/test_doubles.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <set>

using namespace keepa;
using namespace std::chrono_literals;

namespace {

/// A LIGHT_POOL with a token bucket that holds every call until the test
/// answers it (inside the bucket, with `answer` or `fail`), and a database
/// that records its writes.
struct light_fixture : test::deterministic_fixture {
  std::vector<keepa_call> calls;
  std::vector<caf::response_promise> promises;
  std::vector<write_batch> writes;
  /// The bucket's `promote` messages: call id and priority.
  std::vector<std::pair<uint64_t, call_priority>> promoted;
  /// Run inside the bucket on its next `run`.
  std::function<void()> in_bucket;
  caf::actor bucket;
  caf::actor db;
  light_pool_actor pool;

  light_fixture() {
    bucket
      = spawn([this](caf::event_based_actor* bucket_self) -> caf::behavior {
          return {
            [this, bucket_self](atom::call, const keepa_call& call) {
              calls.push_back(call);
              promises.push_back(bucket_self->make_response_promise());
              return promises.back();
            },
            [this](atom::run) {
              auto f = std::move(in_bucket);
              in_bucket = nullptr;
              f();
            },
            [this](atom::promote, uint64_t id, call_priority prio) {
              promoted.emplace_back(id, prio);
            },
          };
        });
    // The pool only ever writes, and never an empty batch.
    db = spawn([this](caf::event_based_actor* db_self) -> caf::behavior {
      db_self->set_default_handler(test::fail_on_unexpected);
      return {[this](atom::write, const write_batch& b) {
        CHECK_FALSE(test::is_empty(b));
        writes.push_back(b);
      }};
    });
  }

  void start(size_t batch = 1) {
    pool = spawn(make_light_pool,
                 light_links{caf::actor_cast<token_bucket_actor>(bucket),
                             caf::actor_cast<db_writer_actor>(db)},
                 light_settings{batch, 10.0, fee_settings{}}, clock());
    run();
  }

  /// A stored active deal priced at $20 by its offers.
  static stored_deal job(const std::string& asin) {
    stored_deal d;
    d.asin = asin;
    d.status = deal_status::active;
    d.list_at = 30.0;
    d.price_now = 20.0;
    d.price_basis = "offers";
    return d;
  }

  void enqueue(const std::vector<std::string>& asins, refresh_class cls) {
    light_jobs jobs;
    for (auto& a : asins)
      jobs.push_back(job(a));
    caf::anon_send(pool, atom::enqueue_v, std::move(jobs), cls);
    run();
  }

  void in_bucket_now(std::function<void()> f) {
    in_bucket = std::move(f);
    caf::anon_send(bucket, atom::run_v);
    run();
  }

  /// Answers call `i` with `r`.
  void reply(size_t i, keepa_reply r) {
    REQUIRE(i < promises.size());
    in_bucket_now([this, i, r]() mutable { promises[i].deliver(r); });
  }

  /// Answers call `i` ok, with a live product for every ASIN it asked
  /// except `missing`.
  void answer(size_t i, const std::set<std::string>& missing = {}) {
    REQUIRE(i < calls.size());
    keepa_body body;
    body.has_products = true;
    for (auto& a : std::get<product_request>(calls[i].request).asins)
      if (missing.count(a) == 0)
        body.products.push_back(test::good_product(a));
    keepa_reply r;
    r.status = call_status::ok;
    r.body = std::make_shared<const keepa_body>(std::move(body));
    reply(i, r);
  }

  /// Answers call `i` with `status`.
  void reply_status(size_t i, call_status status) {
    keepa_reply r;
    r.status = status;
    r.detail = "refused";
    reply(i, r);
  }

  /// Answers call `i` with a CAF error, as a timeout would.
  void fail(size_t i) {
    REQUIRE(i < promises.size());
    in_bucket_now([this, i] {
      promises[i].deliver(caf::make_error(caf::sec::request_timeout));
    });
  }

  /// The ASINs of every call, in order: a call's ASINs run together, the
  /// calls apart ("AB C").
  std::string asked() const {
    std::string out;
    for (auto& c : calls) {
      if (!out.empty())
        out += ' ';
      for (auto& a : std::get<product_request>(c.request).asins)
        out += a;
    }
    return out;
  }

  light_stats stats() {
    return stats_of<light_stats>(pool);
  }
};

} // namespace

TEST_CASE_FIXTURE(light_fixture, "a failed batch is parked and sent again "
                                 "after the backoff, ahead of later jobs of "
                                 "its lane") {
  start();
  enqueue({"A", "B", "C", "D", "E"}, refresh_class::due);
  // Two calls per lane: A and B go out.
  CHECK(asked() == "A B");
  keepa_reply retry;
  retry.status = call_status::retryable;
  retry.detail = "HTTP 503";
  reply(0, retry);
  // A is parked; its slot goes to C.
  CHECK(asked() == "A B C");
  auto s = stats();
  CHECK(s.failed_total == 1);
  CHECK(s.in_flight == 2);
  CHECK(s.queued == 3); // A parked, D and E waiting
  // The backoff (1 s) ends with both slots busy: nothing goes out yet.
  advance(1s);
  CHECK(calls.size() == 3);
  // The next free slot takes A, which waited longest, before D.
  answer(1);
  CHECK(asked() == "A B C A");
  answer(2);
  answer(3);
  CHECK(asked() == "A B C A D E");
  answer(4);
  answer(5);
  s = stats();
  CHECK(s.done_total == 5);
  CHECK(s.failed_total == 1);
  CHECK(s.queued == 0);
  CHECK(s.in_flight == 0);
  // Written once each.
  std::string written;
  for (auto& w : writes)
    for (auto& u : w.upserts)
      written += u.asin;
  CHECK(written == "BCADE");
}

TEST_CASE_FIXTURE(light_fixture, "a call that fails with a CAF error parks "
                                 "its batch and frees its slot for the next "
                                 "batch at once") {
  start();
  enqueue({"A", "B", "C"}, refresh_class::deadline);
  CHECK(asked() == "A B");
  fail(0);
  // No time passes: C takes A's slot.
  CHECK(asked() == "A B C");
  auto s = stats();
  CHECK(s.failed_total == 1);
  CHECK(s.in_flight == 2);
  CHECK(s.queued == 1);
  // After the backoff A goes out in the next free slot.
  advance(1s);
  answer(1);
  CHECK(asked() == "A B C A");
  answer(2);
  answer(3);
  s = stats();
  CHECK(s.in_flight == 0);
  CHECK(s.queued == 0);
  CHECK(s.done_total == 3);
  // A second error later still frees its slot: the slots are not lost.
  enqueue({"X", "Y", "Z"}, refresh_class::deadline);
  fail(4);
  fail(5);
  CHECK(asked() == "A B C A X Y Z");
  CHECK(stats().in_flight == 1);
}

TEST_CASE_FIXTURE(light_fixture, "the backoff doubles while batches fail "
                                 "and starts again after a success") {
  start();
  enqueue({"A"}, refresh_class::due);
  fail(0);
  // Retried after 1 s, then after 2 s.
  advance(999ms, 1ms);
  CHECK(calls.size() == 1);
  advance(1ms, 1ms);
  REQUIRE(calls.size() == 2);
  fail(1);
  advance(1999ms, 1ms);
  CHECK(calls.size() == 2);
  advance(1ms, 1ms);
  REQUIRE(calls.size() == 3);
  answer(2);
  CHECK(stats().done_total == 1);
  CHECK(stats().failed_total == 2);
  // After the success the next failure waits 1 s again.
  enqueue({"B"}, refresh_class::due);
  fail(3);
  advance(1s, 1ms);
  CHECK(asked() == "A A A B B");
}

TEST_CASE_FIXTURE(light_fixture, "each lane has call slots of its own, and "
                                 "its own priority") {
  start();
  enqueue({"I1", "I2", "I3"}, refresh_class::idle);
  CHECK(asked() == "I1 I2");
  // Idle calls waiting for tokens never hold back a deadline or due one.
  enqueue({"D1"}, refresh_class::deadline);
  enqueue({"U1"}, refresh_class::due);
  REQUIRE(asked() == "I1 I2 D1 U1");
  CHECK(calls[0].priority == call_priority::refresh);
  CHECK(calls[2].priority == call_priority::urgent_refresh);
  CHECK(calls[3].priority == call_priority::due_refresh);
  for (auto& c : calls) {
    CHECK(c.kind == call_kind::light);
    CHECK(std::get<product_request>(c.request).params == light_params());
  }
  CHECK(stats().queued == 1);
}

TEST_CASE_FIXTURE(light_fixture, "a queued deal moves up to a more urgent "
                                 "lane, never down, and is refreshed "
                                 "once") {
  start();
  enqueue({"I1", "I2", "X"}, refresh_class::idle);
  CHECK(asked() == "I1 I2");
  // X waits in the idle lane; now its deadline is near: it goes at once.
  enqueue({"X"}, refresh_class::deadline);
  REQUIRE(asked() == "I1 I2 X");
  CHECK(calls[2].priority == call_priority::urgent_refresh);
  // The copy left in the idle lane is dropped when a slot frees.
  answer(0);
  CHECK(calls.size() == 3);
  CHECK(stats().queued == 0);
  // Y takes the second deadline slot and Z waits behind it; asked for as
  // idle, Z stays in the deadline lane although an idle slot is free.
  enqueue({"Y"}, refresh_class::deadline);
  enqueue({"Z"}, refresh_class::deadline);
  CHECK(asked() == "I1 I2 X Y");
  enqueue({"Z"}, refresh_class::idle);
  CHECK(calls.size() == 4);
  // A deal in flight is not queued again.
  enqueue({"I2"}, refresh_class::idle);
  CHECK(calls.size() == 4);
  answer(2);
  REQUIRE(asked() == "I1 I2 X Y Z");
  CHECK(calls[4].priority == call_priority::urgent_refresh);
}

TEST_CASE_FIXTURE(light_fixture, "an answered batch writes light rows and "
                                 "price drops, and a product Keepa did "
                                 "not return counts as failed") {
  start(2);
  enqueue({"A", "B"}, refresh_class::due);
  REQUIRE(asked() == "AB");
  CHECK(std::get<product_request>(calls[0].request).params
        == std::vector<std::pair<std::string, std::string>>{{"stats", "30"},
                                                            {"history", "0"}});
  answer(0, {"B"});
  REQUIRE(writes.size() == 1);
  REQUIRE(writes[0].upserts.size() == 1);
  auto& row = writes[0].upserts[0];
  CHECK(row.asin == "A");
  // A refresh never creates a row the janitor deleted meanwhile.
  CHECK(row.mode == write_mode::update_only);
  REQUIRE(row.find(column::last_light_fetch_utc) != nullptr);
  CHECK(std::get<std::string>(*row.find(column::last_light_fetch_utc))
        == "2026-11-01T00:00:00Z");
  CHECK(row.find(column::title) == nullptr);
  CHECK(row.find(column::list_at) == nullptr);
  // $20 stored, $10 now: a drop of more than 10 %.
  REQUIRE(writes[0].drops.size() == 1);
  CHECK(writes[0].drops[0].asin == "A");
  CHECK(writes[0].drops[0].old_price == doctest::Approx(20.0));
  CHECK(writes[0].drops[0].new_price == doctest::Approx(10.0));
  auto s = stats();
  CHECK(s.done_total == 1);
  CHECK(s.failed_total == 1);
  CHECK(s.in_flight == 0);
  // B is not retried (Keepa does not know it), but may be queued again.
  advance(10s);
  CHECK(calls.size() == 1);
  enqueue({"B"}, refresh_class::due);
  CHECK(asked() == "AB B");
}

TEST_CASE_FIXTURE(light_fixture, "a deal asked for in a more urgent lane "
                                 "while it is in flight is not asked "
                                 "again") {
  start();
  enqueue({"X"}, refresh_class::idle);
  enqueue({"X"}, refresh_class::deadline);
  CHECK(asked() == "X");
  CHECK(stats().queued == 0);
  // Its call waits in the bucket at the idle class: raised to urgent.
  REQUIRE(promoted.size() == 1);
  CHECK(promoted[0].first == calls[0].id);
  CHECK(calls[0].id != 0);
  CHECK(promoted[0].second == call_priority::urgent_refresh);
  enqueue({"X"}, refresh_class::idle);
  CHECK(promoted.size() == 1);
  answer(0);
  CHECK(asked() == "X");
  REQUIRE(writes.size() == 1);
}

TEST_CASE_FIXTURE(light_fixture, "after a deal moved up and was refreshed, "
                                 "the copy it left in its old lane is never "
                                 "sent, and a new request queues one copy") {
  start();
  enqueue({"A", "B", "X"}, refresh_class::idle);
  CHECK(asked() == "A B");
  enqueue({"X"}, refresh_class::deadline);
  CHECK(asked() == "A B X");
  answer(2);
  // X is due again (idle), while A and B still hold the idle slots.
  enqueue({"X"}, refresh_class::idle);
  CHECK(stats().queued == 1);
  answer(0);
  answer(1);
  CHECK(asked() == "A B X X");
  answer(3);
  CHECK(asked() == "A B X X");
  CHECK(stats().queued == 0);
  CHECK(stats().in_flight == 0);
}

TEST_CASE_FIXTURE(light_fixture, "a batch Keepa refuses for good is given "
                                 "up, not retried, and its rows may be "
                                 "queued again") {
  start();
  enqueue({"A"}, refresh_class::due);
  reply_status(0, call_status::item_error);
  advance(10min, 1s);
  CHECK(asked() == "A");
  auto s = stats();
  CHECK(s.refused_total == 1);
  CHECK(s.failed_total == 0);
  CHECK(s.queued == 0);
  CHECK(writes.empty());
  enqueue({"A"}, refresh_class::due);
  CHECK(asked() == "A A");
}

TEST_CASE_FIXTURE(light_fixture, "each lane backs off on its own: a success "
                                 "in another lane does not shorten it") {
  start();
  enqueue({"I"}, refresh_class::idle);
  fail(0);
  advance(1s, 1ms);
  REQUIRE(asked() == "I I");
  fail(1);
  // The idle lane now waits 2 s; a deadline refresh succeeds meanwhile.
  enqueue({"D"}, refresh_class::deadline);
  answer(2);
  advance(1s, 1ms);
  CHECK(asked() == "I I D");
  advance(1s, 1ms);
  CHECK(asked() == "I I D I");
}

TEST_CASE_FIXTURE(light_fixture, "a row Keepa answers without a live "
                                 "product three times in a row is marked "
                                 "gone, and an answer with nothing to write "
                                 "writes nothing") {
  start();
  for (int i = 0; i < 3; ++i) {
    enqueue({"G"}, refresh_class::due);
    answer(static_cast<size_t>(i), {"G"});
    if (i < 2)
      CHECK(writes.empty());
  }
  REQUIRE(writes.size() == 1);
  REQUIRE(writes[0].upserts.size() == 1);
  auto& gone = writes[0].upserts[0];
  CHECK(gone.asin == "G");
  CHECK(gone.mode == write_mode::update_only);
  CHECK(std::get<std::string>(*gone.find(column::status)) == "gone");
  CHECK(gone.find(column::last_seen_utc) == nullptr);
  auto s = stats();
  CHECK(s.gone_total == 1);
  CHECK(s.failed_total == 3);
  // A live answer in between starts the count again.
  enqueue({"H"}, refresh_class::due);
  answer(3, {"H"});
  enqueue({"H"}, refresh_class::due);
  answer(4);
  enqueue({"H"}, refresh_class::due);
  answer(5, {"H"});
  enqueue({"H"}, refresh_class::due);
  answer(6, {"H"});
  CHECK(stats().gone_total == 1);
}

TEST_CASE_FIXTURE(light_fixture, "a drop a /deal page recorded while the "
                                 "row's refresh was in flight is not "
                                 "recorded again by that refresh") {
  start();
  enqueue({"X"}, refresh_class::idle);
  // The page priced X at $10 and recorded the drop from $20.
  auto after_page = job("X");
  after_page.price_now = 10.0;
  caf::anon_send(pool, atom::enqueue_v, light_jobs{after_page},
                 refresh_class::idle);
  run();
  CHECK(asked() == "X");
  answer(0);
  REQUIRE(writes.size() == 1);
  CHECK(writes[0].upserts.size() == 1);
  CHECK(writes[0].drops.empty());
}
