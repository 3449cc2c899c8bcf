// Encrypting a message (RFC 8551 §3.3), optionally signed first (§3.6):
// the result is application/pkcs7-mime enveloped-data (or authEnveloped-data).
#pragma once

#include "cms/envelope.h"
#include "smime/sign_message.h"

#include <optional>

namespace inkan::smime {

struct EncryptMessageOptions {
  std::vector<cms::Recipient> recipients;  ///< the people the mail is for
  ossl::X509Ptr self;                      ///< our own certificate, so Sent mail stays readable
  bool allow_without_self = false;         ///< only with explicit consent: sent copy unreadable
  const keys::Credentials* sign_with = nullptr;  ///< sign, then encrypt
  SignMessageOptions sign;
  cms::CipherChoice cipher = cms::CipherChoice::automatic;
  std::int64_t now = 0;
};

struct EncryptResult : ComposeResult {
  cms::EncryptionPlan plan;
};

/** Encrypts `src` into `out`, reading the message twice (the split, then the content into the cipher). */
EncryptResult encrypt_message(const io::Source& src, EncryptMessageOptions options, io::Sink& out);

/**
 * The same into an output that can be taken back: a large message is encrypted
 * while it is split, on the bet that it is canonical already (smime/encrypt_ahead.h).
 */
EncryptResult encrypt_message(const io::Source& src, EncryptMessageOptions options, io::ReadableSink& out);

}  // namespace inkan::smime
