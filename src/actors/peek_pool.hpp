#pragma once

#include "actors/actors.hpp"
#include "actors/batch_queue.hpp"
#include "model/analytics.hpp"
#include "model/defaults.hpp"
#include "model/peek_filter.hpp"

namespace keepa {

/// Where PEEK_POOL sends its results.
struct peek_links {
  token_bucket_actor bucket;
  db_writer_actor db;
  commit_pool_actor commit;
  /// Told of listings given up unread.
  watermark_actor watermark;
};

/// How PEEK_POOL judges and orders its listings.
struct peek_settings {
  size_t batch = defaults::peek_batch;
  /// With `levers.best_first`, peeks wait while the commit pool holds at
  /// least this many survivors.
  size_t commit_ahead = defaults::commit_ahead_batches * defaults::commit_batch;
  peek_rules rules;
  fee_settings fees;
  spend_levers levers;
  /// A listing row whose profit is at most this percent of its price per
  /// hour since its lastUpdate (at most verify_move_cap) gets its offers
  /// bought first (a verify commit).
  double verify_move_per_hour = defaults::verify_move_per_hour;
};

struct peek_pool_state {
  peek_links links;
  wall_clock now_ms;
  peek_settings settings;
  batch_queue<listing> jobs;
  /// What the commit pool held when last asked, plus what was sent since.
  uint64_t commit_backlog = 0;
  /// A `pace` look is scheduled.
  bool pacing = false;
  /// Profitable listing rows of the batch being judged, for the commit
  /// pool's count.
  uint64_t found = 0;
  /// The active rows are under what the plan refreshes on time (REFRESHER
  /// says, each pass). Past it no listing is peeked: the engine makes no
  /// more rows than its plan keeps fresh.
  bool room = true;
  peek_stats stats;

  static inline constexpr const char* name = "peek_pool";
};

/// Spawns PEEK_POOL.
peek_pool_actor::behavior_type
make_peek_pool(peek_pool_actor::stateful_pointer<peek_pool_state> self,
               peek_links links, peek_settings settings, wall_clock now_ms);

/// The /product parameters of a peek: stats, and with `history` the sales
/// history of a year too; 1 token per product either way.
std::vector<std::pair<std::string, std::string>> peek_params(bool history);

} // namespace keepa
