#include "actors/keepa_client.hpp"

#include "actors/type_ids.hpp"
#include "io/http_client.hpp"

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace keepa {

namespace {

using self_pointer = keepa_client_actor::stateful_pointer<keepa_client_state>;

/// Keepa refuses more than 100 ASINs per call (docs/keepa.md#requests).
constexpr size_t max_asins_per_call = 100;

/// The parameters of a product request besides the key and the ASINs, for
/// an error Keepa answers to all of them at once (e.g. `offers` below 20).
std::string sent_params(const product_request& req) {
  std::string out;
  for (const auto& [name, value] : req.params)
    out += (out.empty() ? "" : "&") + name + "=" + value;
  return out;
}

/// Starts an exchange whose classified reply comes back as `completed`; an
/// error answer's detail ends with `sent` (what the request asked for).
caf::typed_response_promise<keepa_reply>
start(self_pointer self, endpoint ep, http_request req, std::string sent = {}) {
  auto rp = self->make_response_promise<keepa_reply>();
  auto id = ++self->state.next_id;
  self->state.in_flight.emplace(id, rp);
  auto handle = caf::actor_cast<keepa_client_actor>(self);
  self->state.http->async_send(
    std::move(req), [handle, id, ep, secret = self->state.api.api_key,
                     sent = std::move(sent)](http_response res) {
      auto reply = classify_response(ep, res, secret);
      if (reply.status == call_status::item_error && !sent.empty())
        reply.detail += "; the request asked for " + sent;
      caf::anon_send(handle, atom::completed_v, id, std::move(reply));
    });
  return rp;
}

/// Answers at once, without a call, for a request we refuse to send.
caf::typed_response_promise<keepa_reply> refuse(self_pointer self,
                                                std::string why) {
  auto rp = self->make_response_promise<keepa_reply>();
  keepa_reply reply;
  reply.status = call_status::item_error;
  reply.detail = std::move(why);
  rp.deliver(std::move(reply));
  return rp;
}

} // namespace

keepa_client_actor::behavior_type
make_keepa_client(self_pointer self, api_settings api,
                  std::shared_ptr<http_client> http) {
  self->state.api = std::move(api);
  self->state.http = std::move(http);
  return {
    // Calls /token.
    [=](atom::token) {
      return start(self, endpoint::token, make_token_request(self->state.api));
    },
    // Calls /product, refusing an empty or oversized ASIN list.
    [=](atom::product, const product_request& req) {
      if (req.asins.empty())
        return refuse(self, "a product request needs at least one ASIN");
      if (req.asins.size() > max_asins_per_call)
        return refuse(self, "a product request takes at most 100 ASINs");
      return start(self, endpoint::product,
                   make_product_request(self->state.api, req),
                   sent_params(req));
    },
    // Calls /deal for one page, refusing a selection that is not JSON.
    [=](atom::deal, const deal_request& req) {
      std::string error;
      auto http_req = make_deal_request(self->state.api, req, error);
      if (!http_req)
        return refuse(self, error);
      return start(self, endpoint::deal, std::move(*http_req));
    },
    // Hands a finished exchange to its requester.
    [=](atom::completed, uint64_t id, const keepa_reply& reply) {
      auto i = self->state.in_flight.find(id);
      if (i == self->state.in_flight.end())
        return;
      i->second.deliver(reply);
      self->state.in_flight.erase(i);
    },
  };
}

} // namespace keepa
