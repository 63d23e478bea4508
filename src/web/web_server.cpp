#include "web/web_server.hpp"

#include "io/database.hpp"
#include "io/server_tls.hpp"
#include "web/server_impl.hpp"
#include "web/session.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <vector>

namespace keepa::web {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

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
  acceptor_->async_accept(net::make_strand(ioc_),
                          [this](beast::error_code ec, tcp::socket socket) {
                            if (ec == net::error::operation_aborted)
                              return;
                            if (!ec) {
                              bool over_cap = counters_.open_connections.load()
                                              >= settings_.max_connections;
                              serve(std::move(socket), *this, over_cap);
                            }
                            accept();
                          });
}

std::optional<std::string> web_server::impl::start() {
  beast::error_code ec;
  auto address = net::ip::make_address(settings_.address, ec);
  if (ec)
    return "'" + settings_.address + "' is not an IP address";
  if (!settings_.tls_cert.empty()) {
    auto tls = server_tls_context(settings_.tls_cert, settings_.tls_key);
    if (auto* err = std::get_if<config_error>(&tls))
      return err->what();
    tls_ = std::get<0>(std::move(tls));
  }
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
  url_ = (tls_ ? "https://" : "http://") + host + ":"
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
