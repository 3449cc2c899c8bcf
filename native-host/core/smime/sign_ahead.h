// Signing in one read of the message, when it can be done safely.
//
// A signature needs the canonical form of the content part, and the canonical
// form is known only once the message has been split (which bodies are plain
// 7-bit with CRLF line ends, which must be re-encoded). So signing reads the
// message twice: the split, then the canonical form into the hash and the
// output. Mail written by Thunderbird is almost always canonical already (CRLF,
// 7-bit text, base64 attachments): its content part is then the root's Content-*
// fields followed by the root's body exactly as it stands.
//
// HashAhead bets on that. A second thread hashes the content headers and then
// the root's body straight from the source while the parser splits the message
// on the first; the output is written only after the split, when the real
// Canonicalizer has been run against the bet without reading the bodies again
// (a canonical body is a range of the source). Only an exact match lets the
// signer use the hash. Otherwise the hash is thrown away and the message is
// signed in two passes as before: the bet can cost time, never a different
// signature.
#pragma once

#include "cms/sign.h"
#include "io/source.h"
#include "keys/credentials.h"
#include "mime/entity.h"

#include <atomic>
#include <exception>
#include <memory>
#include <string>
#include <thread>

namespace inkan::smime {

class HashAhead {
public:
  /**
   * Starts the bet for a message of 256 KiB or more whose root is multipart
   * (large messages are: a text and attachments); null for any other message.
   */
  static std::unique_ptr<HashAhead> start(const io::Source& src, const keys::Credentials& creds,
                                          const cms::SignOptions& options);
  /** Stops the thread; the hash is discarded. */
  ~HashAhead();
  HashAhead(const HashAhead&) = delete;
  HashAhead& operator=(const HashAhead&) = delete;

  /**
   * After the split: true when the canonical content part of `root` is exactly
   * what is being hashed (the content headers, then the root's body as it stands).
   */
  bool holds(const mime::Entity& root) const;

  /** The content part's header block, as hashed (write it, then the root's body). */
  const std::string& content_headers() const { return m_headers; }

  /** Waits for the hash and returns the DER signature. Only after holds(). */
  std::string finish();

private:
  HashAhead(const io::Source& src, const keys::Credentials& creds, const cms::SignOptions& options,
            std::string headers, std::uint64_t body_begin);
  void run();

  const io::Source& m_src;
  EVP_PKEY* m_key;
  std::string m_headers;
  std::uint64_t m_body_begin;
  cms::DetachedSigner m_signer;
  std::atomic<bool> m_cancel{false};
  std::atomic<bool> m_hashed{false};  ///< the thread is done (read before joining it)
  std::exception_ptr m_error;
  std::thread m_thread;  ///< last: it starts once everything above is in place
};

}  // namespace inkan::smime
