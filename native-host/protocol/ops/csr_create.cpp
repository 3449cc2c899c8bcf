// csr.create: a key made here for any CA that takes a CSR (paid, national,
// university). The key waits in the store (pending/<id>.json, sealed under the
// store key) for its certificate; the CSR carries the addresses as rfc822Name
// and the keyUsage that chooses the certificate's kind. csr.import binds the
// certificate when it comes back.
#include "csr.h"
#include "keygen.h"
#include "mime/address.h"
#include "ops/enrol_support.h"
#include "ops/ops.h"
#include "store/store_json.h"

namespace inkan::protocol::ops {

Reply csr_create(OpContext& ctx) {
  const Json& params = ctx.request.params;
  enrol::CsrRequest request;
  request.emails = addresses_param(params);
  request.usage = usage_param(params);
  request.common_name = string_param(params, "common_name").value_or(request.emails.front());
  const enrol::KeyType type = key_type_param(params);
  store::Store s = enrol_store(ctx);
  store::PendingKey pending;
  {
    EngineTimer timer(ctx);
    const auto key = enrol::generate_key(type);
    const auto csr = enrol::make_csr(key.get(), request);
    store::PendingKey facts;
    for (const auto& a : request.emails) facts.addresses.push_back(mime::normalize_address(a));
    facts.key_type = std::string(enrol::to_string(type));
    facts.usage = std::string(enrol::to_string(request.usage));
    facts.csr_pem = csr.pem;
    facts.source = "csr";
    pending = s.add_pending_key(key.get(), std::move(facts), ctx.now);
  }
  Reply reply;
  reply.result["pending"] = store::pending_json(pending);
  return reply;
}

}  // namespace inkan::protocol::ops
