#include "dispatcher.h"

#include "ops/ops.h"
#include "reply.h"
#include "verdict_json.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <new>
#include <optional>

namespace inkan::protocol {
namespace {

// Shared wording of the forms every op uses (docs/protocol.md, "Inputs", "Outputs", "Keys").
#define INKAN_INPUT "input form: {\"data\": base64} | {\"upload\": id} | {\"path\": \"/absolute\"}"
#define INKAN_OUTPUT "output form: \"stream\" (default) | \"spool\" | {\"path\": \"/absolute\"}"
#define INKAN_KEY                                                                                     \
  "key form: {\"pkcs12\": input, \"password\": s} | {\"pem\": input, \"cert\": input, \"password\": s} " \
  "| {\"fingerprint\": hex}; \"remember_seconds\": n keeps it unlocked in memory"
#define INKAN_IDENTITY "string, optional: an address (its identity selected now) or a SHA-256 fingerprint"
#define INKAN_OUTPUT_RESULT \
  "output (object): {bytes, chunks, sha256} for \"stream\" (after the chunk frames), {path, bytes} otherwise"
#define INKAN_STORE_PASS "passphrase (string, optional): the store's passphrase, when it has one"
#define INKAN_ENROLMENT                                                                                           \
  "enrolment (string): its id\n"                                                                                   \
  "directory, server (string), addresses (array), stage (created, authorizing, finalizing, issuing, done, failed)\n" \
  "status (string): awaiting_reply (a challenge mail must be answered), waiting (call acme.resume again), done, failed\n" \
  "awaiting (array of {authorization, address, from, since, reply_prepared}): challenge mails to look for: To "  \
  "address, From from, received after since\n"                                                                     \
  "retry_after_seconds (integer or null): when to call acme.resume again\n"                                      \
  "answer_after (string or null): when the host will answer the challenge (reply sent + the server's delay)\n"   \
  "error (object or null): {code, detail} of the last failed step\n"                                             \
  "created_at, updated_at (ISO 8601)"
#define INKAN_IMPORTED                                                                                   \
  "imported (object): imported (array of identities, as identity lists show them), already_present, "    \
  "completed_pending, warnings\n"                                                                        \
  "lint (array): for each imported certificate: fingerprint, ok, findings (code, severity, message, message_ja, "\
  "source), path (docs/lint.md)"
#define INKAN_CA                                                                                           \
  "fingerprint (the root's), name, subject, issuing_subject, issuing_fingerprint, key_type, not_before, not_after, " \
  "crl_url, crl_number, created_at"
#define INKAN_ISSUED \
  "serial, fingerprint, common_name, email, memo, key_type, issued_at, not_before, not_after, status (valid, expired, " \
  "not_yet_valid, revoked), revoked_at, reason"

constexpr std::array kOps{
    OpSpec{"hello", ops::hello, "Version handshake; call it first.",
           "protocol (integer, default 1): the highest protocol version the add-on speaks",
           "protocol (integer): the version both speak\n"
           "host_version (string)\n"
           "openssl (string): the OpenSSL version in use\n"
           "ops (array of strings): every op of this host\n"
           "store (object): path, exists, protected (a passphrase wraps the store key), unlocked (ops that need a "
           "private key work now without the passphrase), unlocked_until (ISO 8601 or null), problem (null, or "
           "{code, detail} when store.json cannot be read)\n"
           "limits (object): max_request_frame, max_reply_frame, chunk_bytes, upload_chunk_bytes\n"
           "base64 (string): the codec in use, \"avx2\" or \"scalar\""},
    OpSpec{"help", ops::help, "Lists the ops, or describes one.", "about (string, optional): an op name",
           "ops (array of {name, summary}) without about\n"
           "name, summary, params, result (arrays of lines) with about"},
    OpSpec{"upload", ops::upload, "Sends input bytes in pieces, kept in a private temporary file.",
           "upload (string, 1-64 characters): the client's name for this upload\n"
           "seq (integer): 0 for the first piece, then 1, 2, ...\n"
           "data (base64, the frame's last member): the piece",
           "upload (string)\n"
           "size (integer): bytes received so far"},
    OpSpec{"upload.discard", ops::upload_discard, "Deletes an upload that will not be used.",
           "upload (string)",
           "upload (string)\n"
           "discarded (boolean): false if there was no such upload"},
    OpSpec{"sign", ops::sign, "Signs a message (multipart/signed, or opaque signed-data).",
           "input (" INKAN_INPUT "): the RFC 5322 message\n"
           "output (" INKAN_OUTPUT ")\n"
           "identity (" INKAN_IDENTITY "): the store identity that signs (default: the message's From, else Sender)\n"
           "key (" INKAN_KEY ", optional): the signer instead of the store's identity\n"
           "opaque (boolean, default false): application/pkcs7-mime signed-data instead of multipart/signed\n"
           "digest (string, default \"sha256\"): sha256, sha384 or sha512\n"
           "pss (boolean, default false): RSA-PSS signatures",
           INKAN_OUTPUT_RESULT "\n"
           "signer (object): the signing certificate's summary\n"
           "warnings (array of strings): codes, e.g. short-key\n"
           "key (object, when remember_seconds was given): fingerprint, remembered_until"},
    OpSpec{"encrypt", ops::encrypt, "Encrypts a message (signing it first, by default).",
           "input (" INKAN_INPUT "): the RFC 5322 message\n"
           "output (" INKAN_OUTPUT ")\n"
           "recipients (array of strings, optional): addresses whose certificates come from the store (the user's "
           "identities, else the contacts), as recipients.lookup finds them\n"
           "recipient_certs (array of input forms, optional): one per recipient, its certificate first (PEM or DER), "
           "then optionally its chain\n"
           "(without recipients and recipient_certs: the message's To and Cc addresses, looked up as recipients; "
           "an address without a usable certificate is NO_RECIPIENT_CERT, whose error lists addresses: [{address, "
           "reason, details}])\n"
           "identity (" INKAN_IDENTITY "): the sender's store identity (default: the message's From, else Sender); "
           "its signing key signs, its encryption certificate gets the readable copy\n"
           "key (" INKAN_KEY ", optional): the sender instead of the store's identity; its certificate also gets a "
           "readable copy\n"
           "sign (boolean, default true unless self_cert is given): sign, then encrypt; when left out, a sender "
           "without an identity in the store still gets an encrypted (unsigned) message if no_self is true\n"
           "self_cert (input form, optional): the sender's certificate instead of the store's; no signing then\n"
           "no_self (boolean, default false): no copy readable by the sender (Sent mail stays unreadable)\n"
           "trust (array of input forms, optional): recipient_certs must chain to these anchors (looked-up recipients always chain to the store's)\n"
           "certs (array of input forms, optional): intermediate certificates for that check\n"
           "cipher (string, default \"auto\"): auto, aes256-cbc or aes256-gcm\n"
           "digest, pss: as for sign",
           INKAN_OUTPUT_RESULT "\n"
           "cipher (string): aes-256-cbc or aes-256-gcm\n"
           "recipients (array of {fingerprint, addresses, key_transport})\n"
           "signed (boolean)\n"
           "warnings (array of strings)\n"
           "key (object, when remember_seconds was given): fingerprint, remembered_until"},
    OpSpec{"verify", ops::verify, "Verifies a message and explains the verdict.",
           "input (" INKAN_INPUT "): a message, or a bare CMS signature (DER or PEM)\n"
           "content (input form, optional): the signed file, for a bare detached signature\n"
           "trust (array of input forms, optional): exactly these anchors (PEM or DER certificates) instead of the "
           "store's: Mozilla's e-mail roots and the user's anchors, minus what the user distrusts\n"
           "crls (array of input forms, optional): certificate revocation lists\n"
           "certs (array of input forms, optional): extra intermediate certificates\n"
           "at (string, optional): verification time, ISO 8601 (default: now)\n"
           "allow_sha1 (boolean, default false): accept SHA-1 signatures from the past\n"
           "key (key form, optional): decrypts an encrypted message first, instead of the store's keys (which are "
           "used only when the message is encrypted)\n"
           "identity (" INKAN_IDENTITY "): only that identity's keys decrypt (all of an address's)\n"
           "harvest (boolean, default false): record the certificates the message carries in the contacts, as "
           "`inkan verify --harvest` (not with trust)",
           "the verdict of docs/verdict.md: version, status, reasons, warnings, signed, encrypted, signature, "
           "signer, signing_time, content_cipher, layers, signers, certificates, checked_at\n"
           "contact (with harvest): the first signer's contact {address, change, fingerprint, status, key_change, "
           "trusted, known_since, contact_since, replaced}, null when it reached no contact, {error: {code, detail}} "
           "when recording failed (the verdict stands)"},
    OpSpec{"decrypt", ops::decrypt, "Decrypts a message and judges the signature inside.",
           "input (" INKAN_INPUT "): the encrypted message\n"
           "output (" INKAN_OUTPUT "): receives the decrypted MIME entity\n"
           "key (" INKAN_KEY ", optional): instead of the store's keys (every key, old ones too)\n"
           "identity (" INKAN_IDENTITY "): only that identity's keys (all of an address's)\n"
           "trust, crls, certs, at, allow_sha1: as for verify, to judge the inner signature\n"
           "harvest (boolean, default false): as for verify, for the inner signature",
           INKAN_OUTPUT_RESULT "\n"
           "content_cipher (string)\n"
           "verdict (object): the verdict of docs/verdict.md for the decrypted message; with harvest, its contact "
           "member as for verify\n"
           "key (object, when remember_seconds was given): fingerprint, remembered_until"},
    OpSpec{"inspect", ops::inspect, "Describes a message's MIME and CMS structure.",
           "input (" INKAN_INPUT ")", "the structure `inkan inspect --json` prints"},
    OpSpec{"key.forget", ops::key_forget, "Forgets keys held unlocked in memory.",
           "fingerprint (string, optional): one key's certificate SHA-256; all keys when absent",
           "forgotten (integer): how many keys were forgotten"},
    OpSpec{"store.status", ops::store_status, "Describes the store: where it is, whether it is protected, what it holds.",
           "(none)",
           "the JSON of `inkan store status --json`: version, path, exists, format_version, created_at, passphrase, "
           "kdf, identities, trust_anchors, builtin_roots, distrusted, problems\n"
           "unlocked (boolean), unlocked_until (ISO 8601 or null): as in hello's store"},
    OpSpec{"store.unlock", ops::store_unlock, "Unlocks a passphrase-protected store for a while.",
           "passphrase (string): the store passphrase; wiped after use, never logged\n"
           "remember_seconds (integer, default 900, at most 43200): how long the host keeps the unwrapped store key "
           "in memory",
           "version, status\n"
           "protected (boolean): false when there was nothing to unlock (no passphrase, or no store yet)\n"
           "unlocked (boolean): true\n"
           "unlocked_until (ISO 8601 or null)"},
    OpSpec{"store.lock", ops::store_lock, "Forgets the unlocked store key at once.", "(none)",
           "version, status\n"
           "forgotten (boolean): false if the store was not held unlocked\n"
           "unlocked (boolean): true only for a store without a passphrase"},
    OpSpec{"store.passwd", ops::store_passwd, "Sets, changes or removes the store passphrase.",
           "old (string): the current passphrase, required when the store has one (also while it is unlocked)\n"
           "new (string): the new passphrase, or\n"
           "remove (boolean): true removes the passphrase",
           "version, status\n"
           "passphrase (string): set, changed or removed"},
    OpSpec{"identity.list", ops::identity_list, "Lists the user's identities (keys with certificates).",
           "address (string, optional): only this address's",
           "the JSON of `inkan id list --json`: version, identities (array of {fingerprint, addresses, subject, "
           "issuer, serial, usage, email_protection, is_ca, not_before, not_after, validity, days_left, key_type, "
           "key_bits, chain_length, current {sign, encrypt}, source, source_file, added_at}), pending (array: keys "
           "waiting for a certificate, as csr.create returns them), problems"},
    OpSpec{"identity.import", ops::identity_import, "Imports keys and certificates into the store.",
           "pkcs12 (" INKAN_INPUT "): a PKCS#12 file (.p12/.pfx; legacy RC2/3DES too), or\n"
           "pem (" INKAN_INPUT "): a PEM private key (plain or encrypted PKCS#8) with its certificates, or "
           "certificates alone for a key the store holds (a renewal)\n"
           "cert (input form or array of input forms, optional, with pem): the certificate and chain\n"
           "password (string, optional): the file's password\n"
           "source_file (string, optional): the file name the store records (default: the path's name)",
           "the JSON of `inkan id import --json`: version, status, imported (identities, as in identity.list "
           "without current), already_present (fingerprints), warnings (array of {code, fingerprint})"},
    OpSpec{"identity.export", ops::identity_export, "Exports identities as a password-protected PKCS#12 file.",
           "identity (string): an address (its current identities) or a fingerprint\n"
           "all (boolean, default false): every identity of the address, expired ones too\n"
           "password (string): protects the file\n"
           "legacy (boolean, default false): 3DES and a SHA-1 MAC for old devices, instead of AES-256 and SHA-256\n"
           "output (" INKAN_OUTPUT "): the PKCS#12 bytes (spool files end in .p12)",
           "version, status\n"
           "profile (string): modern or legacy\n"
           "exported (array of fingerprints)\n" INKAN_OUTPUT_RESULT},
    OpSpec{"identity.export_cert", ops::identity_export_cert, "Exports a certificate alone, for others to encrypt to.",
           "identity (string): an address (its current encryption certificate) or a fingerprint\n"
           "format (string, default \"pem\"): pem or der (.cer)\n"
           "output (" INKAN_OUTPUT "): files are written 0644",
           "version, status\n"
           "format (string)\n"
           "fingerprint (string)\n" INKAN_OUTPUT_RESULT},
    OpSpec{"identity.delete", ops::identity_delete, "Deletes an identity and its key for good.",
           "fingerprint (string): the identity's SHA-256 fingerprint (or a unique prefix of 8 or more hex digits)\n"
           "confirm (boolean): must be true, else CONFIRMATION_REQUIRED",
           "version, status\n"
           "deleted (string): the fingerprint"},
    OpSpec{"identity.expiring", ops::identity_expiring, "Lists identities that expire soon and are not renewed.",
           "days (integer, default 30, 0 to 36500)",
           "the JSON of `inkan id expiring --json`: version, days, expiring (identities, soonest first)"},
    OpSpec{"trust.list", ops::trust_list, "Lists the anchors for e-mail and the distrusted certificates.", "(none)",
           "the JSON of `inkan trust list --json`: version, anchors (array of {fingerprint, source, label, subject, "
           "not_before, not_after, validity, added_at, email_distrust_after}), builtin_roots, distrusted (array of "
           "{fingerprint, subject, added_at}), problems"},
    OpSpec{"trust.add", ops::trust_add, "Trusts CA certificates for e-mail.",
           "input (" INKAN_INPUT "): one or more CA certificates, PEM or DER\n"
           "label (string, optional): a name to show (default: the certificate's common name)",
           "version, status\n"
           "added (array of anchors, as in trust.list)"},
    OpSpec{"trust.distrust", ops::trust_distrust, "Distrusts a certificate, built-in roots included.",
           "fingerprint (string): a SHA-256 fingerprint, or\n"
           "input (" INKAN_INPUT "): the certificates themselves",
           "version, status\n"
           "distrusted (array of {fingerprint, subject, added_at})"},
    OpSpec{"trust.remove", ops::trust_remove, "Removes the user's anchor or distrust entry.",
           "fingerprint (string): SHA-256",
           "version, status\n"
           "removed (string): the fingerprint"},
    OpSpec{"trust.builtin", ops::trust_builtin, "Lists Mozilla's roots as NSS's builtins module has them.", "(none)",
           "the JSON of `inkan trust builtin --json`: version, module, module_description, email_anchors, roots "
           "(array of {label, fingerprint_sha256, subject, serial, not_after, email_trusted, server_trusted, "
           "distrusted, email_distrust_after})"},
    OpSpec{"cert.lint", ops::cert_lint, "Checks a certificate and explains what recipients would object to.",
           "input (" INKAN_INPUT "): a certificate, optionally followed by its chain, or\n"
           "fingerprint (string): one of the user's identities (with the chain the store keeps)\n"
           "chain (array of input forms, optional): issuer certificates\n"
           "at (string, optional): judge validity at this time, ISO 8601 (default: now)",
           "the JSON of `inkan lint --json`: version, ok, checked_at, certificate, path, findings (array of {code, "
           "severity, certificate, subject, detail, message, message_ja, source})"},
    // ---- contacts (docs/store.md "Contacts"): other people's certificates, harvested from signed mail --
    OpSpec{"recipients.lookup", ops::recipients_lookup,
           "Finds the certificate to encrypt to for each address, or why there is none.",
           "addresses (array of strings, 1-1000): the recipients\n"
           "at (string, optional): judge validity at this time, ISO 8601 (default: now)",
           "the JSON of `inkan contact lookup --json`: version, recipients (array of {address, found, source "
           "(contact, identity or null), fingerprint, certificate (summary with pem, or null), chain_length, reason "
           "(no-certificate, key-change-pending, not-for-encryption, expired, not-yet-valid, revoked, untrusted, "
           "not-an-address, or null), details, capabilities (names, or null when none were seen), known_since}), missing (array of "
           "addresses)"},
    OpSpec{"contact.list", ops::contact_list, "Lists the contacts (other people's certificates).", "(none)",
           "the JSON of `inkan contact list --json`: version, contacts (array of {address, created_at, updated_at, "
           "current {sign, encrypt}, certificate, trusted, known_since, last_seen, pending_change, pending, "
           "certificates, capabilities}), problems"},
    OpSpec{"contact.get", ops::contact_get, "Describes one contact with every certificate and its history.",
           "address (string)",
           "the JSON of `inkan contact show --json`: the fields of contact.list plus history (array of certificates "
           "with status, origin, trusted, revoked_at, decided_at, first_seen, last_seen, times_seen, sightings, "
           "chain, pem) and capabilities_at"},
    OpSpec{"contact.accept", ops::contact_accept, "Accepts a contact's new key: it becomes current.",
           "address (string)\n"
           "fingerprint (string): the pending (or rejected) certificate's SHA-256",
           "the JSON of `inkan contact accept --json`: the contact as contact.get shows it, status, accepted (the "
           "fingerprint)"},
    OpSpec{"contact.reject", ops::contact_reject, "Rejects a contact's new key: it is never used.",
           "address (string)\n"
           "fingerprint (string): the pending certificate's SHA-256",
           "the JSON of `inkan contact reject --json`: the contact as contact.get shows it, status, rejected (the "
           "fingerprint)"},
    OpSpec{"contact.delete", ops::contact_delete, "Deletes a contact with its certificates and history.",
           "address (string)\n"
           "confirm (boolean): must be true, else CONFIRMATION_REQUIRED",
           "version, status\n"
           "deleted (string): the address"},
    OpSpec{"contact.import", ops::contact_import,
           "Imports certificates a person handed over; they become their contact's current ones.",
           "certificate (" INKAN_INPUT "): end-entity certificates with an address (PEM or DER), CA certificates "
           "as their chain\n"
           "file_name (string, optional): recorded as the source (default: the path's name)",
           "the JSON of `inkan contact import --json`: version, changes (array of {address, change, fingerprint, "
           "status, replaced, origin, trusted, known_since, contact_since}), problems, status"},
    // ---- enrolment (docs/enrolment.md): ACME with RFC 8823, CSRs for any CA, company CA, Actalis --
    OpSpec{"acme.servers", ops::acme_servers, "Lists the ACME servers Inkan knows, with their RFC 8823 settings.",
           "(none)",
           "servers (array of {name, directory_url, concatenation, lenient_challenge_checks, answer_delay_seconds, "
           "publicly_trusted, note})\n"
           "defaults (object): the settings of a server not in the list"},
    OpSpec{"acme.start", ops::acme_start,
           "Starts an ACME enrolment kept in the store and takes its first step (the CA then mails its challenge).",
           "directory (string): the ACME directory URL (https://)\n"
           "address (string) or addresses (array of strings, at most 10): the mailboxes to certify\n"
           "key_type (string, default \"rsa3072\"): rsa2048, rsa3072, rsa4096, p256 or p384\n"
           "usage (string, default \"both\"): both, sign or encrypt (the keyUsage asked for)\n"
           "server (object, optional): overrides of the server's settings: concatenation (\"string\" | \"bytes\"), "
           "lenient_challenge_checks (boolean), answer_delay_seconds (0-3600)\n"
           "terms_agreed (boolean, default false): the user agreed to the CA's terms of service\n"
           "eab (object, optional): external account binding {kid, hmac_key (base64url)}\n"
           "ca_file (string, optional): absolute path of TLS roots for the ACME server (tests)\n"
           INKAN_STORE_PASS,
           INKAN_ENROLMENT},
    OpSpec{"acme.reply", ops::acme_reply,
           "Checks a challenge mail (RFC 8823 3.1) and composes the reply mail the add-on sends.",
           "enrolment (string): the enrolment id\n"
           "mail (" INKAN_INPUT "): the raw challenge mail as received\n"
           "trusted_authserv_ids (array of strings, optional): Authentication-Results servers to believe (the user's provider)\n"
           "output (" INKAN_OUTPUT "): receives the reply mail (RFC 5322, CRLF, 7-bit)\n"
           INKAN_STORE_PASS,
           INKAN_OUTPUT_RESULT "\n"
           "enrolment (string), authorization (integer), address (string)\n"
           "authenticated_by (string): dkim, dkim-unverified, authentication-results:ID, smime, ... or empty (lenient servers)\n"
           "checks (array of {rule, passed, required, detail}): every rule of the challenge-mail check\n"
           "reply (object): from, to (array), subject, in_reply_to, references, message_id, body: the same mail as fields"},
    OpSpec{"acme.sent", ops::acme_sent, "Records that the reply mail was sent; acme.resume then answers the challenge.",
           "enrolment (string)\n"
           "authorization (integer, optional): which reply; default: every prepared one\n"
           INKAN_STORE_PASS,
           INKAN_ENROLMENT},
    OpSpec{"acme.resume", ops::acme_resume,
           "Advances an enrolment: answers, polls, finalizes, downloads; imports the certificate when it is issued.",
           "enrolment (string)\n"
           "wait_seconds (integer, 0-25, default 0): how long this request may sleep between polls; call again after "
           "retry_after_seconds for longer waits\n"
           INKAN_STORE_PASS,
           INKAN_ENROLMENT "\n"
           "imported (object, when done): imported (array of identities), already_present, completed_pending, warnings\n"
           "lint (array, when done): the lint of each imported certificate (docs/lint.md): fingerprint, ok, findings\n"
           "chain (string, when done): the certificate chain as the CA sent it (PEM)"},
    OpSpec{"acme.list", ops::acme_list, "Lists the enrolments kept in the store.", INKAN_STORE_PASS,
           "enrolments (array): each as acme.resume describes it\n"
           "problems (array of {file, code, detail}): state files that cannot be read"},
    OpSpec{"acme.cancel", ops::acme_cancel, "Forgets an enrolment and its keys.",
           "enrolment (string)\n" INKAN_STORE_PASS, "cancelled (string): the enrolment id"},
    OpSpec{"csr.create", ops::csr_create,
           "Makes a key (kept in the store, waiting) and a CSR for any CA.",
           "address (string) or addresses (array of strings): rfc822Name entries of the CSR\n"
           "key_type (string, default \"rsa3072\"): rsa2048, rsa3072, rsa4096, p256 or p384\n"
           "usage (string, default \"both\"): both, sign or encrypt\n"
           "common_name (string, optional): the subject CN (default: the first address)\n"
           INKAN_STORE_PASS,
           "pending (object): id, addresses, key_type, usage, source, created_at, csr (PEM)"},
    OpSpec{"csr.list", ops::csr_list, "Lists the keys waiting for a certificate.", INKAN_STORE_PASS,
           "pending (array): as csr.create returns it\n"
           "problems (array of {file, code, detail})"},
    OpSpec{"csr.import", ops::csr_import,
           "Binds a certificate from a CA to its waiting key; it becomes an identity, linted.",
           "certificate (" INKAN_INPUT "): the certificate (PEM or DER; the chain may follow in PEM)\n"
           "chain (array of input forms, optional): issuer certificates\n"
           "file_name (string, optional): recorded as the identity's source file\n"
           INKAN_STORE_PASS,
           INKAN_IMPORTED},
    OpSpec{"csr.cancel", ops::csr_cancel, "Forgets a key waiting for a certificate.",
           "pending (string): its id (or a unique prefix of 8+ hex digits)\n" INKAN_STORE_PASS,
           "cancelled (string): the id"},
    OpSpec{"ca.init", ops::ca_init, "Creates a company CA in the store.",
           "name (string): the CA's name (its certificate's CN)\n"
           "key_type (string, default \"rsa3072\"): rsa2048, rsa3072, rsa4096, p256 or p384\n"
           "days (integer, default 3650): validity of the CA certificate\n"
           "crl_url (string, optional): http(s) URL written into issued certificates as the CRL distribution point\n"
           INKAN_STORE_PASS,
           "ca (object): " INKAN_CA "\n"
           "certificate (base64): the CA certificate, DER"},
    OpSpec{"ca.issue", ops::ca_issue,
           "Issues a user's key and certificate as a PKCS#12 with a generated password.",
           "common_name (string): the user's name\n"
           "email (string): the user's address\n"
           "key_type (string, default \"rsa3072\"): rsa2048, rsa3072, rsa4096, p256 or p384\n"
           "days (integer, 1-825, default 365): validity\n"
           "memo (string, optional): a note for the administrator (one line, at most 1000 bytes)\n"
           "legacy (boolean, default false): a 3DES/SHA-1 PKCS#12 for old clients\n"
           "ca (string, optional): the CA's fingerprint, when the store has several\n"
           INKAN_STORE_PASS,
           "issued (object): " INKAN_ISSUED "\n"
           "pkcs12 (base64): key, certificate and CA certificate\n"
           "file_name (string): a name for it (ADDRESS.p12)\n"
           "password (string): its generated password; in this reply only, never stored\n"
           "profile (string): modern or legacy\n"
           "ca_certificate (base64): the CA certificate, DER, to hand out with it\n"
           "ca (object): the CA\n"
           "lint (object): the lint of the certificate (docs/lint.md)"},
    OpSpec{"ca.list", ops::ca_list, "Lists the company CAs and what they issued.",
           "ca (string, optional): only this CA\n" INKAN_STORE_PASS,
           "cas (array): " INKAN_CA ", issued (array of " INKAN_ISSUED ")\n"
           "problems (array of {file, code, detail})"},
    OpSpec{"ca.revoke", ops::ca_revoke, "Revokes a certificate the company CA issued.",
           "serial (string): hex, as ca.list shows it\n"
           "reason (string, default \"unspecified\"): unspecified, keyCompromise, affiliationChanged, superseded, "
           "cessationOfOperation or privilegeWithdrawn\n"
           "ca (string, optional)\n" INKAN_STORE_PASS,
           "revoked (object): the issued certificate, now revoked"},
    OpSpec{"ca.crl", ops::ca_crl, "Makes a new CRL of the company CA's revocations.",
           "days (integer, 1-366, default 30): until the next update\n"
           "ca (string, optional)\n" INKAN_STORE_PASS,
           "crl (base64): the CRL, DER\n"
           "crl_number (integer), revoked (integer), this_update, next_update (ISO 8601)"},
    OpSpec{"ca.join", ops::ca_join,
           "Imports a .p12 from a company CA's administrator and trusts that CA, in one step.",
           "pkcs12 (" INKAN_INPUT "): the .p12\n"
           "password (string): its password\n"
           "trust (boolean, default true): trust the self-signed CA at the top of its chain\n"
           "file_name (string, optional): recorded as the identity's source file\n"
           INKAN_STORE_PASS,
           INKAN_IMPORTED "\n"
           "trusted (array of anchors): the CAs now trusted (as trust list shows them, plus certificate: its PEM)"},
    OpSpec{"actalis.import", ops::actalis_import,
           "Imports the ZIP Actalis mails (one PKCS#12 inside) with the password its form showed.",
           "zip (" INKAN_INPUT "): the ZIP attachment\n"
           "password (string): the PKCS#12 password the Actalis form showed\n"
           INKAN_STORE_PASS,
           INKAN_IMPORTED "\n"
           "archive_entry (string): the PKCS#12's name in the ZIP; ignored_entries (array): other files in it\n"
           "not_after (string): when the certificate expires\n"
           "remind_at (string): when to remind the user to renew (30 days before)"},
    OpSpec{"actalis.code", ops::actalis_code, "Finds the verification code in Actalis's first mail.",
           "mail (" INKAN_INPUT "): the raw mail",
           "code (string): the code to type into Actalis's form\n"
           "from (string): the mail's From address\n"
           "from_actalis (boolean): From is at actalis.it or actalis.com"},
};

#undef INKAN_INPUT
#undef INKAN_OUTPUT
#undef INKAN_KEY
#undef INKAN_OUTPUT_RESULT
#undef INKAN_IDENTITY
#undef INKAN_STORE_PASS
#undef INKAN_ENROLMENT
#undef INKAN_IMPORTED
#undef INKAN_CA
#undef INKAN_ISSUED

// Passwords of key files, the store passphrase, and store.passwd's old and new one.
bool is_secret_name(const std::string& name) {
  return name == "password" || name == "passphrase" || name == "old" || name == "new";
}

// Passwords are wiped from the parsed request (and the caller wipes the frame)
// once the request is done, so they do not linger in freed memory.
bool wipe_secrets(Json& j) {
  bool found = false;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (is_secret_name(it.key()) && it->is_string()) {
        auto& s = it->get_ref<std::string&>();
        OPENSSL_cleanse(s.data(), s.size());
        found = true;
      } else {
        found = wipe_secrets(*it) || found;
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) found = wipe_secrets(v) || found;
  }
  return found;
}

double ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

std::span<const OpSpec> op_table() { return kOps; }

const OpSpec* find_op(std::string_view name) {
  for (const auto& op : kOps) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

void Dispatcher::handle(std::string& frame) {
  const auto start = std::chrono::steady_clock::now();
  Json id = nullptr;
  std::string op_name = "-";
  Reply reply;
  std::optional<Error> failure;
  Json failure_members;  // a ReplyError's extra members of "error"
  ParsedFrame parsed;
  OpStats stats;
  try {
    parsed = parse_frame(frame);
    const Json& req = parsed.json;
    if (!req.is_object()) throw Error(Errc::bad_request, "a request is a JSON object");
    const auto id_it = req.find("id");
    if (id_it == req.end()) throw Error(Errc::bad_request, "id is missing");
    if (!id_it->is_string() && !id_it->is_number_integer()) {
      throw Error(Errc::bad_request, "id must be a string or an integer");
    }
    if (dump_json(*id_it).size() > kMaxIdLength) throw Error(Errc::bad_request, "id is too long");
    id = *id_it;
    const auto op_it = req.find("op");
    if (op_it == req.end() || !op_it->is_string()) throw Error(Errc::bad_request, "op is missing");
    const std::string& name = op_it->get_ref<const std::string&>();
    const OpSpec* spec = find_op(name);
    if (spec == nullptr) throw Error(Errc::unknown_op, loggable(name));
    op_name = spec->name;
    const Request request{req, parsed.payload};
    OpContext ctx{m_session, request, static_cast<std::int64_t>(std::time(nullptr)), stats};
    m_session.expire(ctx.now);
    reply = spec->handler(ctx);
  } catch (const ReplyError& e) {
    failure = e;
    failure_members = e.members();
  } catch (const Error& e) {
    // The engine says USAGE for a bad option; over the protocol that is a bad request.
    failure = e.code() == Errc::usage ? Error(Errc::bad_request, e.detail()) : e;
  } catch (const nlohmann::json::exception& e) {
    // Parameters of the wrong type surface here; nlohmann's text names the type, never a value.
    failure = Error(Errc::bad_request, e.what());
  } catch (const std::bad_alloc&) {
    failure = Error(Errc::internal, "out of memory");
  } catch (const ChannelClosed&) {
    throw;
  } catch (const std::exception& e) {
    failure = Error(Errc::internal, e.what());
  }
  if (wipe_secrets(parsed.json)) OPENSSL_cleanse(frame.data(), frame.size());

  ReplyWriter writer(m_out);
  std::string out_note;
  if (!failure && reply.stream) {
    try {
      const StreamSummary s = writer.stream(id, *reply.stream);
      reply.result["output"] = {{"bytes", s.bytes}, {"chunks", s.chunks}, {"sha256", s.sha256}};
      out_note = " out=" + std::to_string(s.bytes) + " chunks=" + std::to_string(s.chunks);
    } catch (const Error& e) {
      failure = e;  // chunks already sent are void: the final reply is an error
    }
    reply.stream.reset();
  }
  if (!failure && out_note.empty() && reply.result.is_object() && reply.result.contains("output")) {
    const Json& o = reply.result["output"];
    if (o.is_object() && o.contains("bytes")) out_note = " out=" + o["bytes"].dump();
  }
  if (failure) {
    writer.error(id, *failure, failure_members);
  } else {
    writer.ok(id, reply.result);
  }
  const auto total = std::chrono::steady_clock::now() - start;
  std::string line = "op=" + op_name + " id=" + (id.is_string() ? loggable(id.get_ref<const std::string&>()) : id.dump());
  line += failure ? " error=" + std::string(code_string(failure->code())) : std::string(" ok");
  line += " in=" + std::to_string(stats.bytes_in) + (stats.in_forms.empty() ? "" : " in_form=" + stats.in_forms) +
          out_note + " engine_ms=" + fixed(ms(stats.engine)) +
          " total_ms=" + fixed(ms(total));
  m_log.line(line);
}

void Dispatcher::frame_error(const Error& error) {
  ReplyWriter(m_out).error(nullptr, error);
  m_log.line("frame error=" + std::string(code_string(error.code())) + " " + error.detail());
}

}  // namespace inkan::protocol
