#pragma once

#include "actors/actors.hpp"

#include <map>
#include <set>

#include <caf/typed_response_promise.hpp>

namespace keepa {

struct watermark_state {
  db_writer_actor db;
  /// The persisted watermark; -1 before the first.
  keepa_minutes watermark = -1;
  /// The newest lastUpdate of the completed cycles.
  keepa_minutes candidate = -1;
  /// Listings routed and not yet durable.
  std::set<deal_key> unsettled;
  /// How many unsettled listings carry each lastUpdate.
  std::map<keepa_minutes, uint64_t> unsettled_by_time;
  bool loaded = false;
  std::vector<caf::typed_response_promise<keepa_minutes>> waiting_gets;

  static inline constexpr const char* name = "watermark";

  /// The highest value the watermark may take now: the candidate, but
  /// never at or past an unsettled listing.
  keepa_minutes allowed() const;
};

/// Spawns WATERMARK, which loads its value from `db` first.
watermark_actor::behavior_type
make_watermark(watermark_actor::stateful_pointer<watermark_state> self,
               db_writer_actor db);

} // namespace keepa
