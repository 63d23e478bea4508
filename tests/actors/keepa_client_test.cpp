// KEEPA_CLIENT against the mock Keepa server on loopback. The HTTP layer runs
// on a real io thread, so these tests use CAF's real scheduler and wait on
// replies with a bounded timeout; nothing sleeps.

#include "actors/keepa_client.hpp"
#include "actors/type_ids.hpp"
#include "io/http_client.hpp"
#include "mock/server.hpp"

#include <caf/all.hpp>
#include <doctest/doctest.h>

#include <optional>

using namespace keepa;

// Under TSan these run on CAF's real scheduler, whose hand-overs happen in
// libcaf_core, a library TSan cannot see into (Debian ships it
// uninstrumented): every message would be reported as a race. The HTTP
// layer they drive is checked under TSan by the io suite.
#ifdef KEEPA_TSAN
constexpr bool under_tsan = true;
#else
constexpr bool under_tsan = false;
#endif

TEST_SUITE_BEGIN("keepa_client" * doctest::skip(under_tsan));

namespace {

const char* books_query
  = R"({"page":0,"domainId":1,"priceTypes":[2],"sortType":1,"dateRange":3,)"
    R"("includeCategories":[283155]})";

struct client_fixture {
  mock::options opts;
  std::optional<mock::server> server;
  std::optional<caf::actor_system_config> cfg;
  std::optional<caf::actor_system> sys;
  std::shared_ptr<http_client> http = std::make_shared<http_client>();
  keepa_client_actor client;
  api_settings api;

  client_fixture() {
    opts.products = 2000;
  }

  /// Starts the mock with `opts` and a client with `key` pointing at it.
  void start(std::string key = "mock-key") {
    stop();
    server.emplace(opts);
    api.base_url = "http://127.0.0.1:" + std::to_string(server->start());
    api.api_key = std::move(key);
    api.timeout = std::chrono::milliseconds{5000};
    cfg.emplace();
    sys.emplace(*cfg);
    respawn_client();
  }

  /// Replaces the client with one using the current `api`.
  void respawn_client() {
    if (client)
      caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
    client = sys->spawn(make_keepa_client, api, http);
  }

  void stop() {
    if (client)
      caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
    client = keepa_client_actor{};
    sys.reset();
    cfg.reset();
    server.reset();
  }

  ~client_fixture() {
    stop();
  }

  template <class... Ts>
  keepa_reply ask(Ts... xs) {
    caf::scoped_actor self{*sys};
    keepa_reply out;
    bool answered = false;
    self->request(client, std::chrono::seconds{30}, xs...)
      .receive(
        [&](const keepa_reply& r) {
          out = r;
          answered = true;
        },
        [&](const caf::error& err) { FAIL(sys->render(err)); });
    CHECK(answered);
    return out;
  }
};

} // namespace

TEST_CASE_FIXTURE(client_fixture, "token, product and deal calls succeed") {
  start();
  auto token = ask(atom::token_v);
  CHECK(token.status == call_status::ok);
  REQUIRE(token.envelope);
  CHECK(token.envelope->refill_rate == opts.refill_rate);
  CHECK(token.envelope->tokens_consumed == 0);

  auto deals = ask(atom::deal_v, deal_request{books_query, 0});
  REQUIRE(deals.status == call_status::ok);
  REQUIRE(deals.body->deals);
  REQUIRE_FALSE(deals.body->deals->deals.empty());
  CHECK(deals.envelope->tokens_consumed == 5);

  auto asin = deals.body->deals->deals.front().asin;
  auto product = ask(atom::product_v,
                     product_request{{asin}, {{"stats", "365"}}});
  REQUIRE(product.status == call_status::ok);
  REQUIRE(product.body->products.size() == 1);
  CHECK(product.body->products[0].asin == asin);
  CHECK(product.body->products[0].stats.has_value());
  CHECK(product.envelope->tokens_consumed == 1);
}

