#include "jwk.h"

#include "base64url.h"
#include "error.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"

#include <openssl/core_names.h>

#include <array>

namespace inkan::enrol {
namespace {

std::string bignum_bytes(EVP_PKEY* key, const char* param, int pad_to = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) ossl::throw_last(Errc::unsupported_algorithm, param);
  const ossl::BignumPtr bn(raw);
  const int size = pad_to > 0 ? pad_to : BN_num_bytes(bn.get());
  if (BN_num_bytes(bn.get()) > size) throw Error(Errc::unsupported_algorithm, "key coordinate too large");
  std::string out(static_cast<std::size_t>(size), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), size) != size) {
    ossl::throw_last(Errc::internal, "BN_bn2binpad");
  }
  return out;
}

struct Curve {
  const char* group;  // OpenSSL's name
  const char* crv;    // JOSE's name (RFC 7518 §6.2.1.1)
  const char* alg;
  int bytes;
};
constexpr std::array kCurves{Curve{"prime256v1", "P-256", "ES256", 32}, Curve{"P-256", "P-256", "ES256", 32},
                             Curve{"secp384r1", "P-384", "ES384", 48}, Curve{"P-384", "P-384", "ES384", 48}};

const Curve& curve_of(EVP_PKEY* key) {
  char name[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1) {
    ossl::throw_last(Errc::unsupported_algorithm, "EC key without a named curve");
  }
  for (const auto& c : kCurves) {
    if (std::string_view(name, len) == c.group) return c;
  }
  throw Error(Errc::unsupported_algorithm, "EC curve " + std::string(name, len) + " (P-256 and P-384 are supported)");
}

bool is_rsa(EVP_PKEY* key) { return EVP_PKEY_is_a(key, "RSA") == 1; }
bool is_ec(EVP_PKEY* key) { return EVP_PKEY_is_a(key, "EC") == 1; }

std::string member(const nlohmann::json& jwk, const char* name) {
  const auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) {
    throw Error(Errc::unsupported_algorithm, std::string("JWK without \"") + name + "\"");
  }
  return it->get<std::string>();
}

}  // namespace

nlohmann::json public_jwk(EVP_PKEY* key) {
  ossl::ClearErrorsOnExit clear;
  if (key == nullptr) throw Error(Errc::internal, "no key");
  if (is_rsa(key)) {
    return {{"kty", "RSA"},
            {"n", base64url_encode(bignum_bytes(key, OSSL_PKEY_PARAM_RSA_N))},
            {"e", base64url_encode(bignum_bytes(key, OSSL_PKEY_PARAM_RSA_E))}};
  }
  if (is_ec(key)) {
    const auto& curve = curve_of(key);
    return {{"kty", "EC"},
            {"crv", curve.crv},
            {"x", base64url_encode(bignum_bytes(key, OSSL_PKEY_PARAM_EC_PUB_X, curve.bytes))},
            {"y", base64url_encode(bignum_bytes(key, OSSL_PKEY_PARAM_EC_PUB_Y, curve.bytes))}};
  }
  throw Error(Errc::unsupported_algorithm, "ACME account keys must be RSA or EC P-256/P-384");
}

std::string jwk_thumbprint(const nlohmann::json& jwk) {
  if (!jwk.is_object()) throw Error(Errc::unsupported_algorithm, "JWK is not an object");
  const std::string kty = member(jwk, "kty");
  // nlohmann::json orders object members by byte value, which is RFC 7638's
  // code-point order for these ASCII names, and dump() adds no white space.
  nlohmann::json canonical;
  if (kty == "RSA") {
    canonical = {{"e", member(jwk, "e")}, {"kty", kty}, {"n", member(jwk, "n")}};
  } else if (kty == "EC") {
    canonical = {{"crv", member(jwk, "crv")}, {"kty", kty}, {"x", member(jwk, "x")}, {"y", member(jwk, "y")}};
  } else {
    throw Error(Errc::unsupported_algorithm, "JWK key type " + kty);
  }
  const std::string text = canonical.dump();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ossl::ensure_initialized();
  if (EVP_Digest(text.data(), text.size(), digest, &len, ossl::sha256(), nullptr) != 1) {
    ossl::throw_last(Errc::internal, "SHA-256");
  }
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string jwk_thumbprint(EVP_PKEY* key) { return jwk_thumbprint(public_jwk(key)); }

std::string jws_algorithm(EVP_PKEY* key) {
  if (key != nullptr && is_rsa(key)) return "RS256";
  if (key != nullptr && is_ec(key)) return curve_of(key).alg;
  throw Error(Errc::unsupported_algorithm, "ACME account keys must be RSA or EC P-256/P-384");
}

}  // namespace inkan::enrol
