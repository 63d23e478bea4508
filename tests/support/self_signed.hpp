#pragma once

// A self-signed certificate for 127.0.0.1 and localhost, made at test time
// with OpenSSL: nothing is committed and no `openssl` command is needed.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace keepa::test {

/// Writes PEM through `write` into the file `path`.
template <class Write>
void write_pem(const std::string& path, Write write) {
  std::unique_ptr<BIO, int (*)(BIO*)> bio{BIO_new_file(path.c_str(), "w"),
                                          BIO_free};
  if (!bio || write(bio.get()) != 1)
    throw std::runtime_error("cannot write " + path);
}

/// Writes a fresh P-256 key (`key_path`) and a certificate for it valid for
/// a day (`cert_path`), both PEM; with `passphrase`, the key is encrypted.
inline void write_self_signed(const std::string& cert_path,
                              const std::string& key_path,
                              const std::string& passphrase = "") {
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key{EVP_EC_gen("P-256"),
                                                     EVP_PKEY_free};
  std::unique_ptr<X509, void (*)(X509*)> cert{X509_new(), X509_free};
  if (!key || !cert)
    throw std::runtime_error("cannot make a key");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  auto* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(
    name, "CN", MBSTRING_ASC,
    reinterpret_cast<const unsigned char*>("keepa-ingest test"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, void (*)(X509_EXTENSION*)> san{
    X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name,
                        "IP:127.0.0.1,DNS:localhost"),
    X509_EXTENSION_free};
  if (!san || X509_add_ext(cert.get(), san.get(), -1) != 1
      || X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
    throw std::runtime_error("cannot sign a certificate");
  write_pem(cert_path,
            [&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
  write_pem(key_path, [&](BIO* bio) {
    if (passphrase.empty())
      return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0,
                                      nullptr, nullptr);
    return PEM_write_bio_PrivateKey(
      bio, key.get(), EVP_aes_128_cbc(),
      reinterpret_cast<const unsigned char*>(passphrase.data()),
      static_cast<int>(passphrase.size()), nullptr, nullptr);
  });
}

} // namespace keepa::test
