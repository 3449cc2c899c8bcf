// Certificate path validation against the configured trust anchors, with
// every problem collected (not just the first) so verdicts can explain all.
#pragma once

#include "ossl/handles.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace inkan::x509 {

/// Chain errors Inkan adds to OpenSSL's X509_V_ERR_* values (chosen beyond their range).
inline constexpr int kErrRootDistrustedAfter = 0x10001;   ///< leaf issued after its anchor's distrust-after date
inline constexpr int kErrCertificateDistrusted = 0x10002; ///< the path contains an explicitly distrusted certificate

/** What an anchor carries beyond its certificate. */
struct AnchorPolicy {
  /// NSS's CKA_NSS_EMAIL_DISTRUST_AFTER (a partial distrust, e.g. TrustCor in NSS 3.86):
  /// leaves whose notBefore is later than this are not trusted under the anchor.
  std::optional<std::int64_t> email_distrust_after;
};

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

  /** Adds an anchor; the same certificate twice keeps the stricter distrust-after date. */
  void add_anchor(ossl::X509Ptr cert, AnchorPolicy policy = {});
  /** The same by DER; only its subject is read now. Throws CERT_LOAD_FAILED if that fails. */
  void add_anchor_der(std::string der, AnchorPolicy policy = {});
  /** A certificate no path may contain, as anchor, intermediate or leaf (NSS: CKT_NSS_NOT_TRUSTED). */
  void add_distrusted(ossl::X509Ptr cert);
  /**
   * The same by issuer and serial number, for distrust entries that come without the
   * certificate (NSS trust objects may name only CKA_ISSUER and CKA_SERIAL_NUMBER).
   * issuer_der: the DER Name; serial_der: the DER INTEGER (tag and length included).
   */
  void add_distrusted(std::string issuer_der, std::string serial_der);
  /** The same by SHA-256 fingerprint (lower-case hex), for a user's distrust entry kept without its certificate. */
  void add_distrusted_fingerprint(std::string sha256_hex);
  void add_crl(ossl::X509CrlPtr crl);
  bool empty() const;
  std::size_t size() const;
  /** Every anchor, decoded (those that fail to decode are left out). */
  std::vector<ossl::X509Ptr> anchors() const;
  const std::vector<ossl::X509Ptr>& distrusted() const { return m_distrusted; }
  /** The policy of an anchor (nullptr if cert is not one). */
  const AnchorPolicy* policy_of(X509* cert) const;
  bool is_distrusted(X509* cert) const;

  /**
   * Validates leaf at time `at` for an X509_PURPOSE_* purpose. `untrusted`
   * are candidate intermediates (e.g. the certificates carried in a message);
   * `crls` add revocation data. Revocation is checked when a CRL from the
   * leaf's issuer is known. allow_sha1 accepts SHA-1 certificate signatures,
   * for the SHA-1 era mail the user chose to accept (MD5 and smaller stay refused).
   * Beyond OpenSSL's checks: an explicitly distrusted certificate anywhere in the path
   * (kErrCertificateDistrusted), and a leaf issued after its anchor's e-mail
   * distrust-after date (kErrRootDistrustedAfter).
   */
  ChainCheck check(X509* leaf, const std::vector<X509*>& untrusted, const std::vector<X509_CRL*>& crls,
                   std::int64_t at, int purpose, bool allow_sha1 = false) const;

  struct Index;  ///< anchors by subject name hash (stable address: the lookup points at it)

private:
  void add(std::string der, ossl::X509Ptr cert, unsigned long name_hash, AnchorPolicy policy);
  void check_policies(X509* leaf, ChainCheck& result) const;

  std::unique_ptr<Index> m_index;
  std::vector<ossl::X509Ptr> m_distrusted;
  std::vector<std::pair<std::string, std::string>> m_distrusted_serials;  // issuer DER, serial DER
  std::vector<std::string> m_distrusted_fingerprints;                     // SHA-256, lower-case hex
  std::vector<ossl::X509CrlPtr> m_crls;
  ossl::X509StorePtr m_store;  // safe for concurrent verifications: the index locks itself
};

/** A short stable name for an X509_V_ERR_* value, e.g. "certificate-expired". */
const char* chain_error_name(int error);

}  // namespace inkan::x509
