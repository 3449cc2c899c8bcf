#include "x509/trust.h"

#include "error.h"
#include "ossl/error_queue.h"
#include "x509/cert.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace inkan::x509 {
namespace {

struct Collector {
  std::vector<int>* errors;
  bool allow_sha1;
  bool* revocation_unknown;
};

// Security level 1 refuses SHA-1 certificate signatures (63 bits in OpenSSL 3).
bool accepted_sha1(X509_STORE_CTX* ctx, const Collector& c, int err) {
  if (!c.allow_sha1 || err != X509_V_ERR_CA_MD_TOO_WEAK) return false;
  int md = NID_undef;
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  return cert != nullptr && X509_get_signature_info(cert, &md, nullptr, nullptr, nullptr) == 1 && md == NID_sha1;
}

// Missing or stale revocation data is not a failure of the chain: without a CRL
// for some level there is nothing to check (it is reported separately).
bool revocation_unknown(int err) {
  return err == X509_V_ERR_UNABLE_TO_GET_CRL || err == X509_V_ERR_CRL_HAS_EXPIRED ||
         err == X509_V_ERR_CRL_NOT_YET_VALID || err == X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER;
}

int collect_errors(int ok, X509_STORE_CTX* ctx) {
  if (ok == 0) {
    const auto* c = static_cast<const Collector*>(X509_STORE_CTX_get_app_data(ctx));
    const int err = X509_STORE_CTX_get_error(ctx);
    if (revocation_unknown(err)) {
      if (c != nullptr && err != X509_V_ERR_UNABLE_TO_GET_CRL) *c->revocation_unknown = true;
      return 1;
    }
    if (c != nullptr && !accepted_sha1(ctx, *c, err) &&
        std::find(c->errors->begin(), c->errors->end(), err) == c->errors->end()) {
      c->errors->push_back(err);
    }
  }
  return 1;  // keep going: we want every problem, not only the first
}

// The subject Name of a DER certificate, found by walking the TBSCertificate (RFC 5280
// §4.1): [0] version, serialNumber, signature, issuer, validity, then subject.
std::optional<std::string_view> subject_of(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* const end = p + der.size();
  long len = 0;
  int tag = 0;
  int cls = 0;
  // Reads one header at p (within limit); DER only: no indefinite lengths.
  const auto header = [&](const unsigned char* limit) {
    const int r = ASN1_get_object(&p, &len, &tag, &cls, limit - p);
    return (r & 0x80) == 0 && r != 0x21 && len >= 0 && len <= limit - p;
  };
  if (!header(end) || tag != V_ASN1_SEQUENCE) return std::nullopt;  // Certificate
  const unsigned char* const cert_end = p + len;
  if (!header(cert_end) || tag != V_ASN1_SEQUENCE) return std::nullopt;  // TBSCertificate
  const unsigned char* const tbs_end = p + len;
  const unsigned char* field = p;
  if (!header(tbs_end)) return std::nullopt;
  if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0) {  // version
    p += len;
    field = p;
    if (!header(tbs_end)) return std::nullopt;
  }
  for (int skipped = 0; skipped < 4; ++skipped) {  // serial, signature, issuer, validity
    p += len;
    field = p;
    if (!header(tbs_end)) return std::nullopt;
  }
  if (tag != V_ASN1_SEQUENCE) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(field), static_cast<std::size_t>(p + len - field));
}

unsigned long name_hash(const X509_NAME* name) {
  int ok = 0;
  const unsigned long h = X509_NAME_hash_ex(name, nullptr, nullptr, &ok);
  return ok != 0 ? h : 0;
}

}  // namespace

struct TrustStore::Index {
  struct Anchor {
    std::string der;      ///< the certificate as given (also what tells two anchors apart)
    ossl::X509Ptr cert;   ///< decoded on first use
    AnchorPolicy policy;
    bool unreadable = false;
    bool in_store = false;
  };

  X509* decoded(Anchor& a) {
    if (!a.cert && !a.unreadable) {
      const auto* p = reinterpret_cast<const unsigned char*>(a.der.data());
      a.cert.reset(d2i_X509(nullptr, &p, static_cast<long>(a.der.size())));
      a.unreadable = !a.cert;
      ERR_clear_error();
    }
    return a.cert.get();
  }

