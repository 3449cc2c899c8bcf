// Certificate path validation against the configured trust anchors, with
// every problem collected (not just the first) so verdicts can explain all.
#pragma once

#include "ossl/handles.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace inkan::x509 {

struct ChainCheck {
  bool ok = false;
  std::vector<int> errors;            ///< X509_V_ERR_* values, in the order met
  std::vector<ossl::X509Ptr> chain;   ///< leaf first, as far as it could be built
  bool revocation_unknown = false;    ///< a CRL was there but stale (expired, not yet valid)

  bool has(int error) const;
};

class TrustStore {
public:
  void add_anchor(ossl::X509Ptr cert);
  void add_crl(ossl::X509CrlPtr crl);
  bool empty() const { return m_anchors.empty(); }
  const std::vector<ossl::X509Ptr>& anchors() const { return m_anchors; }

  /**
   * Validates leaf at time `at` for an X509_PURPOSE_* purpose. `untrusted`
   * are candidate intermediates (e.g. the certificates carried in a message);
   * `crls` add revocation data. Revocation is checked when a CRL from the
   * leaf's issuer is known. allow_sha1 accepts SHA-1 certificate signatures,
   * for the SHA-1 era mail the user chose to accept (MD5 and smaller stay refused).
   */
  ChainCheck check(X509* leaf, const std::vector<X509*>& untrusted, const std::vector<X509_CRL*>& crls,
                   std::int64_t at, int purpose, bool allow_sha1 = false) const;

private:
  std::vector<ossl::X509Ptr> m_anchors;
  std::vector<ossl::X509CrlPtr> m_crls;
  ossl::X509StorePtr m_store{X509_STORE_new()};  // safe for concurrent verifications once filled
};

/** A short stable name for an X509_V_ERR_* value, e.g. "certificate-expired". */
const char* chain_error_name(int error);

}  // namespace inkan::x509
