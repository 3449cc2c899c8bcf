// Reading a received message the way Thunderbird does, but explaining it:
// decrypt the root encryption layer, verify the root signature layer, apply
// the policy (From, Date, algorithms, certificate path), and refuse the
// structures attackers use (signatures nested under unsigned or signed
// parts, ciphertext below the root, several signers with one bad).
#pragma once

#include "cms/verify.h"
#include "io/sink.h"
#include "io/source.h"
#include "keys/credentials.h"
#include "verdict.h"
#include "x509/trust.h"

#include <functional>
#include <memory>
#include <vector>

namespace inkan::smime {

struct AnalyseOptions {
  const x509::TrustStore* trust = nullptr;
  std::vector<X509*> extra_certs;
  std::vector<X509_CRL*> crls;
  std::int64_t at = 0;  ///< verification time ("now")
  bool allow_sha1 = false;
  std::vector<const keys::Credentials*> keys;  ///< for encrypted messages
  /// Asked once for keys when an encrypted layer is met and `keys` is empty, so a
  /// caller can fetch them (and fail, e.g. STORE_LOCKED) only for encrypted mail.
  std::function<std::vector<const keys::Credentials*>()> key_source;
  const io::Source* detached_content = nullptr;  ///< for a bare detached .p7s
  /// Where the root encryption layer's plaintext is decrypted to, and read back from
  /// for the analysis, instead of a private temporary file: an output the caller commits
  /// only if the analysis returns (io::Output's sink, a spool), so the plaintext is
  /// written once. Must be empty. On failure it holds partial plaintext to throw away.
  io::ReadableSink* plaintext_into = nullptr;
};

/** The innermost readable content: the signed entity or the decrypted one. */
struct Payload {
  const io::Source* source = nullptr;
  io::Range range;
};

struct Analysis {
  Verdict verdict;
  Payload content;
  Payload decrypted;  ///< the whole plaintext of the root encryption layer, when one was decrypted
  std::vector<std::shared_ptr<io::Source>> owned;  ///< keeps decrypted/decoded content alive
};

/** Analyses a MIME message, or a bare CMS object (DER/PEM), possibly with detached content. */
Analysis analyse(const io::Source& src, const AnalyseOptions& options);

struct DecryptedMessage {
  std::shared_ptr<io::Source> plaintext;
  std::string content_cipher;
  bool authenticated = false;
  std::vector<std::string> warnings;
};

/**
 * Decrypts the message's root encryption layer (or the one directly inside a
 * root signature, which is then ignored, as Thunderbird does). Encrypted parts
 * anywhere else are refused with ENCRYPTED_PART_NOT_ROOT.
 */
DecryptedMessage decrypt_message(const io::Source& src, const std::vector<const keys::Credentials*>& keys);

/**
 * The same, writing the decrypted entity straight into `out` (no plaintext field
 * in the result). `out` must stay invisible until the caller commits it: on
 * failure it holds partial plaintext (io::Output is such a sink).
 */
DecryptedMessage decrypt_message_into(const io::Source& src, const std::vector<const keys::Credentials*>& keys,
                                      io::Sink& out);

}  // namespace inkan::smime
