#pragma once

// The deal board's TLS: a server context from the PEM files of [web]
// tls_cert and tls_key. The config check builds one to find a bad file
// before the engine starts; the board builds its own when it listens.

#include "io/config.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>
#include <variant>

namespace keepa {

/// A TLS 1.2+ server context holding the certificate chain in `cert_path`
/// and the unencrypted private key in `key_path`, or what is wrong, naming
/// `web.tls_cert` or `web.tls_key` and never a file's content.
std::variant<std::shared_ptr<boost::asio::ssl::context>, config_error>
server_tls_context(const std::string& cert_path, const std::string& key_path);

} // namespace keepa
