// upload, upload.discard: large inputs sent in pieces (docs/protocol.md,
// "Large data"). Each piece is decoded straight into the upload's private
// temporary file, so memory does not grow with the upload.
#include "ops/ops.h"
#include "ops/support.h"

namespace inkan::protocol::ops {
namespace {

std::string upload_id(const Json& params) {
  std::string id = required_string(params, "upload");
  if (id.empty() || id.size() > 64) throw Error(Errc::bad_request, "upload: 1 to 64 characters");
  return id;
}

}  // namespace

Reply upload(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const std::string id = upload_id(params);
  const auto seq = int_param(params, "seq");
  if (!seq || *seq < 0) throw Error(Errc::bad_request, "seq: a number from 0");
  const std::string_view text = data_text(ctx, required(params, "data"), "data");
  ctx.stats.bytes_in += text.size() / 4 * 3;
  const std::uint64_t size = ctx.session.upload_append(id, static_cast<std::uint64_t>(*seq), text, ctx.now);
  Reply reply;
  reply.result = {{"upload", id}, {"size", size}};
  return reply;
}

Reply upload_discard(OpContext& ctx) {
  const std::string id = upload_id(ctx.request.params);
  Reply reply;
  reply.result = {{"upload", id}, {"discarded", ctx.session.discard_upload(id)}};
  return reply;
}

}  // namespace inkan::protocol::ops
