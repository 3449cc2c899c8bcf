// csr.import: the certificate a CA returned for a CSR made by csr.create
// (PEM or DER, the chain may follow it). It is bound to its waiting key (found
// by the certificate's public key), becomes an identity, and is linted, so the
// wizard can explain any problem before the user relies on it. NO_IDENTITY
// when no waiting key (or stored key) matches.
#include "ops/enrol_support.h"
#include "ops/ops.h"
#include "store/key_bundle.h"

namespace inkan::protocol::ops {

Reply csr_import(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string bytes = read_small_input(ctx, required(params, "certificate"), "certificate");
  std::vector<ossl::X509Ptr> extra = load_certs(ctx, member(params, "chain"), "chain");
  store::KeyBundle bundle = store::read_key_file(bytes, std::move(extra), std::nullopt);
  if (!bundle.pairs.empty() || bundle.format != "certificates") {
    throw Error(Errc::bad_request, "certificate: certificates only (a key file goes to identity import)");
  }
  store::Store s = enrol_store(ctx);
  store::ImportReport report;
  {
    EngineTimer timer(ctx);
    report = s.import_bundle(std::move(bundle), string_param(params, "file_name").value_or(""), ctx.now);
  }
  if (report.added.empty()) {
    throw Error(Errc::already_exists, report.already_present.empty() ? std::string() : report.already_present.front());
  }
  Reply reply;
  reply.result["imported"] = import_result_json(report, ctx.now);
  reply.result["lint"] = lint_list_json(report, lint_imported(report, ctx.now), ctx.now);
  return reply;
}

}  // namespace inkan::protocol::ops
