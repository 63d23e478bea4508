// The pools' queueing rules as plain code: one copy of an ASIN over all
// lanes, parking and splitting, and the order in which the pools serve
// their jobs best first (a pure function of the waiting jobs and the
// time).

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

namespace {

using three_lanes = batch_queue<job, 3>;

/// Checks the one-copy rule: every ASIN the index knows is in exactly one
/// place (a lane's waiting or parked jobs, or `in_flight`), the place the
/// index says, and nothing else is queued.
void check_one_copy(const three_lanes& q, const std::vector<job>& in_flight) {
  size_t queued = 0;
  for (size_t i = 0; i < three_lanes::lane_count(); ++i) {
    auto count_in = [&](const auto& jobs, three_lanes::place where) {
      for (auto& j : jobs) {
        auto* s = q.find(j.asin);
        REQUIRE(s != nullptr);
        CHECK(s->lane == i);
        CHECK(s->where == where);
        ++queued;
      }
    };
    count_in(q.at(i).waiting, three_lanes::place::waiting);
    count_in(q.at(i).parked, three_lanes::place::parked);
  }
  for (auto& j : in_flight) {
    auto* s = q.find(j.asin);
    REQUIRE(s != nullptr);
    CHECK(s->where == three_lanes::place::in_flight);
  }
  CHECK(q.size() == queued);
  CHECK(q.known() == queued + in_flight.size());
}

std::string asins_of(const std::vector<job>& jobs) {
  std::string out;
  for (auto& j : jobs)
    out += j.asin;
  return out;
}

} // namespace

TEST_CASE("one copy per ASIN: a move between lanes replaces the copy, and "
          "a job in flight is not queued again") {
  three_lanes q{true};
  q.batch = 2;
  std::vector<job> flying;
  CHECK(q.enqueue({"X", 1}, 2));
  CHECK(q.enqueue({"A", 1}, 2));
  CHECK(q.enqueue({"B", 1}, 2));
  check_one_copy(q, flying);
  // Moved up to lane 0: lane 2 keeps no copy.
  CHECK(q.enqueue({"X", 2}, 0));
  check_one_copy(q, flying);
  CHECK(q.at(2).waiting.size() == 2);
  // Asked for in a later lane, or the same: stays, the newer copy wins.
  CHECK_FALSE(q.enqueue({"X", 3}, 1));
  CHECK_FALSE(q.enqueue({"X", 4}, 0));
  check_one_copy(q, flying);
  REQUIRE(q.at(0).waiting.size() == 1);
  CHECK(q.at(0).waiting.front().value == 4);
  // In flight: not queued again, in any lane.
  flying = q.take(0);
  CHECK(asins_of(flying) == "X");
  CHECK_FALSE(q.enqueue({"X", 5}, 0));
  CHECK_FALSE(q.enqueue({"X", 5}, 2));
  check_one_copy(q, flying);
  // Done: queued anew as one copy.
  q.finish(0, flying);
  flying.clear();
  CHECK(q.enqueue({"X", 6}, 2));
  check_one_copy(q, flying);
  flying = q.take(2);
  CHECK(asins_of(flying) == "AB");
  check_one_copy(q, flying);
  CHECK(q.at(2).in_flight == 1);
}

TEST_CASE("one copy per ASIN: parked jobs move and come back first, and a "
          "split batch goes out again first") {
  three_lanes q{true};
  q.batch = 2;
  std::vector<job> flying;
  for (auto a : {"A", "B", "C"})
    q.enqueue({a}, 1);
  flying = q.take(1);
  q.park(1, flying);
  flying.clear();
  check_one_copy(q, flying);
  CHECK(q.at(1).in_flight == 0);
  // A parked job moves up like a waiting one.
  CHECK(q.enqueue({"B"}, 0));
  check_one_copy(q, flying);
  CHECK(q.at(1).parked.size() == 1);
  q.unpark(1);
  check_one_copy(q, flying);
  flying = q.take(1);
  CHECK(asins_of(flying) == "AC");
  q.put_back(1, flying);
  flying.clear();
  check_one_copy(q, flying);
  q.batch = 1;
  flying = q.take(1);
  CHECK(asins_of(flying) == "A");
  auto dropped = q.remove_waiting(1,
                                  [](const job& j) { return j.asin == "C"; });
  CHECK(asins_of(dropped) == "C");
  check_one_copy(q, flying);
}

TEST_CASE("without one copy per ASIN, every job is queued") {
  batch_queue<job> q;
  q.batch = 5;
  CHECK(q.enqueue({"A"}, 0));
  CHECK(q.enqueue({"A"}, 0));
  CHECK(asins_of(q.take(0)) == "AA");
  CHECK(q.known() == 0);
}