  /** The anchor with this DER, if there is one (under the lock). */
  Anchor* find(unsigned long hash, const std::string& der) {
    const auto [begin, end] = by_name.equal_range(hash);
    for (auto it = begin; it != end; ++it) {
      if (anchors[it->second].der == der) return &anchors[it->second];
    }
    return nullptr;
  }

  std::mutex lock;
  std::deque<Anchor> anchors;  // a deque: policy_of hands out pointers that later adds must not move
  std::unordered_multimap<unsigned long, std::size_t> by_name;
};

namespace {

// X509_LOOKUP get_by_subject: the anchors with that subject go into the store (where
// chain building looks for them), one of them is the answer.
int anchors_by_subject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name, X509_OBJECT* ret) {
  if (type != X509_LU_X509 || name == nullptr) return 0;
  auto* index = static_cast<TrustStore::Index*>(X509_LOOKUP_get_method_data(lookup));
  X509_STORE* store = X509_LOOKUP_get_store(lookup);
  if (index == nullptr || store == nullptr) return 0;
  X509* first = nullptr;
  {
    std::lock_guard<std::mutex> guard(index->lock);
    const auto [begin, end] = index->by_name.equal_range(name_hash(name));
    for (auto it = begin; it != end; ++it) {
      auto& anchor = index->anchors[it->second];
      X509* cert = index->decoded(anchor);
      if (cert == nullptr || X509_NAME_cmp(X509_get_subject_name(cert), name) != 0) continue;
      if (!anchor.in_store) {
        X509_STORE_add_cert(store, cert);
        anchor.in_store = true;
      }
      if (first == nullptr) first = cert;
    }
  }
  ERR_clear_error();
  if (first == nullptr || X509_OBJECT_set1_X509(ret, first) != 1) return 0;
  // The caller takes its own reference to what we return and never drops the one set1 took.
  X509_free(first);
  return 1;
}

struct LookupMethod {
  LookupMethod() {
    method = X509_LOOKUP_meth_new("inkan trust anchors");
    if (method != nullptr) X509_LOOKUP_meth_set_get_by_subject(method, anchors_by_subject);
  }
  ~LookupMethod() { X509_LOOKUP_meth_free(method); }
  LookupMethod(const LookupMethod&) = delete;
  LookupMethod& operator=(const LookupMethod&) = delete;
  X509_LOOKUP_METHOD* method = nullptr;
};

X509_LOOKUP_METHOD* lookup_method() {
  static const LookupMethod m;
  return m.method;
}

}  // namespace

bool ChainCheck::has(int error) const { return std::find(errors.begin(), errors.end(), error) != errors.end(); }

TrustStore::TrustStore() : m_index(std::make_unique<Index>()), m_store(X509_STORE_new()) {
  X509_LOOKUP* lookup = m_store ? X509_STORE_add_lookup(m_store.get(), lookup_method()) : nullptr;
  if (lookup == nullptr || X509_LOOKUP_set_method_data(lookup, m_index.get()) != 1) {
    ERR_clear_error();
    throw Error(Errc::internal, "trust store");
  }
}

TrustStore::~TrustStore() = default;
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;

void TrustStore::add(std::string der, ossl::X509Ptr cert, unsigned long hash, AnchorPolicy policy) {
  std::lock_guard<std::mutex> guard(m_index->lock);
  if (Index::Anchor* same = m_index->find(hash, der)) {
    // The same root from two sources: the stricter distrust-after date wins.
    auto& known = same->policy.email_distrust_after;
    if (policy.email_distrust_after && (!known || *policy.email_distrust_after < *known)) {
      known = policy.email_distrust_after;
    }
    return;
  }
  m_index->by_name.emplace(hash, m_index->anchors.size());
  m_index->anchors.push_back(Index::Anchor{std::move(der), std::move(cert), policy});
}

