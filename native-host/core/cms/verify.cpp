#include "cms/verify.h"

#include "cms/attributes.h"
#include "error.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include <algorithm>

namespace inkan::cms {
namespace {

constexpr std::size_t kMaxCertificates = 256;
constexpr int kMaxSigners = 16;

std::string digest_name(int nid) {
  switch (nid) {
    case NID_sha1: return "sha1";
    case NID_sha224: return "sha224";
    case NID_sha256: return "sha256";
    case NID_sha384: return "sha384";
    case NID_sha512: return "sha512";
    case NID_md5: return "md5";
    case NID_md4: return "md4";
    default: {
      const char* sn = OBJ_nid2sn(nid);
      return sn != nullptr ? sn : "unknown";
    }
  }
}

// What the signature algorithm OID says, including any digest baked into it.
struct SigAlg {
  std::string name;
  int implied_digest = NID_undef;
  bool known = true;
};

SigAlg signature_algorithm(const X509_ALGOR* alg) {
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
  const int nid = OBJ_obj2nid(oid);
  int md = NID_undef, pk = NID_undef;
  if (nid == NID_rsaEncryption) return {"rsa-pkcs1-v1_5"};
  if (nid == NID_rsassaPss) return {"rsa-pss"};
  if (nid == NID_ED25519) return {"ed25519"};
  if (nid == NID_ED448) return {"ed448"};
  if (nid == NID_X9_62_id_ecPublicKey) return {"ecdsa"};
  if (nid == NID_dsa) return {"dsa"};
  if (OBJ_find_sigid_algs(nid, &md, &pk) == 1) {
    SigAlg s;
    if (pk == NID_rsaEncryption) s.name = "rsa-pkcs1-v1_5";
    else if (pk == NID_X9_62_id_ecPublicKey) s.name = "ecdsa";
    else if (pk == NID_dsa) s.name = "dsa";
    else s.name = OBJ_nid2sn(pk) != nullptr ? OBJ_nid2sn(pk) : "unknown";
    s.implied_digest = md;
    return s;
  }
  char buf[80];
  OBJ_obj2txt(buf, sizeof buf, oid, 1);
  return {buf, NID_undef, false};
}

bool weak_digest(int nid, bool allow_sha1) {
  if (nid == NID_sha1) return !allow_sha1;
  return nid == NID_md5 || nid == NID_md4 || nid == NID_md2;
}

bool supported_digest(int nid) {
  return nid == NID_sha1 || nid == NID_sha224 || nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512 ||
         nid == NID_md5;
}

X509* find_signer(CMS_SignerInfo* si, const std::vector<X509*>& candidates) {
  for (X509* c : candidates) {
    if (CMS_SignerInfo_cert_cmp(si, c) == 0) return c;
  }
  return nullptr;
}

// A signature with no signed attributes is computed over the content digest directly.
bool verify_without_attributes(CMS_SignerInfo* si, X509* cert, const EVP_MD* md, const std::string& digest) {
  ossl::EvpPkeyCtxPtr pctx(EVP_PKEY_CTX_new(X509_get0_pubkey(cert), nullptr));
  if (!pctx || EVP_PKEY_verify_init(pctx.get()) <= 0 || EVP_PKEY_CTX_set_signature_md(pctx.get(), md) <= 0) {
    return false;
  }
  const ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(si);
  return EVP_PKEY_verify(pctx.get(), ASN1_STRING_get0_data(sig), static_cast<std::size_t>(ASN1_STRING_length(sig)),
                         reinterpret_cast<const unsigned char*>(digest.data()), digest.size()) == 1;
}

void add_chain_reasons(SignerVerdict& v, const x509::ChainCheck& check) {
  for (const int err : check.errors) {
    if (err == X509_V_ERR_UNABLE_TO_GET_CRL) continue;  // no CRL is not a failure
    v.add_reason(x509::chain_error_name(err));
  }
}

}  // namespace

ossl::CmsPtr parse_cms(std::string_view der) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  ossl::BioPtr bio(BIO_new_mem_buf(der.data(), static_cast<int>(der.size())));
  ossl::CmsPtr cms(d2i_CMS_bio(bio.get(), nullptr));
  if (!cms) ossl::throw_last(Errc::cms_malformed);
  return cms;
}

