#include "x509/trust.h"

#include "ossl/error_queue.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <algorithm>

namespace inkan::x509 {
namespace {

int collect_errors(int ok, X509_STORE_CTX* ctx) {
  if (ok == 0) {
    auto* errors = static_cast<std::vector<int>*>(X509_STORE_CTX_get_app_data(ctx));
    const int err = X509_STORE_CTX_get_error(ctx);
    if (errors != nullptr && std::find(errors->begin(), errors->end(), err) == errors->end()) {
      errors->push_back(err);
    }
  }
  return 1;  // keep going: we want every problem, not only the first
}

}  // namespace

bool ChainCheck::has(int error) const { return std::find(errors.begin(), errors.end(), error) != errors.end(); }

void TrustStore::add_anchor(ossl::X509Ptr cert) {
  X509_STORE_add_cert(m_store.get(), cert.get());
  ERR_clear_error();  // a duplicate is harmless
  m_anchors.push_back(std::move(cert));
}

void TrustStore::add_crl(ossl::X509CrlPtr crl) { m_crls.push_back(std::move(crl)); }

ChainCheck TrustStore::check(X509* leaf, const std::vector<X509*>& untrusted, const std::vector<X509_CRL*>& crls,
                             std::int64_t at, int purpose) const {
  ossl::ClearErrorsOnExit clear;
  ChainCheck result;
  ossl::X509StackPtr chain_in(sk_X509_new_null());
  for (X509* c : untrusted) {
    if (c != leaf) sk_X509_push(chain_in.get(), X509_dup(c));
  }
  ossl::CrlStackPtr all_crls(sk_X509_CRL_new_null());
  bool have_leaf_crl = false;
  const auto add_crl = [&](X509_CRL* crl) {
    X509_CRL_up_ref(crl);
    sk_X509_CRL_push(all_crls.get(), crl);
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(leaf)) == 0) have_leaf_crl = true;
  };
  for (const auto& c : m_crls) add_crl(c.get());
  for (X509_CRL* c : crls) add_crl(c);

  ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), m_store.get(), leaf, chain_in.get()) != 1) {
    result.errors.push_back(X509_V_ERR_UNSPECIFIED);
    return result;
  }
  X509_STORE_CTX_set_app_data(ctx.get(), &result.errors);
  X509_STORE_CTX_set_verify_cb(ctx.get(), collect_errors);
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(at));
  X509_STORE_CTX_set0_crls(ctx.get(), all_crls.get());
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;  // a user-trusted intermediate is an anchor too
  if (have_leaf_crl) flags |= X509_V_FLAG_CRL_CHECK;
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
    default: return "chain-invalid";
  }
}

}  // namespace inkan::x509
