// What the commands share: loading keys and trust, time, output, and the
// mapping from error codes to documented exit codes.
#pragma once

#include "args.h"
#include "error.h"
#include "io/source.h"
#include "keys/credentials.h"
#include "x509/trust.h"

#include <cstdint>
#include <string>
#include <vector>

namespace inkan::cli {

struct Context {
  Lang lang = Lang::en;
  std::int64_t now = 0;
};

/** Documented exit codes (docs/cli.md). */
enum ExitCode : int {
  kExitOk = 0,
  kExitNotGood = 1,   ///< verify ran; the signature is not good
  kExitUsage = 2,
  kExitInput = 3,     ///< unreadable or malformed input
  kExitKey = 4,       ///< key, password or certificate problem
  kExitDecrypt = 5,   ///< cannot decrypt
  kExitInternal = 6,  ///< output could not be written, or a bug
  kExitRemote = 7,    ///< the certificate authority or the network failed, or waiting was cancelled
};

int exit_code_for(Errc code);

/** Options every key-using command accepts: --key and its password, --identity and the store passphrase. */
std::vector<OptionSpec> key_options();

/** Loads --key (PKCS#12 or PEM, with --cert); asks for a password on the terminal if needed. */
keys::Credentials load_key(const Args& args);

/**
 * --key if given; else the store's identity for signing: --identity ADDRESS|FP,
 * else the sender of `message`. NO_IDENTITY if the store has none.
 */
keys::Credentials load_signing_key(const Args& args, const io::Source* message, std::int64_t now);

/** --key if given; else every key in the store (--identity: only that address's or that one). */
std::vector<keys::Credentials> load_decryption_keys(const Args& args);

/** --trust FILE (repeatable) and --crl FILE (repeatable). */
x509::TrustStore load_trust(const Args& args);

/** All certificates from the given files. */
std::vector<ossl::X509Ptr> load_cert_files(const std::vector<std::string>& paths);

/** --at TIME, or the context's now. */
std::int64_t verification_time(const Args& args, const Context& ctx);

/** Prints an error on stderr in the user's language (and on stdout as JSON if asked). */
void report_error(const Error& error, Lang lang, bool json);

}  // namespace inkan::cli
