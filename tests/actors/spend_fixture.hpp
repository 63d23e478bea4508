#pragma once

// Stand-ins around one pool (peek or commit): a token bucket that answers
// every call at once with the products a test gives, recording each call,
// and a database and next stage that record what they are sent.

#include "support/deterministic_fixture.hpp"
#include "support/sample_products.hpp"
#include "support/test_doubles.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace keepa::test {

struct spend_fixture : deterministic_fixture {
  /// The products Keepa knows, by ASIN.
  std::map<std::string, product> catalog;
  std::vector<keepa_call> calls;
  std::vector<write_batch> writes;
  std::vector<survivor> survivors;
  /// Profitable listing rows the next stage was told of.
  uint64_t found = 0;
  /// With `hold`, calls are never answered (they stay in flight).
  bool hold = false;
  /// Set, answers with the status it gives for a call instead of products.
  std::function<std::optional<call_status>(const keepa_call&)> refuse;
  std::vector<caf::response_promise> held;
  caf::actor bucket;
  caf::actor db;
  caf::actor next;

  spend_fixture() {
    bucket
      = spawn([this](caf::event_based_actor* bucket_self) -> caf::behavior {
          return {
            [this, bucket_self](
              atom::call, const keepa_call& call) -> caf::result<keepa_reply> {
              calls.push_back(call);
              if (hold) {
                held.push_back(bucket_self->make_response_promise());
                return held.back();
              }
              if (auto status = refuse ? refuse(call) : std::nullopt) {
                keepa_reply r;
                r.status = *status;
                r.detail = "refused";
                return r;
              }
              keepa_body body;
              body.has_products = true;
              for (auto& a : std::get<product_request>(call.request).asins)
                if (auto i = catalog.find(a); i != catalog.end())
                  body.products.push_back(i->second);
              keepa_reply r;
              r.status = call_status::ok;
              r.body = std::make_shared<const keepa_body>(std::move(body));
              return r;
            },
          };
        });
    db = spawn([this](caf::event_based_actor* db_self) -> caf::behavior {
      db_self->set_default_handler(fail_on_unexpected);
      return {
        [this](atom::write, const write_batch& b) {
          CHECK_FALSE(is_empty(b));
          writes.push_back(b);
        },
        [](atom::pending, uint64_t) { return std::vector<std::string>{}; },
      };
    });
    next = spawn([this]() -> caf::behavior {
      return {
        [this](atom::enqueue, const std::vector<survivor>& s) {
          survivors.insert(survivors.end(), s.begin(), s.end());
        },
        [this](atom::completed, uint64_t n) { found += n; },
        [](atom::release, const std::vector<deal_key>&) {},
      };
    });
  }

  /// The ASINs of every call, in order, one string per call.
  std::vector<std::string> asked() const {
    std::vector<std::string> out;
    for (auto& c : calls) {
      std::string s;
      for (auto& a : std::get<product_request>(c.request).asins)
        s += a;
      out.push_back(s);
    }
    return out;
  }

  /// The value of parameter `key` in call `i`; empty when not sent.
  std::string param(size_t i, const std::string& key) const {
    for (auto& [k, v] : std::get<product_request>(calls.at(i).request).params)
      if (k == key)
        return v;
    return "";
  }

  /// Every rejection written, as "ASIN: reason".
  std::vector<std::string> rejections() const {
    std::vector<std::string> out;
    for (auto& w : writes)
      for (auto& r : w.rejections)
        out.push_back(r.asin + ": " + r.reason);
    return out;
  }
};

} // namespace keepa::test
