#pragma once

// The plain structs that travel between the engine's actors.

#include "io/database.hpp"
#include "io/keepa_api.hpp"
#include "model/alert_delivery.hpp"
#include "model/keepa.hpp"

#include <caf/fwd.hpp>
#include <caf/timespan.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>
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

/// What a call sends Keepa: nothing (/token), a /deal page, or /product.
using keepa_request
  = std::variant<std::monostate, deal_request, product_request>;

/// One Keepa call as a pool hands it to the token bucket.
struct keepa_call {
  call_kind kind = call_kind::peek;
  call_priority priority = call_priority::peek;
  keepa_request request;
  /// Set by a pool that may ask the bucket to raise the call's priority
  /// while it waits (`promote`); 0 otherwise.
  uint64_t id = 0;

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
  /// An active row priced from its listing (or a seller's `verify`):
  /// its offers are bought to check that price, and it is not counted as
  /// found again.
  bool verify = false;
  /// A seller's `verify`: first in line (its value is the largest double),
  /// so it counts in neither the backlog's value nor the verifies that
  /// turned a listing's profit.
  bool by_seller = false;
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
  /// With `profit_gate`: a peek survivor becomes an active row priced from
  /// its listing's landed price; offers are bought only where needed
  /// (`[engine] listing_rows`).
  bool listing_rows = true;
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
  /// Active rows in all.
  int64_t active = 0;
};

/// ALERTS' question to DB_WRITER: a target's alerts due now.
struct outbox_query {
  std::string target;
  std::string now_iso;
  int64_t limit = 0;
};

/// One webhook request: where, what, and the id it carries in its
/// `Idempotency-Key` header.
struct webhook_post {
  /// A credential: never logged, shown or stored.
  std::string url;
  std::string body;
  std::string idempotency_key;
  caf::timespan timeout = std::chrono::seconds{15};
};

} // namespace keepa
