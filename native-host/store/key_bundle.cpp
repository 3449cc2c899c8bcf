#include "store/key_bundle.h"

#include "error.h"
#include "keys/credentials.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"
#include "x509/cert.h"

#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>

#include <algorithm>

namespace inkan::store {
namespace {

// The password as OpenSSL's PKCS#12 functions want it: NULL with length 0 is
// the absent password, which some writers use instead of the empty one.
struct Pass {
  const char* text = nullptr;
  int length = 0;
};

bool is_unsupported(unsigned long err) {
  const int reason = ERR_GET_REASON(err);
  return reason == EVP_R_UNSUPPORTED_ALGORITHM || reason == ERR_R_UNSUPPORTED ||
         reason == EVP_R_UNSUPPORTED_CIPHER || reason == EVP_R_UNKNOWN_CIPHER ||
         reason == EVP_R_UNSUPPORTED_KEY_DERIVATION_FUNCTION || reason == EVP_R_UNSUPPORTED_PRF;
}

// A bag that does not decrypt: a wrong password when there was no MAC to say so
// first, an algorithm OpenSSL does not run, or damage.
[[noreturn]] void bag_failed(bool mac_checked, const char* what) {
  const unsigned long err = ERR_peek_last_error();
  if (is_unsupported(err)) ossl::throw_last(Errc::unsupported_algorithm, std::string("PKCS#12 ") + what);
  if (!mac_checked) {
    ERR_clear_error();
    throw Error(Errc::bad_password, std::string("PKCS#12 ") + what + " does not decrypt");
  }
  ossl::throw_last(Errc::key_load_failed, std::string("PKCS#12 ") + what);
}

struct Collected {
  std::vector<ossl::EvpPkeyPtr> keys;
  std::vector<ossl::X509Ptr> certs;
};

void collect_bags(const STACK_OF(PKCS12_SAFEBAG) * bags, const Pass& pass, bool mac_checked, Collected& out,
                  int depth) {
  if (depth > 8) throw Error(Errc::key_load_failed, "PKCS#12 safe contents nested too deeply");
  for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
    const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, i);
    switch (PKCS12_SAFEBAG_get_nid(bag)) {
      case NID_keyBag: {
        ossl::EvpPkeyPtr key(EVP_PKCS82PKEY_ex(PKCS12_SAFEBAG_get0_p8inf(bag), nullptr, nullptr));
        if (!key) ossl::throw_last(Errc::key_load_failed, "PKCS#12 key bag");
        out.keys.push_back(std::move(key));
        break;
      }
      case NID_pkcs8ShroudedKeyBag: {
        ossl::Pkcs8InfoPtr info(PKCS12_decrypt_skey_ex(bag, pass.text, pass.length, nullptr, nullptr));
        if (!info) bag_failed(mac_checked, "key bag");
        ossl::EvpPkeyPtr key(EVP_PKCS82PKEY_ex(info.get(), nullptr, nullptr));
        if (!key) ossl::throw_last(Errc::key_load_failed, "PKCS#12 key bag");
        out.keys.push_back(std::move(key));
        break;
      }
      case NID_certBag:
        if (PKCS12_SAFEBAG_get_bag_nid(bag) == NID_x509Certificate) {
          ossl::X509Ptr cert(PKCS12_SAFEBAG_get1_cert(bag));
          if (!cert) ossl::throw_last(Errc::cert_load_failed, "PKCS#12 certificate bag");
          out.certs.push_back(std::move(cert));
        }
        break;
      case NID_safeContentsBag:
        collect_bags(PKCS12_SAFEBAG_get0_safes(bag), pass, mac_checked, out, depth + 1);
        break;
      default:
        break;  // CRL and secret bags: nothing for the store
    }
  }
}

bool same_cert(X509* a, X509* b) { return X509_cmp(a, b) == 0; }

void add_unique(std::vector<ossl::X509Ptr>& pool, ossl::X509Ptr cert) {
  if (std::none_of(pool.begin(), pool.end(), [&](const ossl::X509Ptr& c) { return same_cert(c.get(), cert.get()); })) {
    pool.push_back(std::move(cert));
  }
}

bool key_matches(EVP_PKEY* key, X509* cert) {
  EVP_PKEY* pub = X509_get0_pubkey(cert);
  const bool match = pub != nullptr && EVP_PKEY_eq(pub, key) == 1;
  ERR_clear_error();
  return match;
}

// Pairs every key with every certificate of its public key (a file may carry a
// renewed certificate for the same key); the rest are the chain pool.
KeyBundle pair_up(std::string format, std::vector<ossl::EvpPkeyPtr> keys, std::vector<ossl::X509Ptr> certs) {
  KeyBundle bundle;
  bundle.format = std::move(format);
  std::vector<ossl::X509Ptr> pool;
  for (auto& c : certs) add_unique(pool, std::move(c));
  std::vector<bool> used(pool.size(), false);
  for (auto& key : keys) {
    bool paired = false;
    for (std::size_t i = 0; i < pool.size(); ++i) {
      if (!key_matches(key.get(), pool[i].get())) continue;
      used[i] = true;
      paired = true;
      KeyPair pair;
      pair.key = ossl::up_ref(key.get());
      pair.cert = ossl::up_ref(pool[i].get());
      bundle.pairs.push_back(std::move(pair));
    }
    if (!paired) ++bundle.keys_without_certificate;
  }
  std::vector<ossl::X509Ptr> rest;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    if (!used[i]) rest.push_back(ossl::up_ref(pool[i].get()));
  }
  for (auto& pair : bundle.pairs) pair.chain = chain_from_pool(pair.cert.get(), rest);
  bundle.unpaired_certs = std::move(rest);
  ERR_clear_error();
  return bundle;
}

