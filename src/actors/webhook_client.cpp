#include "actors/webhook_client.hpp"

#include "actors/type_ids.hpp"
#include "io/http_client.hpp"

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace keepa {

namespace {

/// What an answer's body may add to `dump alerts`: its start.
constexpr size_t detail_chars = 200;

/// The answer as the delivery rules read it.
delivery_answer answer_of(http_response res) {
  delivery_answer a;
  a.status = res.status;
  a.headers = std::move(res.headers);
  a.detail = res.status == 0 ? res.error : res.body.substr(0, detail_chars);
  return a;
}

} // namespace

webhook_actor::behavior_type
make_webhook_client(webhook_actor::stateful_pointer<webhook_client_state> self,
                    std::shared_ptr<http_client> http) {
  self->state.http = std::move(http);
  return {
    // Posts the message on the io thread; the answer comes back as
    // `completed`.
    [=](atom::post, webhook_post& post) {
      auto rp = self->make_response_promise<delivery_answer>();
      auto id = ++self->state.next_id;
      self->state.in_flight.emplace(id, rp);
      http_request req;
      req.url = std::move(post.url);
      req.method = "POST";
      req.body = std::move(post.body);
      req.content_type = "application/json";
      req.headers.emplace_back("Idempotency-Key", post.idempotency_key);
      req.timeout
        = std::chrono::duration_cast<std::chrono::milliseconds>(post.timeout);
      auto handle = caf::actor_cast<webhook_actor>(self);
      self->state.http->async_send(std::move(req), [handle,
                                                    id](http_response res) {
        caf::anon_send(handle, atom::completed_v, id,
                       answer_of(std::move(res)));
      });
      return rp;
    },
    // Answers the post this exchange belonged to.
    [=](atom::completed, uint64_t id, delivery_answer& answer) {
      auto it = self->state.in_flight.find(id);
      if (it == self->state.in_flight.end())
        return;
      it->second.deliver(std::move(answer));
      self->state.in_flight.erase(it);
    },
  };
}

} // namespace keepa
