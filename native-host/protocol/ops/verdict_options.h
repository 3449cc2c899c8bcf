// The verification settings verify and decrypt share: trust anchors (the
// request's `trust`, else the store's: Mozilla's e-mail roots + the user's
// anchors - distrust), CRLs, extra certificates, time, SHA-1 — owned together
// with what they point to.
#pragma once

#include "ops/support.h"
#include "smime/analyse.h"

#include <memory>

namespace inkan::protocol::ops {

struct VerdictOptions {
  explicit VerdictOptions(OpContext& ctx);
  VerdictOptions(const VerdictOptions&) = delete;
  VerdictOptions& operator=(const VerdictOptions&) = delete;

  x509::TrustStore given;                        ///< the request's `trust` (and `crls`), when it has one
  std::shared_ptr<const x509::TrustStore> kept;  ///< else the session's store anchors
  std::vector<ossl::X509CrlPtr> crls;            ///< `crls` beside the store anchors
  std::vector<ossl::X509Ptr> extra;
  smime::AnalyseOptions options;  ///< points into the members above
};

}  // namespace inkan::protocol::ops
