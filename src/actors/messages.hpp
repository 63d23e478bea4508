#pragma once

// The plain structs that travel between the engine's actors.

#include "io/database.hpp"
#include "io/keepa_api.hpp"
#include "model/keepa.hpp"

#include <caf/fwd.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace keepa {

/// The text an actor's error carries ("disk I/O error"), else CAF's own
/// rendering of the error.
std::string error_text(const caf::error& err);

/// Unix milliseconds now: the system clock in production, derived from the
/// actor clock in tests.
using wall_clock = std::function<int64_t()>;

/// What a Keepa call is for; the token bucket learns a cost per kind.
enum class call_kind : uint8_t { token, deal_page, peek, commit, light };
inline constexpr size_t call_kind_count = 5;

/// Every kind, in the order `dump` lists them.
inline constexpr std::array<call_kind, call_kind_count> all_call_kinds{
  call_kind::token, call_kind::deal_page, call_kind::peek, call_kind::commit,
  call_kind::light};

/// The name of a kind, as `dump` and `status` show it ("deal_page").
const char* to_string(call_kind k);

/// One value per call kind, indexed by kind (never by position).
template <class T>
struct by_kind {
  std::array<T, call_kind_count> values{};

  T& operator[](call_kind k) {
    return values[static_cast<size_t>(k)];
  }
  const T& operator[](call_kind k) const {
    return values[static_cast<size_t>(k)];
  }
};

/// Keepa's upper bound of the tokens one item of each kind costs (an ASIN,
/// or a /deal page; docs/keepa.md): what the bucket assumes until it learns.
by_kind<double> upper_costs_per_item();

/// The order in which waiting calls are granted: a row about to cross the
/// retention deadline first (one token keeps a row that cost a heavy
/// fetch), then discovery, the refresher's share of rows past
/// `refresh_after_hours` (at most `due_share` of the refill, so commits
/// keep the rest), commits of peeked survivors, peeks, and last the
/// refreshes that only use tokens nothing else wants.
enum class call_priority : uint8_t {
  urgent_refresh,
  discovery,
  due_refresh,
  commit,
  peek,
  refresh,
};
inline constexpr size_t call_priority_count = 6;

/// How soon a light refresh must run: LIGHT_POOL's lanes, in grant order,
/// each with call slots of its own.
enum class refresh_class : uint8_t {
  /// Near the retention deadline (or asked for on the console).
  deadline,
  /// Past `refresh_after_hours`, within the refresher's share of the refill.
  due,
  /// Past `refresh_after_hours`, beyond that share: only when idle.
  idle,
};
inline constexpr size_t refresh_class_count = 3;

/// One Keepa call as a pool hands it to the token bucket.
struct keepa_call {
  call_kind kind = call_kind::peek;
  call_priority priority = call_priority::peek;
  product_request product;
  deal_request deal;

  /// How many units the cost estimate scales with (ASINs, or one page).
  size_t items() const;
};

/// One listing of a deal: an ASIN at one Keepa lastUpdate.
struct deal_key {
  std::string asin;
  keepa_minutes last_update = -1;

  friend bool operator<(const deal_key& a, const deal_key& b) {
    return std::tie(a.asin, a.last_update) < std::tie(b.asin, b.last_update);
  }
  friend bool operator==(const deal_key& a, const deal_key& b) {
    return a.asin == b.asin && a.last_update == b.last_update;
  }
};

/// A listing waiting for its peek: the deal, its expected profit from the
/// payload (the queue's rank when served best first) and when it was
/// queued (Unix ms).
struct listing : deal {
  double value = 0;
  int64_t queued_ms = 0;
};

/// A peek survivor waiting for its heavy fetch, with the same rank and
/// time.
struct survivor : deal_key {
  double value = 0;
  int64_t queued_ms = 0;
};

/// How the engine spends tokens on new listings. Every lever is on in
/// production; the token-economy bench turns them off to measure each.
struct spend_levers {
  /// Reject by the /deal payload's own figures before any peek.
  bool payload_rules = true;
  /// Peek with the sales history (at the same 1 token) and commit only
  /// what can still be profitable with free shipping.
  bool profit_gate = true;
  /// Serve peeks and commits highest expected profit first, within
  /// `best_first_max_wait`.
  bool best_first = true;
  /// Send `update=1` with commits: Keepa's default made explicit, under
  /// which offers fetched within the hour cost 5 tokens.
  bool update_param = true;
  /// A held discovery walk that reached listings an hour old ends its
  /// cycle, so the next one reads the newest (scout_settings).
  bool fresh_first = true;
};

/// The longest a listing or survivor served best first waits while newer
/// ones go ahead of it: two hours, well inside the 12 hours a listing stays
/// on /deal. A survivor (its peek paid) is then served first; a listing
/// not peeked yet is given up as outranked.
inline constexpr int64_t best_first_max_wait_ms = 2 * 3600 * 1000;

/// Writes for the db_writer, committed in one transaction with others.
/// `settles` are the listings these writes account for; the watermark hears
/// of them once they are durable.
/// A refresh lowered an active deal's price by more than the threshold.
struct price_drop {
  std::string asin;
  double old_price = 0;
  double new_price = 0;
};

