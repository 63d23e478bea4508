#include "actors/token_bucket.hpp"
#include "actors/type_ids.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace keepa {

namespace {

using self_ptr = token_bucket_actor::stateful_pointer<token_bucket_state>;

constexpr auto tick_margin = std::chrono::milliseconds{500};

void pump(self_ptr self);

/// Makes sure a wake-up comes at `at` or earlier: one timer at a time,
/// moved earlier when something needs an earlier one.
void arm_at(self_ptr self, caf::actor_clock::time_point at) {
  auto& st = self->state;
  if (st.timer_armed && st.armed_at <= at)
    return;
  st.timer_armed = true;
  st.armed_at = at;
  self->scheduled_send(self, at, atom::wake_v, ++st.generation);
}

/// Wakes at the next refill tick, or when a /token may be tried again.
void arm_for_tick(self_ptr self) {
  auto& st = self->state;
  auto now = self->clock().now();
  arm_at(self, st.synced ? std::max(st.next_tick, now) + tick_margin
                         : std::max(st.next_sync, now + tick_margin));
}

/// Reads the true balance from /token (free); retried until it works.
void request_sync(self_ptr self) {
  auto& st = self->state;
  if (st.syncing)
    return;
  if (self->clock().now() < st.next_sync) {
    arm_for_tick(self);
    return;
  }
  st.syncing = true;
  self->request(st.client, st.settings.call_timeout, atom::token_v)
    .then(
      [=](const keepa_reply& r) {
        auto& st = self->state;
        st.syncing = false;
        if (r.envelope) {
          st.sync(*r.envelope, self->clock().now());
        } else if (r.status == call_status::key_rejected
                   || r.status == call_status::payment_required) {
          st.halted = to_string(r.status) + std::string{": "} + r.detail;
          spdlog::error("token_bucket: Keepa refused the key, requests "
                        "stop: {}",
                        r.detail);
        } else {
          spdlog::warn("token_bucket: /token failed ({}), retrying", r.detail);
          st.next_sync = self->clock().now() + st.settings.sync_retry;
          arm_for_tick(self);
          return;
        }
        pump(self);
      },
      [=](const caf::error&) {
        auto& st = self->state;
        st.syncing = false;
        st.next_sync = self->clock().now() + st.settings.sync_retry;
        arm_for_tick(self);
      });
}

/// Settles a granted call with its outcome and answers or re-queues it.
void settle(self_ptr self, waiting_call w, double est, const keepa_reply& r) {
  auto& st = self->state;
  auto now = self->clock().now();
  st.outstanding = std::max(0.0, st.outstanding - est);
  --st.in_flight;
  if (r.envelope) {
    st.sync(*r.envelope, now);
    st.stats.consumed_total += r.envelope->tokens_consumed;
    st.stats.consumed_by_kind[w.call.kind] += r.envelope->tokens_consumed;
    st.spent_by_hour.add(now, w.call.kind, r.envelope->tokens_consumed);
    if (w.call.kind == call_kind::deal_page || w.call.kind == call_kind::peek
        || w.call.kind == call_kind::commit)
      st.buying.emplace_back(now, r.envelope->tokens_consumed);
    auto items = w.call.items();
    if (r.status == call_status::ok && items > 0) {
      auto per_item = static_cast<double>(r.envelope->tokens_consumed)
                      / static_cast<double>(items);
      // Up at once, down slowly: an underestimate is what risks a 429.
      auto& learned = st.stats.cost_per_item[w.call.kind];
      learned = per_item > learned ? per_item : 0.9 * learned + 0.1 * per_item;
    }
  } else {
    // No envelope: assume the call was charged as estimated.
    st.balance -= est;
    st.stats.lowest_balance = std::min(st.stats.lowest_balance, st.balance);
  }
  switch (r.status) {
    case call_status::ok:
      st.last_success = now;
      st.succeeded = true;
      w.promise.deliver(r);
      break;
    case call_status::not_enough_tokens:
      ++st.stats.http_429_total;
      spdlog::warn("token_bucket: 429 with {} tokens left; call re-queued",
                   r.envelope ? r.envelope->tokens_left : 0);
      w.queued_at = now;
      self->delayed_send(self, st.settings.max_wait, atom::expire_v);
      st.queues[static_cast<size_t>(w.call.priority)].push_front(std::move(w));
      break;
    case call_status::key_rejected:
    case call_status::payment_required:
      st.halted = to_string(r.status) + std::string{": "} + r.detail;
      spdlog::error("token_bucket: Keepa refused the key, requests stop: {}",
                    r.detail);
      ++st.stats.failures_total;
      w.promise.deliver(r);
      break;
    default:
      ++st.stats.failures_total;
      w.promise.deliver(r);
  }
  pump(self);
}

/// Sends a granted call to KEEPA_CLIENT.
void dispatch(self_ptr self, waiting_call w) {
  auto& st = self->state;
  auto est = st.estimate(w.call);
  st.outstanding += est;
  ++st.in_flight;
  ++st.stats.calls_total;
  auto timeout = st.settings.call_timeout;
  auto on_error = [=](const caf::error& err) {
    keepa_reply r;
    r.status = call_status::retryable;
    r.detail = "keepa_client did not answer: " + to_string(err);
    settle(self, w, est, r);
  };
  auto on_reply = [=](const keepa_reply& r) { settle(self, w, est, r); };
  if (auto* deal = std::get_if<deal_request>(&w.call.request))
    self->request(st.client, timeout, atom::deal_v, *deal)
      .then(on_reply, on_error);
  else if (auto* product = std::get_if<product_request>(&w.call.request))
    self->request(st.client, timeout, atom::product_v, *product)
      .then(on_reply, on_error);
  else
    self->request(st.client, timeout, atom::token_v).then(on_reply, on_error);
}

/// Answers at once a call that can never fit the bucket.
bool refuse_if_too_large(self_ptr self, waiting_call& w) {
  auto& st = self->state;
  auto est = st.estimate(w.call);
  if (st.rate <= 0 || est <= st.cap())
    return false;
  keepa_reply r;
  r.status = call_status::too_large;
  r.detail = "the call needs about " + std::to_string(std::lround(est))
             + " tokens, more than the bucket holds ("
             + std::to_string(std::lround(st.cap())) + "); split it";
  w.promise.deliver(r);
  return true;
}

/// Answers `retryable` to the calls held max_wait without a grant, so that
/// their callers, who wait a little longer, ask again instead of giving
/// up a call the bucket would still grant.
void expire_waiting(self_ptr self) {
  auto& st = self->state;
  auto oldest = self->clock().now() - st.settings.max_wait;
  for (auto& queue : st.queues)
    for (auto w = queue.begin(); w != queue.end();) {
      if (w->queued_at > oldest) {
        ++w;
        continue;
      }
      keepa_reply r;
      r.status = call_status::retryable;
      r.detail = "held by the token bucket too long (paused or waiting); "
                 "ask again";
      w->promise.deliver(r);
      ++st.stats.expired_total;
      w = queue.erase(w);
    }
}

/// Moves the waiting call `id` up to `prio` if it waits in a lower class
/// (a row in it came near its deadline); a call granted already goes on.
void promote(self_ptr self, uint64_t id, call_priority prio) {
  auto& st = self->state;
  auto to = static_cast<size_t>(prio);
  for (size_t from = to + 1; from < st.queues.size(); ++from) {
    auto& queue = st.queues[from];
    auto w
      = std::find_if(queue.begin(), queue.end(),
                     [&](const waiting_call& c) { return c.call.id == id; });
    if (w == queue.end())
      continue;
    w->call.priority = prio;
    st.queues[to].push_back(std::move(*w));
    queue.erase(w);
    pump(self);
    return;
  }
}

/// Moves the due refreshes that waited `due_overtake` into the discovery
/// class, behind the pages waiting there.
void age_due_refreshes(token_bucket_state& st,
                       caf::actor_clock::time_point now) {
  auto& due = st.queues[static_cast<size_t>(call_priority::due_refresh)];
  auto& discovery = st.queues[static_cast<size_t>(call_priority::discovery)];
  while (!due.empty()
         && now - due.front().queued_at >= st.settings.due_overtake) {
    due.front().call.priority = call_priority::discovery;
    discovery.push_back(std::move(due.front()));
    due.pop_front();
    ++st.stats.overtaken_total;
  }
}

/// Grants waiting calls in priority order while the balance allows; the
/// first call that must wait holds back every call behind it.
void pump(self_ptr self) {
  auto& st = self->state;
  if (st.paused || !st.halted.empty())
    return;
  auto now = self->clock().now();
  // A wait after a long silence (a deficit, a plan change) starts with the
  // true balance from /token (docs/design.md#the-envelope-is-the-truth).
  if (st.synced && st.in_flight == 0 && st.waiting() > 0
      && now - st.last_envelope >= st.settings.resync_after)
    st.synced = false;
  if (!st.synced) {
    if (st.waiting() > 0)
      request_sync(self);
    return;
  }
  st.project(now);
  age_due_refreshes(st, now);
  for (size_t prio = 0; prio < st.queues.size(); ++prio) {
    auto& queue = st.queues[prio];
    bool spare = prio == static_cast<size_t>(call_priority::refresh);
    while (!queue.empty()) {
      if (refuse_if_too_large(self, queue.front())) {
        queue.pop_front();
        continue;
      }
      auto est = st.estimate(queue.front().call);
      if (!st.grantable(est) || (spare && !st.spare_grantable(est))) {
        arm_for_tick(self);
        return;
      }
      auto w = std::move(queue.front());
      queue.pop_front();
      dispatch(self, std::move(w));
    }
  }
}

} // namespace

