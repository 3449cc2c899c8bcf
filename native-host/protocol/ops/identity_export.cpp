// identity.export: an identity (or an address's current identities) as a
// password-protected PKCS#12 file, for a backup or another device: modern
// (AES-256, PBKDF2, SHA-256 MAC) by default, legacy (3DES, SHA-1 MAC) on
// request (docs/store.md). The bytes come back like any op output.
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"

#include <openssl/crypto.h>

namespace inkan::protocol::ops {

Reply identity_export(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string who = required_identity(params, "identity");
  const Secret password(params, "password");
  if (!password.value() || password.value()->empty()) {
    throw Error(Errc::bad_request, "password: missing (the file protects private keys)");
  }
  const auto profile = bool_param(params, "legacy", false) ? store::Pkcs12Profile::legacy : store::Pkcs12Profile::modern;
  store::Store s = store_for_keys(ctx);
  const auto ids = store::identities_to_export(s, who, bool_param(params, "all", false), ctx.now);
  OutputTarget output(ctx, member(params, "output"), ".p12", 0600, io::Durability::synced);
  {
    EngineTimer timer(ctx);
    std::string der = s.export_pkcs12(ids, *password.value(), profile);
    output.sink().write(der);
    OPENSSL_cleanse(der.data(), der.size());
  }
  Reply reply;
  output.finish(reply);
  const Json out = reply.result["output"];
  reply.result = store::export_json(ids, profile);
  if (!out.is_null()) reply.result["output"] = out;
  return reply;
}

}  // namespace inkan::protocol::ops