std::vector<int> digest_nids(CMS_ContentInfo* cms) {
  std::vector<int> out;
  STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms);
  for (int i = 0; i < sk_CMS_SignerInfo_num(sis); ++i) {
    X509_ALGOR* dig = nullptr;
    CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(sis, i), nullptr, nullptr, &dig, nullptr);
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, dig);
    const int nid = OBJ_obj2nid(oid);
    if (nid != NID_undef && std::find(out.begin(), out.end(), nid) == out.end()) out.push_back(nid);
  }
  return out;
}

ContentHasher::ContentHasher(const std::vector<int>& nids) {
  for (const int nid : nids) {
    if (!supported_digest(nid)) continue;
    const EVP_MD* md = ossl::digest_by_nid(nid);
    if (md == nullptr) continue;
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (ctx && EVP_DigestInit_ex(ctx.get(), md, nullptr) == 1) m_ctx.emplace_back(nid, std::move(ctx));
  }
  ERR_clear_error();
}

void ContentHasher::update(std::string_view data) {
  for (auto& [nid, ctx] : m_ctx) EVP_DigestUpdate(ctx.get(), data.data(), data.size());
}

ContentDigests ContentHasher::finish() {
  ContentDigests out;
  for (auto& [nid, ctx] : m_ctx) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), md, &len) == 1) {
      out[nid].emplace_back(reinterpret_cast<const char*>(md), len);
    }
  }
  return out;
}

ContentDigests digest_content(std::string_view content, const std::vector<int>& nids) {
  ContentHasher h(nids);
  h.update(content);
  return h.finish();
}

std::vector<x509::CertSummary> carried_certificates(CMS_ContentInfo* cms) {
  std::vector<x509::CertSummary> out;
  ossl::X509StackPtr certs(CMS_get1_certs(cms));
  for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i) out.push_back(x509::summarize(sk_X509_value(certs.get(), i)));
  ERR_clear_error();
  return out;
}

