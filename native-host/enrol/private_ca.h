// A company CA kept in the store, for small organisations: a root (the trust
// anchor users import) and the issuing CA it signed (which signs people's
// certificates and the CRL), both keys sealed under the store key like every
// identity's key; the certificates it issued (one file per serial) and its
// revocations, which make its CRL.
//
//   <root>/ca/<sha256>/ca.json                 the CA (<sha256>: the root's): both certificates,
//                                              both sealed keys, CRL number, settings
//   <root>/ca/<sha256>/issued/<SERIAL>.json    one issued certificate: who, memo, revocation
//
// Every change is one file created or replaced atomically under the store's
// write lock (Store::locked_change). The keys of issued certificates are not
// kept: they go to their owner once, in a PKCS#12 with a generated password.
// Profiles: certificate_profile.h. docs/enrolment.md, "Company CA".
#pragma once

#include "certificate_profile.h"
#include "keygen.h"
#include "store/store.h"
#include "x509/lint.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::enrol {

struct CompanyCa {
  std::string fingerprint;  ///< SHA-256 of the root certificate: the folder's name
  std::string name;
  store::SharedCert cert;          ///< the root: what users trust
  store::SharedCert issuing_cert;  ///< the issuing CA, signed by the root
  std::string key_type;     ///< "rsa3072", "p256", ...
  std::string sealed_key;          ///< the root's key
  std::string issuing_sealed_key;  ///< the issuing CA's key
  std::string key_id;
  std::string crl_url;      ///< written into issued certificates when set
  std::uint64_t crl_number = 0;  ///< of the last CRL made (0: none yet)
  std::int64_t created_at = 0;
};

struct IssuedCertificate {
  std::string serial;       ///< upper-case hex: the file's name
  std::string fingerprint;
  std::string common_name;
  std::string email;
  std::string memo;
  std::string key_type;
  std::int64_t issued_at = 0;
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  std::int64_t revoked_at = 0;  ///< 0: not revoked
  std::string reason;           ///< RFC 5280 reason name when revoked
  store::SharedCert cert;

  /** "valid", "expired", "not_yet_valid" or "revoked". */
  std::string status(std::int64_t now) const;
};

struct CaInitRequest {
  std::string name;
  KeyType key_type = KeyType::rsa3072;
  int days = 3650;
  std::string crl_url;
};

struct CaIssueRequest {
  std::string common_name;
  std::string email;
  KeyType key_type = KeyType::rsa3072;
  int days = 365;
  std::string memo;  ///< for the administrator: who asked, which device (at most 1000 bytes, one line)
  store::Pkcs12Profile profile = store::Pkcs12Profile::modern;
};

struct CaIssueResult {
  IssuedCertificate issued;
  std::string pkcs12;    ///< DER, key + certificate + the CA certificate
  std::string password;  ///< generated; shown once, never stored
  x509::LintResult lint;
};

struct CrlResult {
  std::string der;
  std::uint64_t number = 0;
  std::size_t revoked = 0;
  std::int64_t this_update = 0;
  std::int64_t next_update = 0;
};

/** Makes a CA (root and issuing CA, keys generated here) and keeps it in the store (created if needed). */
CompanyCa ca_init(store::Store& store, const CaInitRequest& request, std::int64_t now);

/** The store's company CAs, oldest first; damaged ones become problems. */
std::vector<CompanyCa> list_cas(const store::Store& store, std::vector<store::Problem>* problems = nullptr);

/**
 * One CA by fingerprint (or a unique prefix of at least 8 hex digits); an
 * empty selector picks the only one. NOT_FOUND when there is none, USAGE when
 * several exist and none was named.
 */
CompanyCa find_ca(const store::Store& store, std::string_view fingerprint);

/** Its issued certificates, newest first. */
std::vector<IssuedCertificate> issued_certificates(const store::Store& store, const CompanyCa& ca,
                                                   std::vector<store::Problem>* problems = nullptr);

/**
 * Issues a certificate: a new key, the profile of certificate_profile.h,
 * signed by the issuing CA, linted (any error or warning means INTERNAL:
 * nothing is written), recorded, and packed with the issuing CA and the root
 * under a generated password.
 */
CaIssueResult ca_issue(store::Store& store, const CompanyCa& ca, const CaIssueRequest& request, std::int64_t now);

/** Marks an issued certificate revoked. NOT_FOUND, ALREADY_EXISTS (revoked before), USAGE (reason). */
IssuedCertificate ca_revoke(store::Store& store, const CompanyCa& ca, std::string_view serial, std::string_view reason,
                            std::int64_t now);

/** A new CRL of every revoked certificate, with the next CRL number (recorded). */
CrlResult ca_crl(store::Store& store, const CompanyCa& ca, int days, std::int64_t now);

/**
 * The user's side of a company CA: after importing the .p12 the administrator
 * handed out, the self-signed CA at the top of each imported identity's chain
 * becomes a trust anchor (labelled with its common name), so the user imports
 * and trusts in one step. Anchors the store has already are skipped.
 */
std::vector<store::AnchorEntry> trust_issuing_cas(store::Store& store, const store::ImportReport& report, std::int64_t now);

/** 24 characters from a 32-letter alphabet without look-alikes, in groups of four: 120 bits. */
std::string generate_password();

/** {"fingerprint","name","subject","issuing_subject","issuing_fingerprint","key_type","not_before","not_after","crl_url","crl_number","created_at"} */
nlohmann::ordered_json ca_json(const CompanyCa& ca);
/** {"serial","fingerprint","common_name","email","memo","key_type","issued_at","not_before","not_after","status","revoked_at","reason"} */
nlohmann::ordered_json issued_json(const IssuedCertificate& issued, std::int64_t now);

}  // namespace inkan::enrol
