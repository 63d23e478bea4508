#pragma once

// Helpers for the mock's tests: a handler on a fake clock, JSON parsing with
// RapidJSON (independent of the project's Keepa parser), and a tiny
// synchronous keep-alive HTTP client.

#include "io/gzip.hpp"
#include "mock/handler.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <cctype>
#include <memory>
#include <optional>
#include <string>

namespace keepa::mock::test {

inline constexpr int64_t t0 = 1793491200000; // 2026-11-01T00:00:00Z
inline constexpr int64_t minute_ms = 60000;
inline constexpr int64_t hour_ms = 3600000;

/// Parses a body that must be a JSON object.
inline rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  INFO(body.substr(0, 200));
  REQUIRE_FALSE(d.HasParseError());
  REQUIRE(d.IsObject());
  return d;
}

/// A member as int64 (-999 when absent).
inline int64_t num(const rapidjson::Value& v, const char* key) {
  auto i = v.FindMember(key);
  return i != v.MemberEnd() && i->value.IsInt64() ? i->value.GetInt64() : -999;
}

/// A deal-query target with the given selection JSON, URL-encoded.
inline std::string deal_target(const std::string& selection_json) {
  std::string out = "/deal?key=mock-key&selection=";
  static const char hex[] = "0123456789ABCDEF";
  for (unsigned char c : selection_json) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.')
      out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

/// The selection used by most deal tests: used price, page `page`.
inline std::string used_selection(int page, int sort = 1) {
  return R"({"domainId":1,"priceTypes":[2],"dateRange":3,"sortType":)"
         + std::to_string(sort) + R"(,"page":)" + std::to_string(page) + "}";
}

/// A handler driven through a fake clock.
struct handler_fixture {
  options opts;
  std::unique_ptr<handler> h;
  int64_t now = t0;

  handler_fixture() {
    opts.products = 4000;
    opts.deal_rate = 200; // a drop every 20 h per item: ~2,400 listed
  }

  /// (Re)creates the handler, started at t0.
  void start(std::optional<int64_t> initial = std::nullopt) {
    opts.initial_tokens = initial;
    h = std::make_unique<handler>(opts, t0);
  }

  /// A GET answered at `now`.
  http_answer get(const std::string& target) {
    return h->handle({"GET", target, ""}, now);
  }

  /// A GET whose JSON body is parsed.
  rapidjson::Document json(const std::string& target) {
    return parse(get(target).body);
  }

  /// The first `n` catalog ASINs, comma-separated, from index `from`.
  std::string asins(int n, int from = 0) const {
    catalog c{opts.seed, opts.products, opts.deal_rate};
    std::string out;
    for (int i = from; i < from + n; ++i)
      out += (i == from ? "" : ",") + c.at(i).asin;
    return out;
  }

  /// tokensConsumed of a GET.
  int64_t consumed(const std::string& target) {
    return num(json(target), "tokensConsumed");
  }
};

/// One kept-alive connection to a server on 127.0.0.1.
class http_conn {
public:
  struct reply {
    int status = 0;       // 0 = the connection broke
    std::string body;     // decompressed
    std::string encoding; // Content-Encoding
    size_t content_length = 0;
    bool keep_alive = false;
  };

  explicit http_conn(uint16_t port) : socket_(ioc_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }

  /// Sends one request and reads the answer (status 0 on a reset).
  reply send(const std::string& target, bool gzip = false,
             const std::string& method = "GET", const std::string& body = "") {
    namespace http = boost::beast::http;
    http::request<http::string_body> req{http::string_to_verb(method), target,
                                         11};
    req.set(http::field::host, "127.0.0.1");
    if (gzip)
      req.set(http::field::accept_encoding, "gzip, deflate");
    req.body() = body;
    req.prepare_payload();
    reply out;
    boost::beast::error_code ec;
    http::write(socket_, req, ec);
    if (ec)
      return out;
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res, ec);
    if (ec)
      return out;
    out.status = static_cast<int>(res.result_int());
    out.encoding = std::string{res[http::field::content_encoding]};
    out.content_length = res.body().size();
    out.keep_alive = res.keep_alive();
    if (out.encoding == "gzip") {
      auto plain = gzip_decompress(res.body());
      REQUIRE(plain.has_value());
      out.body = *plain;
    } else {
      out.body = res.body();
    }
    return out;
  }

private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

} // namespace keepa::mock::test
