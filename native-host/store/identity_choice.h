// Which of the user's identities a request means. The CLI (`inkan sign`,
// `inkan id export`, ...) and the native host (sign, decrypt, identity.*)
// answer the same question the same way, so the rules live here once:
//
// - an ADDRESS means the identity selected for the use now (Store::select),
//   a fingerprint (or a unique prefix) means that identity, whatever its state;
// - without either, a message's sender (From, else Sender) is the address;
// - decrypting offers every key (old mail stays readable), or an address's keys.
#pragma once

#include "io/source.h"
#include "keys/credentials.h"
#include "store/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::store {

/** The sender of a message: the first From mailbox, else the Sender (lower-cased). */
std::optional<std::string> sender_of(const io::Source& message);

/** True if the text names an address rather than a fingerprint. */
bool is_address(std::string_view text);

/**
 * An identity by ADDRESS (the one selected for `usage` at `now`) or by
 * fingerprint (any state). NO_IDENTITY when the address has none usable,
 * NOT_FOUND for an unknown fingerprint.
 */
Identity resolve_identity(const Store& store, const std::string& address_or_fingerprint, Usage usage,
                          std::int64_t now);

/**
 * What to export for `who`: by fingerprint that identity; by address its
 * current identities (signing and encryption), or every identity of the
 * address with `all`. NO_IDENTITY when there is none; USAGE for `all` with a
 * fingerprint.
 */
std::vector<Identity> identities_to_export(const Store& store, const std::string& who, bool all, std::int64_t now);

/**
 * The certificate to hand out for `who` (others encrypt to it): by address the
 * current encryption identity, else the signing one; by fingerprint that one.
 */
Identity identity_for_certificate(const Store& store, const std::string& who, std::int64_t now);

/**
 * Keys to decrypt with: `who`'s (an address: all its identities, any state;
 * a fingerprint: that one), else every key in the store, newest first.
 * Unlocks the store. NO_IDENTITY when there is none.
 */
std::vector<keys::Credentials> decryption_credentials(Store& store, const std::optional<std::string>& who);

/** The user's own identities for sending a message as someone. */
struct SenderIdentities {
  std::optional<Identity> signer;  ///< signs the message
  std::optional<Identity> self;    ///< the encryption certificate that keeps the Sent copy readable
};

/**
 * The signing identity (want_sign) and the encryption identity for the copy
 * to oneself (want_self) of `who`. When `who` has no identity, the message
 * can still be encrypted without signing if the caller neither named the
 * identity (explicit_who) nor wants a readable copy: then both are empty;
 * otherwise NO_IDENTITY.
 */
SenderIdentities sender_identities(const Store& store, const std::string& who, bool want_sign, bool want_self,
                                   bool explicit_who, std::int64_t now);

}  // namespace inkan::store
