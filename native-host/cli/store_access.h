// The store as the commands reach it: its location (store/paths.h), its
// passphrase (--store-pass-env VAR, --store-pass-fd N, else asked on the
// terminal only when a protected store must be unlocked, else STORE_LOCKED),
// and picking the user's identity for a message.
#pragma once

#include "args.h"
#include "io/source.h"
#include "store/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inkan::cli {

/** --store-pass-env, --store-pass-fd. */
std::vector<OptionSpec> store_pass_options();

/** The store at its default location, with the passphrase sources of args. */
store::Store open_store(const Args& args);

/** The sender of a message: the first From mailbox, else the Sender. */
std::optional<std::string> sender_of(const io::Source& message);

/**
 * An identity by ADDRESS (the one selected for `usage` now) or by fingerprint
 * (any state). NO_IDENTITY when the address has none.
 */
store::Identity resolve_identity(const store::Store& store, const std::string& address_or_fingerprint,
                                 store::Usage usage, std::int64_t now);

/** True if the text names an address rather than a fingerprint. */
bool is_address(const std::string& text);

}  // namespace inkan::cli
