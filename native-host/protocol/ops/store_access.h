// How the ops reach the user's store (docs/protocol.md, "The store"): the
// session's store with the store key when the session holds it unlocked, the
// state hello and store.* report, and the user's identity for a message, chosen
// by the rules the CLI applies too (store/identity_choice.h).
#pragma once

#include "ops/support.h"
#include "store/identity_choice.h"
#include "store/store.h"

#include <memory>
#include <optional>
#include <string>

namespace inkan::protocol::ops {

/** {path, exists, protected, unlocked, unlocked_until, problem}: the store as hello and store.* report it. */
Json store_state(OpContext& ctx);

/**
 * The store for an op that needs a private key from it. When the store has a
 * passphrase and this session does not hold it unlocked, STORE_LOCKED comes
 * here, before the op reads (and consumes) its input.
 */
store::Store store_for_keys(OpContext& ctx);

/**
 * The signing key from the store: the identity named by `identity` (address
 * or fingerprint), else the one of the message's sender (From, else Sender).
 */
std::shared_ptr<const keys::Credentials> store_signing_key(OpContext& ctx, store::Store& store,
                                                           const std::optional<std::string>& identity,
                                                           const io::Source& message);

/** Every key `identity` names in the store (all of an address's), else every key in it. */
std::shared_ptr<std::vector<keys::Credentials>> store_decryption_keys(store::Store& store,
                                                                      const std::optional<std::string>& identity);

/** An address or fingerprint parameter. */
std::string required_identity(const Json& params, std::string_view name);

}  // namespace inkan::protocol::ops
