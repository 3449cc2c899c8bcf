#include "ossl/library.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/provider.h>

#include <map>
#include <mutex>

namespace inkan::ossl {
namespace {

std::once_flag g_once;

struct Digests {
  std::mutex lock;
  std::map<int, EVP_MD*> by_nid;
};

Digests& digests() {
  static Digests d;  // leaked on purpose at exit: providers may already be gone
  return d;
}

}  // namespace

void ensure_initialized() {
  std::call_once(g_once, [] {
    // Loading any provider explicitly disables the implicit default one, so load both.
    OSSL_PROVIDER_load(nullptr, "default");
    OSSL_PROVIDER_load(nullptr, "legacy");  // optional: absent on some systems
    ERR_clear_error();
  });
}

const EVP_MD* digest_by_nid(int nid) {
  ensure_initialized();
  auto& d = digests();
  std::lock_guard<std::mutex> guard(d.lock);
  const auto it = d.by_nid.find(nid);
  if (it != d.by_nid.end()) return it->second;
  EVP_MD* md = EVP_MD_fetch(nullptr, OBJ_nid2sn(nid), nullptr);
  ERR_clear_error();
  d.by_nid.emplace(nid, md);
  return md;
}

const EVP_MD* sha1() { return digest_by_nid(NID_sha1); }
const EVP_MD* sha256() { return digest_by_nid(NID_sha256); }
const EVP_MD* sha384() { return digest_by_nid(NID_sha384); }
const EVP_MD* sha512() { return digest_by_nid(NID_sha512); }

}  // namespace inkan::ossl
