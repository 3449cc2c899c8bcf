// sign: signs a whole message, as `inkan sign` does (multipart/signed with a
// detached signature by default, RFC 8551 §3.5.3), into the requested output.
// The signer is the store's identity of the message's sender (or `identity`);
// a `key` in the request overrides the store.
#include "cms/sign.h"
#include "ops/ops.h"
#include "ops/store_access.h"
#include "ops/support.h"
#include "smime/sign_message.h"
#include "verdict_json.h"
#include "x509/cert.h"

#include <optional>

namespace inkan::protocol::ops {

Reply sign(OpContext& ctx) {
  const Json& params = ctx.request.params;
  Reply reply;
  const KeyChoice choice = key_choice(params);
  const Json* key = choice.key;
  const std::optional<std::string>& identity = choice.identity;
  std::shared_ptr<const keys::Credentials> creds;
  std::optional<store::Store> store;
  if (key != nullptr) {
    creds = load_key(ctx, *key, reply.result);
  } else {
    store.emplace(store_for_keys(ctx));  // a locked store fails before the input is consumed
  }
  smime::SignMessageOptions options;
  options.now = ctx.now;
  options.opaque = bool_param(params, "opaque", false);
  options.cms.pss = bool_param(params, "pss", false);
  if (const auto d = string_param(params, "digest")) options.cms.digest = cms::digest_by_name(*d);
  if (creds) cms::check_signing_credentials(*creds, ctx.now);

  const auto input = open_input(ctx, required(params, "input"), "input");
  if (!creds) {
    creds = store_signing_key(ctx, *store, identity, *input);
    cms::check_signing_credentials(*creds, ctx.now);
  }
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
