#include "actors/db_writer.hpp"
#include "actors/errors.hpp"
#include "actors/type_ids.hpp"
#include "model/keepa_time.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>

namespace keepa {

namespace {

using self_ptr = db_writer_actor::stateful_pointer<db_writer_state>;

/// The system_state key of the engine-alive clock.
constexpr const char* alive_key = "alive_ms";

/// Rows one batch writes.
size_t rows_of(const write_batch& b) {
  return b.upserts.size() + b.rejections.size() + b.state.size()
         + b.drops.size();
}

/// Tells the engine when writes start or stop failing.
void report_health(self_ptr self, bool failing) {
  auto& st = self->state;
  if (failing == st.failing)
    return;
  st.failing = failing;
  if (st.engine)
    self->send(st.engine, atom::health_v, failing,
               failing ? st.stats.last_error : std::string{});
}

/// Commits now and tells the watermark which listings became durable.
void flush_now(self_ptr self) {
  auto& st = self->state;
  std::vector<deal_key> settled;
  auto alerts_before = st.stats.alerts_queued_total;
  if (!st.flush(settled)) {
    spdlog::error("db_writer: commit failed, {} rows kept for a retry: {}",
                  st.stats.pending_writes, st.stats.last_error);
    report_health(self, true);
    st.timer_armed = true;
    self->delayed_send(self, st.settings.retry_delay, atom::wake_v,
                       ++st.generation);
    return;
  }
  report_health(self, false);
  if (st.stats.alerts_queued_total != alerts_before && st.alerts)
    self->send(st.alerts, atom::run_v);
  if (!settled.empty() && st.watermark)
    self->send(st.watermark, atom::settle_v, std::move(settled));
}

/// Queues a batch and commits by size or after a short delay.
void queue(self_ptr self, write_batch b) {
  auto& st = self->state;
  st.stats.pending_writes += rows_of(b);
  st.queued.push_back(std::move(b));
  if (st.stats.pending_writes >= st.settings.batch_rows) {
    flush_now(self);
  } else if (!st.timer_armed) {
    st.timer_armed = true;
    self->delayed_send(self, st.settings.flush_delay, atom::wake_v,
                       ++st.generation);
  }
}

/// Runs a read, turning a database_error into a CAF error for the caller.
template <class F>
auto guarded(self_ptr self, F f) -> caf::result<decltype(f(*self->state.db))> {
  try {
    return f(*self->state.db);
  } catch (const database_error& e) {
    self->state.stats.last_error = e.what();
    spdlog::error("db_writer: {}", e.what());
    return make_engine_error(engine_errc::database, e.what());
  }
}

/// The row counts as of now; the tables are scanned again only after
/// something was written. Throws database_error.
const row_counts& current_counts(db_writer_state& st) {
  if (st.counted_at != st.stats.transactions_total + st.purges) {
    st.stats.rows = st.db->counts();
    st.counted_at = st.stats.transactions_total + st.purges;
  }
  return st.stats.rows;
}

} // namespace

std::string db_writer_state::now_iso() const {
  return iso_utc(now_ms());
}

bool db_writer_state::flush(std::vector<deal_key>& settled) {
  if (queued.empty())
    return true;
  auto now = now_iso();
  uint64_t dropped = 0;
  uint64_t alerts = 0;
  try {
    db->begin();
    for (auto& b : queued) {
      for (auto& u : b.upserts) {
        if (u.find(column::last_seen_utc))
          u.set(column::seen_alive_ms, stats.alive_ms);
        if (!db->upsert(u))
          ++dropped;
      }
      for (auto& r : b.rejections)
        db->reject(r, now);
      for (auto& [key, value] : b.state)
        db->set_state(key, value, now);
      for (auto& d : b.drops)
        db->add_event(d.asin, "price_drop", d.old_price, d.new_price, now);
    }
    alerts = queue_alerts(now);
    db->commit();
  } catch (const database_error& e) {
    stats.last_error = e.what();
    ++stats.failed_flushes_total;
    try {
      db->rollback();
    } catch (const database_error&) {
      // The transaction is gone either way.
    }
    return false;
  }
  for (auto& b : queued)
    settled.insert(settled.end(), b.settles.begin(), b.settles.end());
  stats.written_total += stats.pending_writes - dropped;
  stats.dropped_refreshes_total += dropped;
  stats.alerts_queued_total += alerts;
  ++stats.transactions_total;
  queued.clear();
  stats.pending_writes = 0;
  stats.last_error.clear();
  return true;
}

uint64_t db_writer_state::queue_alerts(const std::string& now) {
  // Without a target no row is read back: this runs in every commit.
  if (settings.alert_targets.empty())
    return 0;
  uint64_t queued_alerts = 0;
  auto each_target = [&](const std::string& asin, auto record) {
    auto row = db->alerted(asin);
    if (!row)
      return;
    for (auto& t : settings.alert_targets)
      if (passes(t.rules, facts_of(*row)) && record(t, *row))
        ++queued_alerts;
  };
  for (auto& b : queued) {
    // A full row that is active: a deal the commit pool found profitable.
    for (auto& u : b.upserts) {
      auto* status = u.find(column::status);
      if (u.mode == write_mode::upsert && status
          && *status == cell{std::string{to_string(deal_status::active)}})
        each_target(u.asin, [&](const outbox_target& t, const alerted_row& r) {
          return db->record_new_deal(
            t.name, make_alert(r, alert_kind::new_deal, settings.links), now);
        });
    }
    for (auto& d : b.drops)
      each_target(d.asin, [&](const outbox_target& t, const alerted_row& r) {
        return db->record_drop(
          t.name, make_alert(r, alert_kind::price_drop, settings.links),
          t.rules, now);
      });
  }
  return queued_alerts;
}

db_writer_actor::behavior_type
make_db_writer(db_writer_actor::stateful_pointer<db_writer_state> self,
               db_writer_settings settings, wall_clock now_ms) {
  self->state.settings = settings;
  self->state.now_ms = std::move(now_ms);
  try {
    auto& db = *(self->state.db = std::make_unique<database>(settings.path));
    auto stored = db.state(alive_key).value_or("0");
    auto alive = state_number(stored);
    if (!alive)
      spdlog::warn("db_writer: system_state {} is not a number ('{}'); the "
                   "engine-alive clock starts at 0",
                   alive_key, stored);
    self->state.stats.alive_ms = alive.value_or(0);
    // Rows another program wrote count as seen now: a full retention
    // window, and the deadline lane before it ends.
    if (auto stamped = db.stamp_unstamped(self->state.stats.alive_ms))
      spdlog::info("db_writer: {} rows without an engine-alive stamp count "
                   "as seen now",
                   stamped);
  } catch (const database_error& e) {
    spdlog::error("db_writer: {}", e.what());
    self->quit(make_engine_error(engine_errc::database, e.what()));
    return db_writer_actor::behavior_type::make_empty_behavior();
  }
  // Commits what is queued before stopping (a kill cannot be trapped: it
  // loses at most the writes of the last flush delay).
  self->set_exit_handler([=](caf::exit_msg& msg) {
    std::vector<deal_key> ignored;
    if (!self->state.flush(ignored))
      spdlog::error("db_writer: final commit failed: {}",
                    self->state.stats.last_error);
    self->quit(msg.reason);
  });
  return {
    // Remembers where durable confirmations go.
    [=](atom::subscribe, watermark_actor wm) { self->state.watermark = wm; },
    // Remembers whom to tell when writes start or stop failing.
    [=](atom::subscribe, engine_actor engine) { self->state.engine = engine; },
    // Remembers whom to tell of new alerts in the outbox.
    [=](atom::subscribe, alerts_actor alerts) { self->state.alerts = alerts; },
    // Answers a target's alerts due now and its counts.
    [=](atom::outbox, const outbox_query& q) {
      return guarded(self, [&](database& db) {
        return db.due_alerts(q.target, q.now_iso, q.limit);
      });
    },
    // Records what became of sent alerts, committed before the answer.
    [=](atom::mark, const outbox_marks& marks) {
      return guarded(self, [&](database& db) {
        db.mark_alerts(marks);
        return true;
      });
    },
    // Queues writes and commits by size or after a short delay. A batch
    // without rows settles at once when nothing waits (behind queued
    // writes it waits for their commit); an empty one does nothing.
    [=](atom::write, write_batch& b) {
      auto& st = self->state;
      if (rows_of(b) == 0 && (b.settles.empty() || st.queued.empty())) {
        if (!b.settles.empty() && st.watermark)
          self->send(st.watermark, atom::settle_v, std::move(b.settles));
        return;
      }
      queue(self, std::move(b));
    },
    // Adds engine-alive time, stored with the next commit; answers the
    // clock.
    [=](atom::alive, int64_t credit_ms) {
      auto& st = self->state;
      st.stats.alive_ms += std::max<int64_t>(0, credit_ms);
      write_batch b;
      b.state.emplace_back(alive_key, std::to_string(st.stats.alive_ms));
      queue(self, std::move(b));
      return st.stats.alive_ms;
    },
    // Commits everything queued now.
    [=](atom::flush) -> caf::result<uint64_t> {
      flush_now(self);
      if (!self->state.queued.empty())
        return make_engine_error(engine_errc::database,
                                 self->state.stats.last_error);
      return self->state.stats.written_total;
    },
    // Commits at the end of the delay (stale generations are ignored).
    [=](atom::wake, uint64_t generation) {
      if (generation != self->state.generation)
        return;
      self->state.timer_armed = false;
      flush_now(self);
    },
    // Answers what the database knows of these ASINs, after committing
    // what was queued before the question.
    [=](atom::lookup, const std::vector<std::string>& asins) {
      flush_now(self);
      return guarded(self, [&](database& db) {
        return lookup_result{db.find(asins), db.find_rejections(asins)};
      });
    },
    // Answers pending ASINs, oldest first.
    [=](atom::pending, uint64_t limit) {
      return guarded(self, [&](database& db) { return db.pending(limit); });
    },
    // Answers the rows near their deadline and the other due rows, after
    // committing what was queued before the question (a refresh that just
    // landed is not due again).
    [=](atom::stale, const refresh_query& q) {
      flush_now(self);
      auto alive = self->state.stats.alive_ms;
      return guarded(self, [&](database& db) {
        auto deadline = db.near_deadline(alive, q.deadline_age_ms,
                                         q.deadline_limit);
        auto due = db.due(q.fetched_before_iso, alive, q.deadline_age_ms,
                          q.due_limit);
        return refresh_due{std::move(deadline), std::move(due),
                           current_counts(self->state).active};
      });
    },
    // Deletes rows unseen for longer than the retention in engine-alive
    // time, and history past its own retention, once every queued write
    // is committed (else it refuses: a sighting still queued would be
    // lost); then truncates the write-ahead log.
    [=](atom::purge, int64_t retention_ms) -> caf::result<int64_t> {
      flush_now(self);
      auto& st = self->state;
      if (!st.queued.empty())
        return make_engine_error(engine_errc::database,
                                 "the database cannot write, so nothing is "
                                 "purged: "
                                   + st.stats.last_error);
      ++st.purges;
      return guarded(self, [&](database& db) {
        auto now = st.now_ms();
        db.stamp_unstamped(st.stats.alive_ms);
        auto deleted = db.delete_expired(st.stats.alive_ms, retention_ms);
        auto ms = [](std::chrono::hours h) {
          return std::chrono::duration_cast<std::chrono::milliseconds>(h)
            .count();
        };
        auto [rejections, events]
          = db.prune_history(iso_utc(now - ms(st.settings.rejection_retention)),
                             iso_utc(now - ms(st.settings.event_retention)));
        st.stats.pruned_rejections_total += static_cast<uint64_t>(rejections);
        st.stats.pruned_alerts_total += static_cast<uint64_t>(
          db.prune_alerts(iso_utc(now - ms(st.settings.alert_retention))));
        st.stats.pruned_events_total += static_cast<uint64_t>(events);
        if (!db.checkpoint())
          spdlog::warn("db_writer: a reader kept the write-ahead log from "
                       "being truncated; trying again next pass");
        return deleted;
      });
    },
    // Answers one system_state value.
    [=](atom::read_state, const std::string& key) {
      return guarded(self, [&](database& db) {
        return db.state(key).value_or(std::string{});
      });
    },
    // Answers the writer's state.
    [=](atom::stats) {
      auto& st = self->state;
      try {
        current_counts(st);
      } catch (const database_error& e) {
        st.stats.last_error = e.what();
      }
      std::error_code ec;
      auto file = std::filesystem::file_size(st.settings.path, ec);
      st.stats.file_bytes = ec ? 0 : file;
      auto wal = std::filesystem::file_size(st.settings.path + "-wal", ec);
      st.stats.wal_bytes = ec ? 0 : wal;
      st.stats.wal_peak_bytes = std::max(st.stats.wal_peak_bytes,
                                         st.stats.wal_bytes);
      return st.stats;
    },
  };
}

} // namespace keepa
