// Certificate path validation against the configured trust anchors, with
// every problem collected (not just the first) so verdicts can explain all.
#pragma once

#include "ossl/handles.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace inkan::x509 {

struct ChainCheck {
  bool ok = false;
  std::vector<int> errors;            ///< X509_V_ERR_* values, in the order met
  std::vector<ossl::X509Ptr> chain;   ///< leaf first, as far as it could be built
  bool revocation_unknown = false;    ///< a CRL was there but stale (expired, not yet valid)

  bool has(int error) const;
};

/**
 * The trust anchors. Chains find their anchor through an index by subject name
 * (an X509_LOOKUP), so adding anchors costs linear time and a verification
 * looks at the anchors named by its chain only. Anchors given as DER are not
 * even decoded until a chain names them: loading a thousand costs a thousand
 * subject names, not a thousand certificates.
 */
class TrustStore {
public:
  TrustStore();
  ~TrustStore();
  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  void add_anchor(ossl::X509Ptr cert);
  /** Adds an anchor by its DER; only its subject is read now. Throws CERT_LOAD_FAILED if that fails. */
  void add_anchor_der(std::string der);
  void add_crl(ossl::X509CrlPtr crl);
  bool empty() const;
  std::size_t size() const;
  /** Every anchor, decoded (those that fail to decode are left out). */
  std::vector<ossl::X509Ptr> anchors() const;

  /**
   * Validates leaf at time `at` for an X509_PURPOSE_* purpose. `untrusted`
   * are candidate intermediates (e.g. the certificates carried in a message);
   * `crls` add revocation data. Revocation is checked when a CRL from the
   * leaf's issuer is known. allow_sha1 accepts SHA-1 certificate signatures,
   * for the SHA-1 era mail the user chose to accept (MD5 and smaller stay refused).
   */
  ChainCheck check(X509* leaf, const std::vector<X509*>& untrusted, const std::vector<X509_CRL*>& crls,
                   std::int64_t at, int purpose, bool allow_sha1 = false) const;

  struct Index;  ///< anchors by subject name hash (stable address: the lookup points at it)

private:
  std::unique_ptr<Index> m_index;
  std::vector<ossl::X509CrlPtr> m_crls;
  ossl::X509StorePtr m_store;  // safe for concurrent verifications: the index locks itself
};

/** A short stable name for an X509_V_ERR_* value, e.g. "certificate-expired". */
const char* chain_error_name(int error);

}  // namespace inkan::x509