TEST_CASE_FIXTURE(client_fixture, "an empty bucket answers not_enough_tokens "
                                  "with its envelope") {
  opts.initial_tokens = 0;
  start();
  auto reply = ask(atom::product_v, product_request{{"B000000001"}, {}});
  CHECK(reply.status == call_status::not_enough_tokens);
  CHECK(reply.http_status == 429);
  REQUIRE(reply.envelope);
  CHECK(reply.envelope->tokens_left == 0);
  CHECK(reply.envelope->tokens_consumed == 0);
  CHECK(reply.envelope->refill_in_ms > 0);
}

TEST_CASE_FIXTURE(client_fixture, "a wrong key is key_rejected, without "
                                  "leaking the key") {
  start("wrong-key-4711");
  auto reply = ask(atom::token_v);
  CHECK(reply.status == call_status::key_rejected);
  CHECK(reply.http_status == 400);
  CHECK_FALSE(reply.envelope);
  CHECK(reply.detail.find("wrong-key-4711") == std::string::npos);
}

TEST_CASE_FIXTURE(client_fixture, "an expired key is payment_required") {
  start("expired-key");
  auto reply = ask(atom::token_v);
  CHECK(reply.status == call_status::payment_required);
  CHECK(reply.http_status == 402);
}

TEST_CASE_FIXTURE(client_fixture, "bad parameters are an item_error naming "
                                  "what the request asked for") {
  start();
  auto reply = ask(atom::product_v,
                   product_request{{"B000000001"}, {{"offers", "5"}}});
  CHECK(reply.status == call_status::item_error);
  CHECK(reply.http_status == 200);
  CHECK(reply.detail.find("the request asked for offers=5")
        != std::string::npos);
  REQUIRE(reply.envelope);
  CHECK(reply.envelope->tokens_consumed == 0);
}

TEST_CASE_FIXTURE(client_fixture, "requests we refuse never reach Keepa") {
  start();
  product_request too_many;
  for (int i = 0; i < 101; ++i)
    too_many.asins.push_back("B" + std::to_string(100000000 + i));
  CHECK(ask(atom::product_v, too_many).status == call_status::item_error);
  CHECK(ask(atom::product_v, product_request{}).status
        == call_status::item_error);
  CHECK(ask(atom::deal_v, deal_request{"not json", 0}).status
        == call_status::item_error);
  CHECK(http->stats().requests == 0);
}

TEST_CASE_FIXTURE(client_fixture, "every fault mode is classified") {
  struct row {
    const char* name;
    double mock::fault_rates::*rate;
    call_status expected;
  };
  const row rows[] = {
    {"500", &mock::fault_rates::http500, call_status::retryable},
    {"reset", &mock::fault_rates::reset, call_status::retryable},
    {"badjson", &mock::fault_rates::badjson, call_status::retryable},
    {"truncate", &mock::fault_rates::truncate, call_status::retryable},
    {"http200error", &mock::fault_rates::http200error, call_status::item_error},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    opts.faults = {};
    opts.faults.*r.rate = 1.0;
    start();
    CHECK(ask(atom::product_v, product_request{{"B000000001"}, {}}).status
          == r.expected);
    CHECK(ask(atom::deal_v, deal_request{books_query, 0}).status == r.expected);
  }
}

TEST_CASE_FIXTURE(client_fixture, "a slow answer past the deadline is "
                                  "retryable") {
  opts.faults.slow = 1.0;
  opts.slow_ms = 3000;
  start();
  api.timeout = std::chrono::milliseconds{300};
  respawn_client();
  auto reply = ask(atom::token_v);
  CHECK(reply.status == call_status::retryable);
  CHECK(reply.http_status == 0);
  CHECK(reply.detail.find("timeout") != std::string::npos);
}

TEST_CASE_FIXTURE(client_fixture, "a dead server is retryable") {
  start();
  server->stop();
  auto reply = ask(atom::token_v);
  CHECK(reply.status == call_status::retryable);
  CHECK(reply.http_status == 0);
}

TEST_SUITE_END();
