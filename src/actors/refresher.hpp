#pragma once

#include "actors/actors.hpp"
#include "model/defaults.hpp"

#include <caf/timespan.hpp>

namespace keepa {

/// Where REFRESHER reads and sends.
struct refresher_links {
  token_bucket_actor bucket;
  db_writer_actor db;
  light_pool_actor light;
  /// Told after each pass whether the active rows leave room for new rows
  /// (none in tests that do not ask).
  peek_pool_actor peek;
};

/// Tunables of REFRESHER.
struct refresher_settings {
  int64_t retention_hours = defaults::retention_hours;
  int64_t refresh_after_hours = defaults::refresh_after_hours;
  /// Rows unseen for this share of the retention period (engine-alive
  /// time) are near their deadline: refreshed before anything else.
  double deadline_share = 0.75;
  /// The most of the refill a pass may give due rows ahead of commits and
  /// peeks. In steady state a pass spends only what came due since the
  /// last (a row a day per `refresh_after_hours` of 24); the share is
  /// reached only while catching up after a downtime or an outage. Due
  /// rows beyond it wait for tokens nothing else wants.
  double due_share = 0.9;
  /// Listings are peeked (new rows made) only while the active rows need less
  /// than this share of the refill to be refreshed every
  /// refresh_after_hours (`keep_capacity`): the due share (0.9) less what
  /// discovery's pages may spend (0.25) and room to catch up after a
  /// restart or an outage (0.15).
  double keep_share = 0.5;
  /// With tokens nothing else wants (no call waiting in the bucket), a
  /// pass also refreshes active rows not due yet, oldest fetch first, in
  /// the idle lane, once their newest fetch is this old: spare tokens keep
  /// rows fresher instead of piling up to the bucket's cap and being lost.
  std::chrono::milliseconds spare_after = std::chrono::minutes{10};
  caf::timespan interval = std::chrono::minutes{10};
  /// While the token bucket has not heard from Keepa, a pass asks it again
  /// this much later.
  caf::timespan plan_wait = std::chrono::seconds{5};
};

struct refresher_state {
  refresher_links links;
  refresher_settings settings;
  wall_clock now_ms;
  refresher_stats stats;

  static inline constexpr const char* name = "refresher";
};

/// How many deals `refill_per_min` keeps alive for `retention_hours` when
/// a light refresh costs `light_cost` tokens each and the whole refill
/// goes to refreshes (an upper bound).
int64_t capacity(int64_t refill_per_min, int64_t retention_hours,
                 double light_cost);

/// How many deals the refresher's passes refresh every
/// `refresh_after_hours` at its `due_share` of `refill_per_min`: what the
/// settings actually keep fresh while discovery takes the rest.
int64_t fresh_capacity(int64_t refill_per_min, int64_t refresh_after_hours,
                       double due_share, double light_cost);

/// How one pass splits the due rows.
struct refresh_budget {
  /// Due rows queued ahead of peeks (the refresher's share of the refill).
  uint64_t due = 0;
  /// Further due rows, refreshed only with tokens nothing else wants.
  uint64_t idle = 0;
};

/// The budget of a pass every `interval` at `b`'s refill and light cost:
/// `due_share` of the refill for due rows, plus, when no call waits in the
/// bucket, what the balance and the refill until the next pass can buy.
refresh_budget pass_budget(const bucket_stats& b, caf::timespan interval,
                           double due_share);

/// Spawns REFRESHER; its first pass runs as soon as the token bucket has
/// heard from Keepa.
refresher_actor::behavior_type
make_refresher(refresher_actor::stateful_pointer<refresher_state> self,
               refresher_links links, refresher_settings settings,
               wall_clock now_ms);

} // namespace keepa
