// The verification settings verify and decrypt share: trust anchors, CRLs,
// extra certificates, time, SHA-1 — owned together with what they point to.
#pragma once

#include "ops/support.h"
#include "smime/analyse.h"

namespace inkan::protocol::ops {

struct VerdictOptions {
  explicit VerdictOptions(OpContext& ctx);
  VerdictOptions(const VerdictOptions&) = delete;
  VerdictOptions& operator=(const VerdictOptions&) = delete;

  x509::TrustStore trust;
  std::vector<ossl::X509Ptr> extra;
  smime::AnalyseOptions options;  ///< points into the members above
};

}  // namespace inkan::protocol::ops
