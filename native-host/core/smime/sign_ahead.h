// Signing in one read of the message, on the bet of content_bet.h.
//
// Signing reads a message three times: the split, then the canonical content
// part into the hash and into the output. On the bet that the content part is
// the message as it stands, the parser hands each window it reads to this
// observer, which writes it into the output at once and passes it to the hash
// on a second thread: the message is read once, and the copy costs only the
// write. When the split shows the bet was wrong, the caller empties the output
// (io::ReadableSink::restart) and signs the message again the usual way. The
// bet can cost time, never a different signature.
#pragma once

#include "cms/sign.h"
#include "io/async_sink.h"
#include "io/sink.h"
#include "keys/credentials.h"
#include "mime/entity.h"
#include "smime/compose.h"
#include "smime/content_bet.h"

#include <string>

namespace inkan::smime {

class SignAhead final : public mime::SplitObserver {
public:
  /**
   * Writes the multipart/signed head and the content headers as bet into `out`,
   * after what `out` holds already. `creds` and `out` must outlive this object.
   * Give it to the split as ParseLimits::observer.
   */
  SignAhead(ContentBet bet, const keys::Credentials& creds, const cms::SignOptions& options, io::Sink& out);
  /** Stops the hash; what was written stays in the output, for the caller to throw away. */
  ~SignAhead() override = default;

  void bytes(std::uint64_t offset, std::string_view data) override;
  /** The bet is as good as lost: stops writing and hashing (the rest would be thrown away). */
  void irregular() override { m_broken = true; }
  void settled(std::uint64_t) override {}
  void part_begins(int, std::uint64_t) override {}
  void part_ends(int, std::uint64_t) override {}

  /**
   * After the split: true when what is being signed and written is the canonical
   * content part of `root` and every byte of it went by in order.
   */
  bool holds(const mime::Entity& root) const { return !m_broken && m_bet.holds(root); }

  /** Writes what the split did not read (the epilogue), then the signature part (not flushed). */
  void finish();

private:
  void take(std::string_view data);

  ContentBet m_bet;
  EVP_PKEY* m_key;
  std::string m_boundary;
  io::Sink& m_out;
  cms::DetachedSigner m_signer;
  ForwardSink<cms::DetachedSigner> m_forward;
  io::AsyncSink m_hashing;  ///< the hash, on a thread of its own
  std::uint64_t m_next;     ///< the next body byte expected
  bool m_broken = false;    ///< bytes went by unseen or not plain, or a write failed: the bet is off
};

/** The head of a multipart/signed entity, up to its first part. */
void write_multipart_signed_head(const cms::SignOptions& options, const std::string& boundary, io::Sink& out);

/** The signature part and the close delimiter of a multipart/signed entity. */
void write_signature_part(const std::string& der, const std::string& boundary, io::Sink& out);

}  // namespace inkan::smime
