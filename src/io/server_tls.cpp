#include "io/server_tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace keepa {

namespace ssl = boost::asio::ssl;

namespace {

/// Why `path` cannot be opened for reading; empty when it can.
std::string unreadable(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    return std::strerror(errno);
  std::fclose(f);
  return "";
}

/// Declines to give a passphrase: an encrypted key fails to load instead
/// of prompting on the terminal.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

/// The private key in the PEM file `path`; null when there is none.
std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)>
read_key(const std::string& path) {
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key{nullptr, EVP_PKEY_free};
  std::unique_ptr<BIO, int (*)(BIO*)> bio{BIO_new_file(path.c_str(), "r"),
                                          BIO_free};
  if (bio)
    key.reset(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  return key;
}

} // namespace

std::variant<std::shared_ptr<ssl::context>, config_error>
server_tls_context(const std::string& cert_path, const std::string& key_path) {
  const std::string cert_key = "web.tls_cert";
  const std::string key_key = "web.tls_key";
  // Errors OpenSSL queued on this thread are never read: dropped on return.
  struct clear_errors {
    ~clear_errors() {
      ERR_clear_error();
    }
  } clear;
  if (auto why = unreadable(cert_path); !why.empty())
    return config_error{cert_key, "cannot read '" + cert_path + "': " + why};
  if (auto why = unreadable(key_path); !why.empty())
    return config_error{key_key, "cannot read '" + key_path + "': " + why};
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds
                   | ssl::context::no_compression
                   | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_path, ec);
  if (ec)
    return config_error{cert_key,
                        "'" + cert_path + "' holds no PEM certificate"};
  auto key = read_key(key_path);
  if (!key)
    return config_error{key_key, "'" + key_path
                                   + "' holds no unencrypted PEM private key"};
  if (X509_check_private_key(SSL_CTX_get0_certificate(ctx->native_handle()),
                             key.get())
        != 1
      || SSL_CTX_use_PrivateKey(ctx->native_handle(), key.get()) != 1)
    return config_error{key_key, "'" + key_path
                                   + "' does not match the certificate in '"
                                   + cert_path + "'"};
  return ctx;
}

} // namespace keepa
