#include "actors/status_line.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace keepa {

status_mark status_mark_of(const pipeline_snapshot& s, int64_t now_ms) {
  return {now_ms, s.peek.done_total + s.peek.rejected_total,
          s.commit.done_total};
}

status_rates rates_since(const status_mark& previous, const status_mark& now) {
  auto minutes = static_cast<double>(now.at_ms - previous.at_ms) / 60000.0;
  if (previous.at_ms <= 0 || minutes <= 0)
    return {};
  return {static_cast<double>(now.peeks - previous.peeks) / minutes,
          static_cast<double>(now.commits - previous.commits) / minutes};
}

bool watermark_stuck(const pipeline_snapshot& s) {
  auto& wm = s.watermark;
  return wm.cycle_period_ms > 0 && wm.longest_held_ms > wm.cycle_period_ms
         && s.peek.queued + s.peek.in_flight == 0
         && s.router.lookups_in_flight == 0;
}

std::string render_status(const pipeline_snapshot& s, const engine_facts& f) {
  auto& b = s.bucket;
  std::ostringstream out;
  if (b.synced) {
    out << "tokens " << static_cast<int64_t>(std::floor(b.balance)) << " (+"
        << b.refill_per_min << "/min";
    if (b.flow_reduction > 0)
      out << " after " << b.flow_reduction << " for trackings";
    out << ", next in " << b.next_refill_ms / 1000 << " s, " << b.waiting
        << " waiting";
    if (b.next_kind >= 0 && b.next_kind < static_cast<int>(call_kind_count)
        && b.in_flight == 0) {
      out << "; next call: " << to_string(static_cast<call_kind>(b.next_kind))
          << ", about " << static_cast<int64_t>(std::ceil(b.next_cost))
          << " tokens, ";
      if (b.paused || f.paused)
        out << "held while paused";
      else
        out << "at the refill in " << b.next_refill_ms / 1000 << " s";
    }
    out << ")";
  } else
    out << "tokens unknown (Keepa has not answered yet, " << b.waiting
        << " waiting)";
  if (f.paused || b.paused)
    out << " PAUSED";
  if (!b.halted.empty())
    out << " HALTED: " << b.halted;
  out << " | peek " << s.peek.queued << "+" << s.peek.in_flight << " commit "
      << s.commit.queued << "+" << s.commit.in_flight << " light "
      << s.light.queued << "+" << s.light.in_flight << " | deals "
      << s.db.rows.active << " active, " << s.db.rows.pending << " pending, "
      << s.db.rows.rejections << " rejected | watermark "
      << (s.watermark.watermark < 0 ? std::string{"none"}
                                    : keepa_minutes_iso(s.watermark.watermark))
      << " | 429s " << b.http_429_total;
  if (s.refresher.capacity > 0)
    out << " | plan keeps at most " << s.refresher.capacity
        << " deals alive, refreshes " << s.refresher.fresh_capacity
        << " on time";
  out << " | " << static_cast<int64_t>(f.rates.peeks_per_min) << " peeks, "
      << static_cast<int64_t>(f.rates.commits_per_min) << " commits/min";
  out << " | last hour: " << s.commit.profitable_last_hour << " profitable";
  if (s.commit.profitable_last_hour > 0)
    out << ", " << std::fixed << std::setprecision(1)
        << static_cast<double>(b.buying_last_hour)
             / static_cast<double>(s.commit.profitable_last_hour)
        << " tokens each";
  out << " | backlog worth $" << std::fixed << std::setprecision(0)
      << s.commit.queued_value;
  if (b.refill_per_min > 0) {
    auto tokens = static_cast<double>(s.peek.queued)
                    * b.cost_per_item[call_kind::peek]
                  + static_cast<double>(s.commit.queued)
                      * b.cost_per_item[call_kind::commit];
    out << " | backlog ETA "
        << static_cast<int64_t>(tokens / static_cast<double>(b.refill_per_min))
        << " min";
  }
  if (b.since_success_ms >= 60000)
    out << " | NO KEEPA ANSWER for " << b.since_success_ms / 60000 << " min";
  if (s.db.pending_writes > 0 && !s.db.last_error.empty())
    out << " | DATABASE CANNOT WRITE, " << s.db.pending_writes
        << " rows held, requests paused: " << s.db.last_error;
  if (!s.janitor.note.empty())
    out << " | janitor: " << s.janitor.note;
  if (!s.scout.query_refused.empty())
    out << " | DISCOVERY STOPPED: " << s.scout.query_refused;
  if (s.scout.last_shed > 0)
    out << " | SHEDDING: about " << s.scout.last_shed
        << " listings left /deal unread in this cycle";
  if (watermark_stuck(s))
    out << " | WATERMARK HELD " << s.watermark.longest_held_ms / 60000
        << " min by " << s.watermark.longest_held_asin
        << " with no peek queued or running";
  return out.str();
}

} // namespace keepa
