#pragma once

#include "actors/actors.hpp"
#include "actors/batch_queue.hpp"
#include "model/analytics.hpp"
#include "model/defaults.hpp"

#include <map>

namespace keepa {

/// Where LIGHT_POOL calls and writes.
struct light_links {
  token_bucket_actor bucket;
  db_writer_actor db;
};

/// Tunables of LIGHT_POOL.
struct light_settings {
  /// The most ASINs in one call.
  size_t batch = defaults::light_batch;
  /// A refresh lowering an active deal's price by more than this percent
  /// records a price-drop event.
  double drop_percent = defaults::event_drop_percent;
  fee_settings fees;
  /// A row Keepa answers this many light refreshes in a row without a live
  /// product is marked gone.
  int gone_after_misses = 3;
};

struct light_pool_state {
  light_links links;
  light_settings settings;
  wall_clock now_ms;
  /// One lane per refresh_class, in grant order; one copy of a deal over
  /// all lanes, so it is refreshed once at a time.
  batch_queue<stored_deal, refresh_class_count> jobs{true};
  /// Active rows Keepa returned no live product for, with how many times
  /// in a row; cleared by a live answer or by marking the row gone.
  std::map<std::string, int> misses;
  /// Newer stored rows of deals in flight (a /deal page refreshed them
  /// meanwhile): the answer is compared with these, so a drop the page
  /// recorded is not recorded again.
  std::map<std::string, stored_deal> newer;
  light_stats stats;

  static inline constexpr const char* name = "light_pool";
};

/// Spawns LIGHT_POOL.
light_pool_actor::behavior_type
make_light_pool(light_pool_actor::stateful_pointer<light_pool_state> self,
                light_links links, light_settings settings, wall_clock now_ms);

/// The /product parameters of a light refresh: stats only, 1 token each.
std::vector<std::pair<std::string, std::string>> light_params();

} // namespace keepa
