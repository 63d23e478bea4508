#pragma once

#include "actors/actors.hpp"

#include <cstdint>
#include <memory>
#include <unordered_map>

#include <caf/typed_response_promise.hpp>

namespace keepa {

class http_client;

struct webhook_client_state {
  std::shared_ptr<http_client> http;
  uint64_t next_id = 0;
  /// Posts whose HTTP exchange is under way, by exchange id.
  std::unordered_map<uint64_t, caf::typed_response_promise<delivery_answer>>
    in_flight;

  static inline constexpr const char* name = "webhook_client";
};

/// Spawns WEBHOOK on `http`, an HTTP client the caller keeps alive for at
/// least as long as the actor.
webhook_actor::behavior_type
make_webhook_client(webhook_actor::stateful_pointer<webhook_client_state> self,
                    std::shared_ptr<http_client> http);

} // namespace keepa