void TrustStore::add_anchor(ossl::X509Ptr cert, AnchorPolicy policy) {
  if (!cert) return;
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  std::string bytes(len > 0 ? reinterpret_cast<const char*>(der) : "", static_cast<std::size_t>(std::max(len, 0)));
  OPENSSL_free(der);
  const unsigned long hash = name_hash(X509_get_subject_name(cert.get()));
  ERR_clear_error();
  add(std::move(bytes), std::move(cert), hash, policy);
}

void TrustStore::add_anchor_der(std::string der, AnchorPolicy policy) {
  ossl::ClearErrorsOnExit clear;
  const auto subject = subject_of(der);
  if (!subject) throw Error(Errc::cert_load_failed, "not a certificate");
  const auto* p = reinterpret_cast<const unsigned char*>(subject->data());
  ossl::Ptr<X509_NAME, X509_NAME_free> name(d2i_X509_NAME(nullptr, &p, static_cast<long>(subject->size())));
  if (!name) throw Error(Errc::cert_load_failed, "unreadable subject name");
  add(std::move(der), nullptr, name_hash(name.get()), policy);
}

void TrustStore::add_distrusted(ossl::X509Ptr cert) {
  if (!is_distrusted(cert.get())) m_distrusted.push_back(std::move(cert));
}

void TrustStore::add_distrusted(std::string issuer_der, std::string serial_der) {
  m_distrusted_serials.emplace_back(std::move(issuer_der), std::move(serial_der));
}

void TrustStore::add_distrusted_fingerprint(std::string sha256_hex) {
  m_distrusted_fingerprints.push_back(std::move(sha256_hex));
}

const AnchorPolicy* TrustStore::policy_of(X509* cert) const {
  const unsigned long hash = name_hash(X509_get_subject_name(cert));
  std::lock_guard<std::mutex> guard(m_index->lock);
  const auto [begin, end] = m_index->by_name.equal_range(hash);
  for (auto it = begin; it != end; ++it) {
    auto& anchor = m_index->anchors[it->second];
    X509* known = m_index->decoded(anchor);
    if (known != nullptr && X509_cmp(known, cert) == 0) return &anchor.policy;
  }
  return nullptr;
}

bool TrustStore::is_distrusted(X509* cert) const {
  if (std::any_of(m_distrusted.begin(), m_distrusted.end(),
                  [&](const ossl::X509Ptr& d) { return X509_cmp(d.get(), cert) == 0; })) {
    return true;
  }
  if (!m_distrusted_fingerprints.empty() &&
      std::find(m_distrusted_fingerprints.begin(), m_distrusted_fingerprints.end(), fingerprint_sha256(cert)) !=
          m_distrusted_fingerprints.end()) {
    return true;
  }
  if (m_distrusted_serials.empty()) return false;
  const auto der = [](auto* obj, auto encode) {
    unsigned char* out = nullptr;
    const int len = encode(obj, &out);
    std::string s(len > 0 ? reinterpret_cast<const char*>(out) : "", static_cast<std::size_t>(std::max(len, 0)));
    OPENSSL_free(out);
    return s;
  };
  const std::string issuer = der(X509_get_issuer_name(cert), i2d_X509_NAME);
  const std::string serial = der(X509_get0_serialNumber(cert), i2d_ASN1_INTEGER);
  return std::any_of(m_distrusted_serials.begin(), m_distrusted_serials.end(),
                     [&](const auto& d) { return d.first == issuer && d.second == serial; });
}

void TrustStore::add_crl(ossl::X509CrlPtr crl) { m_crls.push_back(std::move(crl)); }

bool TrustStore::empty() const { return size() == 0; }

std::size_t TrustStore::size() const {
  std::lock_guard<std::mutex> guard(m_index->lock);
  return m_index->anchors.size();
}

std::vector<ossl::X509Ptr> TrustStore::anchors() const {
  std::vector<ossl::X509Ptr> out;
  std::lock_guard<std::mutex> guard(m_index->lock);
  for (auto& a : m_index->anchors) {
    if (X509* cert = m_index->decoded(a)) out.push_back(ossl::up_ref(cert));
  }
  return out;
}

