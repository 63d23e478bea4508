// The token ledger (docs/keepa.md), through the handler on a fake clock.

#include "mock/ledger.hpp"
#include "mock/mock_support.hpp"

using namespace keepa::mock;
using namespace keepa::mock::test;

TEST_CASE_FIXTURE(handler_fixture, "/token is free, with the full envelope, "
                                   "with or without a trailing slash") {
  start();
  for (auto target : {"/token?key=mock-key", "/token/?key=mock-key"}) {
    CAPTURE(target);
    auto a = get(target);
    CHECK(a.status == 200);
    auto d = parse(a.body);
    CHECK(num(d, "timestamp") == t0);
    CHECK(num(d, "tokensLeft") == 1200);
    CHECK(num(d, "tokensConsumed") == 0);
    CHECK(num(d, "refillRate") == 20);
    CHECK(num(d, "refillIn") == 60000);
    CHECK(num(d, "processingTimeInMs") == 0);
    CHECK(d["tokenFlowReduction"].GetDouble() == 0.0);
  }
  CHECK(h->stats(now).tokens_consumed == 0);
}

TEST_CASE_FIXTURE(handler_fixture, "a zero balance answers 429 with the "
                                   "envelope and tokensConsumed 0") {
  start(0);
  now = t0 + 1500;
  auto a = get("/product?key=mock-key&domain=1&asin=" + asins(1));
  CHECK(a.status == 429);
  auto d = parse(a.body);
  CHECK(num(d, "tokensLeft") == 0);
  CHECK(num(d, "tokensConsumed") == 0);
  CHECK(num(d, "refillIn") == 58500);
  CHECK_FALSE(d.HasMember("products"));
  CHECK(get(deal_target(used_selection(0))).status == 429);
  CHECK(get("/token?key=mock-key").status == 200); // free calls still pass
  auto s = h->stats(now);
  CHECK(s.http_429 == 2);
  CHECK(s.balance == 0);
}

TEST_CASE_FIXTURE(handler_fixture, "a positive balance admits a call that "
                                   "drives it negative, then 429") {
  start(5);
  auto a = get("/product?key=mock-key&domain=1&asin=" + asins(10));
  CHECK(a.status == 200);
  CHECK(num(parse(a.body), "tokensLeft") == -5);
  CHECK(num(parse(a.body), "tokensConsumed") == 10);
  CHECK(get("/product?key=mock-key&domain=1&asin=" + asins(1)).status == 429);
  CHECK(num(json("/token?key=mock-key"), "tokensLeft") == -5);
  CHECK(h->stats(now).lowest_balance == -5);
}

TEST_CASE_FIXTURE(handler_fixture, "refill ticks every 60 s from the start") {
  start(-30);
  now = t0 + 59999;
  CHECK(num(json("/token?key=mock-key"), "tokensLeft") == -30);
  CHECK(num(json("/token?key=mock-key"), "refillIn") == 1);
  now = t0 + 60000;
  auto d = json("/token?key=mock-key");
  CHECK(num(d, "tokensLeft") == -10);
  CHECK(num(d, "refillIn") == 60000);
  now = t0 + 3 * 60000 + 10;
  CHECK(num(json("/token?key=mock-key"), "tokensLeft") == 30);
  CHECK(num(json("/token?key=mock-key"), "refillIn") == 59990);
  CHECK(h->stats(now).tokens_refilled == 60);
}

TEST_CASE_FIXTURE(handler_fixture, "the bucket is capped at 60 x rate") {
  start(1190);
  now = t0 + 10 * 60000;
  CHECK(num(json("/token?key=mock-key"), "tokensLeft") == 1200);
  now = t0 + 300 * 60000;
  CHECK(num(json("/token?key=mock-key"), "tokensLeft") == 1200);
  CHECK(h->stats(now).tokens_refilled == 10);
}

TEST_CASE_FIXTURE(handler_fixture, "POST /_mock/refill changes the rate "
                                   "from the next tick") {
  start(0);
  now = t0 + 30000;
  CHECK(h->handle({"POST", "/_mock/refill?rate=50", ""}, now).status == 200);
  CHECK(num(json("/token?key=mock-key"), "refillRate") == 50);
  CHECK(num(json("/token?key=mock-key"), "tokensLeft") == 0);
  now = t0 + 60000;
  CHECK(num(json("/token?key=mock-key"), "tokensLeft") == 50);
  CHECK(h->handle({"POST", "/_mock/refill?rate=x", ""}, now).status == 400);
  h->set_refill_rate(7);
  CHECK(h->stats(now).refill_rate == 7);
}

TEST_CASE("ledger: admission, charge and the cap") {
  ledger l{0, 5, 1};
  CHECK(l.admits(0));
  l.charge(40);
  CHECK(l.balance() == -39);
  CHECK_FALSE(l.admits(59999));
  CHECK(l.envelope(60000, 0).tokens_left == -34);
  l.refill(3600000 * 2);
  CHECK(l.balance() == 300);
  CHECK(l.lowest() == -39);
  CHECK(l.consumed_total() == 40);
}
