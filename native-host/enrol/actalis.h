// Actalis's free S/MIME certificate, assisted (research/enrolment.md §3.1).
// The user fills in Actalis's web form (never automated here); Actalis mails
// a verification code, then a ZIP holding the PKCS#12 it made, whose password
// the form showed. This module reads both mails' payloads:
//
// - the verification code from the first mail (tolerant: plain text or HTML,
//   any transfer encoding, English or Italian wording);
// - the ZIP (through libarchive: no ZIP parsing of our own), bounded and
//   checked: exactly one .pfx/.p12, no unsafe names, no encryption, no links;
//   the PKCS#12 inside is imported with the store's reader (Actalis encodes
//   the certificate bag with pbeWithSHA1And40BitRC2-CBC: OpenSSL's legacy
//   provider, loaded by ossl::ensure_initialized), the key re-sealed under the
//   store key, every new certificate linted.
#pragma once

#include "store/store.h"
#include "x509/lint.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::enrol {

/** ZIP limits: a real Actalis ZIP is a few kilobytes with one entry. */
inline constexpr std::size_t kMaxZipBytes = 16u << 20;
inline constexpr std::size_t kMaxZipEntries = 64;
inline constexpr std::size_t kMaxPkcs12Bytes = 1u << 20;

struct ZipPkcs12 {
  std::string name;                  ///< the entry's name in the archive
  std::string der;                   ///< its bytes
  std::vector<std::string> ignored;  ///< other regular files in the archive (not read)
};

/** True if the bytes start like a ZIP archive (a local file header, or an empty archive). */
bool looks_like_zip(std::string_view bytes) noexcept;

/**
 * The one PKCS#12 file (.pfx or .p12, any case) in a ZIP archive.
 * ARCHIVE_UNUSABLE when the archive is damaged, encrypted, holds a link or an
 * unsafe name (absolute, "..", a drive letter), none or several PKCS#12
 * files, too many entries, or a PKCS#12 file over kMaxPkcs12Bytes once
 * inflated (the bytes are counted as they inflate: a bomb stops there).
 * INPUT_TOO_LARGE over kMaxZipBytes.
 */
ZipPkcs12 pkcs12_from_zip(std::string_view zip);

struct ActalisImport {
  ZipPkcs12 archive;                     ///< der cleared after the import
  store::ImportReport report;
  std::vector<x509::LintResult> lint;    ///< one per added identity, same order
  std::int64_t not_after = 0;            ///< the earliest expiry among the added identities
  std::int64_t remind_at = 0;            ///< when to remind the user to renew
};

/** Days before expiry the renewal reminder is due (Actalis certificates last a year). */
inline constexpr int kActalisReminderDays = 30;

/**
 * Unpacks the ZIP, opens the PKCS#12 with the password the form showed
 * (BAD_PASSWORD when wrong), imports it into the store with source "actalis"
 * (ALREADY_EXISTS when it is there already), and lints what was added.
 */
ActalisImport import_actalis_zip(store::Store& store, std::string_view zip, const std::string& password, std::int64_t now);

struct VerificationCode {
  std::string code;
  std::string from;        ///< the mail's From address
  bool from_actalis = false;  ///< From is at actalis.it or actalis.com (or a subdomain)
};

/**
 * The verification code in Actalis's first mail ("Please enter the following
 * verification code in the "Verification Code" field…"; Italian "codice di
 * verifica" too): the first token after that phrase that has a digit and only
 * letters, digits, '-' and '_' (4 to 64 characters). nullopt when there is none.
 */
std::optional<VerificationCode> actalis_verification_code(std::string_view raw_mail);

}  // namespace inkan::enrol
