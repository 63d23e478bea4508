#pragma once

#include "actors/actors.hpp"
#include "actors/backoff.hpp"
#include "model/defaults.hpp"

namespace keepa {

/// Where SCOUT calls and reports.
struct scout_links {
  token_bucket_actor bucket;
  router_actor router;
  watermark_actor watermark;
  peek_pool_actor peek;
};

/// Tunables of SCOUT.
struct scout_settings {
  /// The /deal selection JSON.
  std::string selection;
  /// Where it came from, for messages (`[keepa] deal_query`).
  std::string query_file = defaults::deal_query_path;
  /// One cycle only (`--once`).
  bool once = false;
  /// Keepa caches a query's result for 120 s: no point asking sooner.
  caf::timespan min_interval = std::chrono::seconds{120};
  /// The share of the refill that discovery may spend in steady state.
  double refill_share = 0.25;
  /// With newest-first order, read this far past the watermark, for
  /// listings Keepa indexed late.
  keepa_minutes overlap = 60;
  /// Backpressure: no further page while this many new listings wait for a
  /// peek; the cycle holds and looks again after `hold_delay`. Discovery
  /// never outruns what the plan can peek.
  uint64_t backlog_limit = defaults::backlog_peek_batches
                           * defaults::peek_batch;
  caf::timespan hold_delay = std::chrono::seconds{1};
  /// A newest-first walk held for `min_interval` or longer (the plan
  /// cannot keep up) that has reached listings more than this behind
  /// Keepa's clock ends its cycle: the older listings are left unread
  /// (counted as shed) and the next cycle reads the freshest ones, whose
  /// offers cost 5 tokens instead of 12. 0: a held walk always goes on
  /// down to the watermark.
  keepa_minutes fresh_horizon = 60;
};

struct scout_state {
  scout_links links;
  scout_settings settings;
  /// The selection's sortType (1 = newest first allows a safe early stop).
  int sort_type = 0;
  bool running = false;
  /// Waiting for the peek backlog to drain before the next page, since.
  bool holding = false;
  caf::actor_clock::time_point holding_since;
  int page = 0;
  /// When the current page was asked for, and when the query's cached
  /// result was (at the latest) taken: the request of the last page Keepa
  /// answered with `dealsCached` false. Unknown when Keepa did not say.
  caf::actor_clock::time_point page_asked_at;
  std::optional<caf::actor_clock::time_point> snapshot_since;
  keepa_minutes watermark_at_start = -1;
  keepa_minutes newest = -1;
  /// The oldest lastUpdate read this cycle, and the listings read.
  keepa_minutes oldest = -1;
  uint64_t listed_this_cycle = 0;
  /// Listings after the watermark and below this lastUpdate are counted
  /// as shed already (-1: none yet).
  keepa_minutes shed_edge = -1;
  /// Keepa's clock at the last page's answer (-1 before one), and when
  /// that answer came.
  keepa_minutes keepa_now = -1;
  caf::actor_clock::time_point keepa_now_at;
  uint64_t pages_this_cycle = 0;
  caf::actor_clock::time_point cycle_started;
  uint64_t generation = 0;
  backoff retry;
  scout_stats stats;

  static inline constexpr const char* name = "scout";

  /// True when the pages read so far cover everything new since the
  /// watermark, given the selection's order.
  bool covered(const std::vector<deal>& page_deals) const;

  /// True when a held walk should end its cycle at `now`: newest first,
  /// and the listings read are older than `settings.fresh_horizon`.
  bool behind_horizon(caf::actor_clock::time_point now) const;

  /// Keepa's clock at `now`, from the last answer's; -1 before one.
  keepa_minutes keepa_clock(caf::actor_clock::time_point now) const;

  /// True when Keepa still answers from the snapshot the last page came
  /// from (its 120 s cache, less a margin for the request's way there):
  /// pages have not shifted, and re-reading one buys the same page again.
  bool same_snapshot(caf::actor_clock::time_point now) const;
};

/// Spawns SCOUT; its first cycle starts at once.
scout_actor::behavior_type
make_scout(scout_actor::stateful_pointer<scout_state> self, scout_links links,
           scout_settings settings);

/// Keepa's page size and result limit for /deal.
inline constexpr size_t deals_per_page = 150;
inline constexpr int max_deal_pages = 67;

} // namespace keepa
