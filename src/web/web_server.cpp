#include "web/web_server.hpp"

#include "io/database.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <mutex>
#include <thread>
#include <vector>

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

/// Read-only connections, one per request in progress, reused.
class reader_pool {
public:
  explicit reader_pool(std::string path) : path_(std::move(path)) {
  }

  /// A connection for one request; back in the pool when released.
  std::unique_ptr<deal_reader> take() {
    std::lock_guard<std::mutex> guard{mutex_};
    if (free_.empty())
      return std::make_unique<deal_reader>(path_);
    auto r = std::move(free_.back());
    free_.pop_back();
    return r;
  }

  /// Returns a connection to the pool.
  void give_back(std::unique_ptr<deal_reader> r) {
    std::lock_guard<std::mutex> guard{mutex_};
    free_.push_back(std::move(r));
  }

private:
  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<deal_reader>> free_;
};

} // namespace

class web_server::impl {
public:
  impl(server_settings settings, run_command command,
       std::function<int64_t()> now_ms)
    : settings_(std::move(settings)),
      command_(std::move(command)),
      routes_(settings_.board, std::move(now_ms), &counters_),
      readers_(settings_.db_path),
      ioc_(static_cast<int>(settings_.threads)) {
  }

  std::optional<std::string> start();
  void stop();
  void accept();

  /// Answers a request through the routes (and the engine, when a route
  /// needs it); `send` gets the response on the session's strand.
  void answer(const web_request& req, std::function<void(web_response)> send);

  server_settings settings_;
  run_command command_;
  web_counters counters_;
  routes routes_;
  reader_pool readers_;
  net::io_context ioc_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  std::string url_;
};

namespace {

/// One client connection: reads a request within the limits, answers it,
/// and repeats while the client keeps the connection alive.
class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, web_server::impl& owner)
    : stream_(std::move(socket)),
      owner_(owner),
      read_timer_(stream_.get_executor()) {
    ++owner_.counters_.open_connections;
  }

  ~session() {
    --owner_.counters_.open_connections;
  }

  /// Reads the next request, or answers 503 past the connection cap.
  void start(bool over_cap) {
    if (over_cap) {
      ++owner_.counters_.refused_connections;
      respond(error_response(503, "too many connections; try again"), false);
      return;
    }
    read();
  }

private:
  void read() {
    parser_.emplace();
    parser_->header_limit(
      static_cast<std::uint32_t>(owner_.settings_.header_limit));
    parser_->body_limit(owner_.settings_.body_limit);
    // The read's own timer cancels it and leaves the socket open, so that
    // a slow client still gets its 408 (the stream's timeout would close).
    stream_.expires_never();
    timed_out_ = false;
    read_timer_.expires_after(owner_.settings_.read_timeout);
    read_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (auto self = weak.lock(); self && !ec) {
        self->timed_out_ = true;
        self->stream_.socket().cancel(ec);
      }
    });
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->read_timer_.cancel();
                       self->on_read(ec);
                     });
  }

  /// Answers a request, or the limit it broke.
  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof
        || ec == net::error::connection_reset)
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
    owner_.answer(req, [self = shared_from_this(), keep_alive](web_response r) {
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
    stream_.expires_after(owner_.settings_.read_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec,
                                                  size_t) {
                        if (!ec && self->response_.keep_alive())
                          self->read();
                        else
                          self->close();
                      });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  web_server::impl& owner_;
  net::steady_timer read_timer_;
  bool timed_out_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

} // namespace

void web_server::impl::answer(const web_request& req,
                              std::function<void(web_response)> send) {
  route_result result;
  try {
    auto reader = readers_.take();
    result = routes_.handle(req, *reader);
    readers_.give_back(std::move(reader));
  } catch (const database_error& e) {
    return send(error_response(503, e.what()));
  }
  if (auto* r = std::get_if<web_response>(&result))
    return send(std::move(*r));
  auto call = std::get<engine_call>(std::move(result));
  command_(call.line, [send, finish = call.finish](const std::string& answer) {
    send(finish(answer));
  });
}

void web_server::impl::accept() {
  acceptor_->async_accept(net::make_strand(ioc_), [this](beast::error_code ec,
                                                         tcp::socket socket) {
    if (ec == net::error::operation_aborted)
      return;
    if (!ec) {
      bool over_cap = counters_.open_connections.load()
                      >= settings_.max_connections;
      std::make_shared<session>(std::move(socket), *this)->start(over_cap);
    }
    accept();
  });
}

std::optional<std::string> web_server::impl::start() {
  beast::error_code ec;
  auto address = net::ip::make_address(settings_.address, ec);
  if (ec)
    return "'" + settings_.address + "' is not an IP address";
  tcp::endpoint ep{address, settings_.port};
  acceptor_ = std::make_unique<tcp::acceptor>(ioc_);
  acceptor_->open(ep.protocol(), ec);
  if (!ec)
    acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor_->bind(ep, ec);
  if (!ec)
    acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.reset();
    return "cannot listen on " + settings_.address + ":"
           + std::to_string(settings_.port) + ": " + ec.message();
  }
  auto host = address.is_v6() ? "[" + settings_.address + "]"
                              : settings_.address;
  url_ = "http://" + host + ":"
         + std::to_string(acceptor_->local_endpoint().port()) + "/";
  accept();
  for (size_t i = 0; i < std::max<size_t>(1, settings_.threads); ++i)
    threads_.emplace_back([this] { ioc_.run(); });
  return std::nullopt;
}

void web_server::impl::stop() {
  if (threads_.empty())
    return;
  net::post(ioc_, [this] {
    beast::error_code ec;
    acceptor_->close(ec);
  });
  ioc_.stop();
  for (auto& t : threads_)
    t.join();
  threads_.clear();
}

web_server::web_server(server_settings settings, run_command command,
                       std::function<int64_t()> now_ms)
  : impl_(std::make_unique<impl>(std::move(settings), std::move(command),
                                 std::move(now_ms))) {
}

web_server::~web_server() {
  impl_->stop();
}

std::optional<std::string> web_server::start() {
  return impl_->start();
}

void web_server::stop() {
  impl_->stop();
}

std::string web_server::url() const {
  return impl_->url_;
}

const web_counters& web_server::counters() const {
  return impl_->counters_;
}

bool basic_auth_ok(std::string_view header, const std::string& password) {
  constexpr std::string_view scheme = "Basic ";
  if (header.size() <= scheme.size() || header.substr(0, 6) != scheme)
    return false;
  auto encoded = header.substr(scheme.size());
  std::vector<unsigned char> decoded(encoded.size() + 3);
  int n = EVP_DecodeBlock(
    decoded.data(), reinterpret_cast<const unsigned char*>(encoded.data()),
    static_cast<int>(encoded.size()));
  if (n < 0)
    return false;
  // EVP_DecodeBlock counts the padding's zero bytes in.
  auto padding = encoded.size() - encoded.find_last_not_of('=') - 1;
  std::string_view plain{reinterpret_cast<const char*>(decoded.data()),
                         static_cast<size_t>(n) - std::min<size_t>(padding, 2)};
  auto colon = plain.find(':');
  if (colon == std::string_view::npos)
    return false;
  auto given = plain.substr(colon + 1);
  return given.size() == password.size()
         && CRYPTO_memcmp(given.data(), password.data(), password.size()) == 0;
}

bool is_loopback(const std::string& address) {
  beast::error_code ec;
  auto a = net::ip::make_address(address, ec);
  return !ec && a.is_loopback();
}

} // namespace keepa::web
