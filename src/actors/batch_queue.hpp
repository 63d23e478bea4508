#pragma once

// The queueing rules the peek, commit and light pools share, as plain code
// tested without actors (tests/actors/batch_queue_test.cpp): jobs wait in
// lanes (in grant order, each lane with call slots and a backoff of its
// own), go out in batches of at most `batch`, and a failed batch is parked
// in its lane until that lane's backoff expires. With `one_per_asin`, an
// ASIN has one copy at most, waiting, parked or in flight, over all lanes.

#include "actors/backoff.hpp"
#include "model/keepa_time.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace keepa {

template <class Job, size_t Lanes = 1>
class batch_queue {
public:
  /// Jobs of one class.
  struct lane {
    std::deque<Job> waiting;
    /// Failed batches wait here for the lane's backoff.
    std::vector<Job> parked;
    /// Calls in flight (or waiting for a grant).
    size_t in_flight = 0;
    backoff retry;
    bool retry_armed = false;
  };

  /// Where a queued ASIN is (with one_per_asin).
  enum class place { waiting, parked, in_flight };

  struct slot {
    size_t lane;
    place where;
    /// The call it is in, while in flight (take()'s count).
    uint64_t call = 0;
  };

  explicit batch_queue(bool one_per_asin = false)
    : one_per_asin_(one_per_asin) {
  }

  /// The most ASINs in one call.
  size_t batch = 1;
  /// Calls in flight (or waiting for a grant) per lane.
  size_t max_in_flight = 2;
  /// Unset, take() serves a lane in arrival order; set, it reorders the
  /// lane's waiting jobs first (serve_best_first).
  std::function<void(std::deque<Job>&)> order;

  /// Queues `job` in lane `i` and says whether it did. With one_per_asin,
  /// a job whose ASIN waits (or is parked) in a later lane moves here, and
  /// one that waits in lane `i` or an earlier one has its copy replaced in
  /// place, the newer job winning; an ASIN in flight is left alone.
  bool enqueue(Job job, size_t i) {
    if (!one_per_asin_) {
      lanes_[i].waiting.push_back(std::move(job));
      return true;
    }
    auto [at, fresh] = index_.try_emplace(job.asin, slot{i, place::waiting});
    if (fresh) {
      lanes_[i].waiting.push_back(std::move(job));
      return true;
    }
    auto& s = at->second;
    if (s.where == place::in_flight)
      return false;
    bool moves = s.lane > i;
    auto replace_or_erase = [&](auto& from) {
      auto copy = std::find_if(from.begin(), from.end(), [&](const Job& j) {
        return j.asin == job.asin;
      });
      if (moves)
        from.erase(copy);
      else
        *copy = std::move(job);
    };
    auto& l = lanes_[s.lane];
    if (s.where == place::waiting)
      replace_or_erase(l.waiting);
    else
      replace_or_erase(l.parked);
    if (!moves)
      return false;
    s = slot{i, place::waiting};
    lanes_[i].waiting.push_back(std::move(job));
    return true;
  }

  /// Takes the next batch of lane `i` (empty when none waits) and counts
  /// it in flight.
  std::vector<Job> take(size_t i) {
    auto& w = lanes_[i].waiting;
    if (order)
      order(w);
    std::vector<Job> out;
    if (w.empty())
      return out;
    ++calls_;
    while (out.size() < batch && !w.empty()) {
      mark(w.front().asin, i, place::in_flight, calls_);
      out.push_back(std::move(w.front()));
      w.pop_front();
    }
    ++lanes_[i].in_flight;
    return out;
  }

  /// The id of the call take() filled last (1, 2, ...).
  uint64_t last_call() const {
    return calls_;
  }

  /// True when `asin` is in a call in flight (with one_per_asin).
  bool is_in_flight(const std::string& asin) const {
    auto* s = find(asin);
    return s && s->where == place::in_flight;
  }

  /// The call to raise to lane `i`'s priority so that `asin` is served
  /// as soon as lane `i` would serve it: set when it is in flight in a
  /// later lane.
  std::optional<uint64_t> call_to_raise(const std::string& asin,
                                        size_t i) const {
    auto* s = find(asin);
    if (s && s->where == place::in_flight && s->lane > i)
      return s->call;
    return std::nullopt;
  }

  /// Ends a call of lane `i` whose jobs are done or given up.
  void finish(size_t i, const std::vector<Job>& batch) {
    --lanes_[i].in_flight;
    forget(batch);
  }

