// JWS for ACME: the signatures Inkan makes are judged by `openssl dgst
// -verify` over the reconstructed signing input (ECDSA converted from raw
// r||s to DER by hand), and the EAB MAC by `openssl mac`.
#include "base64url.h"
#include "enrol_support.h"
#include "jwk.h"
#include "jws.h"
#include "support/process.h"

#include <gtest/gtest.h>

namespace {

using inkan::enrol::base64url_decode;
using inkan::enrol::base64url_encode;

nlohmann::json decode_part(const nlohmann::json& jws, const char* name) {
  const auto bytes = base64url_decode(jws.at(name).get<std::string>());
  EXPECT_TRUE(bytes) << name;
  return nlohmann::json::parse(*bytes);
}

struct Case {
  const char* spec;
  const char* alg;
  const char* digest;
  std::size_t raw_size;  // 0 = RSA (signature is the PKCS#1 block)
};

class JwsSignature : public ::testing::TestWithParam<Case> {};

TEST_P(JwsSignature, OpensslVerifiesTheSigningInput) {
  const Case c = GetParam();
  inkan::test::TempDir dir;
  const auto key_path = inkan::test::openssl_genkey(dir, c.spec, "k");
  const auto key = inkan::test::load_key_file(key_path);
  const auto pub = inkan::test::openssl_public_pem(dir, key_path);

  const nlohmann::json payload{{"identifiers", {{{"type", "email"}, {"value", "alice@example.org"}}}}};
  const auto jws = inkan::enrol::sign_jws(key.get(), {"https://ca.example/new-order", "bm9uY2U", "https://ca.example/acct/1", payload});
  ASSERT_EQ(jws.size(), 3u) << jws.dump();

  const auto header = decode_part(jws, "protected");
  EXPECT_EQ(header["alg"], c.alg);
  EXPECT_EQ(header["nonce"], "bm9uY2U");
  EXPECT_EQ(header["url"], "https://ca.example/new-order");
  EXPECT_EQ(header["kid"], "https://ca.example/acct/1");
  EXPECT_FALSE(header.contains("jwk")) << "RFC 8555 §6.2: jwk and kid are mutually exclusive";
  EXPECT_EQ(decode_part(jws, "payload"), payload);

  const std::string input = jws["protected"].get<std::string>() + "." + jws["payload"].get<std::string>();
  const auto sig = base64url_decode(jws["signature"].get<std::string>());
  ASSERT_TRUE(sig);
  std::string judged = *sig;
  if (c.raw_size != 0) {
    ASSERT_EQ(sig->size(), c.raw_size) << "raw r||s, not DER (RFC 7518 §3.4)";
    judged = inkan::test::ecdsa_raw_to_der(*sig);
  }
  EXPECT_TRUE(inkan::test::openssl_verifies(dir, pub, c.digest, input, judged));
  // The same signature over a changed input must fail: the check can fail.
  EXPECT_FALSE(inkan::test::openssl_verifies(dir, pub, c.digest, input + "x", judged));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, JwsSignature,
                         ::testing::Values(Case{"EC:P-256", "ES256", "sha256", 64}, Case{"EC:P-384", "ES384", "sha384", 96},
                                           Case{"RSA:2048", "RS256", "sha256", 0}));

TEST(Jws, NewAccountCarriesTheJwkAndPostAsGetAnEmptyPayload) {
  inkan::test::TempDir dir;
  const auto key = inkan::test::load_key_file(inkan::test::openssl_genkey(dir, "EC:P-256", "k"));
  const auto jws = inkan::enrol::sign_jws(key.get(), {"https://ca.example/new-acct", "n1", "", nlohmann::json::object()});
  const auto header = decode_part(jws, "protected");
  EXPECT_EQ(header["jwk"], inkan::enrol::public_jwk(key.get()));
  EXPECT_FALSE(header.contains("kid"));
  EXPECT_EQ(jws["payload"], base64url_encode("{}"));

  const auto get = inkan::enrol::sign_jws(key.get(), {"https://ca.example/order/1", "n2", "https://ca.example/acct/1", std::nullopt});
  EXPECT_EQ(get["payload"], "") << "RFC 8555 §6.3: POST-as-GET has an empty payload";
}

TEST(Jws, SignaturesAreFreshEachTime) {
  // ECDSA is randomised; a constant signature would mean a broken nonce.
  inkan::test::TempDir dir;
  const auto key = inkan::test::load_key_file(inkan::test::openssl_genkey(dir, "EC:P-256", "k"));
  EXPECT_NE(inkan::enrol::jws_signature(key.get(), "same input"), inkan::enrol::jws_signature(key.get(), "same input"));
}

TEST(Jws, ExternalAccountBindingMacMatchesOpenssl) {
  inkan::test::TempDir dir;
  const auto key = inkan::test::load_key_file(inkan::test::openssl_genkey(dir, "EC:P-256", "k"));
  const auto jwk = inkan::enrol::public_jwk(key.get());
  // pebble's example MAC key (base64url), decoded as a CA's client must.
  const auto mac_key = base64url_decode("zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W");
  ASSERT_TRUE(mac_key);
  const auto eab = inkan::enrol::external_account_binding(jwk, "kid-1", *mac_key, "https://ca.example/new-acct");
  const auto header = decode_part(eab, "protected");
  EXPECT_EQ(header, (nlohmann::json{{"alg", "HS256"}, {"kid", "kid-1"}, {"url", "https://ca.example/new-acct"}}));
  EXPECT_EQ(decode_part(eab, "payload"), jwk);

  const std::string input = eab["protected"].get<std::string>() + "." + eab["payload"].get<std::string>();
  const std::string in_path = dir.put("eab-input.txt", input);
  std::string mac = inkan::test::openssl_ok(
      {"mac", "-digest", "SHA256", "-macopt", "hexkey:" + inkan::test::hex(*mac_key), "-in", in_path, "HMAC"});
  while (!mac.empty() && (mac.back() == '\n' || mac.back() == '\r')) mac.pop_back();
  const auto sig = base64url_decode(eab["signature"].get<std::string>());
  ASSERT_TRUE(sig);
  std::string lower = mac;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_EQ(inkan::test::hex(*sig), lower);
}

}  // namespace
