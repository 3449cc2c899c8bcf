#include "ossl/library.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include <map>
#include <mutex>

namespace inkan::ossl {
namespace {

// Process-wide state. Its destructor runs before OpenSSL's own exit handler
// (which was registered while this object was being constructed), so
// everything is released and leak checkers stay quiet about OpenSSL.
class Library {
public:
  Library() {
    // Loading any provider explicitly disables the implicit default one: load it by name.
    m_default = OSSL_PROVIDER_load(nullptr, "default");
    // OpenSSL's default CTR-DRBG fetches AES, and the first cipher fetch builds the
    // provider's whole cipher table (~0.9 ms, a tenth of a small signature). The
    // Hash-DRBG (SP 800-90A, 256-bit strength) uses SHA-256, which every operation
    // fetches anyway. Set before the first random byte, as OpenSSL requires.
    RAND_set_DRBG_type(nullptr, "HASH-DRBG", nullptr, nullptr, "SHA256");
    ERR_clear_error();
  }
  ~Library() {
    for (auto& [nid, md] : m_digests) EVP_MD_free(md);
    if (m_legacy != nullptr) OSSL_PROVIDER_unload(m_legacy);
    if (m_default != nullptr) OSSL_PROVIDER_unload(m_default);
  }
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  bool legacy() {
    std::lock_guard<std::mutex> guard(m_lock);
    if (m_legacy_tried) return true;
    m_legacy_tried = true;
    m_legacy = OSSL_PROVIDER_load(nullptr, "legacy");  // optional: absent on some systems
    ERR_clear_error();
    return false;
  }

  const EVP_MD* digest(int nid) {
    std::lock_guard<std::mutex> guard(m_lock);
    const auto it = m_digests.find(nid);
    if (it != m_digests.end()) return it->second;
    EVP_MD* md = EVP_MD_fetch(nullptr, OBJ_nid2sn(nid), nullptr);
    ERR_clear_error();
    m_digests.emplace(nid, md);
    return md;
  }

private:
  OSSL_PROVIDER* m_default = nullptr;
  OSSL_PROVIDER* m_legacy = nullptr;
  bool m_legacy_tried = false;
  std::mutex m_lock;
  std::map<int, EVP_MD*> m_digests;
};

Library& library() {
  static Library lib;
  return lib;
}

}  // namespace

void ensure_initialized() { (void)library(); }

void skip_error_strings() { OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, nullptr); }

bool ensure_legacy() { return library().legacy(); }

const EVP_MD* digest_by_nid(int nid) { return library().digest(nid); }

const EVP_MD* sha1() { return digest_by_nid(NID_sha1); }
const EVP_MD* sha256() { return digest_by_nid(NID_sha256); }
const EVP_MD* sha384() { return digest_by_nid(NID_sha384); }
const EVP_MD* sha512() { return digest_by_nid(NID_sha512); }

}  // namespace inkan::ossl
