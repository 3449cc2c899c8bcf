// Streaming decryption of (Auth)EnvelopedData held in a Source: only the
// small header fields are read into memory; OpenSSL gets a header-only CMS
// and pulls the ciphertext (however it is chunked in BER) as detached
// content, so memory stays flat whatever the size of the message.
#pragma once

#include "cms/envelope.h"
#include "io/source.h"

#include <string>

namespace inkan::cms {

/** Where things are in an EnvelopedData or AuthEnvelopedData. */
struct EnvelopeLayout {
  std::string type;            ///< "enveloped-data" or "auth-enveloped-data"
  std::string header_der;      ///< the same structure without its encrypted content
  std::string content_cipher;  ///< "aes-256-cbc", ...
  std::uint64_t content_begin = 0;  ///< offset of the encryptedContent TLV ([0]), 0 if absent
};

/** Reads the structure; throws CMS_MALFORMED, NOT_ENCRYPTED or INPUT_TOO_LARGE. */
EnvelopeLayout scan_envelope(const io::Source& der);

/** Decrypts an (Auth)EnvelopedData stored in `der` (DER or BER), streaming the ciphertext. */
DecryptResult decrypt_stream(const io::Source& der, const std::vector<const keys::Credentials*>& keys);

/**
 * The same, writing the plaintext into `out` as it is decrypted. Only for sinks
 * that stay invisible until the caller commits them (io::Output, a spool):
 * on failure `out` holds partial plaintext that must be thrown away.
 */
DecryptResult decrypt_stream_into(const io::Source& der, const std::vector<const keys::Credentials*>& keys,
                                  io::Sink& out);

}  // namespace inkan::cms
