#include "keys/credentials.h"

#include "error.h"
#include "io/source.h"
#include "keys/pkcs8_key.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"
#include "x509/cert.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

namespace inkan::keys {
namespace {

struct PasswordCallbackData {
  const std::optional<std::string>* password;
  bool asked = false;
};

int pem_password_cb(char* buf, int size, int /*rwflag*/, void* userdata) {
  auto* data = static_cast<PasswordCallbackData*>(userdata);
  data->asked = true;
  if (data->password == nullptr || !data->password->has_value()) return -1;
  const std::string& pw = **data->password;
  if (static_cast<int>(pw.size()) > size) return -1;
  std::copy(pw.begin(), pw.end(), buf);
  return static_cast<int>(pw.size());
}

// PFX ::= SEQUENCE { version INTEGER, authSafe ContentInfo, macData MacData OPTIONAL } (RFC 7292 §4).
bool is_pkcs12_structure(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ossl::Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  return p12 != nullptr;
}

void check_pair(const Credentials& c) {
  if (c.cert && c.key && X509_check_private_key(c.cert.get(), c.key.get()) != 1) {
    ERR_clear_error();
    throw Error(Errc::key_cert_mismatch);
  }
}

}  // namespace

bool looks_like_pkcs12(std::string_view bytes) {
  return !bytes.empty() && static_cast<unsigned char>(bytes[0]) == 0x30 &&
         bytes.find("-----BEGIN") == std::string_view::npos;
}

Credentials load_pkcs12(std::string_view der, const std::optional<std::string>& password) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  ossl::BioPtr bio(BIO_new_mem_buf(der.data(), static_cast<int>(der.size())));
  ossl::Pkcs12Ptr p12(d2i_PKCS12_bio(bio.get(), nullptr));
  if (!p12) ossl::throw_last(Errc::key_load_failed, "not a PKCS#12 file");

  // Try the given password; without one, try the empty and the absent password.
  std::vector<const char*> candidates;
  if (password) {
    candidates.push_back(password->c_str());
  } else {
    candidates.push_back("");
    candidates.push_back(nullptr);
  }
  const char* pass = nullptr;
  bool mac_ok = false;
  for (const char* c : candidates) {
    if (PKCS12_mac_present(p12.get()) == 0 || PKCS12_verify_mac(p12.get(), c, c == nullptr ? 0 : -1) == 1) {
      pass = c;
      mac_ok = true;
      break;
    }
  }
  ERR_clear_error();
  if (!mac_ok) throw Error(password ? Errc::bad_password : Errc::password_required);

  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  bool parsed = PKCS12_parse(p12.get(), pass, &key, &cert, &ca) == 1;
  if (!parsed && !ossl::ensure_legacy()) {  // RC2-40, DES: old exports need the legacy provider
    ERR_clear_error();
    parsed = PKCS12_parse(p12.get(), pass, &key, &cert, &ca) == 1;
  }
  if (!parsed) {
    const unsigned long err = ERR_peek_last_error();
    if (ERR_GET_REASON(err) == EVP_R_UNSUPPORTED_ALGORITHM || ERR_GET_REASON(err) == ERR_R_UNSUPPORTED) {
      ossl::throw_last(Errc::unsupported_algorithm, "PKCS#12 encryption");
    }
    ossl::throw_last(Errc::key_load_failed, "PKCS#12");
  }
  Credentials c;
  c.key.reset(key);
  c.cert.reset(cert);
  ossl::X509StackPtr chain(ca);
  for (int i = 0; chain && i < sk_X509_num(chain.get()); ++i) c.chain.push_back(ossl::up_ref(sk_X509_value(chain.get(), i)));
  if (!c.key) throw Error(Errc::key_load_failed, "PKCS#12 holds no private key");
  if (!c.cert) throw Error(Errc::cert_load_failed, "PKCS#12 holds no certificate for the key");
  check_pair(c);
  return c;
}

ossl::EvpPkeyPtr load_private_key(std::string_view bytes, const std::optional<std::string>& password) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  if (looks_like_pkcs12(bytes)) {
    // DER: PKCS#12, or else a plain PKCS#8 key.
    if (is_pkcs12_structure(bytes)) return std::move(load_pkcs12(bytes, password).key);
    if (ossl::EvpPkeyPtr key = read_pkcs8_der(bytes)) return key;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    if (EVP_PKEY* k = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(bytes.size()))) return ossl::EvpPkeyPtr(k);
    ERR_clear_error();
    return std::move(load_pkcs12(bytes, password).key);
  }
  if (ossl::EvpPkeyPtr key = read_pkcs8_pem(bytes)) return key;  // the usual form, read without decoders
  PasswordCallbackData data{&password};
  const auto read_pem = [&] {
    ossl::BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    return PEM_read_bio_PrivateKey(bio.get(), nullptr, pem_password_cb, &data);
  };
  EVP_PKEY* key = read_pem();
  if (key == nullptr && data.asked && password && !ossl::ensure_legacy()) {
    ERR_clear_error();  // an old PBES1 (DES, RC2) encryption: try again with the legacy provider
    key = read_pem();
  }
  if (key == nullptr) {
    if (data.asked) throw Error(password ? Errc::bad_password : Errc::password_required);
    ossl::throw_last(Errc::key_load_failed, "no private key in PEM");
  }
  return ossl::EvpPkeyPtr(key);
}

Credentials load_pem(std::string_view key_pem, std::string_view cert_pem, const std::optional<std::string>& password) {
  Credentials c;
  c.key = load_private_key(key_pem, password);
  auto certs = x509::parse_certificates(cert_pem.empty() ? key_pem : cert_pem);
  if (certs.empty() && !cert_pem.empty()) certs = x509::parse_certificates(key_pem);
  if (certs.empty()) throw Error(Errc::cert_load_failed, "no certificate found for the key");
  // The certificate that matches the key is the signer; the rest is chain.
  for (auto& cert : certs) {
    if (!c.cert && X509_check_private_key(cert.get(), c.key.get()) == 1) {
      c.cert = std::move(cert);
    } else {
      c.chain.push_back(std::move(cert));
    }
  }
  ERR_clear_error();
  if (!c.cert) throw Error(Errc::key_cert_mismatch);
  std::erase_if(c.chain, [](const ossl::X509Ptr& p) { return !p; });
  return c;
}

Credentials load_credentials(const std::string& key_path, const std::string& cert_path,
                             const std::optional<std::string>& password) {
  const std::string key_bytes = io::read_file(key_path);
  if (looks_like_pkcs12(key_bytes)) {
    // A PFX structure is recognised by its ASN.1 alone; trying it as a PKCS#8 key first would
    // run every key decoder OpenSSL has (a third of a small signature's instructions).
    ossl::EvpPkeyPtr raw;
    if (!is_pkcs12_structure(key_bytes)) {
      raw = read_pkcs8_der(key_bytes);
      if (!raw) {
        const auto* p = reinterpret_cast<const unsigned char*>(key_bytes.data());
        raw.reset(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(key_bytes.size())));
      }
      ERR_clear_error();
    }
    if (!raw) {
      Credentials c = load_pkcs12(key_bytes, password);
      if (!cert_path.empty()) {  // extra chain certificates
        for (auto& extra : x509::load_certificates(cert_path)) c.chain.push_back(std::move(extra));
      }
      return c;
    }
  }
  const std::string cert_bytes = cert_path.empty() ? std::string() : io::read_file(cert_path);
  return load_pem(key_bytes, cert_bytes, password);
}

}  // namespace inkan::keys
