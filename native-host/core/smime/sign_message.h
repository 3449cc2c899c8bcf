// Signing a message: multipart/signed with a detached signature (what
// Thunderbird sends) or opaque application/pkcs7-mime signed-data; and
// detached signatures of arbitrary files.
#pragma once

#include "cms/sign.h"
#include "io/sink.h"
#include "io/source.h"
#include "mime/entity.h"

#include <cstdint>
#include <string>
#include <vector>

namespace inkan::smime {

struct SignMessageOptions {
  cms::SignOptions cms;
  bool opaque = false;
  std::int64_t now = 0;
};

struct ComposeResult {
  std::vector<std::string> warnings;
};

/** Signs a whole RFC 5322 message; the result is a complete message. */
ComposeResult sign_message(const io::Source& src, const keys::Credentials& creds, const SignMessageOptions& options,
                           io::Sink& out);

/**
 * The same into an output that can be taken back: a large message is signed and
 * written while it is split, on the bet that it is canonical already (smime/sign_ahead.h).
 */
ComposeResult sign_message(const io::Source& src, const keys::Credentials& creds, const SignMessageOptions& options,
                           io::ReadableSink& out);

/**
 * Writes only the signed MIME entity (its Content-Type header, a blank line,
 * and the body) for the content part of `root`. Used on its own when the
 * signed entity is then encrypted.
 */
void write_signed_entity(const io::Source& src, const mime::Entity& root, const keys::Credentials& creds,
                         const SignMessageOptions& options, io::Sink& out);

/**
 * The multipart/signed entity of write_signed_entity, for a caller that runs the
 * hash itself: the content goes to `out` and to `hashing`, which must feed
 * `signer` and have passed every byte on once flushed.
 */
void write_detached_signed_entity(const io::Source& src, const mime::Entity& root, const cms::SignOptions& options,
                                  cms::DetachedSigner& signer, io::Sink& hashing, io::Sink& out);

/** Checks that every From address (or Sender, without From) is in the signing certificate. */
void check_sender(const mime::Entity& root, const keys::Credentials& creds);

/** A detached DER signature (.p7s) over the exact bytes of a file. */
std::string sign_file(const io::Source& src, const keys::Credentials& creds, const cms::SignOptions& options);

}  // namespace inkan::smime
