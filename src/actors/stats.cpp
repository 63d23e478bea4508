#include "actors/stats.hpp"

#include <cmath>

namespace keepa {

namespace {

/// Writes `"key": n`.
void put(json_writer& w, const char* key, int64_t n) {
  w.Key(key);
  w.Int64(n);
}

/// Writes `"key": n` for a counter.
void put(json_writer& w, const char* key, uint64_t n) {
  w.Key(key);
  w.Uint64(n);
}

/// Writes `"key": "text"`.
void put(json_writer& w, const char* key, const std::string& text) {
  w.Key(key);
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
}

/// Writes `"key": "text"`, or `"key": null` when the text is empty.
void put_or_null(json_writer& w, const char* key, const std::string& text) {
  if (text.empty()) {
    w.Key(key);
    w.Null();
    return;
  }
  put(w, key, text);
}

/// Writes `"key": x` for a double, rounded to 2 decimals.
void put(json_writer& w, const char* key, double x) {
  w.Key(key);
  w.Double(std::round(x * 100.0) / 100.0);
}

/// Writes `"key": bool`.
void put_bool(json_writer& w, const char* key, bool b) {
  w.Key(key);
  w.Bool(b);
}

/// Writes a duration in whole seconds, -1 when unknown.
void put_seconds(json_writer& w, const char* key, int64_t ms) {
  put(w, key, ms < 0 ? int64_t{-1} : ms / 1000);
}

/// Writes one value per call kind, keyed by the kind's name.
template <class T>
void put_kinds(json_writer& w, const by_kind<T>& values) {
  w.StartObject();
  for (auto k : all_call_kinds)
    put(w, to_string(k), values[k]);
  w.EndObject();
}

/// Writes `key` as an object of one member per call kind.
template <class T>
void put_by_kind(json_writer& w, const char* key, const by_kind<T>& values) {
  w.Key(key);
  put_kinds(w, values);
}

/// Writes the members every pool has, before the ones of its own.
void put_pool(json_writer& w, const pool_stats& s) {
  put(w, "queued", s.queued);
  put(w, "in_flight", s.in_flight);
  put(w, "done_total", s.done_total);
  put(w, "refused_total", s.refused_total);
}

} // namespace

void to_json(json_writer& w, const bucket_stats& s, bool engine_paused) {
  w.StartObject();
  put(w, "balance", static_cast<int64_t>(std::floor(s.balance)));
  put(w, "refill_per_min", s.refill_per_min);
  put(w, "flow_reduction", s.flow_reduction);
  put(w, "next_refill_ms", s.next_refill_ms);
  put(w, "waiting", s.waiting);
  put(w, "consumed_total", s.consumed_total);
  put(w, "buying_last_hour", s.buying_last_hour);
  put(w, "http_429_total", s.http_429_total);
  put(w, "in_flight", s.in_flight);
  put(w, "calls_total", s.calls_total);
  put(w, "failures_total", s.failures_total);
  put(w, "last_answer_age_s", s.since_success_ms / 1000);
  put(w, "expired_total", s.expired_total);
  put(w, "overtaken_total", s.overtaken_total);
  put(w, "lowest_balance", s.lowest_balance);
  put_bool(w, "synced", s.synced);
  put_bool(w, "paused", s.paused || engine_paused);
  put(w, "halted", s.halted);
  put_by_kind(w, "cost_per_item", s.cost_per_item);
  put_by_kind(w, "consumed_by_kind", s.consumed_by_kind);
  w.Key("consumed_by_hour");
  w.StartArray();
  for (auto& hour : s.consumed_by_hour)
    put_kinds(w, hour);
  w.EndArray();
  w.EndObject();
}

void to_json(json_writer& w, const light_stats& s) {
  w.StartObject();
  put_pool(w, s);
  put(w, "failed_total", s.failed_total);
  put(w, "gone_total", s.gone_total);
  w.EndObject();
}

void to_json(json_writer& w, const peek_stats& s) {
  w.StartObject();
  put_pool(w, s);
  put(w, "rejected_total", s.rejected_total);
  put(w, "outranked_total", s.outranked_total);
  put(w, "failed_total", s.failed_total);
  put(w, "listing_rows_total", s.listing_rows_total);
  put(w, "profitable_total", s.profitable_total);
  put(w, "verify_total", s.verify_total);
  w.EndObject();
}

void to_json(json_writer& w, const commit_stats& s, int64_t buying_last_hour) {
  w.StartObject();
  put_pool(w, s);
  put(w, "failed_total", s.failed_total);
  put(w, "profitable_total", s.profitable_total);
  put(w, "profitable_last_hour", s.profitable_last_hour);
  put(w, "verified_total", s.verified_total);
  put(w, "verify_changed_total", s.verify_changed_total);
  w.Key("tokens_per_profitable_last_hour");
  if (s.profitable_last_hour > 0)
    w.Double(static_cast<double>(buying_last_hour)
             / static_cast<double>(s.profitable_last_hour));
  else
    w.Null();
  put(w, "backlog_value", s.queued_value);
  w.EndObject();
}

void to_json(json_writer& w, const db_stats& s) {
  w.StartObject();
  put(w, "rows", s.rows.total);
  put(w, "active", s.rows.active);
  put(w, "pending", s.rows.pending);
  w.Key("active_by_price_basis");
  w.StartObject();
  for (size_t i = 0; i < s.rows.active_by_basis.size(); ++i)
    put(w, row_counts::bases[i] ? row_counts::bases[i] : "none",
        s.rows.active_by_basis[i]);
  w.EndObject();
  put(w, "gone", s.rows.gone);
  put(w, "rejections", s.rows.rejections);
  put(w, "pending_writes", s.pending_writes);
  put(w, "written_total", s.written_total);
  put(w, "transactions_total", s.transactions_total);
  put(w, "failed_flushes_total", s.failed_flushes_total);
  put(w, "dropped_refreshes_total", s.dropped_refreshes_total);
  put(w, "alerts_queued_total", s.alerts_queued_total);
  put(w, "alive_ms", s.alive_ms);
  put(w, "pruned_rejections_total", s.pruned_rejections_total);
  put(w, "pruned_events_total", s.pruned_events_total);
  put(w, "pruned_alerts_total", s.pruned_alerts_total);
  put(w, "file_bytes", s.file_bytes);
  put(w, "wal_bytes", s.wal_bytes);
  put(w, "wal_peak_bytes", s.wal_peak_bytes);
  put(w, "last_error", s.last_error);
  w.EndObject();
}

alert_target_stats alerts_stats::totals() const {
  alert_target_stats all;
  for (auto& t : targets) {
    all.sent_last_hour += t.sent_last_hour;
    all.pending += t.pending;
    all.failed += t.failed;
  }
  return all;
}

void to_json(json_writer& w, const alerts_stats& s) {
  auto all = s.totals();
  w.StartObject();
  put(w, "sent_last_hour", all.sent_last_hour);
  put(w, "pending", all.pending);
  put(w, "failed", all.failed);
  put(w, "worst_latency_s", s.worst_latency_ms / 1000);
  w.Key("targets");
  w.StartArray();
  for (auto& t : s.targets) {
    w.StartObject();
    put(w, "name", t.name);
    put(w, "format", t.format);
    put(w, "sent_last_hour", t.sent_last_hour);
    put(w, "delivered_total", t.delivered_total);
    put(w, "requests_total", t.requests_total);
    put(w, "rate_limited_total", t.rate_limited_total);
    put(w, "pending", t.pending);
    put(w, "failed", t.failed);
    put(w, "stopped", t.stopped);
    put(w, "last_error", t.last_error);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void to_json(json_writer& w, const refresher_stats& s) {
  w.StartObject();
  put(w, "passes", s.passes);
  put(w, "queued_total", s.queued_total);
  put(w, "capacity", s.capacity);
  put(w, "fresh_capacity", s.fresh_capacity);
  put(w, "keep_capacity", s.keep_capacity);
  put(w, "active", s.active_last);
  put_bool(w, "room", s.room);
  put(w, "last_run_iso", s.last_run_iso);
  w.EndObject();
}

void to_json(json_writer& w, const janitor_stats& s, int64_t alive_ms) {
  w.StartObject();
  put(w, "deleted_total", s.deleted_total);
  put_or_null(w, "last_run_iso", s.last_run_iso);
  put(w, "note", s.note);
  put(w, "passes", s.passes);
  put(w, "alive_hours", static_cast<double>(alive_ms) / 3600000.0);
  put(w, "credited_hours", static_cast<double>(s.credited_ms) / 3600000.0);
  w.EndObject();
}

void to_json(json_writer& w, const watermark_stats& s) {
  w.StartObject();
  w.Key("keepa_minutes");
  if (s.watermark < 0)
    w.Null();
  else
    w.Int64(s.watermark);
  put_or_null(w, "iso",
              s.watermark < 0 ? std::string{} : keepa_minutes_iso(s.watermark));
  put(w, "unsettled", s.unsettled);
  put(w, "oldest_unsettled", s.oldest_unsettled);
  put_or_null(w, "longest_held_asin", s.longest_held_asin);
  put_seconds(w, "longest_held_s", s.longest_held_ms);
  put(w, "released_total", s.released_total);
  put_seconds(w, "cycle_period_s", s.cycle_period_ms);
  w.EndObject();
}

void to_json(json_writer& w, const scout_stats& s) {
  w.StartObject();
  put(w, "cycles", s.cycles);
  put(w, "held_cycles", s.held_cycles);
  put_bool(w, "cycle_running", s.cycle_running);
  put(w, "pages_total", s.pages_total);
  put(w, "listed_total", s.listed_total);
  put(w, "future_total", s.future_total);
  put(w, "last_shed", s.last_shed);
  put(w, "shed_total", s.shed_total);
  put_or_null(w, "query_refused", s.query_refused);
  w.EndObject();
}

void to_json(json_writer& w, const router_stats& s) {
  w.StartObject();
  put(w, "listed_total", s.listed_total);
  put(w, "new_total", s.new_total);
  put(w, "existing_total", s.existing_total);
  put(w, "known_rejected_total", s.known_rejected_total);
  put(w, "payload_rejected_total", s.payload_rejected_total);
  put(w, "duplicates_total", s.duplicates_total);
  put(w, "lookups_in_flight", s.lookups_in_flight);
  put(w, "failed_lookups_total", s.failed_lookups_total);
  put(w, "routed_size", s.routed_size);
  w.EndObject();
}

} // namespace keepa
