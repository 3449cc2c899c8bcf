// ca.issue: the company CA issues a user's key and certificate (S/MIME BR
// mailbox-validated Strict profile, at most 825 days, linted before it is
// recorded) and packs them as a PKCS#12 with a generated password, for the
// administrator to hand over together with the CA certificate (.der). The
// password is in this reply only: it is never stored.
#include "ops/enrol_support.h"
#include "ops/ops.h"
#include "private_ca.h"

#include <openssl/crypto.h>

namespace inkan::protocol::ops {

Reply ca_issue(OpContext& ctx) {
  const Json& params = ctx.request.params;
  enrol::CaIssueRequest request;
  request.common_name = required_string(params, "common_name");
  request.email = required_string(params, "email");
  request.key_type = key_type_param(params);
  request.days = int_in(params, "days", 365, 1, enrol::kMaxUserCertificateDays);
  request.memo = string_param(params, "memo").value_or("");
  request.profile = bool_param(params, "legacy", false) ? store::Pkcs12Profile::legacy : store::Pkcs12Profile::modern;
  store::Store s = enrol_store(ctx);
  const auto ca = enrol::find_ca(s, string_param(params, "ca").value_or(""));
  enrol::CaIssueResult issued;
  {
    EngineTimer timer(ctx);
    issued = enrol::ca_issue(s, ca, request, ctx.now);
  }
  Reply reply;
  reply.result["issued"] = enrol::issued_json(issued.issued, ctx.now);
  reply.result["pkcs12"] = to_base64(issued.pkcs12);
  reply.result["file_name"] = issued.issued.email + ".p12";
  reply.result["password"] = issued.password;
  reply.result["profile"] = request.profile == store::Pkcs12Profile::legacy ? "legacy" : "modern";
  reply.result["ca_certificate"] = to_base64(certificate_der(ca.cert.get()));
  reply.result["ca"] = enrol::ca_json(ca);
  Json lint = x509::to_json(issued.lint, ctx.now);
  lint.erase("version");
  reply.result["lint"] = lint;
  OPENSSL_cleanse(issued.password.data(), issued.password.size());
  return reply;
}

}  // namespace inkan::protocol::ops
