#include "enrol_cli.h"

#include "error.h"
#include "io/sink.h"
#include "password.h"

#include <sys/stat.h>

namespace inkan::cli {

std::vector<OptionSpec> passphrase_options() { return {{"--pass-env", true}, {"--pass-fd", true}, {"--pass-file", true}}; }

enrol::KeyType key_type_option(const Args& args) {
  const auto name = args.value("--key-type");
  if (!name) return enrol::kDefaultKeyType;
  const auto type = enrol::key_type_from_string(*name);
  if (!type) throw Error(Errc::usage, "--key-type must be rsa2048, rsa3072, rsa4096, p256 or p384");
  return *type;
}

enrol::KeyUsage usage_option(const Args& args) {
  const auto name = args.value("--usage");
  if (!name) return enrol::KeyUsage::both;
  const auto usage = enrol::key_usage_from_string(*name);
  if (!usage) throw Error(Errc::usage, "--usage must be sign, encrypt or both");
  return *usage;
}

std::string new_key_passphrase(const Args& args, const std::string& what) {
  PasswordSource source(args);
  if (auto given = source.given()) {
    if (given->empty()) throw Error(Errc::password_required, "an empty passphrase would leave the key unprotected");
    return *given;
  }
  const auto first = source.prompt(what);
  if (!first || first->empty()) throw Error(Errc::password_required, "a passphrase for the new key (--pass-env, --pass-fd, --pass-file)");
  const auto again = source.prompt(what + " (again)");
  if (!again || *again != *first) throw Error(Errc::password_required, "the two passphrases differ");
  return *first;
}

std::string existing_passphrase(const Args& args, const std::string& what) {
  PasswordSource source(args);
  if (auto given = source.given()) return *given;
  if (const auto typed = source.prompt(what)) return *typed;
  throw Error(Errc::password_required, what);
}

void write_private_file(const std::string& path, std::string_view bytes, bool replace) {
  if (path.empty() || path == "-") throw Error(Errc::usage, "private files are not written to standard output");
  struct stat st {};
  // Replacing a private key would lose it for good.
  if (!replace && ::stat(path.c_str(), &st) == 0) throw Error(Errc::io_write, path + " exists; not replacing a private key");
  io::Output out(path, 0600);
  out.sink().write(bytes);
  out.commit();
}

}  // namespace inkan::cli
