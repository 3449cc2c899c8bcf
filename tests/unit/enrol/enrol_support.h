// Helpers for the enrolment tests: keys made by the openssl command line,
// and the openssl verdict on signatures made by Inkan.
#pragma once

#include "ossl/handles.h"
#include "support/files.h"

#include <string>
#include <string_view>

namespace inkan::test {

/** A private key made by `openssl genpkey` (algorithm "RSA:2048", "EC:P-256", "EC:P-384"), PEM path in dir. */
std::string openssl_genkey(const TempDir& dir, std::string_view spec, std::string_view name);

/** Loads an unencrypted PEM private key (through the engine's loader). */
ossl::EvpPkeyPtr load_key_file(const std::string& path);

/** The public key of a PEM private key as SubjectPublicKeyInfo PEM, by openssl pkey. */
std::string openssl_public_pem(const TempDir& dir, const std::string& key_path);

/** Hex (lower case) of bytes. */
std::string hex(std::string_view bytes);

/** DER ECDSA-Sig-Value from raw r||s, written by hand (X9.62), not by OpenSSL. */
std::string ecdsa_raw_to_der(std::string_view raw);

/** True if `openssl dgst -<digest> -verify PUB -signature SIG` accepts the data. */
bool openssl_verifies(const TempDir& dir, const std::string& public_pem, std::string_view digest, std::string_view data,
                      std::string_view der_or_raw_signature);

}  // namespace inkan::test
