#pragma once

// FAKE_KEEPA: a keepa_client_actor that answers at once, on virtual time,
// with Keepa's token rules (docs/keepa.md): 60 s ticks, cap 60 × rate,
// admission while positive, negative balances, 429 with the envelope.

#include "actors/actors.hpp"
#include "support/sample_products.hpp"

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace keepa::test {

struct fake_keepa_state {
  double balance = 300;
  int64_t rate = 5;
  caf::actor_clock::time_point next_tick;
  double per_product = 1;
  double per_product_with_offers = 6;
  double per_deal_page = 5;
  /// Answers without an envelope, as on a network failure.
  bool fail = false;
  /// What each call was: "token", "deal", "product:N".
  std::vector<std::string> log;
  /// The ASINs of each /product call, in order.
  std::vector<std::vector<std::string>> product_asins;
  double lowest = 300;
  int64_t consumed = 0;
  int64_t http_429 = 0;
  /// Keepa's `tokenFlowReduction`: what trackings take from each refill.
  double flow_reduction = 0;
  /// How long a /product answer takes (0: at once).
  caf::timespan product_delay{0};
  /// Answers on their way, by id (with product_delay).
  std::map<uint64_t, caf::typed_response_promise<keepa_reply>> later;
  uint64_t next_id = 0;
  /// Keepa's clock at virtual time zero (the fixtures' wall start).
  int64_t wall_start_ms = 1793491200000;
  /// Makes the payload of a /product call; products with the ASINs by default.
  std::function<keepa_body(const product_request&)> products;
  /// Makes the payload of a /deal call; an empty page by default.
  std::function<keepa_body(const deal_request&)> deals;

  static inline constexpr const char* name = "fake_keepa";

  /// Adds the refills due by `now`.
  void refill(caf::actor_clock::time_point now) {
    while (now >= next_tick) {
      balance = std::min(60.0 * static_cast<double>(rate),
                         balance + static_cast<double>(rate) - flow_reduction);
      next_tick += std::chrono::minutes{1};
    }
  }

  /// Charges `cost` if admitted and answers with the envelope.
  keepa_reply answer(caf::actor_clock::time_point now, double cost,
                     std::shared_ptr<const keepa_body> body) {
    refill(now);
    keepa_reply r;
    if (fail) {
      r.status = call_status::retryable;
      r.detail = "connection reset";
      return r;
    }
    token_envelope env;
    env.timestamp_ms = wall_start_ms
                       + std::chrono::duration_cast<std::chrono::milliseconds>(
                           now.time_since_epoch())
                           .count();
    env.refill_rate = rate;
    env.token_flow_reduction = flow_reduction;
    env.refill_in_ms
      = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - now)
          .count();
    if (balance <= 0 && cost > 0) {
      ++http_429;
      r.status = call_status::not_enough_tokens;
      r.http_status = 429;
    } else {
      balance -= cost;
      consumed += static_cast<int64_t>(cost);
      env.tokens_consumed = static_cast<int64_t>(cost);
      r.status = call_status::ok;
      r.http_status = 200;
      r.body = std::move(body);
    }
    lowest = std::min(lowest, balance);
    env.tokens_left = static_cast<int64_t>(std::floor(balance));
    r.envelope = env;
    return r;
  }
};

inline keepa_client_actor::behavior_type
make_fake_keepa(keepa_client_actor::stateful_pointer<fake_keepa_state> self) {
  self->state.next_tick = self->clock().now() + std::chrono::minutes{1};
  return {
    [=](atom::token) {
      self->state.log.push_back("token");
      return self->state.answer(self->clock().now(), 0, nullptr);
    },
    [=](atom::product, const product_request& req) -> caf::result<keepa_reply> {
      auto& st = self->state;
      st.log.push_back("product:" + std::to_string(req.asins.size()));
      st.product_asins.push_back(req.asins);
      bool offers = std::any_of(req.params.begin(), req.params.end(),
                                [](auto& kv) { return kv.first == "offers"; });
      auto cost = static_cast<double>(req.asins.size())
                  * (offers ? st.per_product_with_offers : st.per_product);
      keepa_body body;
      if (st.products) {
        body = st.products(req);
      } else {
        for (auto& a : req.asins)
          body.products.push_back(good_product(a));
      }
      body.has_products = true;
      auto r = st.answer(self->clock().now(), cost,
                         std::make_shared<const keepa_body>(std::move(body)));
      if (st.product_delay == caf::timespan{0})
        return r;
      auto id = st.next_id++;
      st.later.emplace(id, self->make_response_promise<keepa_reply>());
      self->delayed_send(self, st.product_delay, atom::completed_v, id, r);
      return st.later[id];
    },
    [=](atom::deal, const deal_request& req) {
      auto& st = self->state;
      st.log.push_back("deal:" + std::to_string(req.page));
      keepa_body body = st.deals ? st.deals(req) : keepa_body{};
      if (!body.deals)
        body.deals = deal_page{};
      return st.answer(self->clock().now(), st.per_deal_page,
                       std::make_shared<const keepa_body>(std::move(body)));
    },
    // Delivers an answer delayed by product_delay.
    [=](atom::completed, uint64_t id, const keepa_reply& r) {
      auto& later = self->state.later;
      if (auto i = later.find(id); i != later.end()) {
        i->second.deliver(r);
        later.erase(i);
      }
    },
  };
}

} // namespace keepa::test
