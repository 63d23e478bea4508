#include "io/keepa_api.hpp"

#include "io/keepa_json.hpp"
#include "io/logging.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace keepa {

const char* to_string(call_status s) {
  switch (s) {
    case call_status::ok:
      return "ok";
    case call_status::retryable:
      return "retryable";
    case call_status::not_enough_tokens:
      return "not_enough_tokens";
    case call_status::key_rejected:
      return "key_rejected";
    case call_status::query_refused:
      return "query_refused";
    case call_status::payment_required:
      return "payment_required";
    case call_status::item_error:
      return "item_error";
    case call_status::unexpected:
      return "unexpected";
    case call_status::too_large:
      return "too_large";
  }
  return "unknown";
}

namespace {

/// base_url + path + key + domain; the config has validated base_url.
boost::urls::url endpoint_url(const api_settings& api, std::string_view path) {
  boost::urls::url u{api.base_url};
  u.set_path(path);
  u.params().append({"key", api.api_key});
  u.params().append({"domain", std::to_string(api.domain)});
  return u;
}

std::string join(const std::vector<std::string>& xs, char sep) {
  std::string out;
  for (const auto& x : xs) {
    if (!out.empty())
      out += sep;
    out += x;
  }
  return out;
}

std::string describe_api_error(const api_error& err) {
  auto out = err.type.empty() ? std::string{"error"} : err.type;
  if (!err.message.empty())
    out += ": " + err.message;
  if (!err.details.empty())
    out += " (details: " + err.details + ")";
  return out;
}

/// True when a 400 refuses a /deal selection rather than the key: the error
/// names the query or a field of it, or the envelope is a live one (a
/// refused key's is all zeros, docs/keepa.md#how-an-answer-is-classified).
bool refuses_query(endpoint ep, const keepa_body& body) {
  if (ep != endpoint::deal)
    return false;
  if (body.envelope && body.envelope->refill_rate > 0)
    return true;
  return body.error
         && (!body.error->details.empty()
             || body.error->message.find("queryJSON") != std::string::npos);
}

/// Status and detail of a response whose body parsed; by HTTP status first.
std::pair<call_status, std::string> judge(endpoint ep, int http_status,
                                          const keepa_body& body) {
  auto api_detail = body.error ? describe_api_error(*body.error) : "";
  if (http_status == 429)
    return {call_status::not_enough_tokens, "not enough tokens (429)"};
  if (http_status == 400 && refuses_query(ep, body))
    return {call_status::query_refused, "HTTP 400, " + api_detail};
  if (http_status == 400)
    return {call_status::key_rejected, "request rejected (400): " + api_detail};
  if (http_status == 402)
    return {call_status::payment_required,
            "payment required (402): " + api_detail};
  if (http_status >= 500)
    return {call_status::retryable,
            "server error (" + std::to_string(http_status) + ")"};
  if (http_status != 200)
    return {call_status::unexpected,
            "unexpected HTTP status " + std::to_string(http_status)};
  if (body.error)
    return {call_status::item_error,
            "Keepa refused the request: " + api_detail};
  if (!body.envelope)
    return {call_status::retryable, "response without a token envelope"};
  if (ep == endpoint::product && !body.has_products)
    return {call_status::item_error, "no products in the response"};
  if (ep == endpoint::deal && !body.deals)
    return {call_status::retryable, "no deals in the response"};
  return {call_status::ok, ""};
}

/// Status of a response whose body did not parse at all.
call_status judge_unparsed(int http_status) {
  switch (http_status) {
    case 400:
      return call_status::key_rejected;
    case 402:
      return call_status::payment_required;
    case 429:
      return call_status::not_enough_tokens;
    default:
      return http_status == 200 || http_status >= 500 ? call_status::retryable
                                                      : call_status::unexpected;
  }
}

} // namespace

http_request make_token_request(const api_settings& api) {
  http_request req;
  req.url = std::string{endpoint_url(api, "/token").buffer()};
  req.timeout = api.timeout;
  return req;
}

http_request make_product_request(const api_settings& api,
                                  const product_request& pr) {
  auto u = endpoint_url(api, "/product");
  u.params().append({"asin", join(pr.asins, ',')});
  for (const auto& [name, value] : pr.params)
    u.params().append({name, value});
  http_request req;
  req.url = std::string{u.buffer()};
  req.timeout = api.timeout;
  return req;
}

std::optional<http_request> make_deal_request(const api_settings& api,
                                              const deal_request& dr,
                                              std::string& error) {
  rapidjson::Document selection;
  selection.Parse(dr.selection.data(), dr.selection.size());
  if (selection.HasParseError() || !selection.IsObject()) {
    error = "the deal selection is not a JSON object";
    return std::nullopt;
  }
  selection.RemoveMember("page");
  selection.AddMember("page", dr.page, selection.GetAllocator());
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buf};
  selection.Accept(writer);
  http_request req;
  req.url = std::string{endpoint_url(api, "/deal").buffer()};
  req.method = "POST";
  req.content_type = "application/json; charset=UTF-8";
  req.body.assign(buf.GetString(), buf.GetSize());
  req.timeout = api.timeout;
  return req;
}

keepa_reply classify_response(endpoint ep, const http_response& res,
                              std::string_view secret) {
  keepa_reply reply;
  reply.http_status = res.status;
  if (res.status == 0 || !res.error.empty()) {
    reply.status = call_status::retryable;
    reply.detail = redact(res.error, secret);
    return reply;
  }
  std::string parse_error;
  auto body = parse_keepa_body(res.body, parse_error);
  if (!body) {
    reply.status = judge_unparsed(res.status);
    reply.detail = "unparsable body (HTTP " + std::to_string(res.status)
                   + "): " + redact(parse_error, secret);
    return reply;
  }
  auto [status, detail] = judge(ep, res.status, *body);
  reply.status = status;
  reply.detail = redact(detail, secret);
  // A refused key's envelope is all zeros: it says nothing about the balance.
  if (status != call_status::key_rejected
      && status != call_status::payment_required)
    reply.envelope = body->envelope;
  reply.body = std::make_shared<const keepa_body>(std::move(*body));
  return reply;
}

} // namespace keepa
