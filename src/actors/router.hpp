#pragma once

#include "actors/actors.hpp"
#include "actors/backoff.hpp"
#include "model/defaults.hpp"
#include "model/peek_filter.hpp"

#include <unordered_map>

namespace keepa {

/// Where ROUTER sends listings.
struct router_links {
  db_writer_actor db;
  watermark_actor watermark;
  peek_pool_actor peek;
  light_pool_actor light;
};

/// How ROUTER refreshes known deals and judges new ones.
struct router_settings {
  int64_t refresh_after_hours = defaults::refresh_after_hours;
  /// A payload refresh lowering an active deal's price by more than this
  /// percent records a price-drop event.
  double drop_percent = defaults::event_drop_percent;
  /// Prices payload refreshes as the full fetch does.
  fee_settings fees;
  /// The peek filter, applied to a new listing's payload (with
  /// `levers.payload_rules`) before any token is spent on it.
  peek_rules rules;
  spend_levers levers;
};

struct router_state {
  router_links links;
  wall_clock now_ms;
  router_settings settings;
  /// The newest lastUpdate routed per ASIN in this process.
  std::unordered_map<std::string, keepa_minutes> routed;
  router_stats stats;
  /// The delay before a failed lookup is tried again.
  backoff retry;

  static inline constexpr const char* name = "router";
};

/// Spawns ROUTER.
router_actor::behavior_type
make_router(router_actor::stateful_pointer<router_state> self,
            router_links links, router_settings settings, wall_clock now_ms);

} // namespace keepa
