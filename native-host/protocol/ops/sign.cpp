// sign: signs a whole message, as `inkan sign` does (multipart/signed with a
// detached signature by default, RFC 8551 §3.5.3), into the requested output.
#include "cms/sign.h"
#include "ops/ops.h"
#include "ops/support.h"
#include "smime/sign_message.h"
#include "verdict_json.h"
#include "x509/cert.h"

namespace inkan::protocol::ops {

Reply sign(OpContext& ctx) {
  const Json& params = ctx.request.params;
  Reply reply;
  // The store will supply the identity by From address; until then the key is explicit.
  const auto creds = load_key(ctx, required(params, "key"), reply.result);
  smime::SignMessageOptions options;
  options.now = ctx.now;
  options.opaque = bool_param(params, "opaque", false);
  options.cms.pss = bool_param(params, "pss", false);
  if (const auto d = string_param(params, "digest")) options.cms.digest = cms::digest_by_name(*d);
  cms::check_signing_credentials(*creds, ctx.now);

  const auto input = open_input(ctx, required(params, "input"), "input");
  OutputTarget output(ctx, member(params, "output"));
  smime::ComposeResult composed;
  {
    EngineTimer timer(ctx);
    composed = smime::sign_message(*input, *creds, options, output.sink());
  }
  output.finish(reply);
  reply.result["signer"] = to_json(x509::summarize(creds->cert.get()), false);
  reply.result["warnings"] = composed.warnings;
  return reply;
}

}  // namespace inkan::protocol::ops
