#include "commands.h"
#include "io/sink.h"
#include "mime/line_reader.h"
#include "smime/analyse.h"
#include "text.h"

#include <iostream>

namespace inkan::cli {

int run_decrypt(const std::vector<std::string>& argv, const Context& ctx) {
  auto specs = key_options();
  specs.push_back({"--output", true, false, "-o"});
  const Args args(argv, specs);
  const keys::Credentials creds = load_key(args);
  const auto input = io::open_input(args.input());
  const smime::DecryptedMessage result = smime::decrypt_message(*input, {&creds});
  // Only a complete, successful decryption reaches the output (Output commits at the end).
  io::Output out(args.value("--output").value_or("-"));
  mime::for_each_chunk(*result.plaintext, {0, result.plaintext->size()},
                       [&](std::string_view chunk) { out.sink().write(chunk); });
  out.commit();
  for (const auto& w : result.warnings) std::cerr << "inkan: " << text(w, ctx.lang) << std::endl;
  return kExitOk;
}

}  // namespace inkan::cli
