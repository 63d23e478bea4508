#include "mock/server.hpp"

#include "io/gzip.hpp"
#include "mock/handler.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace keepa::mock {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

enum class fault {
  none,
  http500,
  slow,
  reset,
  badjson,
  truncate,
  http200error
};

/// Unix milliseconds from the system clock.
int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

class server::impl {
public:
  explicit impl(options opts) : opts_(std::move(opts)), rng_(opts_.seed) {
    if (!opts_.clock_ms)
      opts_.clock_ms = system_ms;
    handler_ = std::make_unique<handler>(opts_, opts_.clock_ms());
  }

  uint16_t start();
  void stop();

  /// Draws the fault for one request (none for /_mock paths).
  fault draw(const std::string& target) {
    if (target.rfind("/_mock", 0) == 0)
      return fault::none;
    std::lock_guard<std::mutex> guard{rng_mutex_};
    auto x = std::uniform_real_distribution<double>{0, 1}(rng_);
    auto& f = opts_.faults;
    std::pair<double, fault> table[]
      = {{f.http500, fault::http500},   {f.slow, fault::slow},
         {f.reset, fault::reset},       {f.badjson, fault::badjson},
         {f.truncate, fault::truncate}, {f.http200error, fault::http200error}};
    for (auto& [p, kind] : table) {
      if (x < p)
        return kind;
      x -= p;
    }
    return fault::none;
  }

  options opts_;
  std::unique_ptr<handler> handler_;
  net::io_context ioc_{1};
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::thread thread_;
  std::mutex rng_mutex_;
  std::mt19937_64 rng_;
  bool running_ = false;

private:
  void accept();
};

namespace {

/// The endpoint name of a target, for the stats.
std::string endpoint_of(const std::string& target) {
  auto path = target.substr(0, target.find('?'));
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  return path == "/token" || path == "/product" || path == "/deal"
           ? path.substr(1)
           : "other";
}

/// One client connection: read a request, answer it, repeat while kept alive.
class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, server::impl& owner)
    : stream_(std::move(socket)),
      owner_(owner),
      timer_(stream_.get_executor()) {
  }

  void read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (!ec)
                         self->on_request();
                     });
  }

private:
  void on_request() {
    auto target = std::string{request_.target()};
    auto kind = owner_.draw(target);
    if (kind == fault::reset) {
      owner_.handler_->count_fault(endpoint_of(target), 0);
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.socket().close(ec);
      return;
    }
    if (kind == fault::slow) {
      timer_.expires_after(std::chrono::milliseconds{owner_.opts_.slow_ms});
      timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec)
          self->answer(fault::none);
      });
      return;
    }
    answer(kind);
  }

  /// Builds the answer (or the injected fault) and writes it.
  void answer(fault kind) {
    auto target = std::string{request_.target()};
    auto now = owner_.opts_.clock_ms();
    http_answer a;
    switch (kind) {
      case fault::http500:
        owner_.handler_->count_fault(endpoint_of(target), 500);
        a = {500, "<html><body>500 Internal Server Error</body></html>"};
        break;
      case fault::http200error:
        owner_.handler_->count_fault(endpoint_of(target), 200);
        a = owner_.handler_->item_error(now, "injected fault");
        break;
      default:
        a = owner_.handler_->handle(
          http_call{std::string{request_.method_string()}, target,
                    request_.body()},
          now);
    }
    if (kind == fault::badjson) {
      owner_.handler_->note_fault();
      a = {200, "<html>this is not JSON</html>"};
    }
    if (kind == fault::truncate) {
      owner_.handler_->note_fault();
      a.status = 200;
      a.body.resize(a.body.size() / 2);
    }
    auto& res = response_;
    res = {};
    res.version(request_.version());
    res.result(static_cast<http::status>(a.status));
    res.set(http::field::server, "mock-keepa");
    res.set(http::field::content_type, "application/json;charset=UTF-8");
    res.keep_alive(request_.keep_alive());
    auto accept = std::string{request_[http::field::accept_encoding]};
    if (accept.find("gzip") != std::string::npos) {
      res.set(http::field::content_encoding, "gzip");
      res.body() = gzip_compress(a.body);
    } else {
      res.body() = std::move(a.body);
    }
    res.prepare_payload();
    http::async_write(
      stream_, res, [self = shared_from_this()](beast::error_code ec, size_t) {
        if (ec)
          return;
        if (self->response_.keep_alive())
          self->read();
        else
          self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
      });
  }

  beast::tcp_stream stream_;
  server::impl& owner_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

} // namespace

void server::impl::accept() {
  acceptor_->async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec)
      return;
    std::make_shared<session>(std::move(socket), *this)->read();
    accept();
  });
}

uint16_t server::impl::start() {
  tcp::endpoint ep{net::ip::make_address(opts_.bind), opts_.port};
  acceptor_ = std::make_unique<tcp::acceptor>(ioc_);
  beast::error_code ec;
  acceptor_->open(ep.protocol(), ec);
  if (!ec)
    acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor_->bind(ep, ec);
  if (!ec)
    acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error{"mock-keepa: cannot listen on " + opts_.bind + ":"
                             + std::to_string(opts_.port) + ": "
                             + ec.message()};
  accept();
  running_ = true;
  thread_ = std::thread{[this] { ioc_.run(); }};
  return acceptor_->local_endpoint().port();
}

void server::impl::stop() {
  if (!running_)
    return;
  running_ = false;
  net::post(ioc_, [this] {
    beast::error_code ec;
    acceptor_->close(ec);
  });
  ioc_.stop();
  thread_.join();
}

server::server(options opts) : impl_(std::make_unique<impl>(std::move(opts))) {
}

server::~server() {
  impl_->stop();
}

uint16_t server::start() {
  return impl_->start();
}

void server::stop() {
  impl_->stop();
}

stats_snapshot server::stats() const {
  return impl_->handler_->stats(impl_->opts_.clock_ms());
}

std::string server::stats_json() const {
  return impl_->handler_->stats_json(impl_->opts_.clock_ms());
}

void server::set_refill_rate(int64_t per_min) {
  impl_->handler_->set_refill_rate(per_min);
}

std::optional<fault_rates> parse_faults(const std::string& spec,
                                        std::string& error) {
  fault_rates out;
  std::stringstream in{spec};
  std::string part;
  while (std::getline(in, part, ',')) {
    auto colon = part.find(':');
    if (colon == std::string::npos) {
      error = "'" + part + "' is not NAME:PROBABILITY";
      return std::nullopt;
    }
    auto name = part.substr(0, colon);
    double p = 0;
    try {
      size_t used = 0;
      p = std::stod(part.substr(colon + 1), &used);
      if (used != part.size() - colon - 1 || p < 0 || p > 1)
        throw std::invalid_argument{part};
    } catch (const std::exception&) {
      error = "'" + part + "': the probability must be from 0 to 1";
      return std::nullopt;
    }
    double* slot = name == "500"            ? &out.http500
                   : name == "slow"         ? &out.slow
                   : name == "reset"        ? &out.reset
                   : name == "badjson"      ? &out.badjson
                   : name == "truncate"     ? &out.truncate
                   : name == "http200error" ? &out.http200error
                                            : nullptr;
    if (!slot) {
      error = "unknown fault '" + name
              + "' (500, slow, reset, badjson, truncate, http200error)";
      return std::nullopt;
    }
    *slot = p;
  }
  return out;
}

} // namespace keepa::mock
