// JWKs and RFC 7638 thumbprints: the RFC's own example, and keys made by
// the openssl command line whose numbers openssl prints.
#include "base64url.h"
#include "enrol_support.h"
#include "error.h"
#include "jwk.h"
#include "support/process.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace {

using inkan::enrol::base64url_decode;
using inkan::enrol::jwk_thumbprint;
using inkan::enrol::public_jwk;
using inkan::test::hex;

// RFC 7638 §3.1.
const nlohmann::json kRfc7638Key = {
    {"kty", "RSA"},
    {"n", "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn6"
          "4tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n9"
          "1CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
    {"e", "AQAB"},
    {"alg", "RS256"},
    {"kid", "2011-04-29"}};

TEST(Jwk, Rfc7638ExampleThumbprint) {
  EXPECT_EQ(jwk_thumbprint(kRfc7638Key), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(Jwk, OptionalMembersDoNotChangeTheThumbprint) {
  auto bare = kRfc7638Key;
  bare.erase("alg");
  bare.erase("kid");
  EXPECT_EQ(jwk_thumbprint(bare), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  auto changed = bare;
  changed["e"] = "AQAC";
  EXPECT_NE(jwk_thumbprint(changed), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(Jwk, IncompleteKeysAreRefused) {
  auto no_n = kRfc7638Key;
  no_n.erase("n");
  EXPECT_THROW(jwk_thumbprint(no_n), inkan::Error);
  EXPECT_THROW(jwk_thumbprint(nlohmann::json{{"kty", "oct"}, {"k", "AAAA"}}), inkan::Error);
}

TEST(Jwk, RsaModulusMatchesOpenssl) {
  inkan::test::TempDir dir;
  const auto path = inkan::test::openssl_genkey(dir, "RSA:2048", "rsa");
  const auto key = inkan::test::load_key_file(path);
  const auto jwk = public_jwk(key.get());
  EXPECT_EQ(jwk.size(), 3u) << jwk.dump();
  EXPECT_EQ(jwk["kty"], "RSA");
  EXPECT_EQ(jwk["e"], "AQAB");
  std::string modulus = inkan::test::openssl_ok({"rsa", "-in", path, "-noout", "-modulus"});
  modulus = modulus.substr(modulus.find('=') + 1);
  modulus.erase(std::remove_if(modulus.begin(), modulus.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
                modulus.end());
  std::transform(modulus.begin(), modulus.end(), modulus.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  const auto n = base64url_decode(jwk["n"].get<std::string>());
  ASSERT_TRUE(n);
  EXPECT_EQ(hex(*n), modulus);
  EXPECT_NE(static_cast<unsigned char>((*n)[0]), 0u) << "no leading zero byte (RFC 7518 §6.3.1.1)";
}

class EcJwk : public ::testing::TestWithParam<std::pair<const char*, std::size_t>> {};

TEST_P(EcJwk, CoordinatesAndThumbprintMatchOpenssl) {
  const auto [curve, size] = GetParam();
  inkan::test::TempDir dir;
  const auto path = inkan::test::openssl_genkey(dir, std::string("EC:") + curve, "ec");
  const auto key = inkan::test::load_key_file(path);
  const auto jwk = public_jwk(key.get());
  EXPECT_EQ(jwk["kty"], "EC");
  EXPECT_EQ(jwk["crv"], curve);
  // The uncompressed point ends the SubjectPublicKeyInfo: 04 || X || Y.
  const std::string der_path = dir.file("pub.der").string();
  inkan::test::openssl_ok({"pkey", "-in", path, "-pubout", "-outform", "DER", "-out", der_path});
  const std::string der = inkan::test::read_file(der_path);
  const std::string point = der.substr(der.size() - (2 * size + 1));
  ASSERT_EQ(point[0], '\x04');
  const auto x = base64url_decode(jwk["x"].get<std::string>());
  const auto y = base64url_decode(jwk["y"].get<std::string>());
  ASSERT_TRUE(x && y);
  EXPECT_EQ(x->size(), size) << "padded to the field size (RFC 7518 §6.2.1.2)";
  EXPECT_EQ(*x, point.substr(1, size));
  EXPECT_EQ(*y, point.substr(1 + size));

  // The canonical form written out by hand, hashed by openssl.
  const std::string canonical = std::string("{\"crv\":\"") + curve + "\",\"kty\":\"EC\",\"x\":\"" + jwk["x"].get<std::string>() +
                                "\",\"y\":\"" + jwk["y"].get<std::string>() + "\"}";
  const std::string input = dir.put("canonical.json", canonical);
  const std::string digest_path = dir.file("digest.bin").string();
  inkan::test::openssl_ok({"dgst", "-sha256", "-binary", "-out", digest_path, input});
  EXPECT_EQ(jwk_thumbprint(key.get()), inkan::enrol::base64url_encode(inkan::test::read_file(digest_path)));
  EXPECT_EQ(inkan::enrol::jws_algorithm(key.get()), size == 32 ? "ES256" : "ES384");
}

INSTANTIATE_TEST_SUITE_P(Curves, EcJwk,
                         ::testing::Values(std::make_pair("P-256", std::size_t{32}), std::make_pair("P-384", std::size_t{48})));

TEST(Jwk, UnsupportedKeysAreRefused) {
  inkan::test::TempDir dir;
  const std::string path = dir.file("ed.key").string();
  inkan::test::openssl_ok({"genpkey", "-algorithm", "ED25519", "-out", path});
  const auto key = inkan::test::load_key_file(path);
  try {
    (void)public_jwk(key.get());
    FAIL() << "Ed25519 accepted";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::unsupported_algorithm);
  }
}

}  // namespace
