// inkan csr: a new key pair made here and a CSR for any CA (paid, national,
// university). The key is written encrypted (--key-out) or kept in the store
// as a pending key (--store) until `inkan id import CERT` brings its
// certificate; the CSR carries the addresses as rfc822Name and a keyUsage that
// says which kind of certificate is wanted.
#include "commands.h"
#include "csr.h"
#include "enrol_cli.h"
#include "io/sink.h"
#include "keygen.h"
#include "mime/address.h"
#include "store/store_json.h"
#include "store_access.h"
#include "store_text.h"
#include "text.h"

#include <iostream>
#include <optional>

namespace inkan::cli {

int run_csr(const std::vector<std::string>& argv, const Context& ctx) {
  std::vector<OptionSpec> specs = {{"--address", true, true}, {"--dns", true, true},  {"--key-type", true},
                                   {"--usage", true},         {"--cn", true},         {"--key-out", true},
                                   {"--store"},               {"--json"},             {"--output", true, false, "-o"}};
  for (auto& s : passphrase_options()) specs.push_back(std::move(s));
  for (auto& s : store_pass_options()) specs.push_back(std::move(s));
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
  const bool in_store = args.flag("--store");
  if (in_store && key_out) throw Error(Errc::usage, "--store and --key-out exclude each other");
  if (!in_store && !key_out) throw Error(Errc::usage, "--key-out FILE or --store is required: the new private key must go somewhere");
  if (args.flag("--json") && !in_store) throw Error(Errc::usage, "--json goes with --store");

  std::string passphrase;
  if (!in_store) passphrase = new_key_passphrase(args, *key_out);
  const auto key = enrol::generate_key(type);
  const auto csr = enrol::make_csr(key.get(), request);
  // The key first: a CSR without its key would be useless.
  std::optional<store::PendingKey> pending;
  if (in_store) {
    store::Store s = open_store(args);
    store::PendingKey facts;
    for (const auto& a : request.emails) facts.addresses.push_back(mime::normalize_address(a));
    facts.key_type = std::string(enrol::to_string(type));
    facts.usage = std::string(enrol::to_string(request.usage));
    facts.csr_pem = csr.pem;
    facts.source = "csr";
    pending = s.add_pending_key(key.get(), std::move(facts), ctx.now);
  } else {
    write_private_file(*key_out, enrol::encrypt_private_key(key.get(), passphrase));
  }
  const std::string output = args.value("--output").value_or("-");
  if (!(args.flag("--json") && output == "-")) {
    io::Output out(output, 0644);
    out.sink().write(csr.pem);
    out.commit();
  }
  if (args.flag("--json")) {
    print_json({{"version", 1}, {"status", "ok"}, {"pending", store::pending_json(*pending)}});
  } else if (pending) {
    std::cerr << "inkan: " << text("label.pending_created", ctx.lang) << " (id " << pending->id.substr(0, 16) << ")" << std::endl;
  }
  return kExitOk;
}

}  // namespace inkan::cli
