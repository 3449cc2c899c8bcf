#include "store/identity_choice.h"

#include "mime/address.h"
#include "mime/headers.h"

namespace inkan::store {

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

bool is_address(std::string_view text) { return text.find('@') != std::string_view::npos; }

Identity resolve_identity(const Store& store, const std::string& address_or_fingerprint, Usage usage,
                          std::int64_t now) {
  if (!is_address(address_or_fingerprint)) return store.find_identity(address_or_fingerprint);
  if (auto id = store.select(address_or_fingerprint, usage, now)) return std::move(*id);
  const bool any = !store.identities_for(address_or_fingerprint).empty();
  throw Error(Errc::no_identity,
              address_or_fingerprint + (any ? ": no currently valid certificate for " +
                                                  std::string(usage == Usage::sign ? "signing" : "encryption")
                                            : ""));
}

std::vector<Identity> identities_to_export(const Store& store, const std::string& who, bool all, std::int64_t now) {
  if (!is_address(who)) {
    if (all) throw Error(Errc::usage, "all goes with an address, not a fingerprint");
    return {store.find_identity(who)};
  }
  auto ids = all ? store.identities_for(who) : store.current_identities(who, now);
  if (ids.empty()) {
    const bool any = !store.identities_for(who).empty();
    throw Error(Errc::no_identity, who + (any ? ": none is valid now (export all, or name the fingerprint)" : ""));
  }
  return ids;
}

Identity identity_for_certificate(const Store& store, const std::string& who, std::int64_t now) {
  if (!is_address(who)) return store.find_identity(who);
  // A contact needs the certificate to encrypt to; with separate certificates that is the encryption one.
  if (auto enc = store.select(who, Usage::encrypt, now)) return std::move(*enc);
  return resolve_identity(store, who, Usage::sign, now);
}

std::vector<keys::Credentials> decryption_credentials(Store& store, const std::optional<std::string>& who) {
  std::vector<keys::Credentials> out;
  if (who) {
    std::vector<Identity> ids;
    if (is_address(*who)) ids = store.identities_for(*who);
    else ids.push_back(store.find_identity(*who));
    if (ids.empty()) throw Error(Errc::no_identity, *who);
    for (const auto& id : ids) out.push_back(store.credentials(id));
    return out;
  }
  out = store.all_credentials();
  if (out.empty()) throw Error(Errc::no_identity, "no key in the store");
  return out;
}

SenderIdentities sender_identities(const Store& store, const std::string& who, bool want_sign, bool want_self,
                                   bool explicit_who, std::int64_t now) {
  SenderIdentities out;
  try {
    if (want_sign) out.signer = resolve_identity(store, who, Usage::sign, now);
    if (want_self) out.self = resolve_identity(store, who, Usage::encrypt, now);
  } catch (const Error& e) {
    // No identity for the sender and no wish to read the Sent copy: encrypt only.
    if (e.code() != Errc::no_identity || explicit_who || want_self) throw;
    return {};
  }
  return out;
}

}  // namespace inkan::store
