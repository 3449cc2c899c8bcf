#include "x509/trust.h"

#include "ossl/error_queue.h"
#include "x509/cert.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <algorithm>

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

}  // namespace

bool ChainCheck::has(int error) const { return std::find(errors.begin(), errors.end(), error) != errors.end(); }

void TrustStore::add_anchor(ossl::X509Ptr cert, AnchorPolicy policy) {
  const auto same = std::find_if(m_anchors.begin(), m_anchors.end(),
                                 [&](const ossl::X509Ptr& a) { return X509_cmp(a.get(), cert.get()) == 0; });
  if (same != m_anchors.end()) {
    // The same root from two sources: the stricter distrust-after date wins.
    auto& known = m_policies[static_cast<std::size_t>(same - m_anchors.begin())].email_distrust_after;
    if (policy.email_distrust_after && (!known || *policy.email_distrust_after < *known)) {
      known = policy.email_distrust_after;
    }
    return;
  }
  X509_STORE_add_cert(m_store.get(), cert.get());
  ERR_clear_error();
  m_anchors.push_back(std::move(cert));
  m_policies.push_back(policy);
}

void TrustStore::add_distrusted(ossl::X509Ptr cert) {
  if (!is_distrusted(cert.get())) m_distrusted.push_back(std::move(cert));
}

const AnchorPolicy* TrustStore::policy_of(X509* cert) const {
  for (std::size_t i = 0; i < m_anchors.size(); ++i) {
    if (X509_cmp(m_anchors[i].get(), cert) == 0) return &m_policies[i];
  }
  return nullptr;
}

void TrustStore::add_distrusted(std::string issuer_der, std::string serial_der) {
  m_distrusted_serials.emplace_back(std::move(issuer_der), std::move(serial_der));
}

void TrustStore::add_distrusted_fingerprint(std::string sha256_hex) {
  m_distrusted_fingerprints.push_back(std::move(sha256_hex));
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

// What OpenSSL cannot know: explicit distrust and NSS's partial distrust of a root.
void TrustStore::check_policies(X509* leaf, ChainCheck& result) const {
  const auto add = [&](int err) {
    if (!result.has(err)) result.errors.push_back(err);
  };
  if (is_distrusted(leaf)) add(kErrCertificateDistrusted);
  for (const auto& c : result.chain) {
    if (is_distrusted(c.get())) add(kErrCertificateDistrusted);
  }
  if (result.chain.empty()) return;
  const AnchorPolicy* policy = policy_of(result.chain.back().get());
  if (policy == nullptr || !policy->email_distrust_after) return;
  // NSS (mozilla::pkix's trust domain): distrusted when the end-entity's notBefore is after the date.
  const auto not_before = to_epoch(X509_get0_notBefore(leaf));
  if (!not_before || *not_before > *policy->email_distrust_after) add(kErrRootDistrustedAfter);
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
