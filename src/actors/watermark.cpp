#include "actors/watermark.hpp"
#include "actors/type_ids.hpp"
#include "model/defaults.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace keepa {

namespace {

using self_ptr = watermark_actor::stateful_pointer<watermark_state>;

/// Persists the watermark through DB_WRITER.
void persist(self_ptr self) {
  write_batch b;
  b.state.emplace_back("watermark", std::to_string(self->state.watermark));
  self->send(self->state.db, atom::write_v, std::move(b));
}

/// Moves the watermark forward as far as durability allows.
void advance(self_ptr self) {
  auto& st = self->state;
  if (!st.loaded)
    return;
  auto next = st.allowed();
  if (next <= st.watermark)
    return;
  st.watermark = next;
  persist(self);
}

/// Ends loading: answers the gets that waited for it.
void finish_loading(self_ptr self) {
  auto& st = self->state;
  st.loaded = true;
  st.candidate = std::max(st.candidate, st.watermark);
  for (auto& rp : st.waiting_gets)
    rp.deliver(st.watermark);
  st.waiting_gets.clear();
  advance(self);
}

} // namespace

uint64_t watermark_state::end(const deal_key& key) {
  auto entry = unsettled.find(key.asin);
  if (entry == unsettled.end())
    return 0;
  auto& times = entry->second;
  uint64_t n = 0;
  for (auto i = times.begin(); i != times.end() && i->first <= key.last_update;
       ++n) {
    auto by_time = unsettled_by_time.find(i->first);
    if (--by_time->second == 0)
      unsettled_by_time.erase(by_time);
    i = times.erase(i);
  }
  unsettled_count -= n;
  if (times.empty())
    unsettled.erase(entry);
  return n;
}

std::optional<std::pair<deal_key, int64_t>>
watermark_state::oldest(int64_t now) const {
  std::optional<std::pair<deal_key, int64_t>> out;
  for (auto& [asin, times] : unsettled)
    for (auto& [last_update, since] : times)
      if (!out || now - since > out->second)
        out = std::make_pair(deal_key{asin, last_update}, now - since);
  return out;
}

keepa_minutes watermark_state::allowed() const {
  if (unsettled_by_time.empty())
    return candidate;
  return std::min(candidate, unsettled_by_time.begin()->first - 1);
}

watermark_actor::behavior_type
make_watermark(watermark_actor::stateful_pointer<watermark_state> self,
               db_writer_actor db, wall_clock now_ms) {
  self->state.db = db;
  self->state.now_ms = std::move(now_ms);
  self->request(db, db_timeout, atom::read_state_v, std::string{"watermark"})
    .then(
      [=](const std::string& value) {
        if (!value.empty()) {
          try {
            self->state.watermark = std::stoll(value);
          } catch (const std::exception&) {
            spdlog::warn("watermark: stored value '{}' is not a number; "
                         "starting without one",
                         value);
          }
        }
        finish_loading(self);
      },
      [=](const caf::error& err) {
        spdlog::error("watermark: cannot load the stored value ({}); "
                      "starting without one",
                      to_string(err));
        finish_loading(self);
      });
  return {
    // Holds back the watermark for listings that are not durable yet.
    [=](atom::track, const std::vector<deal_key>& keys) {
      auto& st = self->state;
      auto now = st.now_ms();
      for (auto& k : keys)
        if (st.unsettled[k.asin].emplace(k.last_update, now).second) {
          ++st.unsettled_by_time[k.last_update];
          ++st.unsettled_count;
        }
    },
    // Ends durable listings (and older ones of the same ASINs); advances.
    [=](atom::settle, const std::vector<deal_key>& keys) {
      for (auto& k : keys)
        self->state.end(k);
      advance(self);
    },
    // Ends listings given up unread, counted; advances past them.
    [=](atom::release, const std::vector<deal_key>& keys) {
      auto& st = self->state;
      for (auto& k : keys)
        st.stats.released_total += st.end(k);
      advance(self);
    },
    // Takes a completed cycle's newest listing as the next candidate.
    [=](atom::cycle, keepa_minutes newest) {
      auto& st = self->state;
      auto now = st.now_ms();
      if (st.last_cycle_ms >= 0)
        st.stats.cycle_period_ms = now - st.last_cycle_ms;
      st.last_cycle_ms = now;
      st.candidate = std::max(st.candidate, newest);
      advance(self);
    },
    // Answers the watermark once it is loaded.
    [=](atom::get) -> caf::result<keepa_minutes> {
      auto& st = self->state;
      if (st.loaded)
        return st.watermark;
      auto rp = self->make_response_promise<keepa_minutes>();
      st.waiting_gets.push_back(rp);
      return rp;
    },
    // Moves the watermark back and persists it.
    [=](atom::rewind, int64_t hours) -> caf::result<keepa_minutes> {
      auto& st = self->state;
      if (st.watermark < 0)
        return st.watermark;
      st.watermark = std::max<keepa_minutes>(0, st.watermark - hours * 60);
      st.candidate = st.watermark;
      persist(self);
      spdlog::info("watermark: rewound {} h to {}", hours,
                   keepa_minutes_iso(st.watermark));
      return st.watermark;
    },
    // Answers the watermark's state.
    [=](atom::stats) {
      auto& st = self->state;
      auto& s = st.stats;
      s.watermark = st.watermark;
      s.candidate = st.candidate;
      s.unsettled = st.unsettled_count;
      s.oldest_unsettled = st.unsettled_by_time.empty()
                             ? -1
                             : st.unsettled_by_time.begin()->first;
      s.longest_held_asin.clear();
      s.longest_held_ms = -1;
      if (auto o = st.oldest(st.now_ms())) {
        s.longest_held_asin = o->first.asin;
        s.longest_held_ms = o->second;
      }
      return s;
    },
  };
}

} // namespace keepa
