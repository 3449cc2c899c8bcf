#include "cms/sign.h"

#include "cms/attributes.h"
#include "error.h"
#include "mime/headers.h"
#include "ossl/bio_bridge.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"
#include "x509/cert.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

namespace inkan::cms {
namespace {

// Build a SignedData with one signer and our attributes; signing happens at CMS_dataFinal.
ossl::CmsPtr prepare(const keys::Credentials& creds, const SignOptions& options, unsigned int content_flags) {
  ossl::ensure_initialized();
  const EVP_MD* md = options.digest != nullptr ? options.digest : ossl::sha256();
  ossl::CmsPtr cms(CMS_sign_ex(nullptr, nullptr, nullptr, nullptr, content_flags | CMS_PARTIAL | CMS_BINARY,
                               nullptr, nullptr));
  if (!cms) ossl::throw_last(Errc::internal, "CMS_sign_ex");

  unsigned int signer_flags = CMS_NOSMIMECAP | CMS_BINARY;
  const bool rsa = EVP_PKEY_is_a(creds.key.get(), "RSA");
  if (options.pss) {
    if (!rsa) throw Error(Errc::usage, "RSA-PSS needs an RSA key");
    signer_flags |= CMS_KEY_PARAM;
  }
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), creds.cert.get(), creds.key.get(), md, signer_flags);
  if (si == nullptr) ossl::throw_last(Errc::key_load_failed, "cannot sign with this key");
  if (options.pss) {
    EVP_PKEY_CTX* pctx = CMS_SignerInfo_get0_pkey_ctx(si);
    if (pctx == nullptr || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) <= 0 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) <= 0) {
      ossl::throw_last(Errc::internal, "RSA-PSS parameters");
    }
    // With CMS_KEY_PARAM OpenSSL 3.0 writes the signatureAlgorithm only when it signs,
    // but a streamed (opaque) SignedData is encoded once before that, to place the
    // content, and an empty AlgorithmIdentifier fails there with "illegal zero
    // content" (`openssl cms -sign -stream -keyopt rsa_padding_mode:pss` fails the
    // same way). A placeholder lets that first encoding through; signing replaces it
    // with the real RSASSA-PSS parameters before anything after the content is written.
    X509_ALGOR* sig_alg = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, nullptr, &sig_alg);
    if (sig_alg == nullptr || X509_ALGOR_set0(sig_alg, OBJ_nid2obj(NID_rsassaPss), V_ASN1_UNDEF, nullptr) != 1) {
      ossl::throw_last(Errc::internal, "RSA-PSS algorithm identifier");
    }
  }
  add_capabilities(si);
  add_encryption_key_preference(si, options.encryption_cert != nullptr ? options.encryption_cert : creds.cert.get());
  if (options.signing_time) {
    ossl::Asn1TimePtr t(ASN1_TIME_set(nullptr, static_cast<time_t>(*options.signing_time)));
    // RFC 5652 §11.3: UTCTime through 2049.
    if (!t || CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t.get(), -1) != 1) {
      ossl::throw_last(Errc::internal, "signingTime");
    }
  }
  // The chain lets recipients build a path without fetching anything.
  for (const auto& c : creds.chain) {
    if (X509_get_extension_flags(c.get()) & EXFLAG_SS) continue;  // the anchor is the recipient's business
    if (CMS_add1_cert(cms.get(), c.get()) != 1) ERR_clear_error();  // duplicates are fine
  }
  return cms;
}

}  // namespace

void prepare_signing_key(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA") != 1) return;
  ossl::ClearErrorsOnExit clear;  // a failure here only means the set-up happens later
  ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), ossl::sha256()) != 1) {
    return;
  }
  const unsigned char digest[32] = {};
  std::string signature(static_cast<std::size_t>(EVP_PKEY_get_size(key)), '\0');
  std::size_t size = signature.size();
  (void)EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, digest, sizeof digest);
}

void check_signing_credentials(const keys::Credentials& creds, std::int64_t now) {
  X509* cert = creds.cert.get();
  const auto not_before = x509::to_epoch(X509_get0_notBefore(cert));
  const auto not_after = x509::to_epoch(X509_get0_notAfter(cert));
  if (not_after && *not_after < now) throw Error(Errc::signer_cert_unusable, "the certificate has expired");
  if (not_before && *not_before > now) throw Error(Errc::signer_cert_unusable, "the certificate is not valid yet");
  if (const auto ku = x509::key_usage(cert);
      ku && (*ku & (X509v3_KU_DIGITAL_SIGNATURE | X509v3_KU_NON_REPUDIATION)) == 0) {
    throw Error(Errc::signer_cert_unusable, "key usage does not allow signing");
  }
  if (!x509::allows_email_protection(cert)) {
    throw Error(Errc::signer_cert_unusable, "extended key usage does not include e-mail protection");
  }
  const auto [type, bits] = x509::key_info(cert);
  if ((type == "rsa" || type == "rsa-pss") && bits < 2048) throw Error(Errc::weak_algorithm, "RSA key under 2048 bits");
  if (type == "dsa") throw Error(Errc::weak_algorithm, "DSA signing is not supported by mail clients");
}

DetachedSigner::DetachedSigner(const keys::Credentials& creds, const SignOptions& options)
    : m_cms(prepare(creds, options, CMS_DETACHED)) {
  m_content.reset(CMS_dataInit(m_cms.get(), nullptr));
  if (!m_content) ossl::throw_last(Errc::internal, "CMS_dataInit");
}

void DetachedSigner::update(std::string_view content) {
  if (content.empty()) return;
  if (BIO_write(m_content.get(), content.data(), static_cast<int>(content.size())) != static_cast<int>(content.size())) {
    ossl::throw_last(Errc::internal, "hashing content");
  }
}

std::string DetachedSigner::finish() {
  ossl::ClearErrorsOnExit clear;
  if (CMS_dataFinal(m_cms.get(), m_content.get()) != 1) ossl::throw_last(Errc::key_load_failed, "signing failed");
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (i2d_CMS_bio(out.get(), m_cms.get()) != 1) ossl::throw_last(Errc::internal, "encoding signature");
  char* data = nullptr;
  const long len = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

OpaqueSigner::OpaqueSigner(const keys::Credentials& creds, const SignOptions& options, io::Sink& out)
    : m_stream(prepare(creds, options, CMS_STREAM), out, "signing") {}

void OpaqueSigner::update(std::string_view content) { m_stream.update(content); }

void OpaqueSigner::finish() { m_stream.finish(Errc::key_load_failed); }

const EVP_MD* digest_by_name(std::string_view name) {
  std::string n = mime::to_lower(name);
  std::erase(n, '-');
  if (n == "sha256") return ossl::sha256();
  if (n == "sha384") return ossl::sha384();
  if (n == "sha512") return ossl::sha512();
  if (n == "sha1" || n == "md5") throw Error(Errc::weak_algorithm, std::string(name));
  throw Error(Errc::usage, "unknown digest " + std::string(name));
}

std::string micalg_name(const EVP_MD* md) {
  switch (EVP_MD_get_type(md != nullptr ? md : ossl::sha256())) {  // nullptr: the default digest, as in SignOptions
    case NID_sha256: return "sha-256";
    case NID_sha384: return "sha-384";
    case NID_sha512: return "sha-512";
    case NID_sha1: return "sha-1";
    default: return "unknown";
  }
}

}  // namespace inkan::cms
