#include "actors/alerts.hpp"

#include "actors/type_ids.hpp"
#include "io/redact.hpp"
#include "model/alert_body.hpp"
#include "model/alert_delivery.hpp"
#include "model/defaults.hpp"
#include "model/keepa_time.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

namespace keepa {

namespace {

using self_ptr = alerts_actor::stateful_pointer<alerts_state>;

constexpr int64_t minute_ms = 60'000;
constexpr int64_t hour_ms = 3'600'000;

/// Where `t`'s messages go: the webhook, or Telegram's sendMessage.
std::string post_url(const alert_target& t) {
  if (t.format != alert_format::telegram)
    return t.webhook_url;
  auto base = t.webhook_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base + "/bot" + t.bot_token + "/sendMessage";
}

/// `text` without `t`'s credentials, for logs, dumps and errors.
std::string scrub(const std::string& text, const alert_target& t) {
  return redact(redact(text, t.webhook_url), t.bot_token);
}

/// What an answer says, for the log and `dump alerts`.
std::string describe(const delivery_answer& a, const alert_target& t) {
  auto what = a.status == 0 ? "no answer: " + a.detail
                            : "HTTP " + std::to_string(a.status)
                                + (a.detail.empty() ? "" : ": " + a.detail);
  return scrub(what, t);
}

/// Forgets what is older than the minute and the hour that count.
void forget_old(target_run& t, int64_t now) {
  while (!t.sent_ms.empty() && now - t.sent_ms.front() >= minute_ms)
    t.sent_ms.pop_front();
  while (!t.delivered_ms.empty() && now - t.delivered_ms.front() >= hour_ms)
    t.delivered_ms.pop_front();
  t.stats.sent_last_hour = t.delivered_ms.size();
}

void pump(self_ptr self, size_t i);

/// Marks of `ids` of target `name` as `outcome` at `now`.
outbox_marks marks_of(const std::string& name, std::vector<std::string> ids,
                      outbox_outcome outcome, int64_t now) {
  outbox_marks m;
  m.target = name;
  m.ids = std::move(ids);
  m.outcome = outcome;
  m.now_utc = iso_utc(now);
  return m;
}

/// Records `marks` for target `i`, then sends on.
void mark(self_ptr self, size_t i, outbox_marks marks) {
  self
    ->request(self->state.links.db, db_timeout, atom::mark_v, std::move(marks))
    .then(
      [=](bool) {
        self->state.targets[i].busy = false;
        pump(self, i);
      },
      [=](const caf::error& err) {
        auto& t = self->state.targets[i];
        t.busy = false;
        t.stats.last_error = "the database did not record a delivery: "
                             + error_text(err);
        spdlog::error("alerts: {}: {}", t.target.name, t.stats.last_error);
      });
}

/// What the answer to a message of `ids` means: delivered, tried again
/// (or given up), a wait for the target, or the target stopped.
void on_answer(self_ptr self, size_t i, std::vector<std::string> ids,
               int64_t created_ms, int attempts, const delivery_answer& a) {
  auto& st = self->state;
  auto& t = st.targets[i];
  auto now = st.now_ms();
  auto marks = marks_of(t.target.name, std::move(ids),
                        outbox_outcome::delivered, now);
  switch (judge(a)) {
    case delivery_verdict::delivered:
      marks.outcome = outbox_outcome::delivered;
      t.stats.delivered_total += marks.ids.size();
      t.delivered_ms.insert(t.delivered_ms.end(), marks.ids.size(), now);
      forget_old(t, now);
      break;
    case delivery_verdict::rate_limited:
      ++t.stats.rate_limited_total;
      t.wait_until_ms = now + retry_after_ms(a, attempts + 1);
      [[fallthrough]];
    case delivery_verdict::retry:
      marks.last_error = describe(a, t.target);
      t.stats.last_error = marks.last_error;
      if (gives_up(created_ms, now, st.settings.alerts.give_up_hours)) {
        marks.outcome = outbox_outcome::failed;
        spdlog::error("alerts: {}: {} alert(s) given up after {} h: {}",
                      t.target.name, marks.ids.size(),
                      st.settings.alerts.give_up_hours, marks.last_error);
      } else {
        marks.outcome = outbox_outcome::retry;
        marks.next_try_utc = iso_utc(
          std::max(t.wait_until_ms, now + retry_after_ms(a, attempts + 1)));
        spdlog::warn("alerts: {}: {}; again at {}", t.target.name,
                     marks.last_error, marks.next_try_utc);
      }
      break;
    case delivery_verdict::stop_target:
      t.stats.stopped = describe(a, t.target);
      t.stats.last_error = t.stats.stopped;
      t.busy = false;
      spdlog::error("alerts: {} stopped: {}; fix its [alerts] section, then "
                    "`alerts retry` or restart",
                    t.target.name, t.stats.stopped);
      return;
  }
  mark(self, i, std::move(marks));
}

/// Sends `entries` (one alert, or a digest fixed in the outbox) as one
/// message with id `message_id`.
void send(self_ptr self, size_t i, const std::vector<outbox_entry>& entries,
          const std::string& message_id) {
  auto& st = self->state;
  auto& t = st.targets[i];
  auto now = st.now_ms();
  alert_message message;
  std::vector<std::string> ids;
  int64_t created_ms = now;
  int attempts = 0;
  auto board = st.settings.board_url ? st.settings.board_url() : "";
  for (auto& e : entries) {
    auto a = read_alert(e.alert);
    if (!a) {
      spdlog::error("alerts: {}: the outbox row {} is not an alert; marked "
                    "failed",
                    t.target.name, e.id);
      auto bad = marks_of(t.target.name, {e.id}, outbox_outcome::failed, now);
      bad.last_error = "not an alert";
      return mark(self, i, std::move(bad));
    }
    a->board_url = board.empty() ? "" : board + "deal/" + a->asin;
    message.alerts.push_back(std::move(*a));
    ids.push_back(e.id);
    auto created = parse_iso_utc_ms(e.created_utc);
    if (created > 0)
      created_ms = std::min(created_ms, created);
    attempts = std::max(attempts, e.attempts);
  }
  if (attempts == 0)
    st.worst_latency_ms = std::max(st.worst_latency_ms, now - created_ms);
  t.sent_ms.push_back(now);
  ++t.stats.requests_total;
  webhook_post post{post_url(t.target),
                    alert_body(t.target.format, message, t.target.chat_id),
                    message_id, st.settings.request_timeout};
  self
    ->request(st.links.webhook, st.settings.request_timeout * 2, atom::post_v,
              std::move(post))
    .then(
      [=](const delivery_answer& a) {
        on_answer(self, i, ids, created_ms, attempts, a);
      },
      [=](const caf::error& err) {
        delivery_answer none;
        none.detail = error_text(err);
        on_answer(self, i, ids, created_ms, attempts, none);
      });
}

/// Sends what the `due_total` due alerts (the oldest in `due`) and the
/// minute's budget allow: a digest begun before a restart as it was, else
/// one alert, else one digest of the oldest (its members fixed in the
/// outbox first, so that a repeat is the same).
void send_due(self_ptr self, size_t i, std::vector<outbox_entry> due,
              int64_t due_total) {
  auto& st = self->state;
  auto& t = st.targets[i];
  auto now = st.now_ms();
  if (due.empty()) {
    t.busy = false;
    return;
  }
  if (!due.front().message_id.empty()) {
    auto id = due.front().message_id;
    due.erase(std::remove_if(due.begin(), due.end(),
                             [&](auto& e) { return e.message_id != id; }),
              due.end());
    return send(self, i, due, id);
  }
  auto plan = plan_sends(std::max(due_total, static_cast<int64_t>(due.size())),
                         static_cast<int>(t.sent_ms.size()),
                         t.target.max_per_minute,
                         static_cast<int>(st.settings.digest_limit));
  if (plan.singles > 0) {
    due.resize(1);
    return send(self, i, due, due.front().id);
  }
  if (plan.digests == 0) {
    // The minute is spent: the tick after the oldest message leaves it.
    t.busy = false;
    t.wait_until_ms = std::max(t.wait_until_ms, t.sent_ms.front() + minute_ms);
    return;
  }
  if (static_cast<int64_t>(due.size()) > st.settings.digest_limit)
    due.resize(static_cast<size_t>(st.settings.digest_limit));
  alert_message m;
  for (auto& e : due) {
    m.alerts.emplace_back();
    m.alerts.back().id = e.id;
  }
  auto id = m.id();
  auto grouped = marks_of(t.target.name, {}, outbox_outcome::grouped, now);
  grouped.message_id = id;
  for (auto& e : due) {
    grouped.ids.push_back(e.id);
    e.message_id = id;
  }
  self->request(st.links.db, db_timeout, atom::mark_v, std::move(grouped))
    .then([=](bool) { send(self, i, due, id); },
          [=](const caf::error& err) {
            auto& t = self->state.targets[i];
            t.busy = false;
            t.stats.last_error = "the database did not record a digest: "
                                 + error_text(err);
          });
}

/// Reads target `i`'s counts and due alerts, and sends them unless the
/// target is stopped or waiting.
void pump(self_ptr self, size_t i) {
  auto& st = self->state;
  auto& t = st.targets[i];
  forget_old(t, st.now_ms());
  if (t.busy)
    return;
  t.busy = true;
  outbox_query q{t.target.name, iso_utc(st.now_ms()),
                 st.settings.digest_limit + t.target.max_per_minute};
  self->request(st.links.db, db_timeout, atom::outbox_v, std::move(q))
    .then(
      [=](outbox_batch& b) {
        auto& t = self->state.targets[i];
        t.stats.pending = b.pending;
        t.stats.failed = b.failed;
        if (!t.stats.stopped.empty()
            || self->state.now_ms() < t.wait_until_ms) {
          t.busy = false;
          return;
        }
        send_due(self, i, std::move(b.due), b.due_total);
      },
      [=](const caf::error& err) {
        auto& t = self->state.targets[i];
        t.busy = false;
        t.stats.last_error = "the database did not answer: " + error_text(err);
      });
}

/// Sends every target what is due.
void pump_all(self_ptr self) {
  for (size_t i = 0; i < self->state.targets.size(); ++i)
    pump(self, i);
}

/// A test message for `t`: one alert that says what it is.
alert_message test_message(int64_t now) {
  alert a;
  a.id = "test-" + std::to_string(now / 1000);
  a.asin = "TEST";
  a.title = "keepa-ingest test alert: this target works";
  return {{a}};
}

/// Posts a test message to every target and answers one line each, in
/// the order of the config, once all answered.
caf::typed_response_promise<std::string> test_all(self_ptr self) {
  auto rp = self->make_response_promise<std::string>();
  auto& st = self->state;
  if (st.targets.empty()) {
    rp.deliver(std::string{"error: no alert target is configured ([alerts] "
                           "in config.ini)"});
    return rp;
  }
  auto lines = std::make_shared<std::vector<std::string>>(st.targets.size());
  auto left = std::make_shared<size_t>(st.targets.size());
  auto message = test_message(st.now_ms());
  for (size_t i = 0; i < st.targets.size(); ++i) {
    auto& t = st.targets[i].target;
    webhook_post post{post_url(t), alert_body(t.format, message, t.chat_id),
                      message.id(), st.settings.request_timeout};
    auto answer = [=](const std::string& line) mutable {
      (*lines)[i] = self->state.targets[i].target.name + ": " + line;
      if (--*left > 0)
        return;
      std::string out;
      for (auto& l : *lines)
        out += (out.empty() ? "" : "\n") + l;
      rp.deliver(out);
    };
    self
      ->request(st.links.webhook, st.settings.request_timeout * 2, atom::post_v,
                std::move(post))
      .then(
        [=](const delivery_answer& a) mutable {
          auto& t = self->state.targets[i].target;
          answer(judge(a) == delivery_verdict::delivered
                   ? "ok, HTTP " + std::to_string(a.status)
                   : "failed, " + describe(a, t));
        },
        [=](const caf::error& err) mutable {
          answer("failed, no answer: " + error_text(err));
        });
  }
  return rp;
}

} // namespace

alerts_actor::behavior_type make_alerts(self_ptr self, alerts_links links,
                                        alerts_settings settings,
                                        wall_clock now_ms) {
  auto& st = self->state;
  st.links = std::move(links);
  st.now_ms = std::move(now_ms);
  for (auto& t : settings.alerts.targets) {
    target_run run;
    run.target = t;
    run.stats.name = t.name;
    run.stats.format = to_string(t.format);
    st.targets.push_back(std::move(run));
  }
  st.settings = std::move(settings);
  if (!st.targets.empty()) {
    self->send(st.links.db, atom::subscribe_v,
               caf::actor_cast<alerts_actor>(self));
    self->send(self, atom::wake_v);
  }
  return {
    // Sends what DB_WRITER just put in the outboxes.
    [=](atom::run) { pump_all(self); },
    // Sends alerts whose wait is over, and ticks again.
    [=](atom::wake) {
      pump_all(self);
      self->delayed_send(self, self->state.settings.tick, atom::wake_v);
    },
    // Posts a test message to every target.
    [=](atom::test) { return test_all(self); },
    // Starts stopped targets again and sends what waits.
    [=](atom::retry) {
      std::string names;
      for (auto& t : self->state.targets) {
        if (t.stats.stopped.empty())
          continue;
        t.stats.stopped.clear();
        names += (names.empty() ? "" : ", ") + t.target.name;
      }
      pump_all(self);
      if (self->state.targets.empty())
        return std::string{"error: no alert target is configured ([alerts] "
                           "in config.ini)"};
      return names.empty() ? std::string{"ok: no alert target was stopped"}
                           : "ok: sending again to " + names;
    },
    // Answers every target's state.
    [=](atom::stats) {
      auto& st = self->state;
      alerts_stats out;
      auto now = st.now_ms();
      for (auto& t : st.targets) {
        forget_old(t, now);
        out.targets.push_back(t.stats);
      }
      out.worst_latency_ms = st.worst_latency_ms;
      return out;
    },
  };
}

} // namespace keepa
