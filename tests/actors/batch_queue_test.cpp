// The order in which the pools serve their jobs best first (a pure
// function of the waiting jobs and the time).

#include "actors/batch_queue.hpp"

#include <doctest/doctest.h>

using namespace keepa;

namespace {

struct job {
  std::string asin;
  double value = 0;
  int64_t queued_ms = 0;
};

std::string order_of(std::deque<job> jobs, int64_t now_ms) {
  serve_best_first(jobs, now_ms, 1000, [](const job& j) { return j.value; });
  std::string out;
  for (auto& j : jobs)
    out += j.asin;
  return out;
}

} // namespace

TEST_CASE("best first: highest value first, earlier first among equals") {
  std::deque<job> jobs{{"a", 1, 0}, {"b", 5, 10}, {"c", 3, 20}, {"d", 5, 30}};
  CHECK(order_of(jobs, 100) == "bdca");
}

TEST_CASE("best first: a job past the wait bound goes first, oldest first") {
  std::deque<job> jobs{
    {"a", 1, 0}, {"b", 5, 500}, {"c", 0, 200}, {"d", 9, 1500}};
  // At 1600 a (waited 1600) and c (1400) are overdue, b (1100) too.
  CHECK(order_of(jobs, 1600) == "acbd");
  // At 1400 only a and c.
  CHECK(order_of(jobs, 1400) == "acdb");
}

TEST_CASE("profit per token: fresh Keepa data is cheaper to buy") {
  CHECK(profit_per_token(10, 1000, 1030, true) == doctest::Approx(2.0));
  CHECK(profit_per_token(10, 1000, 1060, true) == doctest::Approx(10.0 / 12));
  CHECK(profit_per_token(10, 1000, 1030, false) == doctest::Approx(10.0 / 12));
  CHECK(profit_per_token(10, -1, 1030, true) == doctest::Approx(10.0 / 12));
}
