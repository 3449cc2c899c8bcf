// Recognising S/MIME layers in a MIME tree: which entity is a detached
// signature, which carries CMS (opaque signature, encryption), and where.
#pragma once

#include "io/source.h"
#include "mime/entity.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace inkan::smime {

/** Largest CMS object decoded in memory (signatures, opaque or encrypted bodies). */
inline constexpr std::uint64_t kMaxCmsBytes = 512ULL << 20;

enum class LayerKind {
  none,                ///< not S/MIME
  detached_signature,  ///< multipart/signed with an S/MIME protocol
  cms,                 ///< application/pkcs7-mime (or .p7m octet-stream)
};

struct Layer {
  LayerKind kind = LayerKind::none;
  const mime::Entity* entity = nullptr;  ///< the entity classified
  std::string cms_der;   ///< decoded CMS of signatures (encrypted bodies stay on disk, see decoded_body_source)
  std::string cms_type;  ///< "signed-data", "enveloped-data", "auth-enveloped-data", ... ("" if unreadable)
  const mime::Entity* signed_part = nullptr;  ///< detached: the first child
  std::string problem;   ///< why the layer is malformed, if it is

  bool is_signature() const {
    return kind == LayerKind::detached_signature || (kind == LayerKind::cms && cms_type == "signed-data");
  }
  bool is_encryption() const {
    return kind == LayerKind::cms && (cms_type == "enveloped-data" || cms_type == "auth-enveloped-data");
  }
};

bool is_pkcs7_mime(const mime::Entity& e);
bool is_smime_multipart_signed(const mime::Entity& e);

/** Classifies an entity, decoding its CMS if it has one. */
Layer classify(const io::Source& src, const mime::Entity& e);

/** The body of an entity with its transfer encoding removed (bounded by max_bytes). */
std::string decoded_body(const io::Source& src, const mime::Entity& e, std::uint64_t max_bytes);

/** The body of an entity with its transfer encoding removed, in a private temporary file. */
std::unique_ptr<io::Source> decoded_body_source(const io::Source& src, const mime::Entity& e);

/**
 * The decoded body of an encrypted entity of the given CMS type, for decryption:
 * base64 EnvelopedData is decoded as the decryption reads it (its ciphertext
 * comes last and is read once, front to back: nothing is spooled); anything
 * else (AuthEnvelopedData, whose tag follows the ciphertext) as decoded_body_source.
 */
std::unique_ptr<io::Source> encrypted_body_source(const io::Source& src, const mime::Entity& e,
                                                  const std::string& cms_type);

enum class RawCms { none, der, pem };

/** Whether the input is a bare CMS object rather than a MIME message. */
RawCms raw_cms_kind(const io::Source& src);

/** The DER of a bare CMS object: the input itself for DER, decoded to a temporary file for PEM. */
std::shared_ptr<const io::Source> raw_cms_source(const io::Source& src);

/** If the input is a bare CMS object (DER, or PEM "PKCS7"/"CMS"), its DER in memory (bounded). */
std::optional<std::string> raw_cms(const io::Source& src);

/** The encapsulated content of an opaque SignedData, if present. */
std::optional<std::string> encapsulated_content(std::string_view signed_data_der);

/** Part numbers of encrypted entities anywhere below `e` (for diagnostics). */
std::vector<std::string> encrypted_parts_below(const io::Source& src, const mime::Entity& e);

}  // namespace inkan::smime
