// cert.lint: a certificate against the S/MIME Baseline Requirements and what
// recipients' mail programs enforce, each finding explained in English and
// Japanese (docs/lint.md): the JSON of `inkan lint --json`. The certificate
// comes in the request (followed by its chain, if the file has one) or is
// one of the user's identities, with the chain the store keeps.
#include "mime/date.h"
#include "ops/ops.h"
#include "ops/store_access.h"
#include "x509/cert.h"
#include "x509/lint.h"

namespace inkan::protocol::ops {

Reply cert_lint(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const Json* input = member(params, "input");
  const auto fingerprint = string_param(params, "fingerprint");
  if ((input != nullptr) == fingerprint.has_value()) throw Error(Errc::bad_request, "give input or fingerprint");
  std::vector<ossl::X509Ptr> certs;
  if (input != nullptr) {
    certs = x509::parse_certificates(read_small_input(ctx, *input, "input"));
    if (certs.empty()) throw Error(Errc::cert_load_failed, "input: no certificate");
  } else {
    const store::Identity id = ctx.session.open_store(ctx.now).find_identity(*fingerprint);
    certs.push_back(ossl::up_ref(id.cert.get()));
    for (const auto& c : id.chain) certs.push_back(ossl::up_ref(c.get()));
  }
  for (auto& c : load_certs(ctx, member(params, "chain"), "chain")) certs.push_back(std::move(c));
  std::vector<X509*> chain;
  for (std::size_t i = 1; i < certs.size(); ++i) chain.push_back(certs[i].get());
  x509::LintOptions options;
  options.at = ctx.now;
  if (const auto at = string_param(params, "at")) {
    const auto t = mime::parse_iso8601(*at);
    if (!t) throw Error(Errc::bad_request, "at: not an ISO 8601 time");
    options.at = *t;
  }
  Reply reply;
  EngineTimer timer(ctx);
  reply.result = x509::to_json(x509::lint(certs.front().get(), chain, options), options.at);
  return reply;
}

}  // namespace inkan::protocol::ops
