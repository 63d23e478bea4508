#pragma once

#include "actors/actors.hpp"
#include "actors/backoff.hpp"
#include "model/analytics.hpp"

#include <deque>
#include <set>

namespace keepa {

/// Where LIGHT_POOL calls and writes.
struct light_links {
  token_bucket_actor bucket;
  db_writer_actor db;
};

struct light_pool_state {
  light_links links;
  wall_clock now_ms;
  size_t batch = 50;
  size_t max_in_flight = 2;
  /// A refresh lowering an active deal's price by more than this percent
  /// records a price-drop event.
  double drop_percent = 10;
  fee_settings fees;
  /// Jobs near the retention deadline first, then the others.
  std::deque<stored_deal> urgent;
  std::deque<stored_deal> routine;
  std::set<std::string> known;
  /// Failed batches wait here for their backoff; the others go on.
  std::vector<stored_deal> parked;
  backoff retry;
  bool retry_armed = false;
  pool_stats stats;

  static inline constexpr const char* name = "light_pool";
};

/// Spawns LIGHT_POOL with batches of at most `batch` ASINs.
light_pool_actor::behavior_type
make_light_pool(light_pool_actor::stateful_pointer<light_pool_state> self,
                light_links links, size_t batch, double drop_percent,
                fee_settings fees, wall_clock now_ms);

/// The /product parameters of a light refresh: stats only, 1 token each.
std::vector<std::pair<std::string, std::string>> light_params();

} // namespace keepa
