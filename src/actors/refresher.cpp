#include "actors/refresher.hpp"
#include "actors/type_ids.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace keepa {

namespace {

using self_ptr = refresher_actor::stateful_pointer<refresher_state>;

constexpr auto ask_timeout = std::chrono::seconds{60};

/// Queues the oldest deals near the horizon, within this pass's budget.
void pass(self_ptr self) {
  self->request(self->state.links.bucket, ask_timeout, atom::stats_v)
    .then(
      [=](const bucket_stats& b) {
        auto& st = self->state;
        auto& s = st.settings;
        auto light_cost = b.cost_per_item.size() > 4 ? b.cost_per_item[4] : 1.0;
        st.stats.capacity = capacity(b.refill_per_min, s.retention_hours,
                                     light_cost);
        auto minutes = std::chrono::duration<double, std::ratio<60>>{
          s.interval}.count();
        auto budget = s.refill_share * static_cast<double>(b.refill_per_min)
                      * minutes;
        auto jobs = static_cast<uint64_t>(budget / std::max(0.01, light_cost));
        auto now = st.now_ms();
        st.stats.last_run_iso = iso_utc(now);
        ++st.stats.passes;
        if (jobs == 0)
          return;
        auto horizon_ms = static_cast<int64_t>(
          s.horizon_share * static_cast<double>(s.retention_hours) * 3600000);
        self->request(st.links.db, ask_timeout, atom::stale_v,
                      iso_utc(now - horizon_ms), jobs)
          .then(
            [=](const light_jobs& stale) {
              if (stale.empty())
                return;
              self->state.stats.queued_total += stale.size();
              spdlog::info("refresher: {} deals near the retention horizon "
                           "queued for a light refresh",
                           stale.size());
              self->send(self->state.links.light, atom::enqueue_v, stale,
                         refresh_class::deadline);
            },
            [=](const caf::error& err) {
              spdlog::error("refresher: {}", to_string(err));
            });
      },
      [=](const caf::error& err) {
        spdlog::warn("refresher: no bucket state ({})", to_string(err));
      });
}

} // namespace

int64_t capacity(int64_t refill_per_min, int64_t retention_hours,
                 double light_cost) {
  auto tokens = static_cast<double>(refill_per_min) * 60.0
                * static_cast<double>(retention_hours);
  return static_cast<int64_t>(std::floor(tokens / std::max(0.01, light_cost)));
}

refresher_actor::behavior_type
make_refresher(refresher_actor::stateful_pointer<refresher_state> self,
               refresher_links links, refresher_settings settings,
               wall_clock now_ms) {
  self->state.links = std::move(links);
  self->state.settings = settings;
  self->state.now_ms = std::move(now_ms);
  self->delayed_send(self, settings.interval, atom::wake_v,
                     self->state.generation);
  return {
    // Runs a pass and arms the next one.
    [=](atom::wake, uint64_t generation) {
      if (generation != self->state.generation)
        return;
      self->delayed_send(self, self->state.settings.interval, atom::wake_v,
                         generation);
      pass(self);
    },
    // Answers the refresher's state.
    [=](atom::stats) { return self->state.stats; },
  };
}

} // namespace keepa
