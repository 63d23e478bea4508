#include "io/keepa_api.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace keepa;

namespace {

const char* secret = "SECRETKEY123";

api_settings test_api() {
  return {"http://127.0.0.1:8080", secret, 1, std::chrono::milliseconds{5000}};
}

const char* envelope_fields
  = R"("timestamp":1594177158252,"tokensLeft":42,"refillIn":38205,)"
    R"("refillRate":20,"tokenFlowReduction":0.0,"tokensConsumed":5,)"
    R"("processingTimeInMs":3)";

std::string body_with(const std::string& payload) {
  auto out = std::string{"{"} + envelope_fields;
  if (!payload.empty())
    out += "," + payload;
  return out + "}";
}

http_response response(int status, std::string body, std::string error = "") {
  http_response res;
  res.status = status;
  res.body = std::move(body);
  res.error = std::move(error);
  return res;
}

} // namespace

TEST_CASE("product request: key and domain in the query, ASINs joined") {
  auto req = make_product_request(
    test_api(), {{"A1", "B2"}, {{"stats", "365"}, {"history", "0"}}});
  CHECK(req.method == "GET");
  CHECK(req.url.rfind("http://127.0.0.1:8080/product?", 0) == 0);
  CHECK(req.url.find("key=SECRETKEY123") != std::string::npos);
  CHECK(req.url.find("domain=1") != std::string::npos);
  CHECK(req.url.find("asin=A1,B2") != std::string::npos);
  CHECK(req.url.find("stats=365") != std::string::npos);
  CHECK(req.url.find("history=0") != std::string::npos);
  CHECK(req.timeout == std::chrono::milliseconds{5000});
}

TEST_CASE("token request goes to /token") {
  auto req = make_token_request(test_api());
  CHECK(req.url.rfind("http://127.0.0.1:8080/token?key=", 0) == 0);
}

TEST_CASE("deal request: POST with the selection, page replaced") {
  std::string error;
  auto req = make_deal_request(
    test_api(), {R"({"page":0,"priceTypes":[2],"sortType":1})", 7}, error);
  REQUIRE(req);
  CHECK(req->method == "POST");
  CHECK(req->url.rfind("http://127.0.0.1:8080/deal?key=", 0) == 0);
  CHECK(req->content_type.find("application/json") == 0);
  CHECK(req->body.find(R"("page":7)") != std::string::npos);
  CHECK(req->body.find(R"("page":0)") == std::string::npos);
  CHECK(req->body.find(R"("priceTypes":[2])") != std::string::npos);
}

TEST_CASE("deal request: a selection that is not a JSON object is refused") {
  for (const char* bad : {"", "[1,2]", "{\"page\":", "null"}) {
    std::string error;
    CHECK_FALSE(make_deal_request(test_api(), {bad, 0}, error));
    CHECK_FALSE(error.empty());
  }
}

TEST_CASE("classification of every outcome, 429 included") {
  struct row {
    const char* name;
    endpoint ep;
    http_response res;
    call_status expected;
    bool has_envelope;
  };
  const auto products = body_with(R"("products":[{"asin":"A1"}])");
  const auto deals = body_with(R"("deals":{"dr":[{"asin":"A1"}]})");
  const auto api_error_body
    = body_with(R"("error":{"type":"invalidParameter","message":"bad"})");
  const row rows[] = {
    {"token ok", endpoint::token, response(200, body_with("")), call_status::ok,
     true},
    {"product ok", endpoint::product, response(200, products), call_status::ok,
     true},
    {"deal ok", endpoint::deal, response(200, deals), call_status::ok, true},
    {"429 with envelope", endpoint::product, response(429, body_with("")),
     call_status::not_enough_tokens, true},
    {"429 with garbage", endpoint::product, response(429, "<html>"),
     call_status::not_enough_tokens, false},
    {"400 bad key", endpoint::token, response(400, api_error_body),
     call_status::key_rejected, false},
    {"402 expired", endpoint::token, response(402, body_with("")),
     call_status::payment_required, false},
    {"500", endpoint::product, response(500, body_with("")),
     call_status::retryable, true},
    {"503 html", endpoint::product, response(503, "<html>down</html>"),
     call_status::retryable, false},
    {"200 malformed", endpoint::product, response(200, "{\"tokensLeft\":"),
     call_status::retryable, false},
    {"200 empty body", endpoint::token, response(200, ""),
     call_status::retryable, false},
    {"200 no envelope", endpoint::token, response(200, "{}"),
     call_status::retryable, false},
    {"200 with error", endpoint::product, response(200, api_error_body),
     call_status::item_error, true},
    {"200 product without products", endpoint::product,
     response(200, body_with("")), call_status::item_error, true},
    {"200 deal without deals", endpoint::deal, response(200, body_with("")),
     call_status::retryable, true},
    {"404", endpoint::token, response(404, body_with("")),
     call_status::unexpected, true},
    {"network failure", endpoint::token,
     response(0, "", "connect: Connection refused"), call_status::retryable,
     false},
    {"corrupt gzip", endpoint::token,
     response(200, "", "corrupt or truncated gzip body"),
     call_status::retryable, false},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    auto reply = classify_response(r.ep, r.res, secret);
    CHECK(reply.status == r.expected);
    CHECK(reply.http_status == r.res.status);
    CHECK(reply.envelope.has_value() == r.has_envelope);
    if (r.expected != call_status::ok)
      CHECK_FALSE(reply.detail.empty());
  }
}

TEST_CASE("an ok reply carries the envelope and the payload") {
  auto reply = classify_response(
    endpoint::product,
    response(200, body_with(R"("products":[{"asin":"A1"},{"asin":"B2"}])")),
    secret);
  REQUIRE(reply.envelope);
  CHECK(reply.envelope->tokens_left == 42);
  CHECK(reply.envelope->refill_rate == 20);
  CHECK(reply.envelope->tokens_consumed == 5);
  REQUIRE(static_cast<bool>(reply.body));
  REQUIRE(reply.body->products.size() == 2);
  CHECK(reply.body->products[1].asin == "B2");
}

TEST_CASE("the key never reaches a reply's detail") {
  auto leaky = response(0, "", "connect to /product?key=SECRETKEY123 failed");
  auto reply = classify_response(endpoint::product, leaky, secret);
  CHECK(reply.detail.find(secret) == std::string::npos);
  auto echoed = response(400,
                         body_with(R"("error":{"type":"invalidParameter",)"
                                   R"("message":"invalid key SECRETKEY123"})"));
  reply = classify_response(endpoint::token, echoed, secret);
  CHECK(reply.status == call_status::key_rejected);
  CHECK(reply.detail.find(secret) == std::string::npos);
}