std::vector<SignerVerdict> verify_signers(CMS_ContentInfo* cms, const ContentDigests& digests,
                                          const VerifyContext& ctx) {
  ossl::ClearErrorsOnExit clear;
  std::vector<SignerVerdict> out;
  ossl::X509StackPtr carried(CMS_get1_certs(cms));
  ossl::CrlStackPtr carried_crls(CMS_get1_crls(cms));
  ERR_clear_error();
  // Each distinct certificate once: a message repeating them must not multiply the work.
  std::vector<X509*> candidates;
  const auto add_candidate = [&](X509* c) {
    if (std::none_of(candidates.begin(), candidates.end(), [&](X509* o) { return X509_cmp(o, c) == 0; })) {
      candidates.push_back(c);
    }
  };
  for (int i = 0; carried && i < sk_X509_num(carried.get()); ++i) add_candidate(sk_X509_value(carried.get(), i));
  for (X509* c : ctx.extra_certs) add_candidate(c);
  STACK_OF(CMS_SignerInfo)* all_signers = CMS_get0_SignerInfos(cms);
  if (candidates.size() > kMaxCertificates || sk_CMS_SignerInfo_num(all_signers) > kMaxSigners) {
    SignerVerdict v;
    v.add_reason("signature-malformed");  // no real mail needs this many; refuse the work
    out.push_back(std::move(v));
    return out;
  }
  std::vector<X509_CRL*> crls(ctx.extra_crls);
  for (int i = 0; carried_crls && i < sk_X509_CRL_num(carried_crls.get()); ++i) {
    crls.push_back(sk_X509_CRL_value(carried_crls.get(), i));
  }

  STACK_OF(CMS_SignerInfo)* sis = CMS_get0_SignerInfos(cms);
  for (int i = 0; i < sk_CMS_SignerInfo_num(sis); ++i) {
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(sis, i);
    SignerVerdict v;
    X509_ALGOR* dig_alg = nullptr;
    X509_ALGOR* sig_alg = nullptr;
    CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &dig_alg, &sig_alg);
    const ASN1_OBJECT* dig_oid = nullptr;
    X509_ALGOR_get0(&dig_oid, nullptr, nullptr, dig_alg);
    const int dig_nid = OBJ_obj2nid(dig_oid);
    v.digest_algorithm = digest_name(dig_nid);
    const SigAlg sig = signature_algorithm(sig_alg);
    v.signature_algorithm = sig.name;
    v.capability_details = read_capabilities(si);
    v.capabilities.clear();
    for (const auto& cap : v.capability_details) v.capabilities.push_back(cap.name);
    if (auto pref = read_encryption_key_preference(si)) v.encryption_key_preference = KeyPreferenceRef{pref->issuer, pref->serial};

    // Algorithms first: a weak digest makes everything else moot.
    if (weak_digest(dig_nid, ctx.allow_sha1) || weak_digest(sig.implied_digest, ctx.allow_sha1)) {
      v.add_reason("weak-digest-algorithm");
    } else if (!supported_digest(dig_nid) || !sig.known) {
      v.add_reason("unsupported-algorithm");
    }

    X509* signer = find_signer(si, candidates);
    if (signer == nullptr) {
      v.add_reason("signer-certificate-missing");
      out.push_back(std::move(v));
      continue;
    }
    v.cert = x509::summarize(signer);
    CMS_SignerInfo_set1_signer_cert(si, signer);
    const auto [key_type, key_bits] = x509::key_info(signer);
    if ((key_type == "rsa" || key_type == "rsa-pss" || key_type == "dsa") && key_bits < 1024) v.add_reason("weak-key");

    // Content integrity: messageDigest against what we hashed, then the signature itself.
    const AttributeCheck attrs = check_signed_attributes(cms, si);
    v.signing_time = attrs.signing_time;
    const auto found = digests.find(dig_nid);
    const std::vector<std::string> none;
    const auto& candidates_for_digest = found == digests.end() ? none : found->second;
    if (attrs.present) {
      if (!attrs.valid) v.add_reason("signed-attributes-invalid");
      const bool digest_ok =
          std::find(candidates_for_digest.begin(), candidates_for_digest.end(), attrs.message_digest) !=
          candidates_for_digest.end();
      if (!digest_ok && found != digests.end()) v.add_reason("digest-mismatch");
      if (found == digests.end() && supported_digest(dig_nid)) v.add_reason("unsupported-algorithm");
      if (CMS_SignerInfo_verify(si) != 1) v.add_reason("signature-invalid");
    } else {
      const EVP_MD* md = ossl::digest_by_nid(dig_nid);
      const bool ok = md != nullptr && std::any_of(candidates_for_digest.begin(), candidates_for_digest.end(),
                                                   [&](const std::string& d) { return verify_without_attributes(si, signer, md, d); });
      if (!ok) v.add_reason(md == nullptr ? "unsupported-algorithm" : "signature-invalid");
    }
    ERR_clear_error();

    // The certificate: trusted path now, and (separately) at signing time.
    if (ctx.trust == nullptr || ctx.trust->empty()) {
      v.add_reason("no-trust-anchors");
    }
    static const x509::TrustStore kEmpty;
    const x509::TrustStore& trust = ctx.trust != nullptr ? *ctx.trust : kEmpty;
    const x509::ChainCheck now =
        trust.check(signer, candidates, crls, ctx.at, X509_PURPOSE_SMIME_SIGN, ctx.allow_sha1);
    v.valid_now = now.ok;
    for (const auto& c : now.chain) v.chain.push_back(x509::summarize(c.get()));
    add_chain_reasons(v, now);
    if (now.revocation_unknown) v.warnings.emplace_back("revocation-unknown");
    if (attrs.signing_time) {
      const auto then = trust.check(signer, candidates, crls, *attrs.signing_time, X509_PURPOSE_SMIME_SIGN,
                                    ctx.allow_sha1);
      v.valid_when_signed = then.ok;
    }
    // Explicit usage checks, so the reason is precise even when chain building already failed.
    if (const auto ku = x509::key_usage(signer);
        ku && (*ku & (X509v3_KU_DIGITAL_SIGNATURE | X509v3_KU_NON_REPUDIATION)) == 0) {
      v.add_reason("key-usage-not-signing");
    }
    if (!x509::allows_email_protection(signer)) v.add_reason("eku-not-email-protection");
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace inkan::cms
