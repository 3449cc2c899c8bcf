#include "commands.h"
#include "io/sink.h"
#include "smime/analyse.h"
#include "text.h"

#include <iostream>

namespace inkan::cli {

int run_decrypt(const std::vector<std::string>& argv, const Context& ctx) {
  auto specs = key_options();
  specs.push_back({"--output", true, false, "-o"});
  const Args args(argv, specs);
  // --key, else every key in the store: old keys too, so that old mail stays readable.
  const std::vector<keys::Credentials> creds = load_decryption_keys(args);
  std::vector<const keys::Credentials*> keys;
  for (const auto& c : creds) keys.push_back(&c);
  const auto input = io::open_input(args.input());
  // io::Output shows nothing until commit(): a failure midway leaves no plaintext behind.
  io::Output out(args.value("--output").value_or("-"), 0600, io::Durability::relaxed);
  const smime::DecryptedMessage result = smime::decrypt_message_into(*input, keys, out.sink());
  out.commit();
  for (const auto& w : result.warnings) std::cerr << "inkan: " << text(w, ctx.lang) << std::endl;
  return kExitOk;
}

}  // namespace inkan::cli
