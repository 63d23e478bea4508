#include "actors/scout.hpp"
#include "actors/type_ids.hpp"
#include "model/defaults.hpp"
#include "model/keepa_time.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace keepa {

namespace {

using self_ptr = scout_actor::stateful_pointer<scout_state>;

constexpr keepa_minutes future_tolerance_minutes = 24 * 60;
/// /deal lists a product for 12 h after its lastUpdate.
constexpr keepa_minutes deal_window = 12 * 60;
/// How long a request may take to reach Keepa, against its 120 s cache.
constexpr caf::timespan snapshot_margin = std::chrono::seconds{10};

/// The `sortType` of a selection; 0 when absent or malformed.
int sort_type_of(const std::string& selection) {
  rapidjson::Document doc;
  doc.Parse(selection.c_str(), selection.size());
  if (doc.HasParseError() || !doc.IsObject())
    return 0;
  auto i = doc.FindMember("sortType");
  return i != doc.MemberEnd() && i->value.IsInt() ? i->value.GetInt() : 0;
}

void fetch_page(self_ptr self);
void continue_when_drained(self_ptr self);

/// Schedules the next cycle after `delay`.
void schedule(self_ptr self, caf::timespan delay) {
  self->delayed_send(self, delay, atom::wake_v, ++self->state.generation);
}

/// Picks the pause before the next cycle so discovery spends at most its
/// share of the refill over the time from this cycle's start to the next
/// (a long cycle has paid for part of its pause already), then schedules
/// it.
void schedule_next(self_ptr self) {
  auto pages = std::max<uint64_t>(1, self->state.pages_this_cycle);
  self->request(self->state.links.bucket, ask_timeout, atom::stats_v)
    .then(
      [=](const bucket_stats& b) {
        auto& s = self->state.settings;
        auto per_min = std::max(1.0, s.refill_share
                                       * static_cast<double>(b.refill_per_min));
        auto minutes = static_cast<double>(pages)
                       * b.cost_per_item[call_kind::deal_page] / per_min;
        auto budget = std::chrono::duration_cast<caf::timespan>(
          std::chrono::duration<double, std::ratio<60>>{minutes});
        auto took = self->clock().now() - self->state.cycle_started;
        schedule(self, std::max(s.min_interval, budget - took));
      },
      [=](const caf::error&) {
        schedule(self, self->state.settings.min_interval);
      });
}

/// Ends a complete cycle: the watermark candidate moves on, and the next
/// cycle is scheduled.
void end_cycle(self_ptr self) {
  auto& st = self->state;
  st.running = false;
  st.stats.cycle_running = false;
  ++st.stats.cycles;
  self->send(st.links.router, atom::cycle_v, st.newest);
  spdlog::info("scout: cycle {} read {} pages", st.stats.cycles,
               st.pages_this_cycle);
  if (!st.settings.once)
    schedule_next(self);
}

/// Counts, in a newest-first walk, the listings after the watermark that
/// left /deal unread: those with a lastUpdate below `edge` not read yet.
/// The edge is the window's lower end (Keepa's clock less 12 h; a held
/// cycle falls behind it) or, when the walk ran out of listings above the
/// watermark, the oldest one read. Without a watermark (a first cycle that
/// never ended) it counts from the edge it first saw. Estimated from this
/// cycle's listings per minute of lastUpdate; counted once per stretch, logged.
void count_shed(scout_state& st, keepa_minutes edge) {
  if (st.sort_type != 1 || st.oldest < 0)
    return;
  edge = std::min(edge, st.oldest);
  auto from = std::max(st.shed_edge, st.watermark_at_start);
  if (from < 0) {
    // No watermark yet: count from the window's edge when first seen.
    st.shed_edge = edge;
    return;
  }
  if (edge <= from)
    return;
  auto span = std::max<keepa_minutes>(1, st.newest - st.oldest);
  auto shed = static_cast<uint64_t>(static_cast<double>(st.listed_this_cycle)
                                    * static_cast<double>(edge - from)
                                    / static_cast<double>(span));
  st.shed_edge = edge;
  st.stats.last_shed += shed;
  st.stats.shed_total += shed;
  spdlog::warn("scout: /deal no longer lists {} min of deals after the "
               "watermark: about {} listings left it unread",
               edge - from, shed);
}

/// Stops discovery for good: Keepa refused the query, and asking again
/// with the same one would be refused again. The other stages go on.
void stop_discovery(self_ptr self, const keepa_reply& r) {
  auto& st = self->state;
  st.running = false;
  st.stats.cycle_running = false;
  st.stats.query_refused = "Keepa refused the query in "
                           + st.settings.query_file + " (" + r.detail
                           + "); discovery stopped: fix the file and "
                             "restart the engine";
  spdlog::error("scout: {}", st.stats.query_refused);
}

/// Asks for the failed page again after the backoff, the cycle kept: the
/// pages read so far are not bought again. A failed first page restarts
/// the cycle.
void retry_page(self_ptr self, const std::string& why) {
  auto& st = self->state;
  auto delay = st.retry.bump();
  spdlog::warn("scout: /deal page {} failed ({}); asked again in {} s", st.page,
               why,
               std::chrono::duration_cast<std::chrono::seconds>(delay).count());
  if (st.page == 0) {
    st.running = false;
    st.stats.cycle_running = false;
    schedule(self, delay);
    return;
  }
  st.holding = true;
  self->delayed_send(self, delay, atom::run_v);
}

/// Takes one answered page: routes it, then reads on or ends the cycle.
void on_page(self_ptr self, const keepa_reply& r) {
  auto& st = self->state;
  if (r.status == call_status::query_refused) {
    stop_discovery(self, r);
    return;
  }
  if (r.status != call_status::ok || !r.body) {
    retry_page(self, to_string(r.status) + std::string{": "} + r.detail);
    return;
  }
  st.retry.reset();
  if (r.body->deals && r.body->deals->cached) {
    if (!*r.body->deals->cached)
      st.snapshot_since = st.page_asked_at;
  } else {
    st.snapshot_since.reset();
  }
  auto deals = std::make_shared<std::vector<deal>>();
  if (r.body->deals)
    *deals = r.body->deals->deals;
  ++st.stats.pages_total;
  ++st.pages_this_cycle;
  st.stats.listed_total += deals->size();
  // A lastUpdate past Keepa's own clock plus a day is bogus: it must not
  // carry the watermark ahead of deals not yet listed.
  auto limit = r.envelope && r.envelope->timestamp_ms > 0
                 ? to_keepa_minutes(r.envelope->timestamp_ms)
                     + future_tolerance_minutes
                 : std::numeric_limits<keepa_minutes>::max();
  for (auto& d : *deals) {
    if (d.last_update > limit) {
      ++st.stats.future_total;
      spdlog::warn("scout: {} has lastUpdate {}, more than a day past "
                   "Keepa's clock; it does not move the watermark",
                   d.asin, keepa_minutes_iso(d.last_update));
      continue;
    }
    st.newest = std::max(st.newest, d.last_update);
  }
  bool covered = st.covered(*deals);
  bool last = deals->size() < deals_per_page || st.page + 1 >= max_deal_pages
              || covered;
  // Listings below what was read so far (a resumed cycle re-reads a page).
  auto previous_oldest = st.oldest;
  for (auto& d : *deals)
    if (d.last_update <= limit) {
      if (previous_oldest < 0 || d.last_update < previous_oldest)
        ++st.listed_this_cycle;
      st.oldest = st.oldest < 0 ? d.last_update
                                : std::min(st.oldest, d.last_update);
    }
  if (r.envelope && r.envelope->timestamp_ms > 0) {
    st.keepa_now = to_keepa_minutes(r.envelope->timestamp_ms);
    st.keepa_now_at = self->clock().now();
    count_shed(st, st.keepa_now - deal_window);
  }
  if (last && !covered && st.watermark_at_start >= 0)
    count_shed(st, st.oldest);
  if (!deals->empty())
    self->send(st.links.router, atom::deal_v, deal_list{std::move(deals)});
  if (last) {
    end_cycle(self);
    return;
  }
  ++st.page;
  continue_when_drained(self);
}

/// Fetches the next page unless the peek backlog is full; then holds the
/// cycle and looks again shortly. A held cycle resumes one page early, so
/// listings that moved up meanwhile are not skipped, unless Keepa's cache
/// still holds the snapshot the last page came from.
void continue_when_drained(self_ptr self) {
  self->request(self->state.links.peek, ask_timeout, atom::stats_v)
    .then(
      [=](const peek_stats& peek) {
        auto& st = self->state;
        if (peek.queued < st.settings.backlog_limit) {
          // After a pause the pages may have shifted: read the last one
          // again, unless Keepa still answers from the same snapshot.
          if (st.holding && !st.same_snapshot(self->clock().now()))
            st.page = std::max(0, st.page - 1);
          st.holding = false;
          fetch_page(self);
          return;
        }
        if (st.behind_horizon(self->clock().now())) {
          spdlog::debug("scout: the plan cannot keep up; cycle {} stops at "
                        "listings {} min old, the next one reads the newest",
                        st.stats.cycles + 1,
                        st.keepa_clock(self->clock().now()) - st.oldest);
          count_shed(st, st.oldest);
          st.holding = false;
          end_cycle(self);
          return;
        }
        if (!st.holding) {
          ++st.stats.held_cycles;
          st.holding_since = self->clock().now();
        }
        st.holding = true;
        self->delayed_send(self, st.settings.hold_delay, atom::run_v);
      },
      [=](const caf::error&) { fetch_page(self); });
}

/// Asks for the current page through the token bucket.
void fetch_page(self_ptr self) {
  auto& st = self->state;
  keepa_call call;
  call.kind = call_kind::deal_page;
  call.priority = call_priority::discovery;
  call.request = deal_request{st.settings.selection, st.page};
  st.page_asked_at = self->clock().now();
  self
    ->request(st.links.bucket, granted_call_timeout, atom::call_v,
              std::move(call))
    .then([=](const keepa_reply& r) { on_page(self, r); },
          [=](const caf::error& err) { retry_page(self, to_string(err)); });
}

/// Starts a cycle from page 0 once the watermark is known.
void start_cycle(self_ptr self) {
  auto& st = self->state;
  if (st.running || !st.stats.query_refused.empty())
    return;
  st.running = true;
  st.stats.cycle_running = true;
  st.cycle_started = self->clock().now();
  st.page = 0;
  st.snapshot_since.reset();
  st.newest = -1;
  st.oldest = -1;
  st.shed_edge = -1;
  st.stats.last_shed = 0;
  st.listed_this_cycle = 0;
  st.pages_this_cycle = 0;
  self->request(st.links.watermark, ask_timeout, atom::get_v)
    .then(
      [=](keepa_minutes wm) {
        self->state.watermark_at_start = wm;
        fetch_page(self);
      },
      [=](const caf::error&) {
        self->state.watermark_at_start = -1;
        fetch_page(self);
      });
}

} // namespace

