// Mozilla's root store, read at run time from NSS's builtins PKCS#11 module
// (libnssckbi), with the e-mail trust bit and the e-mail distrust-after dates.
//
// Thunderbird trusts for S/MIME exactly the roots whose NSS trust object says
// CKA_TRUST_EMAIL_PROTECTION = CKT_NSS_TRUSTED_DELEGATOR. Debian's /etc/ssl/certs
// is the TLS set and is NOT this set. Thunderbird on Debian loads the system
// module (package libnss3); Mozilla's own builds ship a copy next to the binary.
#pragma once

#include "ossl/handles.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace inkan::x509 {

class TrustStore;

struct BuiltinRoot {
  ossl::X509Ptr cert;
  std::string label;             ///< CKA_LABEL, e.g. "Actalis Authentication Root CA"
  bool email_trusted = false;    ///< e-mail trust == CKT_NSS_TRUSTED_DELEGATOR: an S/MIME anchor
  bool distrusted = false;       ///< e-mail trust == CKT_NSS_NOT_TRUSTED: never valid, not even as intermediate
  bool server_trusted = false;   ///< TLS trust == CKT_NSS_TRUSTED_DELEGATOR (for information)
  /// CKA_NSS_EMAIL_DISTRUST_AFTER: leaves whose notBefore is later than this are not trusted.
  std::optional<std::int64_t> email_distrust_after;
};

struct BuiltinRoots {
  std::string module_path;       ///< the module that was loaded
  std::string module_description;  ///< CK_INFO libraryDescription and version, e.g. "NSS Builtin Objects 2.60"
  std::vector<BuiltinRoot> roots;  ///< every certificate of the module that has an NSS trust object
  /// Distrust (CKT_NSS_NOT_TRUSTED) by issuer and serial, for trust objects without a
  /// certificate in the module: {issuer DER Name, serial DER INTEGER}.
  std::vector<std::pair<std::string, std::string>> distrusted_serials;
  double load_ms = 0;              ///< wall time of dlopen .. C_Finalize, for the report

  std::size_t email_anchor_count() const;
};

/**
 * Where the module is looked for, in order: $INKAN_NSSCKBI alone if set; else the
 * platform's known places (Debian/Ubuntu multiarch dirs, Fedora/Arch lib dirs, and
 * Thunderbird's own install dir on macOS and Windows, where it ships its own copy).
 */
std::vector<std::string> nssckbi_candidates();

/**
 * Reads one module (no cache; loads are serialised, as a module is initialised once per
 * process). Throws TRUST_ROOTS_UNAVAILABLE if it cannot be loaded or read.
 */
BuiltinRoots load_builtin_roots(const std::string& module_path);

/**
 * The builtins of the first loadable candidate, loaded on first use and kept for the
 * life of the process (thread-safe). Throws TRUST_ROOTS_UNAVAILABLE when no module can
 * be loaded; callers may continue with the user's own anchors only. A failure is not
 * cached: a later call looks again.
 */
const BuiltinRoots& builtin_roots();

/**
 * Adds the e-mail anchors (with their distrust-after dates) and the explicitly
 * distrusted certificates to a trust store. Returns the number of anchors added.
 */
std::size_t add_builtin_trust(TrustStore& store, const BuiltinRoots& roots);

/**
 * Parses CKA_NSS_EMAIL_DISTRUST_AFTER's value: a UTCTime string ("YYMMDDHHMMSSZ"), or
 * one CK_FALSE byte (no date: nullopt). Anything else fails closed (the earliest time).
 */
std::optional<std::int64_t> parse_distrust_after(const std::string& value);

}  // namespace inkan::x509
