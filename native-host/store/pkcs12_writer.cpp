#include "store/pkcs12_writer.h"

#include "error.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"

#include <openssl/err.h>
#include <openssl/pkcs12.h>

namespace inkan::store {
namespace {

void add_cert_bag(STACK_OF(PKCS12_SAFEBAG) * *bags, X509* cert, const unsigned char* key_id, unsigned key_id_len,
                  const std::string& name) {
  PKCS12_SAFEBAG* bag = PKCS12_add_cert(bags, cert);
  if (bag == nullptr) ossl::throw_last(Errc::internal, "PKCS#12 certificate bag");
  if (key_id != nullptr && PKCS12_add_localkeyid(bag, const_cast<unsigned char*>(key_id), static_cast<int>(key_id_len)) != 1) {
    ossl::throw_last(Errc::internal, "PKCS#12 localKeyID");
  }
  if (!name.empty() && PKCS12_add_friendlyname_utf8(bag, name.c_str(), static_cast<int>(name.size())) != 1) {
    ossl::throw_last(Errc::internal, "PKCS#12 friendlyName");
  }
}

}  // namespace

std::string write_pkcs12(const std::vector<Pkcs12Entry>& entries, const std::vector<X509*>& chain,
                         const std::string& password, Pkcs12Profile profile) {
  if (password.empty()) throw Error(Errc::usage, "a PKCS#12 file needs a password");
  if (entries.empty()) throw Error(Errc::internal, "nothing to export");
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  const bool modern = profile == Pkcs12Profile::modern;
  // A cipher NID asks OpenSSL for PBES2 with that cipher; a PBE NID for the PKCS#12 v1 scheme.
  const int nid = modern ? NID_aes_256_cbc : NID_pbe_WithSHA1And3_Key_TripleDES_CBC;
  const int iterations = modern ? kModernIterations : kLegacyIterations;

  ossl::SafebagStackPtr cert_bags(sk_PKCS12_SAFEBAG_new_null());
  ossl::SafebagStackPtr key_bags(sk_PKCS12_SAFEBAG_new_null());
  STACK_OF(PKCS12_SAFEBAG)* certs_raw = cert_bags.get();
  STACK_OF(PKCS12_SAFEBAG)* keys_raw = key_bags.get();
  for (const auto& e : entries) {
    // localKeyID = SHA-1 of the certificate, as OpenSSL, NSS and Windows write it.
    unsigned char id[EVP_MAX_MD_SIZE];
    unsigned id_len = 0;
    if (X509_digest(e.cert, EVP_sha1(), id, &id_len) != 1) ossl::throw_last(Errc::internal, "certificate digest");
    add_cert_bag(&certs_raw, e.cert, id, id_len, e.friendly_name);
    PKCS12_SAFEBAG* bag = PKCS12_add_key_ex(&keys_raw, e.key, 0, iterations, nid, password.c_str(), nullptr, nullptr);
    if (bag == nullptr) ossl::throw_last(Errc::internal, "PKCS#12 key bag");
    if (PKCS12_add_localkeyid(bag, id, static_cast<int>(id_len)) != 1) ossl::throw_last(Errc::internal, "PKCS#12 localKeyID");
    if (!e.friendly_name.empty() &&
        PKCS12_add_friendlyname_utf8(bag, e.friendly_name.c_str(), static_cast<int>(e.friendly_name.size())) != 1) {
      ossl::throw_last(Errc::internal, "PKCS#12 friendlyName");
    }
  }
  for (X509* c : chain) add_cert_bag(&certs_raw, c, nullptr, 0, {});

  ossl::Pkcs7StackPtr safes(sk_PKCS7_new_null());
  STACK_OF(PKCS7)* safes_raw = safes.get();
  // Certificates in an encrypted safe; the (already shrouded) keys in a plain one, as OpenSSL and NSS do.
  if (PKCS12_add_safe_ex(&safes_raw, certs_raw, nid, iterations, password.c_str(), nullptr, nullptr) != 1 ||
      PKCS12_add_safe_ex(&safes_raw, keys_raw, -1, 0, nullptr, nullptr, nullptr) != 1) {
    ossl::throw_last(Errc::internal, "PKCS#12 safes");
  }
  ossl::Pkcs12Ptr p12(PKCS12_add_safes_ex(safes_raw, 0, nullptr, nullptr));
  if (!p12) ossl::throw_last(Errc::internal, "PKCS#12");
  const EVP_MD* mac_md = modern ? ossl::sha256() : ossl::sha1();
  if (PKCS12_set_mac(p12.get(), password.c_str(), -1, nullptr, modern ? 16 : 8, iterations, mac_md) != 1) {
    ossl::throw_last(Errc::internal, "PKCS#12 MAC");
  }
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (i2d_PKCS12_bio(out.get(), p12.get()) != 1) ossl::throw_last(Errc::internal, "PKCS#12 encoding");
  char* data = nullptr;
  const long n = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace inkan::store