  /// Ends a failed call of lane `i`: its jobs wait for the lane's backoff.
  void park(size_t i, std::vector<Job> batch) {
    --lanes_[i].in_flight;
    for (auto& job : batch) {
      mark(job.asin, i, place::parked);
      lanes_[i].parked.push_back(std::move(job));
    }
  }

  /// Ends a call of lane `i` whose jobs go out again first, at once (a
  /// batch split in smaller ones).
  void put_back(size_t i, std::vector<Job> batch) {
    --lanes_[i].in_flight;
    auto& w = lanes_[i].waiting;
    for (auto job = batch.rbegin(); job != batch.rend(); ++job) {
      mark(job->asin, i, place::waiting);
      w.push_front(std::move(*job));
    }
  }

  /// Ends lane `i`'s backoff: its parked jobs go first, they have waited
  /// already.
  void unpark(size_t i) {
    auto& l = lanes_[i];
    for (auto& job : l.parked)
      mark(job.asin, i, place::waiting);
    l.waiting.insert(l.waiting.begin(), l.parked.begin(), l.parked.end());
    l.parked.clear();
    l.retry_armed = false;
  }

  /// Removes the waiting jobs of lane `i` that `drop` says, and returns
  /// them.
  template <class Pred>
  std::vector<Job> remove_waiting(size_t i, Pred drop) {
    auto& w = lanes_[i].waiting;
    auto keep = std::stable_partition(w.begin(), w.end(),
                                      [&](const Job& j) { return !drop(j); });
    std::vector<Job> out(std::make_move_iterator(keep),
                         std::make_move_iterator(w.end()));
    w.erase(keep, w.end());
    forget(out);
    return out;
  }

  /// Where `asin` is, if one_per_asin and queued.
  const slot* find(const std::string& asin) const {
    auto i = index_.find(asin);
    return i == index_.end() ? nullptr : &i->second;
  }

  const lane& at(size_t i) const {
    return lanes_[i];
  }

  lane& at(size_t i) {
    return lanes_[i];
  }

  static constexpr size_t lane_count() {
    return Lanes;
  }

  /// Jobs waiting, parked ones included.
  size_t size() const {
    size_t n = 0;
    for (auto& l : lanes_)
      n += l.waiting.size() + l.parked.size();
    return n;
  }

  /// Calls in flight over all lanes.
  size_t in_flight() const {
    size_t n = 0;
    for (auto& l : lanes_)
      n += l.in_flight;
    return n;
  }

  /// With one_per_asin: ASINs queued or in flight.
  size_t known() const {
    return index_.size();
  }

private:
  void mark(const std::string& asin, size_t i, place where, uint64_t call = 0) {
    if (one_per_asin_)
      index_[asin] = slot{i, where, call};
  }

  void forget(const std::vector<Job>& jobs) {
    if (one_per_asin_)
      for (auto& job : jobs)
        index_.erase(job.asin);
  }

  bool one_per_asin_;
  uint64_t calls_ = 0;
  std::array<lane, Lanes> lanes_;
  std::map<std::string, slot> index_;
};

/// Orders `jobs` (each with a `value` and a `queued_ms`) for take(): the
/// jobs queued more than `max_wait_ms` before `now_ms` first, oldest first,
/// so that none waits much longer than that; then the others by
/// `rank(job)`, highest first, earlier first among equals.
template <class Job, class Rank>
void serve_best_first(std::deque<Job>& jobs, int64_t now_ms,
                      int64_t max_wait_ms, Rank rank) {
  auto overdue = [&](const Job& j) {
    return now_ms - j.queued_ms > max_wait_ms;
  };
  std::stable_sort(jobs.begin(), jobs.end(), [&](const Job& a, const Job& b) {
    bool a_late = overdue(a);
    bool b_late = overdue(b);
    if (a_late != b_late)
      return a_late;
    if (a_late)
      return a.queued_ms < b.queued_ms;
    return rank(a) > rank(b);
  });
}

/// The expected profit per token of buying a listing updated by Keepa at
/// `last_update` now (`now`, Keepa minutes): its offers cost 5 tokens while
/// Keepa's data is under an hour old (with `update=1`), about 12 after.
inline double profit_per_token(double value, keepa_minutes last_update,
                               keepa_minutes now, bool update_param) {
  bool cheap = update_param && last_update >= 0 && now - last_update < 50;
  return value / (cheap ? 5.0 : 12.0);
}

} // namespace keepa
