// inkan csr: a new key pair made here and a CSR for any CA (paid, national,
// university). The key is written encrypted; the CSR carries the addresses as
// rfc822Name and a keyUsage that says which kind of certificate is wanted.
#include "commands.h"
#include "csr.h"
#include "enrol_cli.h"
#include "io/sink.h"
#include "keygen.h"

#include <iostream>

namespace inkan::cli {

int run_csr(const std::vector<std::string>& argv, const Context& ctx) {
  std::vector<OptionSpec> specs = {{"--address", true, true}, {"--dns", true, true},  {"--key-type", true},
                                   {"--usage", true},         {"--cn", true},         {"--key-out", true},
                                   {"--output", true, false, "-o"}};
  for (auto& s : passphrase_options()) specs.push_back(std::move(s));
  const Args args(argv, specs);
  if (!args.positionals().empty()) throw Error(Errc::usage, "csr takes no file argument");
  enrol::CsrRequest request;
  request.emails = args.values("--address");
  request.dns_names = args.values("--dns");
  if (request.emails.empty()) throw Error(Errc::usage, "--address is required");
  request.usage = usage_option(args);
  request.common_name = args.value("--cn").value_or(request.emails.front());
  const enrol::KeyType type = key_type_option(args);
  const auto key_out = args.value("--key-out");
  if (!key_out) throw Error(Errc::usage, "--key-out is required: the new private key must go somewhere");
  const std::string passphrase = new_key_passphrase(args, *key_out);

  const auto key = enrol::generate_key(type);
  const auto csr = enrol::make_csr(key.get(), request);
  // The key first: a CSR without its key would be useless.
  write_private_file(*key_out, enrol::encrypt_private_key(key.get(), passphrase));
  io::Output out(args.value("--output").value_or("-"), 0644);
  out.sink().write(csr.pem);
  out.commit();
  (void)ctx;
  return kExitOk;
}

}  // namespace inkan::cli
