#pragma once

// What each actor counts, as it keeps it in its state and answers `stats`
// with, and how each struct is written into the dump. A new counter is a
// member here and a line in its `to_json` (stats.cpp).

#include "actors/messages.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <vector>

namespace keepa {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

/// TOKEN_BUCKET's counters and its view of the plan.
struct bucket_stats {
  double balance = 0;
  bool synced = false;
  /// Tokens per refill net of the tracking reduction.
  int64_t refill_per_min = 0;
  /// Keepa's `tokenFlowReduction`: what product trackings take per refill.
  double flow_reduction = 0;
  int64_t next_refill_ms = 0;
  uint64_t waiting = 0;
  uint64_t in_flight = 0;
  int64_t consumed_total = 0;
  uint64_t http_429_total = 0;
  uint64_t calls_total = 0;
  uint64_t failures_total = 0;
  /// Calls answered `retryable` after grant_wait_limit without a grant.
  uint64_t expired_total = 0;
  /// Due refreshes moved before the discovery pages after waiting 30 min.
  uint64_t overtaken_total = 0;
  double lowest_balance = 0;
  bool paused = false;
  std::string halted; // why requests stopped (key refused), or empty
  /// The learned tokens per item, and the tokens spent, of each kind.
  by_kind<double> cost_per_item = upper_costs_per_item();
  by_kind<int64_t> consumed_by_kind;
  /// The tokens of each kind spent in each of the last 24 hours, the
  /// current hour first.
  std::vector<by_kind<int64_t>> consumed_by_hour;
  /// Tokens spent finding deals (/deal pages, peeks, commits) in the last
  /// hour.
  int64_t buying_last_hour = 0;
  /// The call granted next, as a call_kind (-1: none waits), and the
  /// tokens it is expected to cost.
  int next_kind = -1;
  double next_cost = 0;
  int64_t since_success_ms = 0; // time since the last ok reply (or start)
  bool succeeded = false;       // an ok reply arrived since the start
};

/// Writes the dump's `tokens` member; `engine_paused` is the console's
/// pause, which the bucket does not know apart from its own.
void to_json(json_writer& w, const bucket_stats& s, bool engine_paused);

/// What every pool counts.
struct pool_stats {
  uint64_t queued = 0;
  uint64_t in_flight = 0;
  uint64_t done_total = 0;
  uint64_t failed_total = 0;
  /// Jobs given up because Keepa (or the bucket) refused their batch for
  /// good.
  uint64_t refused_total = 0;
};

/// LIGHT_POOL's counters.
struct light_stats : pool_stats {
  /// Rows marked `gone`: Keepa returned no live product for them
  /// gone_after_misses times in a row.
  uint64_t gone_total = 0;
};

/// Writes the dump's `light` member.
void to_json(json_writer& w, const light_stats& s);

/// PEEK_POOL's counters.
struct peek_stats : pool_stats {
  /// Listings the peek filter or the profit gate rejected.
  uint64_t rejected_total = 0;
  /// Listings given up unpeeked after waiting best_first_max_wait_ms
  /// behind better ones.
  uint64_t outranked_total = 0;
  /// Survivors written active, priced from their listing; of them, those
  /// profitable, and those sent for their offers (verify_move_per_hour).
  uint64_t listing_rows_total = 0;
  uint64_t profitable_total = 0;
  uint64_t verify_total = 0;
};

/// Writes the dump's `peek` member.
void to_json(json_writer& w, const peek_stats& s);

/// COMMIT_POOL's counters, with what it found and what waits.
struct commit_stats : pool_stats {
  /// New rows with a profit above 0, from a commit or (as PEEK_POOL tells)
  /// from a listing: in all, and in the last hour.
  uint64_t profitable_total = 0;
  uint64_t profitable_last_hour = 0;
  /// Commits of active rows priced from their listing (verify), and of
  /// those the ones whose offers turned the profit's sign.
  uint64_t verified_total = 0;
  uint64_t verify_changed_total = 0;
  /// The expected profit of the jobs waiting (dollars, losses as 0): the
  /// backlog's value.
  double queued_value = 0;
};

/// Writes the dump's `commit` member; `buying_last_hour` (the bucket's)
/// gives the tokens per profitable deal.
void to_json(json_writer& w, const commit_stats& s, int64_t buying_last_hour);

/// DB_WRITER's counters.
struct db_stats {
  row_counts rows;
  uint64_t pending_writes = 0;
  uint64_t written_total = 0;
  uint64_t transactions_total = 0;
  /// Write transactions that failed and were rolled back (their rows stay
  /// in memory and are written again).
  uint64_t failed_flushes_total = 0;
  /// Refreshes dropped because their row was deleted meanwhile.
  uint64_t dropped_refreshes_total = 0;
  /// Alerts put in an outbox (in the transaction of their row).
  uint64_t alerts_queued_total = 0;
  /// The engine-alive clock: how long the engine has run and reached Keepa
  /// on this database, over all its runs.
  int64_t alive_ms = 0;
  /// Rejections and events deleted past their retention.
  uint64_t pruned_rejections_total = 0;
  uint64_t pruned_events_total = 0;
  /// Alerts deleted a week after they were delivered or given up.
  uint64_t pruned_alerts_total = 0;
  /// The database file and its write-ahead log, in bytes, and the largest
  /// log seen.
  uint64_t file_bytes = 0;
  uint64_t wal_bytes = 0;
  uint64_t wal_peak_bytes = 0;
  std::string last_error;
};

/// Writes the dump's `db` member.
void to_json(json_writer& w, const db_stats& s);

/// One alert target as ALERTS sees it.
struct alert_target_stats {
  /// `alerts` or `alerts.NAME` (never its URL) and its format.
  std::string name;
  std::string format;
  /// Alerts delivered in the last hour and in all.
  uint64_t sent_last_hour = 0;
  uint64_t delivered_total = 0;
  /// Webhook requests sent, and answers that asked to wait (429).
  uint64_t requests_total = 0;
  uint64_t rate_limited_total = 0;
  /// Pending and failed alerts in its outbox, as last read.
  int64_t pending = 0;
  int64_t failed = 0;
  /// Why the target stopped (a 4xx other than 429); "" while it sends.
  std::string stopped;
  std::string last_error;
};

/// ALERTS' counters, one entry a target.
struct alerts_stats {
  std::vector<alert_target_stats> targets;
  /// Sent in the last hour, pending and failed, over all targets.
  alert_target_stats totals() const;
  /// Milliseconds from an alert's commit to its first request: the
  /// largest seen.
  int64_t worst_latency_ms = 0;
};

/// Writes the dump's `alerts` member.
void to_json(json_writer& w, const alerts_stats& s);

/// REFRESHER's counters.
struct refresher_stats {
  uint64_t passes = 0;
  uint64_t queued_total = 0;
  /// Rows the last pass found near their retention deadline, and due.
  uint64_t deadline_last = 0;
  uint64_t due_last = 0;
  /// Deals the current plan keeps alive within the retention period, from
  /// the measured cost of a light refresh.
  int64_t capacity = 0;
  /// Deals the refresher's share of the refill refreshes every
  /// refresh_after_hours (what the settings deliver).
  int64_t fresh_capacity = 0;
  /// Deals `keep_share` of the refill refreshes every refresh_after_hours,
  /// the active rows at the last pass, and whether they leave room under
  /// it (new listings are peeked only then).
  int64_t keep_capacity = 0;
  int64_t active_last = 0;
  bool room = true;
  std::string last_run_iso;
};

/// Writes the dump's `refresher` member.
void to_json(json_writer& w, const refresher_stats& s);

/// JANITOR's counters.
struct janitor_stats {
  uint64_t passes = 0;
  int64_t deleted_total = 0;
  std::string last_run_iso; // empty before the first pass
  std::string note;         // why the last pass deleted nothing, or empty
  /// Engine-alive time credited by this run of the engine.
  int64_t credited_ms = 0;
};

/// Writes the dump's `janitor` member; `alive_ms` is the db_writer's
/// engine-alive clock.
void to_json(json_writer& w, const janitor_stats& s, int64_t alive_ms);

/// WATERMARK's counters.
struct watermark_stats {
  keepa_minutes watermark = -1;
  keepa_minutes candidate = -1;
  uint64_t unsettled = 0;
  /// The lowest lastUpdate not durable yet (what holds the watermark).
  keepa_minutes oldest_unsettled = -1;
  /// The listing tracked longest without settling, and for how long.
  std::string longest_held_asin;
  int64_t longest_held_ms = -1;
  /// Listings given up unread.
  uint64_t released_total = 0;
  /// Wall time between the last two completed cycles; -1 until known.
  int64_t cycle_period_ms = -1;
};

/// Writes the dump's `watermark` member.
void to_json(json_writer& w, const watermark_stats& s);

/// SCOUT's counters.
struct scout_stats {
  uint64_t cycles = 0;
  /// Times a cycle held for the peek backlog to drain.
  uint64_t held_cycles = 0;
  bool cycle_running = false;
  uint64_t pages_total = 0;
  uint64_t listed_total = 0;
  /// Listings whose lastUpdate lay more than a day past Keepa's clock.
  uint64_t future_total = 0;
  /// Listings estimated to have left /deal unread (a held walk fell behind
  /// the 12 h window, or ran out above the watermark): in the current or
  /// last cycle, and in all.
  uint64_t last_shed = 0;
  uint64_t shed_total = 0;
  /// Why discovery stopped for good: Keepa refused the deal query (the
  /// file named, Keepa's message and detail); empty while it runs.
  std::string query_refused;
};

/// Writes the dump's `scout` member.
void to_json(json_writer& w, const scout_stats& s);

/// ROUTER's counters.
struct router_stats {
  uint64_t listed_total = 0;
  uint64_t new_total = 0;
  uint64_t existing_total = 0;
  uint64_t known_rejected_total = 0;
  /// New listings the payload's own figures rejected, at no token cost.
  uint64_t payload_rejected_total = 0;
  uint64_t duplicates_total = 0;
  uint64_t lookups_in_flight = 0;
  /// Database lookups that failed (each is retried).
  uint64_t failed_lookups_total = 0;
  /// ASINs the router remembers having routed (bounded to a day of
  /// listings).
  uint64_t routed_size = 0;
};

/// Writes the dump's `router` member.
void to_json(json_writer& w, const router_stats& s);

} // namespace keepa