struct write_batch {
  std::vector<deal_update> upserts;
  std::vector<rejection> rejections;
  std::vector<price_drop> drops;
  std::vector<std::pair<std::string, std::string>> state;
  std::vector<deal_key> settles;
};

/// Deals listed on /deal pages, shared read-only between actors.
using deal_list = std::shared_ptr<const std::vector<deal>>;

/// What the database knows of some ASINs.
struct lookup_result {
  std::vector<stored_deal> stored;
  std::vector<rejection> rejected;
};

/// A light refresh job: the stored row whose estimates must be preserved.
using light_jobs = std::vector<stored_deal>;

/// REFRESHER's question to DB_WRITER: which active rows need a refresh.
struct refresh_query {
  /// Rows unseen for more than this much engine-alive time are near their
  /// retention deadline.
  int64_t deadline_age_ms = 0;
  uint64_t deadline_limit = 0;
  /// Rows whose newest full or light fetch is older than this are due.
  std::string fetched_before_iso;
  uint64_t due_limit = 0;
};

/// DB_WRITER's answer: rows near their deadline (earliest first) and the
/// other due rows (oldest fetch first).
struct refresh_due {
  light_jobs deadline;
  light_jobs due;
};

/// TOKEN_BUCKET's state for `dump` and `status`.
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
  double lowest_balance = 0;
  bool paused = false;
  std::string halted; // why requests stopped (key refused), or empty
  /// The learned tokens per item, and the tokens spent, of each kind.
  by_kind<double> cost_per_item = upper_costs_per_item();
  by_kind<int64_t> consumed_by_kind;
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

/// A pool's state for `dump` and `status`.
struct pool_stats {
  uint64_t queued = 0;
  uint64_t in_flight = 0;
  uint64_t done_total = 0;
  uint64_t rejected_total = 0;
  uint64_t failed_total = 0;
  /// Listings given up unpeeked after waiting best_first_max_wait_ms
  /// behind better ones (peek pool).
  uint64_t outranked_total = 0;
  /// Committed rows with a profit above 0: in all, and in the last hour.
  uint64_t profitable_total = 0;
  uint64_t profitable_last_hour = 0;
  /// The expected profit of the jobs waiting (dollars, losses as 0): the
  /// backlog's value.
  double queued_value = 0;
};

/// DB_WRITER's state.
struct db_stats {
  row_counts rows;
  uint64_t pending_writes = 0;
  uint64_t written_total = 0;
  uint64_t transactions_total = 0;
  /// Refreshes dropped because their row was deleted meanwhile.
  uint64_t dropped_refreshes_total = 0;
  /// The engine-alive clock: how long the engine has run and reached Keepa
  /// on this database, over all its runs.
  int64_t alive_ms = 0;
  /// Rejections and events deleted past their retention.
  uint64_t pruned_rejections_total = 0;
  uint64_t pruned_events_total = 0;
  /// The database file and its write-ahead log, in bytes, and the largest
  /// log seen.
  uint64_t file_bytes = 0;
  uint64_t wal_bytes = 0;
  uint64_t wal_peak_bytes = 0;
  std::string last_error;
};

/// REFRESHER's state.
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
  std::string last_run_iso;
};

/// JANITOR's state.
struct janitor_stats {
  uint64_t passes = 0;
  int64_t deleted_total = 0;
  std::string last_run_iso; // empty before the first pass
  std::string note;         // why the last pass deleted nothing, or empty
  /// Engine-alive time credited by this run of the engine.
  int64_t credited_ms = 0;
};

/// WATERMARK's state.
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

/// SCOUT's and ROUTER's state.
struct discovery_stats {
  uint64_t cycles = 0;
  /// Times a cycle held for the peek backlog to drain.
  uint64_t held_cycles = 0;
  bool cycle_running = false;
  uint64_t pages_total = 0;
  uint64_t listed_total = 0;
  uint64_t new_total = 0;
  uint64_t existing_total = 0;
  uint64_t known_rejected_total = 0;
  /// New listings the payload's own figures rejected, at no token cost.
  uint64_t payload_rejected_total = 0;
  uint64_t duplicates_total = 0;
  /// Listings whose lastUpdate lay more than a day past Keepa's clock.
  uint64_t future_total = 0;
  /// Listings estimated to have left /deal unread (a held walk fell behind
  /// the 12 h window, or ran out above the watermark): in the current or
  /// last cycle, and in all.
  uint64_t last_shed = 0;
  uint64_t shed_total = 0;
  uint64_t lookups_in_flight = 0;
  /// Database lookups that failed (each is retried).
  uint64_t failed_lookups_total = 0;
  /// ASINs the router remembers having routed (bounded to a day of
  /// listings).
  uint64_t routed_size = 0;
  /// Why discovery stopped for good: Keepa refused the deal query (the
  /// file named, Keepa's message and detail); empty while it runs.
  std::string query_refused;
};

} // namespace keepa
