#include "io/http_client.hpp"

#include "io/gzip.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <atomic>
#include <cctype>
#include <map>
#include <optional>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace keepa {

namespace {

constexpr const char* user_agent = "keepa-ingest/0.1";

/// Where a request goes: scheme, host, port, and the path with its query.
struct target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path_and_query;

  std::string origin() const {
    return (tls ? "https://" : "http://") + host + ":" + port;
  }
};

std::optional<target> parse_target(const std::string& url, std::string& error) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    error = "malformed URL";
    return std::nullopt;
  }
  auto& u = *parsed;
  target t;
  if (u.scheme_id() == boost::urls::scheme::https) {
    t.tls = true;
  } else if (u.scheme_id() != boost::urls::scheme::http) {
    error = "URL scheme is neither http nor https";
    return std::nullopt;
  }
  t.host = u.host_address();
  if (t.host.empty()) {
    error = "URL has no host";
    return std::nullopt;
  }
  t.port = u.has_port() ? std::string{u.port()} : (t.tls ? "443" : "80");
  t.path_and_query = u.encoded_path().empty() ? "/"
                                              : std::string{u.encoded_path()};
  if (u.has_query())
    t.path_and_query += "?" + std::string{u.encoded_query()};
  return t;
}

/// A TCP or TLS stream plus its read buffer, kept alive between requests.
struct connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  connection(net::io_context& ioc, ssl::context* tls_context) {
    if (tls_context != nullptr)
      tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(
        ioc, *tls_context);
    else
      plain = std::make_unique<beast::tcp_stream>(ioc);
  }

  beast::tcp_stream& lowest() {
    return tls ? beast::get_lowest_layer(*tls) : *plain;
  }

  /// Calls `f` with the stream to read and write: TLS or plain.
  template <class F>
  void with_stream(F&& f) {
    if (tls)
      f(*tls);
    else
      f(*plain);
  }
};

/// A reused connection that the server closed while idle fails this way;
/// the request never reached the server, so one retry is safe.
bool is_stale_connection_error(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof
         || ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

} // namespace

// -- the shared part: io thread, TLS context, idle pool
// ------------------------

class http_client::impl {
public:
  explicit impl(options opts)
    : opts_(opts),
      tls_context_(ssl::context::tls_client),
      work_(net::make_work_guard(ioc_)) {
    tls_context_.set_default_verify_paths();
    tls_context_.set_verify_mode(opts.verify_peer ? ssl::verify_peer
                                                  : ssl::verify_none);
    thread_ = std::thread{[this] { ioc_.run(); }};
  }

  ~impl() {
    work_.reset();
    ioc_.stop();
    thread_.join();
  }

  net::io_context& ioc() {
    return ioc_;
  }

  ssl::context& tls_context() {
    return tls_context_;
  }

  const options& opts() const {
    return opts_;
  }

  /// An open idle connection to `origin`, or null. Io thread only.
  std::unique_ptr<connection> take_idle(const std::string& origin) {
    auto& pool = idle_[origin];
    while (!pool.empty()) {
      auto conn = std::move(pool.back());
      pool.pop_back();
      if (conn->lowest().socket().is_open())
        return conn;
    }
    return nullptr;
  }

  /// Keeps `conn` for the next request to `origin`. Io thread only.
  void give_back(const std::string& origin, std::unique_ptr<connection> conn) {
    auto& pool = idle_[origin];
    if (pool.size() < opts_.max_idle_per_origin)
      pool.push_back(std::move(conn));
  }

  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> connections_opened{0};
  std::atomic<uint64_t> reused{0};
  std::atomic<uint64_t> failures{0};

private:
  options opts_;
  net::io_context ioc_;
  ssl::context tls_context_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;
  std::thread thread_;
};

namespace {

// -- one request/response exchange
// ---------------------------------------------

class exchange : public std::enable_shared_from_this<exchange> {
public:
  exchange(http_client::impl& owner, target where, http_request req,
           http_handler done)
    : owner_(owner),
      where_(std::move(where)),
      req_(std::move(req)),
      done_(std::move(done)),
      resolver_(owner.ioc()),
      deadline_(owner.ioc()) {
  }

  /// Arms the deadline, then sends on an idle connection or a new one.
  void start() {
    deadline_.expires_after(req_.timeout);
    deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec)
        self->on_deadline();
    });
    conn_ = owner_.take_idle(where_.origin());
    if (conn_) {
      reused_ = true;
      ++owner_.reused;
      write();
    } else {
      open();
    }
  }

