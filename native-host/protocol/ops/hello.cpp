// hello: the version handshake (docs/protocol.md). Cheap on purpose: it is
// the first request of every connection, so it touches neither the trust
// store nor the key material; of the store it reads store.json alone.
#include "base64.h"
#include "ops/ops.h"
#include "ops/store_access.h"
#include "ops/support.h"
#include "reply.h"

#include <openssl/crypto.h>

#ifndef INKAN_VERSION
#define INKAN_VERSION "0.0.0"
#endif

namespace inkan::protocol::ops {

Reply hello(OpContext& ctx) {
  const std::int64_t offered = int_param(ctx.request.params, "protocol").value_or(kProtocolVersion);
  if (offered < 1) {
    throw Error(Errc::protocol_unsupported, "the add-on offers version " + std::to_string(offered) +
                                                "; this host speaks 1 to " + std::to_string(kProtocolVersion));
  }
  Json names = Json::array();
  for (const auto& op : op_table()) names.push_back(op.name);
  Reply reply;
  reply.result = {
      {"protocol", std::min<std::int64_t>(offered, kProtocolVersion)},
      {"host_version", INKAN_VERSION},
      {"openssl", OpenSSL_version(OPENSSL_VERSION_STRING)},
      {"ops", names},
      {"store", store_state(ctx)},
      {"limits",
       {{"max_request_frame", ctx.session.config().max_frame},
        {"max_reply_frame", kMaxReplyFrame},
        {"chunk_bytes", kChunkBytes},
        {"upload_chunk_bytes", 1ULL << 20}}},
      {"base64", base64_implementation()},
  };
  return reply;
}

}  // namespace inkan::protocol::ops
