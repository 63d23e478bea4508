#pragma once

// The one place where configuration becomes settings: the validated config
// becomes the engine's options, and the options become every actor's
// settings.

#include "actors/alerts.hpp"
#include "actors/commit_pool.hpp"
#include "actors/db_writer.hpp"
#include "actors/engine_options.hpp"
#include "actors/janitor.hpp"
#include "actors/light_pool.hpp"
#include "actors/peek_pool.hpp"
#include "actors/refresher.hpp"
#include "actors/router.hpp"
#include "actors/scout.hpp"
#include "actors/token_bucket.hpp"
#include "io/config.hpp"

namespace keepa {

/// The engine's options from the validated configuration and `--once`.
engine_options engine_options_from(const config& cfg, bool once,
                                   keepa_client_actor client,
                                   wall_clock now_ms);

/// Every actor's settings, derived from the engine's options.
struct pipeline_settings {
  bucket_settings bucket;
  db_writer_settings db;
  commit_settings commit;
  light_settings light;
  peek_settings peek;
  router_settings router;
  scout_settings scout;
  refresher_settings refresher;
  janitor_settings janitor;
  alerts_settings alerts;
};

/// Builds every actor's settings from the engine's options.
pipeline_settings pipeline_settings_from(const engine_options& o);

} // namespace keepa
