// The one error type of the Inkan engine: a stable code plus a detail.
//
// Codes are part of the public contract (CLI --json, native-host replies):
// they never change meaning once released. Human text exists in English and
// Japanese; details must never carry plaintext, keys or passwords.
#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace inkan {

enum class Errc {
  usage,
  io_read,
  io_write,
  file_not_found,
  input_too_large,
  mime_malformed,
  mime_too_deep,
  cms_malformed,
  cms_unsupported,
  key_load_failed,
  bad_password,
  password_required,
  cert_load_failed,
  key_cert_mismatch,
  signer_cert_unusable,
  signer_address_mismatch,
  weak_algorithm,
  recipient_cert_unusable,
  not_encrypted,
  encrypted_part_not_root,
  no_matching_recipient,
  decrypt_failed,
  unsupported_algorithm,
  bad_frame,
  frame_too_large,
  bad_request,
  unknown_op,
  upload_not_found,
  protocol_unsupported,
  trust_roots_unavailable,
  network,
  acme_problem,
  acme_protocol,
  acme_timeout,
  cancelled,
  challenge_mail_invalid,
  store_locked,
  store_busy,
  store_corrupt,
  store_version_unsupported,
  not_found,
  already_exists,
  confirmation_required,
  unknown_format,
  no_identity,
  trust_anchor_unusable,
  no_recipient_cert,
  archive_unusable,
  internal,
};

enum class Lang { en, ja };

/** Stable machine-readable code, e.g. "BAD_PASSWORD". */
std::string_view code_string(Errc code) noexcept;

/** Human message for the code in the given language. */
std::string_view message(Errc code, Lang lang) noexcept;

/** Picks the language from LC_ALL / LC_MESSAGES / LANG (ja* -> Japanese). */
Lang lang_from_environment() noexcept;

class Error : public std::exception {
public:
  explicit Error(Errc code, std::string detail = {});

  Errc code() const noexcept { return m_code; }
  const std::string& detail() const noexcept { return m_detail; }
  const char* what() const noexcept override { return m_what.c_str(); }

private:
  Errc m_code;
  std::string m_detail;
  std::string m_what;
};

}  // namespace inkan
