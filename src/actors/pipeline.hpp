#pragma once

// The handles of the actors the engine spawns, one per actor.

#include "actors/actors.hpp"

namespace keepa {

/// The handles of the pipeline's actors.
struct pipeline {
  token_bucket_actor bucket;
  db_writer_actor db;
  watermark_actor watermark;
  commit_pool_actor commit;
  light_pool_actor light;
  peek_pool_actor peek;
  router_actor router;
  scout_actor scout;
  refresher_actor refresher;
  janitor_actor janitor;
  alerts_actor alerts;
};

} // namespace keepa
