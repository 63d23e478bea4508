#pragma once

// IN_PROCESS_KEEPA: a keepa_client_actor that answers from the project's
// mock (mock::handler) in-process, on the same virtual clock as the engine.
// Requests are built and replies classified and parsed by the production
// code (io/keepa_api, io/keepa_json); only the HTTP transport is skipped.
// `down` makes every call fail as a network error would (an outage). It
// counts what a seller pays for twice: light refreshes of an ASIN within
// 10 minutes of the last one, and the /product asks of each ASIN.

#include "actors/actors.hpp"
#include "actors/light_pool.hpp"
#include "io/keepa_api.hpp"
#include "mock/handler.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <functional>
#include <map>
#include <memory>

namespace keepa::test {

struct in_process_keepa_state {
  std::shared_ptr<mock::handler> keepa;
  std::function<int64_t()> now_ms;
  api_settings api{"http://mock", "mock-key", 1, std::chrono::seconds{60}};
  bool down = false;
  /// Light refreshes asked within 10 minutes of the same ASIN's last one,
  /// by ASIN.
  std::map<std::string, int64_t> double_refreshes;
  std::map<std::string, int64_t> last_light_ms;
  /// How often each ASIN was asked for in a /product call.
  std::map<std::string, int64_t> product_asks;

  static inline constexpr const char* name = "in_process_keepa";

  /// Counts the ASINs of a /product call.
  void count(const product_request& req) {
    bool light = req.params == light_params();
    auto now = now_ms();
    for (auto& asin : req.asins) {
      ++product_asks[asin];
      if (!light)
        continue;
      auto [last, first] = last_light_ms.try_emplace(asin, now);
      if (!first && now - last->second < 600000)
        ++double_refreshes[asin];
      last->second = now;
    }
  }

  /// Runs one request through the mock and classifies the answer.
  keepa_reply call(endpoint ep, const http_request& req) {
    if (down) {
      keepa_reply r;
      r.status = call_status::retryable;
      r.detail = "connection refused (simulated outage)";
      return r;
    }
    auto target = req.url.substr(api.base_url.size());
    auto a = keepa->handle({req.method, target, req.body}, now_ms());
    http_response res;
    res.status = a.status;
    res.body = a.body;
    return classify_response(ep, res, api.api_key);
  }
};

inline keepa_client_actor::behavior_type make_in_process_keepa(
  keepa_client_actor::stateful_pointer<in_process_keepa_state> self,
  std::shared_ptr<mock::handler> keepa, std::function<int64_t()> now_ms) {
  self->state.keepa = std::move(keepa);
  self->state.now_ms = std::move(now_ms);
  return {
    [=](atom::token) {
      return self->state.call(endpoint::token,
                              make_token_request(self->state.api));
    },
    [=](atom::product, const product_request& req) {
      // A call the outage refuses reaches no Keepa and costs nothing.
      if (!self->state.down)
        self->state.count(req);
      return self->state.call(endpoint::product,
                              make_product_request(self->state.api, req));
    },
    [=](atom::deal, const deal_request& req) {
      std::string error;
      auto http = make_deal_request(self->state.api, req, error);
      if (!http) {
        keepa_reply r;
        r.status = call_status::item_error;
        r.detail = error;
        return r;
      }
      return self->state.call(endpoint::deal, *http);
    },
    [](atom::completed, uint64_t, const keepa_reply&) {
      // Answers are synchronous; nothing completes later.
    },
  };
}

} // namespace keepa::test
