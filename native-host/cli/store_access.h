// The store as the commands reach it: its location (store/paths.h) and its
// passphrase (--store-pass-env VAR, --store-pass-fd N, else asked on the
// terminal only when a protected store must be unlocked, else STORE_LOCKED).
// Which identity a command means is decided in store/identity_choice.h, the
// same rules the native host applies.
#pragma once

#include "args.h"
#include "store/identity_choice.h"
#include "store/store.h"

#include <vector>

namespace inkan::cli {

/** --store-pass-env, --store-pass-fd. */
std::vector<OptionSpec> store_pass_options();

/** The store at its default location, with the passphrase sources of args. */
store::Store open_store(const Args& args);

using store::is_address;
using store::resolve_identity;
using store::sender_of;

}  // namespace inkan::cli
