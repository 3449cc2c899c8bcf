// ca.join: the user's step for a company CA: imports the .p12 the
// administrator handed out (with its password) and trusts the company CA at
// the top of its chain, in one request. Every imported certificate is linted.
#include "ops/enrol_support.h"
#include "ops/ops.h"
#include "private_ca.h"
#include "store/key_bundle.h"
#include "store/store_json.h"
#include "x509/cert.h"

namespace inkan::protocol::ops {

Reply ca_join(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string p12 = read_small_input(ctx, required(params, "pkcs12"), "pkcs12");
  store::KeyBundle bundle = store::read_pkcs12(p12, string_param(params, "password"));
  store::Store s = enrol_store(ctx);
  store::ImportReport report;
  {
    EngineTimer timer(ctx);
    report = s.import_bundle(std::move(bundle), string_param(params, "file_name").value_or(""), ctx.now);
  }
  if (report.added.empty()) {
    throw Error(Errc::already_exists, report.already_present.empty() ? std::string() : report.already_present.front());
  }
  Json trusted = Json::array();
  if (bool_param(params, "trust", true)) {
    // The PEM goes along so the add-on can trust the same CA in Thunderbird's
    // own certificate store (it reads mail with it) without parsing the .p12.
    for (const auto& a : enrol::trust_issuing_cas(s, report, ctx.now)) {
      Json anchor = store::anchor_json(a, ctx.now);
      anchor["certificate"] = x509::to_pem(a.cert.get());
      trusted.push_back(std::move(anchor));
    }
  }
  Reply reply;
  reply.result["imported"] = import_result_json(report, ctx.now);
  reply.result["trusted"] = trusted;
  reply.result["lint"] = lint_list_json(report, lint_imported(report, ctx.now), ctx.now);
  return reply;
}

}  // namespace inkan::protocol::ops
