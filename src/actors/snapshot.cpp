#include "actors/snapshot.hpp"

namespace keepa {

bool pipeline_snapshot::drained() const {
  return (scout.cycles >= 1 || !scout.query_refused.empty())
         && !scout.cycle_running && router.lookups_in_flight == 0
         && peek.queued == 0 && peek.in_flight == 0 && commit.queued == 0
         && commit.in_flight == 0 && light.queued == 0 && light.in_flight == 0
         && bucket.in_flight == 0 && bucket.waiting == 0;
}

bool pipeline_snapshot::quiet() const {
  return router.lookups_in_flight == 0 && bucket.in_flight == 0;
}

} // namespace keepa
