#include "store_access.h"

#include "password.h"

namespace inkan::cli {

std::vector<OptionSpec> store_pass_options() { return {{"--store-pass-env", true}, {"--store-pass-fd", true}}; }

store::Store open_store(const Args& args) {
  store::Store s;
  PasswordSource passphrase(args, "--store-pass");
  if (const auto given = passphrase.given()) {
    s.set_passphrase(*given);
  } else {
    s.set_prompt([root = s.root().string()] { return PasswordSource::ask("Passphrase of the Inkan store " + root + ": "); });
  }
  return s;
}

}  // namespace inkan::cli