// What OpenSSL cannot know: explicit distrust and NSS's partial distrust of a root.
void TrustStore::check_policies(X509* leaf, ChainCheck& result) const {
  const auto add_error = [&](int err) {
    if (!result.has(err)) result.errors.push_back(err);
  };
  if (is_distrusted(leaf)) add_error(kErrCertificateDistrusted);
  for (const auto& c : result.chain) {
    if (is_distrusted(c.get())) add_error(kErrCertificateDistrusted);
  }
  if (result.chain.empty()) return;
  const AnchorPolicy* policy = policy_of(result.chain.back().get());
  if (policy == nullptr || !policy->email_distrust_after) return;
  // NSS (mozilla::pkix's trust domain): distrusted when the end-entity's notBefore is after the date.
  const auto not_before = to_epoch(X509_get0_notBefore(leaf));
  if (!not_before || *not_before > *policy->email_distrust_after) add_error(kErrRootDistrustedAfter);
}

ChainCheck TrustStore::check(X509* leaf, const std::vector<X509*>& untrusted, const std::vector<X509_CRL*>& crls,
                             std::int64_t at, int purpose, bool allow_sha1) const {
  ossl::ClearErrorsOnExit clear;
  ChainCheck result;
  ossl::X509StackPtr chain_in(sk_X509_new_null());
  for (X509* c : untrusted) {
    if (c != leaf) sk_X509_push(chain_in.get(), ossl::up_ref(c).release());
  }
  ossl::CrlStackPtr all_crls(sk_X509_CRL_new_null());
  const auto add_crl = [&](X509_CRL* crl) {
    X509_CRL_up_ref(crl);
    sk_X509_CRL_push(all_crls.get(), crl);
  };
  for (const auto& c : m_crls) add_crl(c.get());
  for (X509_CRL* c : crls) add_crl(c);

  ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), m_store.get(), leaf, chain_in.get()) != 1) {
    result.errors.push_back(X509_V_ERR_UNSPECIFIED);
    return result;
  }
  Collector collector{&result.errors, allow_sha1, &result.revocation_unknown};
  X509_STORE_CTX_set_app_data(ctx.get(), &collector);
  X509_STORE_CTX_set_verify_cb(ctx.get(), collect_errors);
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(at));
  X509_STORE_CTX_set0_crls(ctx.get(), all_crls.get());
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;  // a user-trusted intermediate is an anchor too
  // Every level is checked against the CRLs known (a revoked intermediate revokes all below it);
  // levels without a CRL are skipped by collect_errors.
  if (sk_X509_CRL_num(all_crls.get()) > 0) flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
  X509_VERIFY_PARAM_set_flags(param, flags);
  X509_VERIFY_PARAM_set_auth_level(param, 1);

  const int rc = X509_verify_cert(ctx.get());
  if (STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get())) {
    for (int i = 0; i < sk_X509_num(built); ++i) result.chain.push_back(ossl::up_ref(sk_X509_value(built, i)));
  }
  if (rc <= 0 && result.errors.empty()) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    result.errors.push_back(err != X509_V_OK ? err : X509_V_ERR_UNSPECIFIED);
  }
  check_policies(leaf, result);
  result.ok = rc > 0 && result.errors.empty();
  return result;
}

const char* chain_error_name(int error) {
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED: return "certificate-expired";
    case X509_V_ERR_CERT_NOT_YET_VALID: return "certificate-not-yet-valid";
    case X509_V_ERR_CERT_REVOKED: return "certificate-revoked";
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return "issuer-unknown";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "root-not-trusted";
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED: return "not-trusted";
    case X509_V_ERR_INVALID_PURPOSE: return "wrong-certificate-purpose";
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE: return "chain-signature-invalid";
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK: return "chain-weak-crypto";
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_UNABLE_TO_GET_CRL: return "revocation-unknown";
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN: return "invalid-ca";
    case X509_V_ERR_CERT_CHAIN_TOO_LONG: return "chain-too-long";
    case kErrRootDistrustedAfter: return "root-distrusted-after";
    case kErrCertificateDistrusted: return "certificate-distrusted";
    default: return "chain-invalid";
  }
}

}  // namespace inkan::x509
