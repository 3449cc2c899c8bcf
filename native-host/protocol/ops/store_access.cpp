#include "ops/store_access.h"

#include "mime/date.h"

namespace inkan::protocol::ops {

Json store_state(OpContext& ctx) {
  Json state = {{"path", nullptr},    {"exists", false},         {"protected", false},
                {"unlocked", false},  {"unlocked_until", nullptr}, {"problem", nullptr}};
  try {
    store::Store s = ctx.session.open_store(ctx.now);
    state["path"] = s.root().string();
    const auto header = s.header();
    const bool is_protected = header && header->has_passphrase;
    const auto until = ctx.session.store_key_until(ctx.now);
    state["exists"] = header.has_value();
    state["protected"] = is_protected;
    // "unlocked": ops that need a private key work now without asking for the passphrase.
    state["unlocked"] = !is_protected || until.has_value();
    if (is_protected && until) state["unlocked_until"] = mime::format_iso8601(*until);
  } catch (const Error& e) {
    // A damaged store.json must not break the handshake: the add-on shows the problem.
    state["exists"] = true;
    state["problem"] = {{"code", std::string(code_string(e.code()))}, {"detail", e.detail()}};
  }
  return state;
}

store::Store store_for_keys(OpContext& ctx) {
  store::Store s = ctx.session.open_store(ctx.now);
  const auto header = s.header();
  if (header && header->has_passphrase) (void)s.key();  // STORE_LOCKED unless the session holds the key
  return s;
}

std::shared_ptr<const keys::Credentials> store_signing_key(OpContext& ctx, store::Store& store,
                                                           const std::optional<std::string>& identity,
                                                           const io::Source& message) {
  const std::optional<std::string> who = identity ? identity : store::sender_of(message);
  if (!who) throw Error(Errc::bad_request, "identity: missing, and the message names no sender");
  const store::Identity id = store::resolve_identity(store, *who, store::Usage::sign, ctx.now);
  return std::make_shared<const keys::Credentials>(store.credentials(id));
}

std::shared_ptr<std::vector<keys::Credentials>> store_decryption_keys(store::Store& store,
                                                                      const std::optional<std::string>& identity) {
  return std::make_shared<std::vector<keys::Credentials>>(store::decryption_credentials(store, identity));
}

std::string required_identity(const Json& params, std::string_view name) {
  std::string who = required_string(params, name);
  if (who.empty()) throw Error(Errc::bad_request, std::string(name) + ": an address or a fingerprint");
  return who;
}

}  // namespace inkan::protocol::ops