double token_bucket_state::estimate(const keepa_call& c) const {
  if (c.kind == call_kind::token)
    return 0;
  return stats.cost_per_item[c.kind]
         * static_cast<double>(std::max<size_t>(1, c.items()));
}

void token_bucket_state::project(caf::actor_clock::time_point now) {
  while (rate > 0 && now >= next_tick) {
    balance = std::min(cap(), balance + net_rate());
    next_tick += std::chrono::minutes{1};
  }
}

void token_bucket_state::sync(const token_envelope& env,
                              caf::actor_clock::time_point now) {
  // Replies on parallel connections can arrive out of order: an older
  // envelope never overrides a newer one.
  if (ever_synced && env.timestamp_ms < last_timestamp_ms)
    return;
  auto left = static_cast<double>(env.tokens_left);
  balance = ever_synced && env.timestamp_ms == last_timestamp_ms
              ? std::min(balance, left)
              : left;
  last_timestamp_ms = env.timestamp_ms;
  if (env.refill_rate > 0) {
    rate = env.refill_rate;
    flow_reduction = std::max(0.0, env.token_flow_reduction);
  }
  auto refill_in = env.refill_in_ms > 0 ? env.refill_in_ms : 60000;
  next_tick = now + std::chrono::milliseconds{refill_in};
  last_envelope = now;
  synced = true;
  stats.lowest_balance = ever_synced ? std::min(stats.lowest_balance, balance)
                                     : balance;
  ever_synced = true;
}

