// decrypt: the decrypted MIME entity into the requested output, and the
// verdict of the signature inside. The keys are the store's (every key, old
// ones too, or those of `identity`), or a `key` in the request. The engine
// decrypts into a private file and releases nothing before the whole message
// authenticated; only then is the plaintext copied to the output. With
// `harvest`, the inner signature's certificates go to the contacts, as verify's.
#include "mime/line_reader.h"
#include "ops/contact_support.h"
#include "ops/ops.h"
#include "ops/store_access.h"
#include "ops/support.h"
#include "ops/verdict_options.h"
#include "smime/analyse.h"
#include "verdict_json.h"

#include <optional>

namespace inkan::protocol::ops {

Reply decrypt(OpContext& ctx) {
  const Json& params = ctx.request.params;
  Reply reply;
  const bool harvest = harvest_param(params);
  VerdictOptions judged(ctx);
  const KeyChoice choice = key_choice(params);
  const Json* key = choice.key;
  const std::optional<std::string>& identity = choice.identity;
  std::shared_ptr<const keys::Credentials> given;
  std::shared_ptr<std::vector<keys::Credentials>> stored;
  if (key != nullptr) {
    given = load_key(ctx, *key, reply.result);
    judged.options.keys.push_back(given.get());
  } else {
    store::Store store = store_for_keys(ctx);  // a locked store fails before the input is consumed
    stored = store_decryption_keys(store, identity);
    for (const auto& k : *stored) judged.options.keys.push_back(&k);
  }
  const auto input = open_input(ctx, required(params, "input"), "input");
  const Json* output_form = member(params, "output");
  std::optional<OutputTarget> output;
  if (!is_stream_output(output_form)) output.emplace(ctx, output_form);
  Json verdict;
  std::string cipher;
  {
    EngineTimer timer(ctx);
    smime::Analysis analysis = smime::analyse(*input, judged.options);
    if (analysis.decrypted.source == nullptr) {
      // Not encrypted at the root: the decryptor names why (not encrypted, or an encrypted part below).
      io::SpoolSink none;
      smime::decrypt_message_into(*input, judged.options.keys, none);
      throw Error(Errc::not_encrypted);
    }
    if (output) {
      mime::for_each_chunk(*analysis.decrypted.source, analysis.decrypted.range,
                           [&](std::string_view chunk) { output->sink().write(chunk); });
    } else {
      // The engine's private plaintext file is streamed as it is: no second copy.
      for (auto& owned : analysis.owned) {
        if (owned.get() == analysis.decrypted.source) reply.stream = std::make_unique<SharedSource>(owned);
      }
      if (!reply.stream || analysis.decrypted.range.begin != 0 ||
          analysis.decrypted.range.end != analysis.decrypted.source->size()) {
        throw Error(Errc::internal, "decrypted content not held whole");
      }
    }
    verdict = to_json(analysis.verdict);
    if (harvest) {
      // The outer header names the sender (From); the verdict is the inner signature's.
      verdict["contact"] = harvest_contact(ctx, analysis.verdict, *input);
    }
    cipher = analysis.verdict.content_cipher;
  }
  if (output) output->finish(reply);
  reply.result["content_cipher"] = cipher;
  reply.result["verdict"] = verdict;
  return reply;
}

}  // namespace inkan::protocol::ops