bool pass_opens_mac(PKCS12* p12, const Pass& pass) {
  const bool ok = PKCS12_verify_mac(p12, pass.text, pass.length) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace

std::vector<ossl::X509Ptr> chain_from_pool(X509* leaf, const std::vector<ossl::X509Ptr>& pool) {
  std::vector<ossl::X509Ptr> chain;
  X509* current = leaf;
  for (std::size_t step = 0; step < pool.size(); ++step) {
    if (X509_check_issued(current, current) == X509_V_OK) break;  // self-signed: the top
    X509* issuer = nullptr;
    for (const auto& c : pool) {
      const bool seen = same_cert(c.get(), leaf) || std::any_of(chain.begin(), chain.end(), [&](const ossl::X509Ptr& x) {
                          return same_cert(x.get(), c.get());
                        });
      if (!seen && X509_check_issued(c.get(), current) == X509_V_OK) {
        issuer = c.get();
        break;
      }
    }
    if (issuer == nullptr) break;
    chain.push_back(ossl::up_ref(issuer));
    current = issuer;
  }
  ERR_clear_error();
  return chain;
}

KeyBundle read_pkcs12(std::string_view der, const std::optional<std::string>& password) {
  ossl::ensure_initialized();
  ossl::ensure_legacy();  // old exports (RC2-40 certificate safes) need it; imports are rare, load it first
  ossl::ClearErrorsOnExit clear;
  ossl::BioPtr bio(BIO_new_mem_buf(der.data(), static_cast<int>(der.size())));
  ossl::Pkcs12Ptr p12(d2i_PKCS12_bio(bio.get(), nullptr));
  if (!p12) throw Error(Errc::unknown_format, "not PKCS#12");

  // As `openssl pkcs12` does: a given empty password also tries the absent one.
  std::vector<Pass> candidates;
  if (password) candidates.push_back({password->c_str(), static_cast<int>(password->size())});
  if (!password || password->empty()) {
    if (!password) candidates.push_back({"", 0});
    candidates.push_back({nullptr, 0});
  }
  Pass pass = candidates.front();
  const bool has_mac = PKCS12_mac_present(p12.get()) == 1;
  if (has_mac) {
    const auto it = std::find_if(candidates.begin(), candidates.end(),
                                 [&](const Pass& p) { return pass_opens_mac(p12.get(), p); });
    if (it == candidates.end()) throw Error(password ? Errc::bad_password : Errc::password_required, "PKCS#12");
    pass = *it;
  }

  ossl::Pkcs7StackPtr safes(PKCS12_unpack_authsafes(p12.get()));
  if (!safes) ossl::throw_last(Errc::key_load_failed, "PKCS#12 contents");
  Collected collected;
  for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
    PKCS7* p7 = sk_PKCS7_value(safes.get(), i);
    const int nid = OBJ_obj2nid(p7->type);
    ossl::SafebagStackPtr bags;
    if (nid == NID_pkcs7_data) {
      bags.reset(PKCS12_unpack_p7data(p7));
    } else if (nid == NID_pkcs7_encrypted) {
      bags.reset(PKCS12_unpack_p7encdata(p7, pass.text, pass.length));
      if (!bags) bag_failed(has_mac, "certificate safe");
    } else {
      throw Error(Errc::unsupported_algorithm, "PKCS#12 safe of type " + std::string(OBJ_nid2sn(nid)));
    }
    if (!bags) ossl::throw_last(Errc::key_load_failed, "PKCS#12 safe contents");
    collect_bags(bags.get(), pass, has_mac, collected, 0);
  }
  KeyBundle bundle = pair_up("pkcs12", std::move(collected.keys), std::move(collected.certs));
  if (bundle.pairs.empty()) {
    throw Error(bundle.keys_without_certificate > 0 ? Errc::cert_load_failed : Errc::key_load_failed,
                bundle.keys_without_certificate > 0 ? "PKCS#12 holds no certificate for its key"
                                                    : "PKCS#12 holds no private key");
  }
  return bundle;
}

KeyBundle read_key_file(std::string_view bytes, std::vector<ossl::X509Ptr> extra_certs,
                        const std::optional<std::string>& password) {
  ossl::ensure_initialized();
  ossl::ensure_legacy();  // keys under old PBES1 (DES, RC2) encryption
  const bool pem = bytes.find("-----BEGIN") != std::string_view::npos;
  if (!pem && keys::looks_like_pkcs12(bytes)) {
    ossl::BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    ossl::Pkcs12Ptr p12(d2i_PKCS12_bio(bio.get(), nullptr));
    ERR_clear_error();
    if (p12) {
      KeyBundle bundle = read_pkcs12(bytes, password);
      if (!extra_certs.empty()) {
        for (auto& pair : bundle.pairs) {
          if (!pair.chain.empty()) continue;
          pair.chain = chain_from_pool(pair.cert.get(), extra_certs);
        }
      }
      return bundle;
    }
  }
  std::vector<ossl::EvpPkeyPtr> keys;
  if (pem && bytes.find("PRIVATE KEY-----") != std::string_view::npos) {
    keys.push_back(keys::load_private_key(bytes, password));
  }
  auto certs = x509::parse_certificates(bytes);
  for (auto& c : extra_certs) certs.push_back(std::move(c));
  if (keys.empty() && certs.empty()) {
    throw Error(Errc::unknown_format, "neither PKCS#12 nor PEM/DER keys and certificates");
  }
  std::string format = keys.empty() ? "certificates" : "pem";
  KeyBundle bundle = pair_up(std::move(format), std::move(keys), std::move(certs));
  if (bundle.format == "pem" && bundle.pairs.empty()) {
    throw Error(Errc::key_cert_mismatch, "no certificate in the files belongs to the private key");
  }
  return bundle;
}

}  // namespace inkan::store
