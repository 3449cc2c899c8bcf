// decrypt: the decrypted MIME entity into the requested output, and the
// verdict of the signature inside. The keys are the store's (every key, old
// ones too, or those of `identity`), or a `key` in the request. The engine
// decrypts straight into the output (a spool for chunks, else the output
// file's temporary name), judges the plaintext from there, and the output is
// released (committed, or streamed) only after the whole message authenticated
// and was analysed: a failure throws the partial plaintext away with the
// output. With `harvest`, the inner signature's certificates go to the
// contacts, as verify's.
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
  OutputTarget output(ctx, member(params, "output"));
  // The plaintext is written once, into the output, and read back from it for the verdict
  // (the copy from a private file into the output cost as much as the decryption).
  judged.options.plaintext_into = &output.sink();
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
    verdict = to_json(analysis.verdict);
    if (harvest) {
      // The outer header names the sender (From); the verdict is the inner signature's.
      verdict["contact"] = harvest_contact(ctx, analysis.verdict, *input);
    }
    cipher = analysis.verdict.content_cipher;
  }
  output.finish(reply);
  reply.result["content_cipher"] = cipher;
  reply.result["verdict"] = verdict;
  return reply;
}

}  // namespace inkan::protocol::ops
