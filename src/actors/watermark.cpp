#include "actors/watermark.hpp"
#include "actors/type_ids.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace keepa {

namespace {

using self_ptr = watermark_actor::stateful_pointer<watermark_state>;

constexpr auto db_timeout = std::chrono::seconds{60};

/// Persists the watermark through DB_WRITER.
void persist(self_ptr self) {
  write_batch b;
  b.state.emplace_back("watermark",
                       std::to_string(self->state.watermark));
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

keepa_minutes watermark_state::allowed() const {
  if (unsettled_by_time.empty())
    return candidate;
  return std::min(candidate, unsettled_by_time.begin()->first - 1);
}

watermark_actor::behavior_type
make_watermark(watermark_actor::stateful_pointer<watermark_state> self,
               db_writer_actor db) {
  self->state.db = db;
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
      for (auto& k : keys)
        if (st.unsettled.insert(k).second)
          ++st.unsettled_by_time[k.last_update];
    },
    // Releases durable listings and advances.
    [=](atom::settle, const std::vector<deal_key>& keys) {
      auto& st = self->state;
      for (auto& k : keys) {
        if (st.unsettled.erase(k) == 0)
          continue;
        auto i = st.unsettled_by_time.find(k.last_update);
        if (--i->second == 0)
          st.unsettled_by_time.erase(i);
      }
      advance(self);
    },
    // Takes a completed cycle's newest listing as the next candidate.
    [=](atom::cycle, keepa_minutes newest) {
      auto& st = self->state;
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
      watermark_stats s;
      s.watermark = st.watermark;
      s.candidate = st.candidate;
      s.unsettled = st.unsettled.size();
      s.oldest_unsettled = st.unsettled_by_time.empty()
                             ? -1
                             : st.unsettled_by_time.begin()->first;
      return s;
    },
  };
}

} // namespace keepa
