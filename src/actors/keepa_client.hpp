#pragma once

#include "actors/actors.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <caf/typed_response_promise.hpp>

namespace keepa {

class http_client;

struct keepa_client_state {
  api_settings api;
  std::shared_ptr<http_client> http;
  uint64_t next_id = 0;
  /// Requests whose HTTP exchange is under way, by exchange id.
  std::unordered_map<uint64_t, caf::typed_response_promise<keepa_reply>>
    in_flight;

  static inline constexpr const char* name = "keepa_client";
};

/// Spawns KEEPA_CLIENT on `http`, an HTTP client the caller keeps alive for
/// at least as long as the actor.
keepa_client_actor::behavior_type
make_keepa_client(keepa_client_actor::stateful_pointer<keepa_client_state> self,
                  api_settings api, std::shared_ptr<http_client> http);

} // namespace keepa