private:
  void on_deadline() {
    if (finished_)
      return;
    timed_out_ = true;
    resolver_.cancel();
    if (conn_)
      conn_->lowest().socket().close();
  }

  void open() {
    reused_ = false;
    ++owner_.connections_opened;
    conn_ = std::make_unique<connection>(
      owner_.ioc(), where_.tls ? &owner_.tls_context() : nullptr);
    if (conn_->tls) {
      SSL_set_tlsext_host_name(conn_->tls->native_handle(),
                               where_.host.c_str());
      if (owner_.opts().verify_peer)
        conn_->tls->set_verify_callback(
          ssl::host_name_verification(where_.host));
    }
    resolver_.async_resolve(
      where_.host, where_.port,
      [self = shared_from_this()](beast::error_code ec,
                                  tcp::resolver::results_type results) {
        if (ec)
          return self->fail("resolve", ec);
        self->conn_->lowest().async_connect(
          results, [self](beast::error_code ec, const tcp::endpoint&) {
            if (ec)
              return self->fail("connect", ec);
            self->handshake();
          });
      });
  }

  void handshake() {
    if (!conn_->tls)
      return write();
    conn_->tls->async_handshake(
      ssl::stream_base::client,
      [self = shared_from_this()](beast::error_code ec) {
        if (ec)
          return self->fail("TLS handshake", ec);
        self->write();
      });
  }

  void write() {
    message_ = {};
    message_.method(req_.method == "POST" ? http::verb::post : http::verb::get);
    message_.target(where_.path_and_query);
    message_.version(11);
    message_.set(http::field::host, where_.host);
    message_.set(http::field::user_agent, user_agent);
    message_.set(http::field::accept_encoding, "gzip");
    message_.set(http::field::connection, "keep-alive");
    for (auto& [name, value] : req_.headers)
      message_.set(name, value);
    if (message_.method() == http::verb::post) {
      message_.set(http::field::content_type, req_.content_type);
      message_.body() = req_.body;
    }
    message_.prepare_payload();
    conn_->with_stream([this](auto& stream) {
      http::async_write(stream, message_,
                        [self = shared_from_this()](beast::error_code ec,
                                                    size_t) {
                          if (ec)
                            return self->retry_or_fail("write", ec);
                          self->read();
                        });
    });
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(owner_.opts().body_limit);
    conn_->with_stream([this](auto& stream) {
      http::async_read(stream, conn_->buffer, *parser_,
                       [self = shared_from_this()](beast::error_code ec,
                                                   size_t) {
                         if (ec)
                           return self->retry_or_fail("read", ec);
                         self->on_response();
                       });
    });
  }

  void retry_or_fail(const char* step, const beast::error_code& ec) {
    if (reused_ && !retried_ && !timed_out_ && is_stale_connection_error(ec)) {
      retried_ = true;
      conn_.reset();
      return open();
    }
    fail(step, ec);
  }

  void on_response() {
    auto res = parser_->release();
    http_response out;
    out.status = static_cast<int>(res.result_int());
    out.reused_connection = reused_;
    for (auto& field : res) {
      std::string name{field.name_string()};
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string{field.value()};
    }
    if (beast::iequals(res[http::field::content_encoding], "gzip")) {
      if (auto inflated = gzip_decompress(res.body(), owner_.opts().body_limit))
        out.body = std::move(*inflated);
      else
        out.error = "corrupt or truncated gzip body";
    } else {
      out.body = std::move(res.body());
    }
    if (res.keep_alive())
      owner_.give_back(where_.origin(), std::move(conn_));
    finish(std::move(out));
  }

  void fail(const char* step, const beast::error_code& ec) {
    ++owner_.failures;
    http_response out;
    out.timed_out = timed_out_;
    out.reused_connection = reused_;
    out.error = timed_out_ ? std::string{"timeout after "}
                               + std::to_string(req_.timeout.count()) + " ms"
                           : std::string{step} + ": " + ec.message();
    out.error += " (" + where_.host + ":" + where_.port + ")";
    conn_.reset();
    finish(std::move(out));
  }

  void finish(http_response out) {
    finished_ = true;
    deadline_.cancel();
    if (auto done = std::move(done_)) {
      done_ = nullptr;
      done(std::move(out));
    }
  }

  http_client::impl& owner_;
  target where_;
  http_request req_;
  http_handler done_;
  tcp::resolver resolver_;
  net::steady_timer deadline_;
  std::unique_ptr<connection> conn_;
  http::request<http::string_body> message_;
  std::optional<http::response_parser<http::string_body>> parser_;
  bool reused_ = false;
  bool retried_ = false;
  bool timed_out_ = false;
  bool finished_ = false;
};

} // namespace

// -- the public face
// -----------------------------------------------------------

http_client::http_client() : http_client(options{}) {
}

http_client::http_client(options opts) : impl_(std::make_unique<impl>(opts)) {
}

http_client::~http_client() = default;

void http_client::async_send(http_request req, http_handler done) {
  ++impl_->requests;
  net::post(impl_->ioc(), [owner = impl_.get(), req = std::move(req),
                           done = std::move(done)]() mutable {
    std::string error;
    auto where = parse_target(req.url, error);
    if (!where) {
      ++owner->failures;
      http_response out;
      out.error = error;
      return done(std::move(out));
    }
    std::make_shared<exchange>(*owner, std::move(*where), std::move(req),
                               std::move(done))
      ->start();
  });
}

http_client_stats http_client::stats() const {
  return {impl_->requests.load(), impl_->connections_opened.load(),
          impl_->reused.load(), impl_->failures.load()};
}

} // namespace keepa