bool token_bucket_state::grantable(double est) const {
  auto available = balance - outstanding;
  // Alone, a call may take the balance into the deficit (Keepa admits
  // while positive). Beside others it must leave the projection positive,
  // so that every call in flight is admitted in whatever order Keepa sees
  // them: no 429 by construction.
  if (in_flight == 0)
    return available > 0
           && available - est >= static_cast<double>(settings.deficit_floor);
  return available - est > 0;
}

bool token_bucket_state::spare_grantable(double est) const {
  return balance - outstanding - est >= net_rate();
}

uint64_t token_bucket_state::waiting() const {
  uint64_t n = 0;
  for (auto& q : queues)
    n += q.size();
  return n;
}

token_bucket_actor::behavior_type
make_token_bucket(token_bucket_actor::stateful_pointer<token_bucket_state> self,
                  keepa_client_actor client, bucket_settings settings) {
  self->state.client = std::move(client);
  self->state.settings = settings;
  self->state.last_envelope = self->clock().now();
  self->state.last_success = self->clock().now();
  request_sync(self);
  return {
    // Queues a call and grants what the balance allows.
    [=](atom::call, keepa_call call) -> caf::result<keepa_reply> {
      auto rp = self->make_response_promise<keepa_reply>();
      auto prio = static_cast<size_t>(call.priority);
      self->state.queues[prio].push_back(
        waiting_call{std::move(call), rp, self->clock().now()});
      self->delayed_send(self, self->state.settings.max_wait, atom::expire_v);
      pump(self);
      return rp;
    },
    // Answers the calls held too long; the others wait on.
    [=](atom::expire) { expire_waiting(self); },
    // Raises a waiting call's priority.
    [=](atom::promote, uint64_t id, call_priority prio) {
      if (id != 0)
        promote(self, id, prio);
    },
    // Wakes at a refill tick (stale generations are ignored).
    [=](atom::wake, uint64_t generation) {
      if (generation != self->state.generation)
        return;
      self->state.timer_armed = false;
      pump(self);
    },
    // Stops or restarts granting.
    [=](atom::pause, bool paused) {
      self->state.paused = paused;
      pump(self);
    },
    // Answers the bucket's state.
    [=](atom::stats) {
      auto& st = self->state;
      auto now = self->clock().now();
      st.project(now);
      auto& s = st.stats;
      s.balance = st.balance;
      s.synced = st.synced;
      s.refill_per_min = static_cast<int64_t>(std::floor(st.net_rate()));
      s.flow_reduction = st.flow_reduction;
      s.next_refill_ms = std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(st.next_tick
                                                                 - now)
             .count());
      s.waiting = st.waiting();
      s.in_flight = st.in_flight;
      s.paused = st.paused;
      s.halted = st.halted;
      s.next_kind = -1;
      s.next_cost = 0;
      for (auto& queue : st.queues)
        if (!queue.empty()) {
          s.next_kind = static_cast<int>(queue.front().call.kind);
          s.next_cost = st.estimate(queue.front().call);
          break;
        }
      while (!st.buying.empty()
             && st.buying.front().first < now - std::chrono::hours{1})
        st.buying.pop_front();
      s.buying_last_hour = 0;
      for (auto& [at, tokens] : st.buying)
        s.buying_last_hour += tokens;
      s.consumed_by_hour = st.spent_by_hour.newest_first(now);
      s.since_success_ms
        = std::chrono::duration_cast<std::chrono::milliseconds>(
            now - st.last_success)
            .count();
      s.succeeded = st.succeeded;
      return s;
    },
  };
}

} // namespace keepa
