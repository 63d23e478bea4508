#include "actors/pipeline_settings.hpp"

namespace keepa {

engine_options engine_options_from(const config& cfg, bool once,
                                   keepa_client_actor client,
                                   wall_clock now_ms) {
  engine_options o;
  o.client = std::move(client);
  o.selection = cfg.keepa.deal_query_json;
  o.query_file = cfg.keepa.deal_query_path;
  o.db_path = cfg.db_path;
  o.peek_batch = static_cast<size_t>(cfg.engine.peek_batch);
  o.commit_batch = static_cast<size_t>(cfg.engine.commit_batch);
  o.light_batch = static_cast<size_t>(cfg.engine.light_batch);
  o.retention_hours = cfg.engine.retention_hours;
  o.refresh_after_hours = cfg.engine.refresh_after_hours;
  o.deficit_floor = cfg.engine.deficit_floor;
  o.request_timeout = std::chrono::seconds{cfg.keepa.request_timeout_s};
  o.event_drop_percent = cfg.engine.event_drop_percent;
  o.fees = cfg.fees;
  o.alerts = cfg.alerts;
  o.links.domain = cfg.keepa.domain;
  o.stall_window = std::chrono::minutes{cfg.engine.stall_minutes};
  o.janitor_interval
    = std::chrono::minutes{cfg.engine.janitor_interval_minutes};
  o.levers.listing_rows = cfg.engine.listing_rows;
  o.once = once;
  o.now_ms = std::move(now_ms);
  return o;
}

pipeline_settings pipeline_settings_from(const engine_options& o) {
  pipeline_settings s;
  s.bucket.deficit_floor = o.deficit_floor;
  s.bucket.call_timeout = call_timeout_for(o.request_timeout);
  s.db.path = o.db_path;
  for (auto& t : o.alerts.targets)
    s.db.alert_targets.push_back({t.name, t.rules});
  s.db.links = o.links;
  s.alerts.alerts = o.alerts;
  s.alerts.board_url = o.board_url;
  s.commit = {o.commit_batch, o.fees, o.levers};
  s.light = {o.light_batch, o.event_drop_percent, o.fees};
  s.peek = {o.peek_batch, defaults::commit_ahead_batches * o.commit_batch,
            o.rules,      o.fees,
            o.levers,     o.verify_move_per_hour};
  s.router = {o.refresh_after_hours, o.event_drop_percent, o.fees, o.rules,
              o.levers};
  s.scout.selection = o.selection;
  s.scout.query_file = o.query_file;
  s.scout.once = o.once;
  s.scout.backlog_limit = defaults::backlog_peek_batches * o.peek_batch;
  if (!o.levers.fresh_first)
    s.scout.fresh_horizon = 0;
  s.refresher.retention_hours = o.retention_hours;
  s.refresher.refresh_after_hours = o.refresh_after_hours;
  s.janitor.retention_hours = o.retention_hours;
  s.janitor.stall_window = o.stall_window;
  s.janitor.interval = o.janitor_interval;
  return s;
}

} // namespace keepa
