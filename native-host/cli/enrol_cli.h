// What the enrolment commands (csr, acme) share: key types, usages,
// passphrases for new keys, private files.
#pragma once

#include "args.h"
#include "csr.h"
#include "keygen.h"

#include <string>
#include <vector>

namespace inkan::cli {

/** --pass-env, --pass-fd, --pass-file. */
std::vector<OptionSpec> passphrase_options();

/** --key-type (default rsa3072). */
enrol::KeyType key_type_option(const Args& args);

/** --usage sign|encrypt|both (default both). */
enrol::KeyUsage usage_option(const Args& args);

/** The passphrase protecting a key: from the options, else asked twice on the terminal; never empty. */
std::string new_key_passphrase(const Args& args, const std::string& what);

/** The passphrase of an existing key or state (options, else the terminal). */
std::string existing_passphrase(const Args& args, const std::string& what);

/** Writes a file atomically with mode 0600; refuses to replace an existing file unless `replace`. */
void write_private_file(const std::string& path, std::string_view bytes, bool replace = false);

}  // namespace inkan::cli
