#pragma once

#include "actors/actors.hpp"

#include <map>
#include <optional>
#include <set>

#include <caf/typed_response_promise.hpp>

namespace keepa {

struct watermark_state {
  db_writer_actor db;
  wall_clock now_ms;
  /// The persisted watermark; -1 before the first.
  keepa_minutes watermark = -1;
  /// The newest lastUpdate of the completed cycles.
  keepa_minutes candidate = -1;
  /// Listings routed and not yet durable: per ASIN, each lastUpdate and
  /// the wall time it was first tracked.
  std::map<std::string, std::map<keepa_minutes, int64_t>> unsettled;
  uint64_t unsettled_count = 0;
  /// How many unsettled listings carry each lastUpdate.
  std::map<keepa_minutes, uint64_t> unsettled_by_time;
  /// The counters `stats` answers (released listings, the cycle period).
  watermark_stats stats;
  /// Wall time of the last completed cycle (-1 until known).
  int64_t last_cycle_ms = -1;
  bool loaded = false;
  std::vector<caf::typed_response_promise<keepa_minutes>> waiting_gets;

  static inline constexpr const char* name = "watermark";

  /// The highest value the watermark may take now: the candidate, but
  /// never at or past an unsettled listing.
  keepa_minutes allowed() const;

  /// Ends the listing `key` and every older listing of its ASIN (a newer
  /// one settled supersedes them); returns how many ended.
  uint64_t end(const deal_key& key);

  /// The oldest unsettled listing by tracking time, with its age in ms;
  /// nullopt when none.
  std::optional<std::pair<deal_key, int64_t>> oldest(int64_t now) const;
};

/// Spawns WATERMARK, which loads its value from `db` first.
watermark_actor::behavior_type
make_watermark(watermark_actor::stateful_pointer<watermark_state> self,
               db_writer_actor db, wall_clock now_ms);

} // namespace keepa
