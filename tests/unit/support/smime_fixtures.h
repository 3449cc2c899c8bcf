// S/MIME test messages made by a third party: signatures and envelopes come
// from the openssl command line, and the MIME around them is written here by
// hand, so the engine is checked against data it did not produce.
#pragma once

#include "support/files.h"
#include "support/pki.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::test {

/** `openssl cms -sign -binary -outform DER` over exactly `content` (detached unless extra has -nodetach). */
std::string openssl_sign(const TempDir& dir, const SignerFiles& signer, std::string_view content,
                         const std::vector<std::string>& extra = {});

/** The same with several signers in one SignedData. */
std::string openssl_sign_many(const TempDir& dir, const std::vector<SignerFiles>& signers, std::string_view content,
                              const std::vector<std::string>& extra = {});

/** `openssl cms -encrypt -binary -outform DER` of `content` to the given PKI names (cipher e.g. "-aes-256-cbc"). */
std::string openssl_encrypt(const TempDir& dir, const std::vector<std::string>& recipients, std::string_view content,
                            const std::string& cipher = "-aes-256-cbc");

/** Base64 in CRLF-terminated lines of 76 characters (written here, not by the engine). */
std::string base64_lines(std::string_view data);

/**
 * A multipart/signed message: `outer_headers` (CRLF-terminated fields such as
 * From and Date, which a detached signature does not cover), the signed
 * `entity` exactly as given, and the DER signature.
 */
std::string multipart_signed(std::string_view outer_headers, std::string_view entity, std::string_view signature_der,
                             std::string_view boundary = "=-=signed-boundary=-=");

/** An application/pkcs7-mime message with the given smime-type around `der`. */
std::string pkcs7_mime(std::string_view outer_headers, std::string_view smime_type, std::string_view der);

/** The signingTime of signer `index` (read with OpenSSL), if it has one. */
std::optional<std::int64_t> signing_time_of(std::string_view der, int index = 0);

/** The SignedData with one byte of signer `index`'s signature value changed. */
std::string with_corrupted_signature(std::string_view der, int index);

/** A detached SignedData with `content` put inside as eContent (its signature stays as it was). */
std::string with_embedded_content(std::string_view der, std::string_view content);

/**
 * The (Auth)EnvelopedData with byte `size - offset_from_end` of its encrypted
 * content XORed with `mask` (located and re-encoded with OpenSSL).
 */
std::string with_tampered_ciphertext(std::string_view der, std::size_t offset_from_end, unsigned char mask);

/** RFC 5322 date in UTC written with strftime in the C locale (independent of Inkan's formatter). */
std::string rfc5322_date(std::int64_t epoch_seconds);

/** Seconds since the epoch now. */
std::int64_t now_seconds();

/** A simple signed-entity body: a text/plain part with CRLF line ends. */
std::string text_entity(std::string_view text);

/**
 * A fresh end-entity certificate issued by the test intermediate with an RSA
 * key of `bits` (e.g. 512), e-mail protection and `email` in the SAN; files in `dir`.
 */
SignerFiles make_rsa_signer(const TempDir& dir, int bits, std::string_view email);

}  // namespace inkan::test
