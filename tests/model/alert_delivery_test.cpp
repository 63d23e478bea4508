// What a webhook's answer means for its alerts, how long to wait before
// the next attempt, when to give up, and when the rest go as a digest.

#include "model/alert_delivery.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace keepa;

namespace {

/// An answer with `status` and `headers`.
delivery_answer answer(int status,
                       std::map<std::string, std::string> headers = {}) {
  return {status, std::move(headers), ""};
}

} // namespace

TEST_SUITE_BEGIN("alert_delivery");

TEST_CASE("2xx delivers, 429 waits, other 4xx stop the target, the rest "
          "retry") {
  CHECK(judge(answer(200)) == delivery_verdict::delivered);
  CHECK(judge(answer(204)) == delivery_verdict::delivered);
  CHECK(judge(answer(429)) == delivery_verdict::rate_limited);
  CHECK(judge(answer(404)) == delivery_verdict::stop_target);
  CHECK(judge(answer(401)) == delivery_verdict::stop_target);
  CHECK(judge(answer(500)) == delivery_verdict::retry);
  CHECK(judge(answer(503)) == delivery_verdict::retry);
  CHECK(judge(answer(0)) == delivery_verdict::retry);
  CHECK(judge(answer(302)) == delivery_verdict::retry);
}

TEST_CASE("failures back off from 30 s doubling to 30 min") {
  auto failed = answer(500);
  CHECK(retry_after_ms(failed, 1) == 30'000);
  CHECK(retry_after_ms(failed, 2) == 60'000);
  CHECK(retry_after_ms(failed, 6) == 960'000);
  CHECK(retry_after_ms(failed, 7) == 1'800'000);
  CHECK(retry_after_ms(failed, 500) == 1'800'000);
  CHECK(retry_after_ms(answer(0), 0) == 30'000);
}

TEST_CASE("a 429 waits as Retry-After or Discord's reset header say, "
          "within 1 s and an hour") {
  CHECK(retry_after_ms(answer(429, {{"retry-after", "12"}}), 1) == 12'000);
  CHECK(retry_after_ms(answer(429, {{"x-ratelimit-reset-after", "0.35"}}), 1)
        == 1'000);
  CHECK(retry_after_ms(answer(429, {{"x-ratelimit-reset-after", "2.5"}}), 3)
        == 2'500);
  CHECK(retry_after_ms(answer(429, {{"retry-after", "86400"}}), 1)
        == 3'600'000);
  CHECK(retry_after_ms(answer(429, {{"retry-after", "soon"}}), 1) == 30'000);
  CHECK(retry_after_ms(answer(429, {{"retry-after", "-5"}}), 1) == 30'000);
  CHECK(retry_after_ms(answer(429), 1) == 30'000);
}

TEST_CASE("an alert is given up give_up_hours after it was created") {
  constexpr int64_t hour = 3'600'000;
  CHECK_FALSE(gives_up(0, 24 * hour - 1, 24));
  CHECK(gives_up(0, 24 * hour, 24));
  CHECK(gives_up(5 * hour, 7 * hour, 2));
}

TEST_CASE("past max_per_minute the last messages of the minute are as few "
          "digests as carry every alert left") {
  struct row {
    int64_t pending;
    int sent_this_minute, max_per_minute, singles, digests;
  };
  const row rows[] = {
    {3, 0, 10, 3, 0},     // room for all
    {15, 0, 10, 9, 1},    // nine, then one digest of the six left
    {5, 9, 10, 0, 1},     // one message left: the digest of all five
    {1, 9, 10, 1, 0},     // one left and one alert: it goes alone
    {4, 10, 10, 0, 0},    // the minute is spent: wait
    {0, 0, 10, 0, 0},     // nothing due
    {59, 0, 10, 9, 1},    // nine and a digest of 50 carry 59
    {60, 0, 10, 8, 2},    // one more needs a second digest
    {750, 0, 60, 45, 15}, // 45 alone and 15 digests of 50 carry 795
    {750, 0, 10, 0, 10},  // ten digests carry 500; the rest next minute
    {250, 8, 10, 0, 2},   // two messages left: both digests
  };
  for (const auto& r : rows) {
    CAPTURE(r.pending);
    CAPTURE(r.sent_this_minute);
    CAPTURE(r.max_per_minute);
    auto plan = plan_sends(r.pending, r.sent_this_minute, r.max_per_minute, 50);
    CHECK(plan.singles == r.singles);
    CHECK(plan.digests == r.digests);
    // The minute's messages left carry all that is due, or all they can.
    int64_t room = r.max_per_minute - r.sent_this_minute;
    CHECK(plan.singles + plan.digests == std::min(room, r.pending));
    CHECK(plan.singles + 50 * int64_t{plan.digests}
          >= std::min(r.pending, 50 * room));
  }
}

TEST_SUITE_END();
