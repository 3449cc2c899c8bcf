// CMS EnvelopedData and AuthEnvelopedData (RFC 5652 §6, RFC 5083/5084):
// choosing algorithms per recipient, encrypting as a stream, decrypting
// without ever releasing unauthenticated or partial plaintext.
#pragma once

#include "cms/attributes.h"
#include "cms/cms_stream.h"
#include "io/sink.h"
#include "ossl/handles.h"
#include "io/source.h"
#include "keys/credentials.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace inkan::cms {

struct Recipient {
  ossl::X509Ptr cert;
  std::vector<Capability> capabilities;  ///< what the recipient advertised (from signed mail); may be empty
  bool is_self = false;                  ///< our own certificate: we know what we support
};

enum class CipherChoice { automatic, aes256_cbc, aes256_gcm };

struct EncryptionPlan {
  bool authenticated = false;        ///< AuthEnvelopedData with AES-256-GCM
  std::string content_cipher;        ///< "aes-256-cbc" or "aes-256-gcm"
  std::vector<std::string> key_transport;  ///< per recipient: "rsa-pkcs1-v1_5", "rsa-oaep-sha256", "ecdh-sha256kdf"
};

/** Refuses recipients that cannot receive mail (expired, wrong key usage, unsupported key). */
void check_recipient(X509* cert, std::int64_t now);

/**
 * AES-256-CBC EnvelopedData unless every recipient advertised AES-256-GCM
 * (or GCM was requested); RSA-OAEP for recipients that advertised it.
 */
EncryptionPlan plan_encryption(const std::vector<Recipient>& recipients, CipherChoice choice);

/** Encrypts content pushed in chunks, writing BER to `out` as it goes (constant memory). */
class Encryptor {
public:
  Encryptor(const std::vector<Recipient>& recipients, const EncryptionPlan& plan, io::Sink& out);
  void update(std::string_view content);
  /** Completes the structure (padding, tag, end-of-contents octets). */
  void finish();

private:
  CmsStream m_stream;
};

struct DecryptResult {
  std::string content_cipher;  ///< "aes-256-cbc", "aes-256-gcm", "des-ede3-cbc", ...
  bool authenticated = false;
  std::unique_ptr<io::Source> plaintext;  ///< only set on success
};

/**
 * Decrypts with the first of `keys` that is a recipient. The plaintext goes to
 * a private temporary file and is handed out only if decryption (and, for
 * AuthEnvelopedData, authentication) succeeded completely.
 */
DecryptResult decrypt(std::string_view cms_der, const std::vector<const keys::Credentials*>& keys);

/** Sets the first of `keys` that is a recipient; throws NO_MATCHING_RECIPIENT if none is. */
void select_recipient_key(CMS_ContentInfo* cms, const std::vector<const keys::Credentials*>& keys);

/** Throws the right error after a failed CMS_decrypt (UNSUPPORTED_ALGORITHM or DECRYPT_FAILED). */
[[noreturn]] void throw_decrypt_error(const std::string& cipher);

/** "enveloped-data", "auth-enveloped-data", "signed-data", ... for a CMS blob; "" if unknown. */
std::string content_type_name(std::string_view cms_der);

/** The content-encryption algorithm name of an (Auth)EnvelopedData, from its DER. */
std::string content_cipher_name(std::string_view cms_der);

}  // namespace inkan::cms
