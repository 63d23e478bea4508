// PIPELINE_SETTINGS: a config that leaves every key out gives every actor
// the settings it has by default, all from defaults.hpp: no default is
// written twice, so none can drift from another.

#include "actors/pipeline_settings.hpp"
#include "model/defaults.hpp"

#include <doctest/doctest.h>

using namespace keepa;
using namespace std::chrono_literals;

TEST_CASE("a config left empty gives the engine the defaults") {
  const auto o = engine_options_from(config{}, false, keepa_client_actor{},
                                     wall_clock{});
  const engine_options unset;
  CHECK(o.query_file == defaults::deal_query_path);
  CHECK(unset.query_file == defaults::deal_query_path);
  for (auto* opts : {&o, &unset}) {
    CHECK(opts->peek_batch == defaults::peek_batch);
    CHECK(opts->commit_batch == defaults::commit_batch);
    CHECK(opts->light_batch == defaults::light_batch);
    CHECK(opts->retention_hours == defaults::retention_hours);
    CHECK(opts->refresh_after_hours == defaults::refresh_after_hours);
    CHECK(opts->deficit_floor == defaults::deficit_floor);
    CHECK(opts->request_timeout == 1s * defaults::request_timeout_s);
    CHECK(opts->event_drop_percent == defaults::event_drop_percent);
    CHECK(opts->stall_window == 1min * defaults::stall_minutes);
    CHECK(opts->janitor_interval == 1min * defaults::janitor_interval_minutes);
  }
}

TEST_CASE("a config left empty gives every actor its own default settings") {
  auto s = pipeline_settings_from(
    engine_options_from(config{}, false, keepa_client_actor{}, wall_clock{}));
  const bucket_settings bucket;
  CHECK(s.bucket.deficit_floor == bucket.deficit_floor);
  CHECK(s.bucket.call_timeout == bucket.call_timeout);
  const commit_settings commit;
  CHECK(s.commit.batch == commit.batch);
  const light_settings light;
  CHECK(s.light.batch == light.batch);
  CHECK(s.light.drop_percent == light.drop_percent);
  const peek_settings peek;
  CHECK(s.peek.batch == peek.batch);
  CHECK(s.peek.commit_ahead == peek.commit_ahead);
  const router_settings router;
  CHECK(s.router.refresh_after_hours == router.refresh_after_hours);
  CHECK(s.router.drop_percent == router.drop_percent);
  const scout_settings scout;
  CHECK(s.scout.query_file == scout.query_file);
  CHECK(s.scout.backlog_limit == scout.backlog_limit);
  const refresher_settings refresher;
  CHECK(s.refresher.retention_hours == refresher.retention_hours);
  CHECK(s.refresher.refresh_after_hours == refresher.refresh_after_hours);
  const janitor_settings janitor;
  CHECK(s.janitor.retention_hours == janitor.retention_hours);
  CHECK(s.janitor.stall_window == janitor.stall_window);
  CHECK(s.janitor.interval == janitor.interval);
}
