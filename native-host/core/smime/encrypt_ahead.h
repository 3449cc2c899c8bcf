// Encrypting in one read of the message, on the bet of content_bet.h.
//
// Encryption reads a message twice: the split, then the canonical content part
// into the cipher. On the bet that the content part is the message as it stands,
// the parser hands each window it reads to this observer, which passes it to the
// cipher at once (base64 and the writes run on a second thread, as always): the
// message is read once. Unlike a hash, ciphertext cannot wait in memory for the
// split to finish: it is written into the output as it comes, and when the split
// shows the bet was wrong the caller empties the output (io::ReadableSink::restart)
// and encrypts the message again the usual way. The bet can cost time, never
// different content.
//
// Signed-then-encrypted mail makes the same bet: the cipher then takes the
// multipart/signed entity (its head, the content part, the signature part at the
// end) and the content part is also hashed.
//
// The cipher stays on the parser's thread: a third busy thread on two cores (one
// for the cipher, one for the split) made the threads wait for each other and
// encryption slower, not faster. The hash and base64 share the second thread
// (io/async_lanes.h).
#pragma once

#include "cms/envelope.h"
#include "cms/sign.h"
#include "io/async_lanes.h"
#include "io/sink.h"
#include "keys/credentials.h"
#include "mime/entity.h"
#include "smime/compose.h"
#include "smime/content_bet.h"

#include <memory>
#include <string>
#include <vector>

namespace inkan::smime {

class EncryptAhead final : public mime::SplitObserver {
public:
  /**
   * Starts the (Auth)EnvelopedData of the content part as bet in `out`, after what
   * `out` holds already. `recipients` and `out` must outlive this object; the caller
   * does not touch `out` until finish() or destruction. Give it to the split as
   * ParseLimits::observer.
   */
  EncryptAhead(ContentBet bet, const std::vector<cms::Recipient>& recipients, const cms::EncryptionPlan& plan,
               io::Sink& out);
  /** The same for signed-then-encrypted mail: `signer` must outlive this object. */
  EncryptAhead(ContentBet bet, const std::vector<cms::Recipient>& recipients, const cms::EncryptionPlan& plan,
               io::Sink& out, const keys::Credentials& signer, const cms::SignOptions& options);
  /** Stops the thread; what was written stays in the output, for the caller to throw away. */
  ~EncryptAhead() override = default;

  void bytes(std::uint64_t offset, std::string_view data) override;
  /** The bet is as good as lost: stops encrypting (the rest would be thrown away). */
  void irregular() override { m_broken = true; }
  void settled(std::uint64_t) override {}
  void part_begins(int, std::uint64_t) override {}
  void part_ends(int, std::uint64_t) override {}

  /**
   * After the split: true when what is being encrypted is the canonical content
   * part of `root` and every byte of it reached the cipher in order.
   */
  bool holds(const mime::Entity& root) const;

  /** Encrypts what the split did not read (the epilogue) and completes the output (not flushed). */
  void finish();

private:
  // The content part: into the cipher and, when signing, to the hash.
  class Content final : public io::Sink {
  public:
    explicit Content(EncryptAhead& owner) : m_owner(owner) {}
    void write(std::string_view bytes) override;

  private:
    EncryptAhead& m_owner;
  };
  // The hash's lane ends here, on the second thread.
  class Hash final : public io::Sink {
  public:
    explicit Hash(EncryptAhead& owner) : m_owner(owner) {}
    void write(std::string_view bytes) override { m_owner.m_signer->update(bytes); }

  private:
    EncryptAhead& m_owner;
  };

  ContentBet m_bet;
  std::unique_ptr<cms::DetachedSigner> m_signer;  ///< signed then encrypted; else null
  EVP_PKEY* m_key = nullptr;                      ///< the signer's key
  std::string m_boundary;                         ///< of the multipart/signed entity, when signing
  cms::SignOptions m_sign_options;
  Hash m_hash;
  Base64Sink m_b64;
  io::AsyncLanes m_lanes;  ///< the hash (lane 0) and base64 with the writes (lane 1), on a thread of their own
  cms::Encryptor m_encryptor;
  Content m_content;
  std::uint64_t m_next;   ///< the next body byte the cipher expects
  bool m_broken = false;  ///< bytes went by unseen or not plain, or the cipher failed: the bet is off
};

}  // namespace inkan::smime
