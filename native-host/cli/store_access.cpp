#include "store_access.h"

#include "mime/address.h"
#include "mime/headers.h"
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

std::optional<std::string> sender_of(const io::Source& message) {
  const auto block = mime::parse_header_block(message, {0, message.size()});
  for (const char* name : {"From", "Sender"}) {
    if (const mime::Field* f = block.headers.find(name)) {
      for (auto& m : mime::parse_mailboxes(f->value)) {
        if (!m.address.empty()) return mime::normalize_address(m.address);
      }
    }
  }
  return std::nullopt;
}

bool is_address(const std::string& text) { return text.find('@') != std::string::npos; }

store::Identity resolve_identity(const store::Store& store, const std::string& address_or_fingerprint,
                                 store::Usage usage, std::int64_t now) {
  if (!is_address(address_or_fingerprint)) return store.find_identity(address_or_fingerprint);
  if (auto id = store.select(address_or_fingerprint, usage, now)) return std::move(*id);
  const bool any = !store.identities_for(address_or_fingerprint).empty();
  throw Error(Errc::no_identity, address_or_fingerprint + (any ? ": no currently valid certificate for " +
                                                                     std::string(usage == store::Usage::sign ? "signing" : "encryption")
                                                               : ""));
}

}  // namespace inkan::cli
