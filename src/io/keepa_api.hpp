#pragma once

// Building Keepa requests and classifying their responses: pure functions,
// no I/O. The key goes into the query string only (docs/keepa.md#requests) and
// never into a reply's detail text.

#include "io/http_client.hpp"
#include "model/defaults.hpp"
#include "model/keepa.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keepa {

/// How a Keepa call ended, from the caller's point of view.
enum class call_status : uint8_t {
  /// A usable answer with its envelope.
  ok,
  /// Try again later: network error, timeout, 5xx, malformed or truncated body.
  retryable,
  /// HTTP 429: the balance was not positive; the envelope says when it refills.
  not_enough_tokens,
  /// HTTP 400 refusing the key (no live token envelope, no word on the
  /// query). Stop calling.
  key_rejected,
  /// HTTP 400 on /deal refusing the selection (deal_query.json): Keepa
  /// names the query or a field of it, or sends a live envelope. The key is
  /// fine; only discovery stops.
  query_refused,
  /// HTTP 402: the key's subscription has lapsed. Stop calling.
  payment_required,
  /// HTTP 200 carrying an `error` object (a parameter or an item Keepa
  /// refused), or no payload for this request.
  item_error,
  /// Any other HTTP status (404, 405, 3xx...): a bug on our side.
  unexpected,
  /// Refused by the token bucket before any request: the call costs more
  /// than the bucket ever holds. A smaller batch may go.
  too_large,
};

/// The lower-case name of a status, for logs and dumps.
const char* to_string(call_status s);

/// The endpoints the engine calls.
enum class endpoint : uint8_t { token, product, deal };

/// The outcome of one Keepa call, as the keepa_client actor replies it.
struct keepa_reply {
  call_status status = call_status::retryable;
  /// 0 when no HTTP response arrived.
  int http_status = 0;
  /// Present when the response carried a usable token envelope.
  std::optional<token_envelope> envelope;
  /// Why it failed, for logs; never contains the API key.
  std::string detail;
  /// The parsed payload; null when there was none.
  std::shared_ptr<const keepa_body> body;
};

/// A `/product` call: up to 100 ASINs and any parameter set
/// (e.g. {"stats", "365"}, {"history", "0"}, {"offers", "20"}).
struct product_request {
  std::vector<std::string> asins;
  std::vector<std::pair<std::string, std::string>> params;
};

/// One page of a `/deal` query. `selection` is the query JSON; its `page`
/// member is replaced by `page`.
struct deal_request {
  std::string selection;
  int page = 0;
};

/// Where and how to call Keepa.
struct api_settings {
  std::string base_url;
  std::string api_key;
  int domain = defaults::domain;
  std::chrono::milliseconds timeout
    = std::chrono::seconds{defaults::request_timeout_s};
};

/// GET /token (free).
http_request make_token_request(const api_settings& api);

/// GET /product with the ASINs and parameters.
http_request make_product_request(const api_settings& api,
                                  const product_request& req);

/// POST /deal with the selection as the body; nullopt with `error` when the
/// selection is not a JSON object.
std::optional<http_request> make_deal_request(const api_settings& api,
                                              const deal_request& req,
                                              std::string& error);

/// Turns an HTTP outcome into a typed reply. `secret` is redacted from every
/// text that ends up in `detail`.
keepa_reply classify_response(endpoint ep, const http_response& res,
                              std::string_view secret);

} // namespace keepa
