#pragma once

#include <algorithm>

#include "actors/actors.hpp"
#include "actors/hourly_spend.hpp"
#include "model/defaults.hpp"

#include <array>
#include <deque>

#include <caf/actor_clock.hpp>
#include <caf/typed_response_promise.hpp>

namespace keepa {

/// How long the bucket waits for KEEPA_CLIENT when one HTTP exchange may
/// take `request_timeout`: longer, so that a slow call is never given up
/// (and paid for twice) while it is still in flight.
inline caf::timespan call_timeout_for(caf::timespan request_timeout) {
  return request_timeout + std::chrono::seconds{15};
}

/// Tunables of TOKEN_BUCKET.
struct bucket_settings {
  /// The lowest balance our own grants may drive the projection to.
  int64_t deficit_floor = defaults::deficit_floor;
  /// How long a call may take on KEEPA_CLIENT before we give up on it.
  caf::timespan call_timeout
    = call_timeout_for(std::chrono::seconds{defaults::request_timeout_s});
  /// A call that would wait after this long without an envelope re-reads
  /// the balance via /token (free) first.
  caf::timespan resync_after = std::chrono::minutes{5};
  /// Delay before retrying a failed /token.
  caf::timespan sync_retry = std::chrono::seconds{5};
  /// A call held this long without a grant is answered `retryable`.
  caf::timespan max_wait = grant_wait_limit;
  /// A due refresh that waited this long goes before the discovery pages
  /// queued after it: the rows already found stay fresh before more are
  /// listed, and discovery, held by the peek backlog, slows to what the
  /// plan can keep fresh.
  caf::timespan due_overtake = std::chrono::minutes{30};
};

/// A call waiting for its grant.
struct waiting_call {
  keepa_call call;
  caf::typed_response_promise<keepa_reply> promise;
  caf::actor_clock::time_point queued_at;
};

struct token_bucket_state {
  keepa_client_actor client;
  bucket_settings settings;
  /// Tokens Keepa reported last, advanced by the refills projected since.
  double balance = 0;
  bool synced = false;
  bool ever_synced = false;
  /// Keepa's timestamp of the envelope the balance comes from.
  int64_t last_timestamp_ms = 0;
  bool syncing = false;
  /// Keepa's `refillRate`, and its `tokenFlowReduction` (what the key's
  /// product trackings take from each refill).
  int64_t rate = 0;
  double flow_reduction = 0;
  caf::actor_clock::time_point next_tick;
  caf::actor_clock::time_point last_envelope;
  caf::actor_clock::time_point last_success;
  bool succeeded = false;
  /// No /token before this (after a failed one).
  caf::actor_clock::time_point next_sync;
  /// Estimates of the calls granted but not yet settled.
  double outstanding = 0;
  uint64_t in_flight = 0;
  std::array<std::deque<waiting_call>, call_priority_count> queues;
  bool paused = false;
  std::string halted;
  uint64_t generation = 0;
  /// Whether a wake-up is scheduled, and for when (one at a time).
  bool timer_armed = false;
  caf::actor_clock::time_point armed_at;
  /// What each call of the last hour spent on finding deals (/deal pages,
  /// peeks, commits), and when.
  std::deque<std::pair<caf::actor_clock::time_point, int64_t>> buying;
  /// What each kind spent in each of the last 24 hours.
  hourly_spend spent_by_hour;
  /// The counters, the learned cost per item (from Keepa's upper bounds)
  /// and, refreshed on each `stats`, the figures derived from the above.
  bucket_stats stats;

  static inline constexpr const char* name = "token_bucket";

  /// The tokens one refill adds: the rate less the tracking reduction.
  double net_rate() const {
    return std::max(0.0, static_cast<double>(rate) - flow_reduction);
  }

  /// The cap of the bucket: 60 minutes of refill.
  double cap() const {
    return 60.0 * static_cast<double>(rate);
  }

  /// The estimated cost of a call from the learned cost per item.
  double estimate(const keepa_call& c) const;

  /// Adds the refills due by `now` to the projected balance.
  void project(caf::actor_clock::time_point now);

  /// Takes a response's envelope as the truth about the balance.
  void sync(const token_envelope& env, caf::actor_clock::time_point now);

  /// True when a call of cost `est` may be sent now.
  bool grantable(double est) const;

  /// True when a call of the lowest class (`refresh`: tokens nothing else
  /// wants) may go: from tokens in hand only, keeping one refill for the
  /// discovery, peek or commit call that comes next, so that spare
  /// refreshes never push the balance into a deficit another class waits
  /// out.
  bool spare_grantable(double est) const;

  uint64_t waiting() const;
};

/// Spawns TOKEN_BUCKET in front of `client`.
token_bucket_actor::behavior_type
make_token_bucket(token_bucket_actor::stateful_pointer<token_bucket_state> self,
                  keepa_client_actor client, bucket_settings settings);

} // namespace keepa
