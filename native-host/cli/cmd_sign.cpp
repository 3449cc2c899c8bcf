#include "commands.h"
#include "io/sink.h"
#include "smime/sign_message.h"
#include "text.h"

#include <iostream>
#include <optional>

namespace inkan::cli {

int run_sign(const std::vector<std::string>& argv, const Context& ctx) {
  auto specs = key_options();
  specs.insert(specs.end(), {{"--opaque"}, {"--digest", true}, {"--pss"}, {"--detached-file"}, {"--output", true, false, "-o"}});
  const Args args(argv, specs);
  // With --key the key is checked before the input is read (as always); from the
  // store, the message's sender picks the identity, so the input comes first.
  std::optional<keys::Credentials> given;
  if (args.value("--key")) given = load_signing_key(args, nullptr, ctx.now);
  cms::SignOptions options;
  if (const auto d = args.value("--digest")) options.digest = cms::digest_by_name(*d);
  options.pss = args.flag("--pss");
  if (given) cms::check_signing_credentials(*given, ctx.now);

  const auto input = io::open_input(args.input());
  const keys::Credentials creds =
      given ? std::move(*given) : load_signing_key(args, args.flag("--detached-file") ? nullptr : input.get(), ctx.now);
  if (!given) cms::check_signing_credentials(creds, ctx.now);
  io::Output out(args.value("--output").value_or("-"), 0644, io::Durability::relaxed);
  if (args.flag("--detached-file")) {
    if (args.flag("--opaque")) throw Error(Errc::usage, "--detached-file and --opaque exclude each other");
    out.sink().write(smime::sign_file(*input, creds, options));
  } else {
    smime::SignMessageOptions msg;
    msg.cms = options;
    msg.opaque = args.flag("--opaque");
    msg.now = ctx.now;
    const auto result = smime::sign_message(*input, creds, msg, out.sink());
    for (const auto& w : result.warnings) std::cerr << "inkan: " << text(w, ctx.lang) << std::endl;
  }
  out.commit();
  return kExitOk;
}

}  // namespace inkan::cli
