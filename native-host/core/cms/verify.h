// Checks every SignerInfo of a SignedData: digest, signature, signed
// attributes, algorithms, and the signer's certificate path. Message-level
// rules (From, Date, MIME structure) belong to smime/.
#pragma once

#include "ossl/handles.h"
#include "verdict.h"
#include "x509/trust.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace inkan::cms {

struct VerifyContext {
  const x509::TrustStore* trust = nullptr;
  std::vector<X509*> extra_certs;     ///< e.g. certificates the user supplied
  std::vector<X509_CRL*> extra_crls;
  std::int64_t at = 0;                ///< verification time ("now")
  bool allow_sha1 = false;
};

/** Digests of the signed content, per digest NID; more than one candidate is allowed. */
using ContentDigests = std::map<int, std::vector<std::string>>;

/** The distinct digest algorithms (NIDs) the signers use. */
std::vector<int> digest_nids(CMS_ContentInfo* cms);

/** Computes the digests of an in-memory content for the given NIDs (unknown NIDs are skipped). */
ContentDigests digest_content(std::string_view content, const std::vector<int>& nids);

/** Incremental version for streamed content. */
class ContentHasher {
public:
  explicit ContentHasher(const std::vector<int>& nids);
  void update(std::string_view data);
  ContentDigests finish();

private:
  std::vector<std::pair<int, ossl::EvpMdCtxPtr>> m_ctx;
};

/** Verifies all signers. An empty result means the SignedData has no signers (certs-only). */
std::vector<SignerVerdict> verify_signers(CMS_ContentInfo* cms, const ContentDigests& digests,
                                          const VerifyContext& ctx);

/** Summaries of all certificates carried in a SignedData. */
std::vector<x509::CertSummary> carried_certificates(CMS_ContentInfo* cms);

/** Parses DER/BER CMS; throws CMS_MALFORMED. */
ossl::CmsPtr parse_cms(std::string_view der);

}  // namespace inkan::cms
