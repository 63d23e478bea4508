#include "actors/status_line.hpp"

#include "io/word_wrap.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace keepa {

namespace {

/// How much each field matters to the live line; 1 is kept longest.
enum field_rank : int {
  stopped = 1, // work stopped: halted, no answer, no writes, no discovery
  paused,
  tokens,
  queues,
  deals,
  warning, // work goes on, but something needs a look
  rates,
  backlog_eta,
  http_429s,
  last_hour,
  backlog_value,
  alerts,
  watermark,
  plan,
  prices,
};

/// `value` with `digits` decimals.
std::string fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

/// `value` as a stream writes it by default ("5", "2.5").
std::string plain(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

/// The tokens field, and its brief form for the live line.
status_field tokens_field(const bucket_stats& b, const engine_facts& f) {
  if (!b.synced) {
    auto waiting = std::to_string(b.waiting) + " waiting)";
    return {"tokens unknown (Keepa has not answered yet, " + waiting,
            "tokens unknown (" + waiting, field_rank::tokens, ""};
  }
  auto balance = "tokens "
                 + std::to_string(static_cast<int64_t>(std::floor(b.balance)))
                 + " (+" + std::to_string(b.refill_per_min) + "/min";
  auto next = ", next in " + std::to_string(b.next_refill_ms / 1000) + " s";
  std::string text = balance;
  if (b.flow_reduction > 0)
    text += " after " + plain(b.flow_reduction) + " for trackings";
  text += next + ", " + std::to_string(b.waiting) + " waiting";
  if (b.next_kind >= 0 && b.next_kind < static_cast<int>(call_kind_count)
      && b.in_flight == 0) {
    text += std::string{"; next call: "}
            + to_string(static_cast<call_kind>(b.next_kind)) + ", about "
            + std::to_string(static_cast<int64_t>(std::ceil(b.next_cost)))
            + " tokens, ";
    if (b.paused || f.paused)
      text += "held while paused";
    else
      text += "at the refill in " + std::to_string(b.next_refill_ms / 1000)
              + " s";
  }
  return {text + ")", balance + next + ")", field_rank::tokens, ""};
}

/// The fields about the pipeline's work, after the tokens.
void add_work_fields(std::vector<status_field>& out, const pipeline_snapshot& s,
                     const engine_facts& f) {
  auto& b = s.bucket;
  auto queue = [](const char* name, const pool_stats& p) {
    return std::string{name} + " " + std::to_string(p.queued) + "+"
           + std::to_string(p.in_flight);
  };
  out.push_back({queue("peek", s.peek) + " " + queue("commit", s.commit) + " "
                   + queue("light", s.light),
                 "", field_rank::queues});
  out.push_back({"deals " + std::to_string(s.db.rows.active) + " active, "
                   + std::to_string(s.db.rows.pending) + " pending, "
                   + std::to_string(s.db.rows.rejections) + " rejected",
                 "", field_rank::deals});
  out.push_back(
    {"watermark "
       + (s.watermark.watermark < 0 ? std::string{"none"}
                                    : keepa_minutes_iso(s.watermark.watermark)),
     "", field_rank::watermark});
  out.push_back(
    {"429s " + std::to_string(b.http_429_total), "", field_rank::http_429s});
  if (s.refresher.capacity > 0)
    out.push_back({"plan keeps at most " + std::to_string(s.refresher.capacity)
                     + " deals alive, refreshes "
                     + std::to_string(s.refresher.fresh_capacity) + " on time",
                   "", field_rank::plan});
  out.push_back(
    {std::to_string(static_cast<int64_t>(f.rates.peeks_per_min)) + " peeks, "
       + std::to_string(static_cast<int64_t>(f.rates.commits_per_min))
       + " commits/min",
     "", field_rank::rates});
  auto profitable = s.commit.profitable_last_hour;
  auto last_hour = "last hour: " + std::to_string(profitable) + " profitable";
  if (profitable > 0)
    last_hour += ", "
                 + fixed(static_cast<double>(b.buying_last_hour)
                           / static_cast<double>(profitable),
                         1)
                 + " tokens each";
  out.push_back({last_hour, "", field_rank::last_hour});
  // rows::bases: listing, offers, stats, none.
  auto& by_basis = s.db.rows.active_by_basis;
  out.push_back({"prices: " + std::to_string(by_basis[0]) + " from listings, "
                   + std::to_string(by_basis[1]) + " from offers",
                 "", field_rank::prices});
  out.push_back({"backlog worth $" + fixed(s.commit.queued_value, 0), "",
                 field_rank::backlog_value});
  if (!s.alerts.targets.empty()) {
    auto all = s.alerts.totals();
    out.push_back({"alerts " + std::to_string(all.sent_last_hour) + " sent/h, "
                     + std::to_string(all.pending) + " pending, "
                     + std::to_string(all.failed) + " failed",
                   "", field_rank::alerts});
  }
  if (b.refill_per_min > 0) {
    auto tokens = static_cast<double>(s.peek.queued)
                    * b.cost_per_item[call_kind::peek]
                  + static_cast<double>(s.commit.queued)
                      * b.cost_per_item[call_kind::commit];
    out.push_back({"backlog ETA "
                     + std::to_string(static_cast<int64_t>(
                       tokens / static_cast<double>(b.refill_per_min)))
                     + " min",
                   "", field_rank::backlog_eta});
  }
}

/// The warnings, each only when it applies.
void add_warnings(std::vector<status_field>& out, const pipeline_snapshot& s,
                  const engine_facts& f) {
  auto& b = s.bucket;
  // Each with what to do, as docs/operations.md#warnings-and-what-to-do
  // says at more length.
  auto add = [&](std::string text, std::string brief, int rank,
                 std::string action) {
    out.push_back(
      {std::move(text), std::move(brief), rank, " | ", std::move(action)});
  };
  if (!f.web_problem.empty())
    add("BOARD NOT LISTENING: " + f.web_problem, "BOARD NOT LISTENING",
        field_rank::warning,
        "Stop the program holding the port, or set another in [web] listen "
        "(port 0 takes any free one); ingestion goes on.");
  if (b.since_success_ms >= 60000)
    add("NO KEEPA ANSWER for " + std::to_string(b.since_success_ms / 60000)
          + " min",
        "", field_rank::stopped,
        "Compare with the discovery cycle; if longer, check the network and "
        "base_url. The engine retries by itself.");
  if (s.db.pending_writes > 0 && !s.db.last_error.empty())
    add("DATABASE CANNOT WRITE, " + std::to_string(s.db.pending_writes)
          + " rows held, requests paused: " + s.db.last_error,
        "DATABASE CANNOT WRITE", field_rank::stopped,
        "Free disk space or fix the permissions; requests resume after the "
        "first good write. Avoid kill -9 meanwhile.");
  if (!s.janitor.note.empty())
    add("janitor: " + s.janitor.note, "", field_rank::warning,
        "Nothing is deleted while Keepa is silent; the janitor deletes again "
        "once Keepa answers.");
  if (!s.scout.query_refused.empty())
    add("DISCOVERY STOPPED: " + s.scout.query_refused, "DISCOVERY STOPPED",
        field_rank::stopped,
        "Keepa refused the deal query: fix deal_query.json as Keepa's words "
        "say and restart.");
  if (!s.refresher.room)
    add("PLAN FULL: " + std::to_string(s.refresher.active_last)
          + " active rows fill the " + std::to_string(s.refresher.keep_capacity)
          + " half the plan refreshes on time; no new listing is peeked",
        "PLAN FULL", field_rank::warning,
        "Every row found stays fresh; new deals are peeked again once rows "
        "leave. For more rows: a larger plan, a longer refresh_after_hours "
        "or a narrower deal query.");
  if (s.scout.last_shed > 0)
    add("SHEDDING: about " + std::to_string(s.scout.last_shed)
          + " listings left /deal unread in this cycle",
        "SHEDDING " + std::to_string(s.scout.last_shed), field_rank::warning,
        "Listings arrive faster than the plan reads them: a larger plan or a "
        "narrower deal query.");
  for (auto& t : s.alerts.targets)
    if (!t.stopped.empty())
      add("ALERTS STOPPED for " + t.name + ": " + t.stopped, "ALERTS STOPPED",
          field_rank::warning,
          "The webhook refused the alerts: fix its URL or token in the "
          "[alerts] section, restart or type `alerts retry`; nothing is "
          "lost meanwhile.");
  if (watermark_stuck(s)) {
    auto held = "WATERMARK HELD "
                + std::to_string(s.watermark.longest_held_ms / 60000) + " min";
    add(held + " by " + s.watermark.longest_held_asin
          + " with no peek queued or running",
        held, field_rank::warning,
        "Something lost a listing: restart the engine (nothing is lost) and "
        "report it with the log.");
  }
}

/// The fields joined as they print: each after its joint.
std::string join(const std::vector<const status_field*>& fields, bool brief) {
  std::string out;
  for (auto* f : fields) {
    if (!out.empty())
      out += f->joint;
    out += brief && !f->brief.empty() ? f->brief : f->text;
  }
  return out;
}

} // namespace

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

std::vector<status_field> status_fields(const pipeline_snapshot& s,
                                        const engine_facts& f) {
  auto& b = s.bucket;
  std::vector<status_field> out{tokens_field(b, f)};
  if (f.paused || b.paused)
    out.push_back({"PAUSED", "", field_rank::paused, " "});
  if (!b.halted.empty())
    out.push_back({"HALTED: " + b.halted,
                   "HALTED: " + b.halted.substr(0, b.halted.find(':')),
                   field_rank::stopped, " "});
  add_work_fields(out, s, f);
  add_warnings(out, s, f);
  return out;
}

std::vector<status_warning> status_warnings(const pipeline_snapshot& s,
                                            const engine_facts& f) {
  std::vector<status_field> fields;
  add_warnings(fields, s, f);
  std::vector<status_warning> out;
  for (auto& field : fields)
    out.push_back({field.text, field.action});
  return out;
}

std::string render_status(const pipeline_snapshot& s, const engine_facts& f) {
  auto fields = status_fields(s, f);
  std::vector<const status_field*> all;
  for (auto& field : fields)
    all.push_back(&field);
  return join(all, false);
}

std::string fit_status(const std::vector<status_field>& fields, size_t width) {
  // The most important fields that fit, in the order they print.
  std::vector<const status_field*> kept;
  std::vector<const status_field*> by_rank;
  for (auto& field : fields)
    by_rank.push_back(&field);
  std::stable_sort(by_rank.begin(), by_rank.end(),
                   [](auto* a, auto* b) { return a->rank < b->rank; });
  for (auto* field : by_rank) {
    auto tried = kept;
    tried.insert(std::upper_bound(tried.begin(), tried.end(), field), field);
    if (join(tried, true).size() > width)
      break;
    kept = std::move(tried);
  }
  if (kept.empty() && !by_rank.empty())
    return whole_words(join({by_rank.front()}, true), width);
  return join(kept, true);
}

std::string render_live_status(const pipeline_snapshot& s,
                               const engine_facts& f, size_t width) {
  return fit_status(status_fields(s, f), width);
}

} // namespace keepa
