// decrypt: the decrypted MIME entity into the requested output, and the
// verdict of the signature inside. The engine decrypts into a private file
// and releases nothing before the whole message authenticated; only then is
// the plaintext copied to the output.
#include "mime/line_reader.h"
#include "ops/ops.h"
#include "ops/support.h"
#include "ops/verdict_options.h"
#include "smime/analyse.h"
#include "verdict_json.h"

namespace inkan::protocol::ops {

Reply decrypt(OpContext& ctx) {
  const Json& params = ctx.request.params;
  Reply reply;
  VerdictOptions judged(ctx);
  const auto creds = load_key(ctx, required(params, "key"), reply.result);
  judged.options.keys.push_back(creds.get());
  const auto input = open_input(ctx, required(params, "input"), "input");
  OutputTarget output(ctx, member(params, "output"));
  Json verdict;
  std::string cipher;
  {
    EngineTimer timer(ctx);
    const smime::Analysis analysis = smime::analyse(*input, judged.options);
    if (analysis.decrypted.source == nullptr) {
      // Not encrypted at the root: the decryptor names why (not encrypted, or an encrypted part below).
      io::SpoolSink none;
      smime::decrypt_message_into(*input, {creds.get()}, none);
      throw Error(Errc::not_encrypted);
    }
    mime::for_each_chunk(*analysis.decrypted.source, analysis.decrypted.range,
                         [&](std::string_view chunk) { output.sink().write(chunk); });
    verdict = to_json(analysis.verdict);
    cipher = analysis.verdict.content_cipher;
  }
  output.finish(reply);
  reply.result["content_cipher"] = cipher;
  reply.result["verdict"] = verdict;
  return reply;
}

}  // namespace inkan::protocol::ops
