#include "actors/dump.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <functional>
#include <vector>

namespace keepa {

namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;
using member = std::pair<const char*, std::function<void(writer&)>>;

/// Writes `"key": n`.
void put(writer& w, const char* key, int64_t n) {
  w.Key(key);
  w.Int64(n);
}

/// Writes `"key": n` for a counter.
void put(writer& w, const char* key, uint64_t n) {
  w.Key(key);
  w.Uint64(n);
}

/// Writes `"key": "text"`.
void put(writer& w, const char* key, const std::string& text) {
  w.Key(key);
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
}

/// Writes `"key": x` for a double, rounded to 2 decimals.
void put(writer& w, const char* key, double x) {
  w.Key(key);
  w.Double(std::round(x * 100.0) / 100.0);
}

/// Writes `"key": bool`.
void put_bool(writer& w, const char* key, bool b) {
  w.Key(key);
  w.Bool(b);
}

/// Writes the counters every pool has, in the contract's order.
void put_pool_counts(writer& w, const pool_stats& p, bool with_rejected) {
  put(w, "queued", p.queued);
  put(w, "in_flight", p.in_flight);
  put(w, "done_total", p.done_total);
  if (with_rejected) {
    put(w, "rejected_total", p.rejected_total);
    put(w, "outranked_total", p.outranked_total);
  }
  put(w, "failed_total", p.failed_total);
}

/// Writes a pool's counters.
void put_pool(writer& w, const pool_stats& p, bool with_rejected) {
  w.StartObject();
  put_pool_counts(w, p, with_rejected);
  w.EndObject();
}

/// Writes the commit pool's counters with what it found and what waits.
void put_commit(writer& w, const pool_stats& p, int64_t buying_last_hour) {
  w.StartObject();
  put_pool_counts(w, p, false);
  put(w, "profitable_total", p.profitable_total);
  put(w, "profitable_last_hour", p.profitable_last_hour);
  w.Key("tokens_per_profitable_last_hour");
  if (p.profitable_last_hour > 0)
    w.Double(static_cast<double>(buying_last_hour)
             / static_cast<double>(p.profitable_last_hour));
  else
    w.Null();
  put(w, "backlog_value", p.queued_value);
  w.EndObject();
}

/// Every member of the dump, in the order of docs/contract.md#the-dump.
std::vector<member> members(const pipeline_snapshot& s, const engine_facts& f) {
  return {
    {"tokens",
     [&](writer& w) {
       auto& b = s.bucket;
       w.StartObject();
       w.Key("balance");
       w.Int64(static_cast<int64_t>(std::floor(b.balance)));
       put(w, "refill_per_min", b.refill_per_min);
       put(w, "flow_reduction", b.flow_reduction);
       put(w, "next_refill_ms", b.next_refill_ms);
       put(w, "waiting", b.waiting);
       put(w, "consumed_total", b.consumed_total);
       put(w, "buying_last_hour", b.buying_last_hour);
       put(w, "http_429_total", b.http_429_total);
       put(w, "in_flight", b.in_flight);
       put(w, "calls_total", b.calls_total);
       put(w, "failures_total", b.failures_total);
       put(w, "lowest_balance", b.lowest_balance);
       put_bool(w, "synced", b.synced);
       put_bool(w, "paused", b.paused || f.paused);
       put(w, "halted", b.halted);
       w.Key("cost_per_item");
       w.StartObject();
       for (auto k : all_call_kinds)
         put(w, to_string(k), b.cost_per_item[k]);
       w.EndObject();
       w.Key("consumed_by_kind");
       w.StartObject();
       for (auto k : all_call_kinds)
         put(w, to_string(k), b.consumed_by_kind[k]);
       w.EndObject();
       w.EndObject();
     }},
    {"watermark",
     [&](writer& w) {
       w.StartObject();
       w.Key("keepa_minutes");
       if (s.watermark.watermark < 0)
         w.Null();
       else
         w.Int64(s.watermark.watermark);
       w.Key("iso");
       if (s.watermark.watermark < 0)
         w.Null();
       else
         w.String(keepa_minutes_iso(s.watermark.watermark).c_str());
       put(w, "unsettled", s.watermark.unsettled);
       put(w, "oldest_unsettled", s.watermark.oldest_unsettled);
       w.Key("longest_held_asin");
       if (s.watermark.longest_held_asin.empty())
         w.Null();
       else
         w.String(s.watermark.longest_held_asin.c_str());
       put(w, "longest_held_s", s.watermark.longest_held_ms < 0
                                  ? int64_t{-1}
                                  : s.watermark.longest_held_ms / 1000);
       put(w, "released_total", s.watermark.released_total);
       put(w, "cycle_period_s", s.watermark.cycle_period_ms < 0
                                  ? int64_t{-1}
                                  : s.watermark.cycle_period_ms / 1000);
       w.EndObject();
     }},
    {"scout",
     [&](writer& w) {
       w.StartObject();
       put(w, "cycles", s.scout.cycles);
       put(w, "held_cycles", s.scout.held_cycles);
       put_bool(w, "cycle_running", s.scout.cycle_running);
       put(w, "pages_total", s.scout.pages_total);
       put(w, "listed_total", s.scout.listed_total);
       put(w, "future_total", s.scout.future_total);
       put(w, "last_shed", s.scout.last_shed);
       put(w, "shed_total", s.scout.shed_total);
       w.Key("query_refused");
       if (s.scout.query_refused.empty())
         w.Null();
       else
         w.String(s.scout.query_refused.c_str());
       w.EndObject();
     }},
    {"router",
     [&](writer& w) {
       w.StartObject();
       put(w, "listed_total", s.router.listed_total);
       put(w, "new_total", s.router.new_total);
       put(w, "existing_total", s.router.existing_total);
       put(w, "known_rejected_total", s.router.known_rejected_total);
       put(w, "payload_rejected_total", s.router.payload_rejected_total);
       put(w, "duplicates_total", s.router.duplicates_total);
       put(w, "lookups_in_flight", s.router.lookups_in_flight);
       put(w, "failed_lookups_total", s.router.failed_lookups_total);
       put(w, "routed_size", s.router.routed_size);
       w.EndObject();
     }},
    {"peek", [&](writer& w) { put_pool(w, s.peek, true); }},
    {"commit",
     [&](writer& w) { put_commit(w, s.commit, s.bucket.buying_last_hour); }},
    {"light", [&](writer& w) { put_pool(w, s.light, false); }},
    {"db",
     [&](writer& w) {
       w.StartObject();
       put(w, "rows", s.db.rows.total);
       put(w, "active", s.db.rows.active);
       put(w, "pending", s.db.rows.pending);
       put(w, "rejections", s.db.rows.rejections);
       put(w, "pending_writes", s.db.pending_writes);
       put(w, "written_total", s.db.written_total);
       put(w, "transactions_total", s.db.transactions_total);
       put(w, "dropped_refreshes_total", s.db.dropped_refreshes_total);
       put(w, "alive_ms", s.db.alive_ms);
       put(w, "pruned_rejections_total", s.db.pruned_rejections_total);
       put(w, "pruned_events_total", s.db.pruned_events_total);
       put(w, "file_bytes", s.db.file_bytes);
       put(w, "wal_bytes", s.db.wal_bytes);
       put(w, "wal_peak_bytes", s.db.wal_peak_bytes);
       put(w, "last_error", s.db.last_error);
       w.EndObject();
     }},
    {"refresher",
     [&](writer& w) {
       w.StartObject();
       put(w, "passes", s.refresher.passes);
       put(w, "queued_total", s.refresher.queued_total);
       put(w, "capacity", s.refresher.capacity);
       put(w, "fresh_capacity", s.refresher.fresh_capacity);
       put(w, "last_run_iso", s.refresher.last_run_iso);
       w.EndObject();
     }},
    {"janitor",
     [&](writer& w) {
       w.StartObject();
       put(w, "deleted_total", s.janitor.deleted_total);
       w.Key("last_run_iso");
       if (s.janitor.last_run_iso.empty())
         w.Null();
       else
         w.String(s.janitor.last_run_iso.c_str());
       put(w, "note", s.janitor.note);
       put(w, "passes", s.janitor.passes);
       put(w, "alive_hours", static_cast<double>(s.db.alive_ms) / 3600000.0);
       put(w, "credited_hours",
           static_cast<double>(s.janitor.credited_ms) / 3600000.0);
       w.EndObject();
     }},
  };
}

} // namespace

std::optional<std::string> render_dump(const pipeline_snapshot& s,
                                       const engine_facts& f,
                                       const std::string& name) {
  rapidjson::StringBuffer buf;
  writer w{buf};
  bool found = name.empty();
  w.StartObject();
  for (auto& [key, write] : members(s, f)) {
    if (!name.empty() && name != key)
      continue;
    found = true;
    w.Key(key);
    write(w);
  }
  w.EndObject();
  if (!found)
    return std::nullopt;
  return std::string{buf.GetString(), buf.GetSize()};
}

} // namespace keepa
