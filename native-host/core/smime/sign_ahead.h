// Signing in one read of the message, when it can be done safely.
//
// HashAhead makes the bet of content_bet.h: a second thread hashes the content
// part as bet straight from the source while the parser splits the message on
// the first; the output is written only after the split, once the bet is known
// to hold. Otherwise the hash is thrown away and the message is signed in two
// passes (the split, then the canonical form into the hash and the output): the
// bet can cost time, never a different signature.
#pragma once

#include "cms/sign.h"
#include "io/source.h"
#include "keys/credentials.h"
#include "mime/entity.h"
#include "smime/content_bet.h"

#include <atomic>
#include <exception>
#include <memory>
#include <string>
#include <thread>

namespace inkan::smime {

class HashAhead {
public:
  /** Starts the bet when the message is a candidate (ContentBet::make); null otherwise. */
  static std::unique_ptr<HashAhead> start(const io::Source& src, const keys::Credentials& creds,
                                          const cms::SignOptions& options);
  /** Stops the thread; the hash is discarded. */
  ~HashAhead();
  HashAhead(const HashAhead&) = delete;
  HashAhead& operator=(const HashAhead&) = delete;

  /** After the split: true when what is being hashed is the canonical content part of `root`. */
  bool holds(const mime::Entity& root) const { return m_bet.holds(root); }

  /** The content part's header block, as hashed (write it, then the root's body). */
  const std::string& content_headers() const { return m_bet.content_headers(); }

  /** Waits for the hash and returns the DER signature. Only after holds(). */
  std::string finish();

private:
  HashAhead(ContentBet bet, const keys::Credentials& creds, const cms::SignOptions& options);
  void run();

  ContentBet m_bet;
  EVP_PKEY* m_key;
  cms::DetachedSigner m_signer;
  std::atomic<bool> m_cancel{false};
  std::atomic<bool> m_hashed{false};  ///< the thread is done (read before joining it)
  std::exception_ptr m_error;
  std::thread m_thread;  ///< last: it starts once everything above is in place
};

}  // namespace inkan::smime
