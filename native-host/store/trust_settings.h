// The user's trust decisions, kept in the store:
//   trust/anchors/<sha256>.pem   a CA the user chose to trust for e-mail (a company
//                                CA handed out as .der/.cer), PEM with "# label:"
//                                and "# added:" lines before it (usable as an
//                                OpenSSL CAfile as it is)
//   trust/distrust/<sha256>      a certificate the user explicitly distrusts; its PEM
//                                when it was given as a file
// Distrust wins over every anchor, built-in or the user's own.
#pragma once

#include "store/identity.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::store {

struct AnchorEntry {
  std::string fingerprint;
  std::string label;
  std::string source;  ///< "user", or "builtin" (Mozilla's e-mail roots, see builtin_anchors)
  SharedCert cert;
  std::int64_t added_at = 0;  ///< 0 for built-in roots
  /// Built-in roots only: Mozilla's e-mail distrust-after date (leaves issued later are untrusted).
  std::optional<std::int64_t> email_distrust_after;
};

struct DistrustEntry {
  std::string fingerprint;
  SharedCert cert;  ///< may be null (distrusted by fingerprint only)
  std::int64_t added_at = 0;
};

/**
 * Mozilla's roots with the e-mail trust bit, as the NSS builtins module on this
 * system has them (core/x509/nss_builtins.h; loaded once, on first use). Throws
 * TRUST_ROOTS_UNAVAILABLE when the module cannot be loaded. Everything that
 * builds trust (Store::trust_store, `inkan trust list`) merges them with the
 * user's anchors and applies the distrust list to both.
 */
std::vector<AnchorEntry> builtin_anchors();

/** File text of an anchor; the label is cut to one line of at most 200 bytes. */
std::string anchor_file_text(X509* cert, std::string_view label, std::int64_t added_at);
AnchorEntry parse_anchor_file(std::string_view text, std::string_view expected_fingerprint);

std::string distrust_file_text(X509* cert_or_null, std::int64_t added_at);
DistrustEntry parse_distrust_file(std::string_view text, std::string_view fingerprint);

/** Why a certificate cannot be a trust anchor at time t, or empty if it can. */
std::string anchor_problem(X509* cert, std::int64_t t);

/** Lower-case hex without colons or spaces; empty if the text is not hex. */
std::string normalize_fingerprint(std::string_view text);

}  // namespace inkan::store
