#pragma once

#include "actors/actors.hpp"

#include <caf/timespan.hpp>

namespace keepa {

/// Where REFRESHER reads and sends.
struct refresher_links {
  token_bucket_actor bucket;
  db_writer_actor db;
  light_pool_actor light;
};

/// Tunables of REFRESHER.
struct refresher_settings {
  int64_t retention_hours = 72;
  /// Deals unseen for this share of the retention period are refreshed.
  double horizon_share = 0.75;
  /// The share of the refill a pass may plan to spend.
  double refill_share = 0.5;
  caf::timespan interval = std::chrono::minutes{10};
};

struct refresher_state {
  refresher_links links;
  refresher_settings settings;
  wall_clock now_ms;
  uint64_t generation = 0;
  refresher_stats stats;

  static inline constexpr const char* name = "refresher";
};

/// How many deals `refill_per_min` keeps alive for `retention_hours` when
/// a light refresh costs `light_cost` tokens each.
int64_t capacity(int64_t refill_per_min, int64_t retention_hours,
                 double light_cost);

/// Spawns REFRESHER; its first pass runs after one interval.
refresher_actor::behavior_type
make_refresher(refresher_actor::stateful_pointer<refresher_state> self,
               refresher_links links, refresher_settings settings,
               wall_clock now_ms);

} // namespace keepa