keepa_minutes scout_state::keepa_clock(caf::actor_clock::time_point now) const {
  if (keepa_now < 0)
    return -1;
  return keepa_now
         + std::chrono::duration_cast<std::chrono::minutes>(now - keepa_now_at)
             .count();
}

bool scout_state::behind_horizon(caf::actor_clock::time_point now) const {
  return sort_type == 1 && settings.fresh_horizon > 0 && holding
         && now - holding_since >= settings.min_interval && keepa_now >= 0
         && oldest >= 0 && keepa_clock(now) - oldest > settings.fresh_horizon;
}

bool scout_state::same_snapshot(caf::actor_clock::time_point now) const {
  return snapshot_since
         && now - *snapshot_since < settings.min_interval - snapshot_margin;
}

bool scout_state::covered(const std::vector<deal>& page_deals) const {
  if (sort_type != 1 || watermark_at_start < 0)
    return false;
  return std::any_of(page_deals.begin(), page_deals.end(), [&](const deal& d) {
    return d.last_update < watermark_at_start - settings.overlap;
  });
}

scout_actor::behavior_type
make_scout(scout_actor::stateful_pointer<scout_state> self, scout_links links,
           scout_settings settings) {
  self->state.links = std::move(links);
  self->state.sort_type = sort_type_of(settings.selection);
  self->state.settings = std::move(settings);
  start_cycle(self);
  return {
    // Starts a cycle now unless one runs, or resumes a held one.
    [=](atom::run) {
      if (self->state.holding)
        continue_when_drained(self);
      else
        start_cycle(self);
    },
    // Lowers a running cycle's stop to the rewound watermark, or starts or
    // resumes a cycle.
    [=](atom::rewind, keepa_minutes watermark) {
      auto& st = self->state;
      if (st.running)
        st.watermark_at_start = std::min(st.watermark_at_start, watermark);
      if (st.holding)
        continue_when_drained(self);
      else
        start_cycle(self);
    },
    // Starts the scheduled cycle (stale generations are ignored).
    [=](atom::wake, uint64_t generation) {
      if (generation == self->state.generation)
        start_cycle(self);
    },
    // Answers the scout's state.
    [=](atom::stats) { return self->state.stats; },
  };
}

} // namespace keepa
