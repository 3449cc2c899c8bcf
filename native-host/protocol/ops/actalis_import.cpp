// actalis.import: Actalis's second mail brings a ZIP holding the PKCS#12 it
// made; the password is the one its form showed. The host unpacks it
// (libarchive, bounded), imports the key and certificate (the RC2-40
// certificate bag needs OpenSSL's legacy provider), re-seals the key under the
// store key, lints the certificate and says when to remind the user to renew.
#include "actalis.h"
#include "mime/date.h"
#include "ops/enrol_support.h"
#include "ops/ops.h"

namespace inkan::protocol::ops {

Reply actalis_import(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string zip = read_small_input(ctx, required(params, "zip"), "zip");
  const std::string password = string_param(params, "password").value_or("");
  store::Store s = enrol_store(ctx);
  enrol::ActalisImport result;
  {
    EngineTimer timer(ctx);
    result = enrol::import_actalis_zip(s, zip, password, ctx.now);
  }
  Reply reply;
  reply.result["imported"] = import_result_json(result.report, ctx.now);
  reply.result["lint"] = lint_list_json(result.report, result.lint, ctx.now);
  reply.result["archive_entry"] = result.archive.name;
  reply.result["ignored_entries"] = result.archive.ignored;
  reply.result["not_after"] = mime::format_iso8601(result.not_after);
  reply.result["remind_at"] = mime::format_iso8601(result.remind_at);
  return reply;
}

}  // namespace inkan::protocol::ops
