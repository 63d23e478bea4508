#include "web/session.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <memory>
#include <optional>
#include <type_traits>

namespace keepa::web {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr const char* content_security_policy
  = "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

/// One client connection over plain TCP or TLS: reads a request within the
/// limits, answers it, and repeats while the client keeps the connection
/// alive.
template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
  static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

public:
  /// A session on the stream made of `args` (a socket, and for TLS the
  /// server's context).
  template <class... Args>
  explicit session(web_server::impl& owner, Args&&... args)
    : stream_(std::forward<Args>(args)...),
      owner_(owner),
      read_timer_(stream_.get_executor()) {
    ++owner_.counters_.open_connections;
  }

  ~session() {
    --owner_.counters_.open_connections;
  }

  /// Agrees on TLS first when the stream has it, then serves.
  void start(bool over_cap) {
    if constexpr (is_tls)
      handshake(over_cap);
    else
      serve(over_cap);
  }

private:
  /// The TLS handshake, within the read timeout; a failed or late one
  /// closes the connection and is counted.
  void handshake(bool over_cap) {
    lowest().expires_after(owner_.settings_.read_timeout);
    stream_.async_handshake(net::ssl::stream_base::server,
                            [self = this->shared_from_this(),
                             over_cap](beast::error_code ec) {
                              if (!ec)
                                return self->serve(over_cap);
                              ++self->owner_.counters_.failed_handshakes;
                              self->close_socket();
                            });
  }

  /// Reads the next request, or answers 503 past the connection cap.
  void serve(bool over_cap) {
    if (over_cap) {
      ++owner_.counters_.refused_connections;
      respond(error_response(503, "too many connections; try again"), false);
      return;
    }
    read();
  }

  /// Reads a request; its own timer answers a slow one with 408.
  void read() {
    parser_.emplace();
    parser_->header_limit(
      static_cast<std::uint32_t>(owner_.settings_.header_limit));
    parser_->body_limit(owner_.settings_.body_limit);
    // The read's own timer cancels it and leaves the socket open, so that
    // a slow client still gets its 408 (the stream's timeout would close).
    lowest().expires_never();
    timed_out_ = false;
    read_timer_.expires_after(owner_.settings_.read_timeout);
    read_timer_.async_wait(
      [weak = this->weak_from_this()](beast::error_code ec) {
        if (auto self = weak.lock(); self && !ec) {
          self->timed_out_ = true;
          self->lowest().socket().cancel(ec);
        }
      });
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec,
                                                       size_t) {
                       self->read_timer_.cancel();
                       self->on_read(ec);
                     });
  }

  /// Answers a request, or the limit it broke.
  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof
        || ec == net::error::connection_reset
        || ec == net::ssl::error::stream_truncated)
      return close();
    if (timed_out_) {
      if (parser_->got_some())
        return respond(error_response(408, "the request came too slowly"),
                       false);
      return close();
    }
    if (ec == http::error::header_limit)
      return respond(error_response(431, "the request head is too large"),
                     false);
    if (ec == http::error::body_limit)
      return respond(error_response(413, "the request body is too large"),
                     false);
    if (ec)
      return respond(
        error_response(400, "the request does not parse: " + ec.message()),
        false);
    auto& msg = parser_->get();
    if (msg.target().size() > owner_.settings_.target_limit)
      return respond(error_response(414, "the request target is too long"),
                     false);
    bool keep_alive = msg.keep_alive();
    auto& password = owner_.settings_.password;
    if (!password.empty()
        && !basic_auth_ok(msg[http::field::authorization], password)) {
      auto r = error_response(401, "a password is needed");
      r.headers.emplace_back("WWW-Authenticate",
                             "Basic realm=\"keepa-ingest\", charset=\"UTF-8\"");
      return respond(std::move(r), keep_alive);
    }
    web_request req{std::string{msg.method_string()},
                    std::string{msg.target()},
                    msg.body(),
                    std::string{msg[http::field::host]},
                    std::string{msg["Origin"]},
                    std::string{msg["Sec-Fetch-Site"]},
                    std::string{msg["X-Keepa-Board"]}};
    owner_.answer(req, [self = this->shared_from_this(),
                        keep_alive](web_response r) {
      net::post(self->stream_.get_executor(),
                [self, keep_alive, r = std::move(r)]() mutable {
                  self->respond(std::move(r), keep_alive);
                });
    });
  }

  /// Writes a response with the security headers.
  void respond(web_response r, bool keep_alive) {
    owner_.counters_.count(r.status);
    response_ = {};
    response_.version(11);
    response_.result(static_cast<http::status>(r.status));
    response_.set(http::field::server, "keepa-ingest");
    response_.set(http::field::content_type, r.content_type);
    response_.set("Content-Security-Policy", content_security_policy);
    response_.set("X-Content-Type-Options", "nosniff");
    response_.set("X-Frame-Options", "DENY");
    response_.set("Referrer-Policy", "no-referrer");
    response_.set(http::field::cache_control, "no-store");
    for (auto& [name, value] : r.headers)
      response_.set(name, value);
    response_.keep_alive(keep_alive);
    response_.body() = std::move(r.body);
    response_.prepare_payload();
    lowest().expires_after(owner_.settings_.read_timeout);
    http::async_write(stream_, response_,
                      [self = this->shared_from_this()](beast::error_code ec,
                                                        size_t) {
                        if (!ec && self->response_.keep_alive())
                          self->read();
                        else
                          self->close();
                      });
  }

  /// Ends the connection: TLS says goodbye first, within the timeout.
  void close() {
    if constexpr (is_tls) {
      lowest().expires_after(owner_.settings_.read_timeout);
      stream_.async_shutdown([self = this->shared_from_this()](
                               beast::error_code) { self->close_socket(); });
    } else {
      close_socket();
    }
  }

  /// Closes the TCP connection.
  void close_socket() {
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    lowest().close();
  }

  /// The TCP stream under any TLS.
  beast::tcp_stream& lowest() {
    return beast::get_lowest_layer(stream_);
  }

  Stream stream_;
  web_server::impl& owner_;
  net::steady_timer read_timer_;
  bool timed_out_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

} // namespace

void serve(tcp::socket socket, web_server::impl& owner, bool over_cap) {
  if (owner.tls_)
    std::make_shared<session<tls_stream>>(owner, std::move(socket), *owner.tls_)
      ->start(over_cap);
  else
    std::make_shared<session<plain_stream>>(owner, std::move(socket))
      ->start(over_cap);
}

} // namespace keepa::web
