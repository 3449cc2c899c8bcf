// identity.import: adds the keys and certificates of a PKCS#12 file (legacy
// RC2/3DES too) or of a PEM private key with its certificates (or a renewed
// certificate alone, for a key the store holds), as `inkan id import` does.
// The file's password is wiped after use; the key is sealed under the store key.
#include "ops/ops.h"
#include "ops/store_access.h"
#include "store/store_json.h"

#include <openssl/crypto.h>

#include <filesystem>

namespace inkan::protocol::ops {
namespace {

// The name the store records as the identity's source: the file's name, never its folder.
std::string source_name(const Json& form, const char* fallback) {
  if (const Json* path = member(form, "path"); path != nullptr && path->is_string()) {
    return std::filesystem::path(path->get<std::string>()).filename().string();
  }
  return fallback;
}

// Certificates from an input form or an array of them.
std::vector<ossl::X509Ptr> certs_param(OpContext& ctx, const Json* value) {
  if (value == nullptr) return {};
  if (value->is_array()) return load_certs(ctx, value, "cert");
  const Json one = Json::array({*value});
  return load_certs(ctx, &one, "cert");
}

}  // namespace

Reply identity_import(OpContext& ctx) {
  const Json& params = ctx.request.params;
  const Json* pkcs12 = member(params, "pkcs12");
  const Json* pem = member(params, "pem");
  if ((pkcs12 != nullptr) == (pem != nullptr)) throw Error(Errc::bad_request, "give pkcs12 or pem");
  if (pkcs12 != nullptr && member(params, "cert") != nullptr) throw Error(Errc::bad_request, "cert goes with pem");
  const Secret password(params, "password");
  std::string source = string_param(params, "source_file").value_or("");
  store::KeyBundle bundle;
  if (pkcs12 != nullptr) {
    std::string der = read_small_input(ctx, *pkcs12, "pkcs12");
    if (source.empty()) source = source_name(*pkcs12, "");
    EngineTimer timer(ctx);
    try {
      bundle = store::read_pkcs12(der, password.value());
    } catch (...) {
      OPENSSL_cleanse(der.data(), der.size());
      throw;
    }
    OPENSSL_cleanse(der.data(), der.size());
  } else {
    std::string text = read_small_input(ctx, *pem, "pem");
    auto extra = certs_param(ctx, member(params, "cert"));
    if (source.empty()) source = source_name(*pem, "");
    EngineTimer timer(ctx);
    try {
      bundle = store::read_key_file(text, std::move(extra), password.value());
    } catch (...) {
      OPENSSL_cleanse(text.data(), text.size());
      throw;
    }
    OPENSSL_cleanse(text.data(), text.size());
  }
  store::Store s = ctx.session.open_store(ctx.now);
  const store::ImportReport report = s.import_bundle(std::move(bundle), source, ctx.now);
  if (report.added.empty()) {
    throw Error(Errc::already_exists, report.already_present.empty() ? std::string() : report.already_present.front());
  }
  Reply reply;
  reply.result = store::import_json(report, ctx.now);
  return reply;
}

}  // namespace inkan::protocol::ops
