#include "jws.h"

#include "base64url.h"
#include "error.h"
#include "jwk.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"

namespace inkan::enrol {
namespace {

std::string ecdsa_der_to_raw(std::string_view der, int coordinate_bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ossl::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) ossl::throw_last(Errc::internal, "ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(static_cast<std::size_t>(2 * coordinate_bytes), '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(r, bytes, coordinate_bytes) != coordinate_bytes ||
      BN_bn2binpad(s, bytes + coordinate_bytes, coordinate_bytes) != coordinate_bytes) {
    ossl::throw_last(Errc::internal, "ECDSA signature size");
  }
  return out;
}

}  // namespace

std::string jws_signature(EVP_PKEY* key, std::string_view signing_input) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  const std::string alg = jws_algorithm(key);
  const EVP_MD* md = alg == "ES384" ? ossl::sha384() : ossl::sha256();
  ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), nullptr, EVP_MD_get0_name(md), nullptr, nullptr, key, nullptr) != 1) {
    ossl::throw_last(Errc::internal, "JWS signing set-up");
  }
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(signing_input.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, signing_input.size()) != 1) ossl::throw_last(Errc::internal, "JWS signing");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, signing_input.size()) != 1) {
    ossl::throw_last(Errc::internal, "JWS signing");
  }
  sig.resize(len);
  if (alg == "RS256") return sig;
  return ecdsa_der_to_raw(sig, alg == "ES384" ? 48 : 32);
}

nlohmann::json sign_jws(EVP_PKEY* key, const JwsRequest& request) {
  nlohmann::json header{{"alg", jws_algorithm(key)}, {"nonce", request.nonce}, {"url", request.url}};
  if (request.kid.empty()) {
    header["jwk"] = public_jwk(key);
  } else {
    header["kid"] = request.kid;
  }
  const std::string protected_b64 = base64url_encode(header.dump());
  const std::string payload_b64 = request.payload ? base64url_encode(request.payload->dump()) : std::string();
  const std::string signature = jws_signature(key, protected_b64 + "." + payload_b64);
  return {{"protected", protected_b64}, {"payload", payload_b64}, {"signature", base64url_encode(signature)}};
}

nlohmann::json external_account_binding(const nlohmann::json& account_jwk, const std::string& eab_kid,
                                        std::string_view hmac_key, const std::string& new_account_url) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  if (hmac_key.empty()) throw Error(Errc::usage, "empty external account MAC key");
  // RFC 8555 §7.3.4: alg is a MAC algorithm, kid the CA's key identifier, url the newAccount URL; no nonce.
  const nlohmann::json header{{"alg", "HS256"}, {"kid", eab_kid}, {"url", new_account_url}};
  const std::string protected_b64 = base64url_encode(header.dump());
  const std::string payload_b64 = base64url_encode(account_jwk.dump());
  const std::string input = protected_b64 + "." + payload_b64;
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, hmac_key.data(), hmac_key.size(),
                reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, sizeof mac, &mac_len) == nullptr) {
    ossl::throw_last(Errc::internal, "HMAC-SHA256");
  }
  return {{"protected", protected_b64},
          {"payload", payload_b64},
          {"signature", base64url_encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len))}};
}

}  // namespace inkan::enrol
