#include "x509/lint.h"

#include "mime/address.h"
#include "mime/date.h"
#include "ossl/error_queue.h"
#include "verdict_json.h"
#include "x509/cert.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <array>
#include <optional>

namespace inkan::x509 {
namespace {

using S = LintSeverity;

// One table: code, severity, source, and the plain-words explanation in English and
// Japanese. docs/lint.md lists the same rows (a test checks that).
const std::vector<LintRule>& table() {
  static const std::vector<LintRule> rules{
      // Validity
      {"expired", S::error, "RFC 5280 4.1.2.5",
       "The certificate has expired. Recipients' mail programs show signatures made with it as invalid, and "
       "nobody can encrypt to it any more.",
       "証明書の有効期限が切れています。この証明書による署名は受信者のメールソフトで無効と表示され、"
       "この証明書宛てに暗号化することもできません。"},
      {"not-yet-valid", S::error, "RFC 5280 4.1.2.5",
       "The certificate is not valid yet. Until its start date, recipients see signatures made with it as "
       "invalid (or the computer's clock is wrong).",
       "証明書はまだ有効期間前です。開始日までは、この証明書による署名は受信者に無効と表示されます"
       "（またはコンピューターの時計がずれています）。"},
      {"expires-soon", S::info, "lifecycle",
       "The certificate expires soon. Renew it in time, or recipients will see your signatures as expired.",
       "証明書の有効期限が近づいています。期限までに更新しないと、受信者には署名が期限切れと表示されます。"},
      {"validity-over-825-days", S::warning, "SBR 6.3.2",
       "The certificate is valid for more than 825 days, the limit of the S/MIME Baseline Requirements. Mail "
       "programs accept it, but a public CA should not have issued it.",
       "証明書の有効期間が S/MIME Baseline Requirements の上限 825 日を超えています。メールソフトは受け入れますが、"
       "公的な認証局が発行すべきものではありません。"},
      {"validity-over-1185-days", S::warning, "SBR 6.3.2",
       "The certificate is valid for more than 1185 days, the limit even for Legacy certificates in the S/MIME "
       "Baseline Requirements.",
       "証明書の有効期間が、S/MIME Baseline Requirements の Legacy 証明書の上限 1185 日も超えています。"},
      // Algorithms and keys
      {"sha1-signature", S::error, "mozilla::pkix (Thunderbird); SBR 7.1.3.2",
       "A certificate in the chain is signed with SHA-1. Thunderbird and other current mail programs no longer "
       "accept SHA-1, so recipients see the signature as invalid.",
       "チェーン内の証明書が SHA-1 で署名されています。Thunderbird など現在のメールソフトは SHA-1 を受け入れないため、"
       "受信者には署名が無効と表示されます。"},
      {"weak-signature-algorithm", S::error, "mozilla::pkix (Thunderbird); SBR 7.1.3.2",
       "A certificate in the chain is signed with a broken or unknown algorithm (such as MD5). Recipients' mail "
       "programs reject it.",
       "チェーン内の証明書が破られた、または不明なアルゴリズム（MD5 など）で署名されています。受信者のメールソフトは"
       "これを拒否します。"},
      {"weak-rsa-key", S::error, "SBR 6.1.5",
       "The RSA key is shorter than 2048 bits. It is too weak today; many services (Gmail among them) reject it, "
       "and Inkan does not sign with it.",
       "RSA 鍵が 2048 ビット未満です。現在では弱すぎるため、多くのサービス（Gmail など）が拒否し、Inkan もこの鍵では署名しません。"},
      {"rsa-modulus-not-multiple-of-8", S::warning, "SBR 6.1.5",
       "The RSA modulus size is not a multiple of 8 bits, which the S/MIME Baseline Requirements forbid. Mail "
       "programs accept it.",
       "RSA の法のビット長が 8 の倍数ではありません。S/MIME Baseline Requirements では禁止されていますが、"
       "メールソフトは受け入れます。"},
      {"rsa-exponent", S::warning, "SBR 6.1.6",
       "The RSA public exponent is unusual (it should be an odd number from 65537 up). Mail programs accept it, "
       "but the S/MIME Baseline Requirements do not.",
       "RSA の公開指数が通常と異なります（65537 以上の奇数であるべきです）。メールソフトは受け入れますが、"
       "S/MIME Baseline Requirements には適合しません。"},
      {"ec-curve-not-allowed", S::error, "SBR 6.1.5; mozilla::pkix (Thunderbird)",
       "The elliptic curve is not P-256, P-384 or P-521. Thunderbird and most mail programs cannot use other "
       "curves, so recipients cannot check signatures or encrypt to it.",
       "楕円曲線が P-256、P-384、P-521 のいずれでもありません。Thunderbird など多くのメールソフトは他の曲線を扱えないため、"
       "受信者は署名を検証することも、この証明書宛てに暗号化することもできません。"},
      {"key-algorithm-not-allowed", S::error, "SBR 6.1.5; mozilla::pkix (Thunderbird)",
       "The key type (such as DSA) is not allowed for S/MIME, and most mail programs cannot use it.",
       "鍵の種類（DSA など）は S/MIME で認められておらず、多くのメールソフトが扱えません。"},
      {"key-type-unsupported-by-clients", S::error, "mozilla::pkix (Thunderbird)",
       "The key is Ed25519/Ed448 (or X25519/X448). The S/MIME Baseline Requirements allow EdDSA, but Thunderbird "
       "and most mail programs cannot verify or encrypt with such keys yet.",
       "鍵が Ed25519/Ed448（または X25519/X448）です。S/MIME Baseline Requirements は EdDSA を認めていますが、"
       "Thunderbird など多くのメールソフトはまだこの鍵で検証も暗号化もできません。"},
      {"serial-number-invalid", S::warning, "RFC 5280 4.1.2.2",
       "The serial number is zero, negative or longer than 20 bytes. Some programs reject such certificates.",
       "シリアル番号が 0、負の値、または 20 バイトを超えています。このような証明書を拒否するソフトもあります。"},
      {"serial-number-low-entropy", S::warning, "SBR 7.1",
       "The serial number is shorter than 64 bits, so it cannot hold the 64 random bits the S/MIME Baseline "
       "Requirements demand. Mail programs accept it.",
       "シリアル番号が 64 ビット未満のため、S/MIME Baseline Requirements が求める 64 ビットの乱数を含められません。"
       "メールソフトは受け入れます。"},
      // What the certificate is
      {"ca-certificate", S::error, "RFC 5280 4.2.1.9; mozilla::pkix (Thunderbird)",
       "This is a CA certificate, not a personal one. Mail programs refuse a CA certificate as a signer's or "
       "recipient's certificate.",
       "これは認証局（CA）の証明書で、個人用の証明書ではありません。メールソフトは CA 証明書を署名者や受信者の証明書として"
       "受け入れません。"},
      {"self-signed", S::error, "Thunderbird",
       "The certificate is self-signed. No recipient trusts it unless they import and trust it by hand, so they "
       "see your signature as untrusted.",
       "証明書が自己署名です。受信者が手動で取り込んで信頼しない限り信頼されないため、署名は「信頼できない」と表示されます。"},
      {"no-smime-br-policy", S::info, "SBR 7.1.6.4",
       "The certificate does not claim a CA/Browser Forum S/MIME policy, so it was not issued under the S/MIME "
       "Baseline Requirements (for example by a private or company CA). Recipients trust it only if they trust that CA.",
       "証明書に CA/Browser Forum の S/MIME ポリシーがありません。S/MIME Baseline Requirements に基づかない"
       "（社内 CA などの）証明書です。受信者がその認証局を信頼している場合にのみ信頼されます。"},
      {"mailbox-subject-attributes", S::warning, "SBR 7.1.4.2",
       "A mailbox-validated certificate may name only commonName, serialNumber and emailAddress in its subject; "
       "this one names more. Mail programs accept it.",
       "メールボックス検証型の証明書のサブジェクトには commonName、serialNumber、emailAddress しか含められませんが、"
       "この証明書はそれ以外も含んでいます。メールソフトは受け入れます。"},
      // Extended key usage
      {"missing-email-protection-eku", S::error, "SBR 7.1.2.3 f; mozilla::pkix (Thunderbird)",
       "The certificate's extended key usage does not include e-mail protection. Thunderbird and other mail "
       "programs refuse it for signing and encryption.",
       "証明書の拡張鍵用途にメール保護（emailProtection）が含まれていません。Thunderbird などのメールソフトは"
       "署名にも暗号化にも使えないと判断します。"},
      {"no-eku", S::warning, "SBR 7.1.2.3 f",
       "The certificate has no extended key usage. Mail programs accept it for e-mail, but the S/MIME Baseline "
       "Requirements demand e-mail protection to be listed.",
       "証明書に拡張鍵用途がありません。メールソフトは受け入れますが、S/MIME Baseline Requirements では"
       "メール保護の明記が必要です。"},
      {"forbidden-eku-server-auth", S::warning, "SBR 7.1.2.3 f",
       "The certificate is also for TLS web servers, which the S/MIME Baseline Requirements forbid. Mail programs "
       "accept it.",
       "証明書が TLS サーバー認証用も兼ねています。S/MIME Baseline Requirements では禁止されていますが、メールソフトは受け入れます。"},
      {"forbidden-eku-code-signing", S::warning, "SBR 7.1.2.3 f",
       "The certificate is also for code signing, which the S/MIME Baseline Requirements forbid. Mail programs "
       "accept it.",
       "証明書がコード署名用も兼ねています。S/MIME Baseline Requirements では禁止されていますが、メールソフトは受け入れます。"},
      {"forbidden-eku-time-stamping", S::warning, "SBR 7.1.2.3 f",
       "The certificate is also for time stamping, which the S/MIME Baseline Requirements forbid. Mail programs "
       "accept it.",
       "証明書がタイムスタンプ用も兼ねています。S/MIME Baseline Requirements では禁止されていますが、メールソフトは受け入れます。"},
      {"forbidden-eku-any", S::warning, "SBR 7.1.2.3 f",
       "The certificate allows any purpose (anyExtendedKeyUsage), which the S/MIME Baseline Requirements forbid.",
       "証明書があらゆる用途（anyExtendedKeyUsage）を許可しています。S/MIME Baseline Requirements では禁止されています。"},
      {"eku-ocsp-signing", S::error, "mozilla::pkix (Thunderbird)",
       "The certificate also claims to be an OCSP responder. Thunderbird refuses personal certificates that do, so "
       "recipients see the signature as invalid.",
       "証明書が OCSP レスポンダー用（OCSPSigning）も兼ねています。Thunderbird はそのような個人用証明書を拒否するため、"
       "受信者には署名が無効と表示されます。"},
      {"strict-extra-eku", S::warning, "SBR 7.1.2.3 f",
       "A Strict certificate may only be for e-mail protection; this one lists other purposes too.",
       "Strict 型の証明書はメール保護専用でなければなりませんが、この証明書は他の用途も含んでいます。"},
      // Key usage
      {"no-key-usage", S::warning, "SBR 7.1.2.3 e",
       "The certificate has no key usage extension. Mail programs accept it, but the S/MIME Baseline "
       "Requirements demand one.",
       "証明書に鍵用途（keyUsage）拡張がありません。メールソフトは受け入れますが、S/MIME Baseline Requirements では必須です。"},
      {"key-usage-not-critical", S::info, "SBR 7.1.2.3 e",
       "The key usage extension is not marked critical, as the S/MIME Baseline Requirements recommend.",
       "鍵用途拡張が critical になっていません（S/MIME Baseline Requirements の推奨に反します）。"},
      {"key-usage-wrong-for-key-type", S::warning, "SBR 7.1.2.3 e",
       "The key usage names operations this kind of key cannot do (for example key encipherment for an EC key, or "
       "certificate signing for a personal certificate). Recipients' programs may refuse the certificate for that use.",
       "鍵用途に、この種類の鍵ではできない操作が含まれています（EC 鍵の鍵暗号化、個人用証明書での証明書署名など）。"
       "受信者のソフトがその用途での利用を拒否することがあります。"},
      {"key-usage-no-signing", S::info, "RFC 8550 4.4.2",
       "The key usage does not allow digital signatures: this certificate is for encryption only and cannot sign "
       "e-mail.",
       "鍵用途がデジタル署名を許可していません。この証明書は暗号化専用で、メールの署名には使えません。"},
      {"key-usage-no-encryption", S::info, "RFC 8550 4.4.2",
       "The certificate cannot be used to encrypt e-mail to you (no key encipherment for RSA, no key agreement for "
       "EC): it is for signing only.",
       "この証明書ではあなた宛てのメールを暗号化できません（RSA の鍵暗号化、EC の鍵共有がありません）。署名専用です。"},
      // Addresses
      {"no-email-address", S::error, "SBR 7.1.4.2.1; RFC 8550 3",
       "The certificate contains no e-mail address. Recipients' mail programs cannot match it to the sender, so "
       "they warn that the signature does not belong to the sender.",
       "証明書にメールアドレスが含まれていません。受信者のメールソフトは差出人と照合できないため、"
       "署名が差出人のものではないと警告します。"},
      {"missing-rfc822name", S::warning, "SBR 7.1.4.2.1",
       "The e-mail address is only in the subject, not in the subjectAltName as the S/MIME Baseline Requirements "
       "demand. Thunderbird still finds it; some programs do not.",
       "メールアドレスがサブジェクトにしかなく、S/MIME Baseline Requirements が求める subjectAltName にありません。"
       "Thunderbird は見つけますが、見つけられないソフトもあります。"},
      {"subject-email-not-in-san", S::warning, "SBR 7.1.4.2.1",
       "An e-mail address in the subject is missing from the subjectAltName. Programs that read only the "
       "subjectAltName will not match mail from that address.",
       "サブジェクトのメールアドレスが subjectAltName にありません。subjectAltName だけを読むソフトでは、"
       "そのアドレスからのメールと照合できません。"},
      // The chain
      {"intermediate-lacks-email-protection", S::error, "mozilla::pkix (Thunderbird); acme_email#60",
       "An intermediate certificate restricts its purposes and e-mail protection is not among them. Thunderbird "
       "refuses every certificate below it for e-mail (\"E-mail Protection missing\").",
       "中間証明書が用途を制限しており、その中にメール保護が含まれていません。Thunderbird はその下のすべての証明書を"
       "メールに使えないと判断します。"},
      {"root-lacks-email-protection", S::error, "mozilla::pkix (Thunderbird)",
       "The root certificate restricts its purposes and e-mail protection is not among them, so mail programs "
       "refuse the chain for e-mail.",
       "ルート証明書が用途を制限しており、その中にメール保護が含まれていません。メールソフトはこのチェーンをメールに使えないと判断します。"},
      {"issuer-not-ca", S::error, "RFC 5280 4.2.1.9",
       "The certificate that issued this one is not a certificate authority. Recipients' mail programs reject the chain.",
       "この証明書の発行元が認証局（CA）ではありません。受信者のメールソフトはこのチェーンを拒否します。"},
      {"chain-signature-invalid", S::error, "RFC 5280 6.1.3",
       "A certificate's signature does not verify with its issuer's key: the chain is broken or forged.",
       "証明書の署名が発行元の鍵で検証できません。チェーンが壊れているか偽造されています。"},
      {"chain-certificate-expired", S::error, "RFC 5280 6.1.3",
       "A certificate in the chain has expired, so recipients see signatures as invalid even though your own "
       "certificate is still valid.",
       "チェーン内の証明書が期限切れです。自分の証明書が有効でも、受信者には署名が無効と表示されます。"},
      {"chain-certificate-not-yet-valid", S::error, "RFC 5280 6.1.3",
       "A certificate in the chain is not valid yet, so recipients see signatures as invalid.",
       "チェーン内の証明書がまだ有効期間前のため、受信者には署名が無効と表示されます。"},
      {"no-intermediate", S::warning, "SBR 6.1.7; Gmail",
       "The certificate was issued directly by a root certificate. The S/MIME Baseline Requirements forbid "
       "this and Gmail rejects it.",
       "証明書がルート証明書から直接発行されています。S/MIME Baseline Requirements では禁止されており、Gmail は拒否します。"},
      {"issuer-not-in-chain", S::warning, "Thunderbird",
       "The chain given does not contain the certificate that issued this one. Signed mail must carry the "
       "intermediate, or recipients cannot build the chain and see the signature as untrusted.",
       "渡されたチェーンにこの証明書の発行元が含まれていません。署名付きメールに中間証明書を含めないと、受信者は"
       "チェーンを構築できず、署名は「信頼できない」と表示されます。"},
      {"chain-not-provided", S::info, "lint",
       "No chain was given, so the intermediate certificates were not checked.",
       "チェーンが渡されなかったため、中間証明書は確認していません。"},
  };
  return rules;
}

constexpr std::int64_t kDay = 86400;

bool self_signed(X509* cert) { return X509_self_signed(cert, 0) == 1; }

// Whether an extension is marked critical; nullopt when it is absent.
std::optional<bool> extension_critical(X509* cert, int nid) {
  const int pos = X509_get_ext_by_NID(cert, nid, -1);
  if (pos < 0) return std::nullopt;
  return X509_EXTENSION_get_critical(X509_get_ext(cert, pos)) != 0;
}

// The policy generation a certificate claims (SBR 7.1.6.1: 2.23.140.1.5.<type>.<generation>).
struct BrPolicy {
  bool present = false;
  int type = 0;        ///< 1 mailbox, 2 organization, 3 sponsor, 4 individual
  int generation = 0;  ///< 1 legacy, 2 multipurpose, 3 strict
};

BrPolicy br_policy(X509* cert) {
  BrPolicy out;
  CERTIFICATEPOLICIES* policies =
      static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(cert, NID_certificate_policies, nullptr, nullptr));
  if (policies == nullptr) return out;
  for (int i = 0; i < sk_POLICYINFO_num(policies); ++i) {
    const POLICYINFO* info = sk_POLICYINFO_value(policies, i);
    char oid[128];
    if (OBJ_obj2txt(oid, sizeof(oid), info->policyid, 1) <= 0) continue;
    const std::string_view text(oid);
    constexpr std::string_view prefix = "2.23.140.1.5.";
    if (text.substr(0, prefix.size()) != prefix) continue;
    out.present = true;
    const std::string_view rest = text.substr(prefix.size());  // "<type>.<generation>"
    if (rest.size() == 3 && rest[1] == '.' && rest[0] >= '1' && rest[0] <= '4' && rest[2] >= '1' && rest[2] <= '3') {
      out.type = rest[0] - '0';
      out.generation = rest[2] - '0';
    }
  }
  CERTIFICATEPOLICIES_free(policies);
  return out;
}

// The OIDs of the EKU extension; nullopt when the extension is absent.
std::optional<std::vector<int>> eku_nids(X509* cert) {
  ossl::EkuPtr eku(static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  if (!eku) {
    if (X509_get_ext_by_NID(cert, NID_ext_key_usage, -1) >= 0) return std::vector<int>{NID_undef};  // unreadable
    return std::nullopt;
  }
  std::vector<int> out;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) out.push_back(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), i)));
  return out;
}

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

class Linter {
public:
  Linter(const LintOptions& options, LintResult& out) : m_options(options), m_out(out) {}

  void add(std::string_view code, std::size_t index, std::string detail = {}) {
    const LintRule* rule = lint_rule(code);
    LintFinding f;
    f.code = std::string(code);
    f.severity = rule != nullptr ? rule->severity : LintSeverity::error;
    f.certificate = index;
    f.detail = std::move(detail);
    const bool seen = std::any_of(m_out.findings.begin(), m_out.findings.end(), [&](const LintFinding& o) {
      return o.code == f.code && o.certificate == f.certificate;
    });
    if (!seen) m_out.findings.push_back(std::move(f));
  }

  void build_path(X509* leaf, const std::vector<X509*>& chain) {
    m_out.path.push_back(ossl::up_ref(leaf));
    X509* current = leaf;
    constexpr std::size_t kMaxDepth = 10;
    while (!self_signed(current) && m_out.path.size() < kMaxDepth) {
      X509* issuer = nullptr;
      bool signature_ok = false;
      for (X509* c : chain) {
        if (c == nullptr || X509_cmp(c, current) == 0) continue;
        // An issuer by name and key identifier; one whose key usage forbids certificate signing
        // still is the issuer (reported by issuer-not-ca), not a missing one.
        const int issued = X509_check_issued(c, current);
        if (issued != X509_V_OK && issued != X509_V_ERR_KEYUSAGE_NO_CERTSIGN) continue;
        const bool in_path = std::any_of(m_out.path.begin(), m_out.path.end(),
                                         [&](const ossl::X509Ptr& p) { return X509_cmp(p.get(), c) == 0; });
        if (in_path) continue;
        EVP_PKEY* key = X509_get0_pubkey(c);
        const bool ok = key != nullptr && X509_verify(current, key) == 1;
        if (issuer == nullptr || (ok && !signature_ok)) {
          issuer = c;
          signature_ok = ok;
        }
      }
      ERR_clear_error();
      if (issuer == nullptr) {
        if (current == leaf) add(chain.empty() ? "chain-not-provided" : "issuer-not-in-chain", 0);
        return;
      }
      if (!signature_ok) add("chain-signature-invalid", m_out.path.size() - 1);
      m_out.path.push_back(ossl::up_ref(issuer));
      current = issuer;
    }
  }

  void validity(X509* cert, std::size_t index) {
    const auto nb = to_epoch(X509_get0_notBefore(cert));
    const auto na = to_epoch(X509_get0_notAfter(cert));
    if (!nb || !na) {
      add(index == 0 ? "expired" : "chain-certificate-expired", index, "unreadable validity dates");
      return;
    }
    if (m_options.at > *na) {
      add(index == 0 ? "expired" : "chain-certificate-expired", index, "since " + mime::format_iso8601(*na));
    } else if (m_options.at < *nb) {
      add(index == 0 ? "not-yet-valid" : "chain-certificate-not-yet-valid", index,
          "from " + mime::format_iso8601(*nb));
    } else if (index == 0 && *na - m_options.at < m_options.expires_soon) {
      add("expires-soon", 0, mime::format_iso8601(*na));
    }
    if (index != 0) return;
    // SBR 1.6.1 "Validity Period": notBefore through notAfter, inclusive (hence + 1 second).
    const std::int64_t seconds = *na - *nb + 1;
    std::string detail = std::to_string(seconds / kDay) + " days";
    if (seconds % kDay != 0) detail += " " + std::to_string(seconds % kDay) + " s";
    if (m_policy.generation == 1) {
      if (seconds > 1185 * kDay) add("validity-over-1185-days", 0, detail);
    } else if (seconds > 825 * kDay) {
      add("validity-over-825-days", 0, detail);
    }
  }

  void signature_algorithm(X509* cert, std::size_t index) {
    if (self_signed(cert)) return;  // nobody relies on a root's signature over itself
    int md = NID_undef;
    int pk = NID_undef;
    int bits = 0;
    std::uint32_t flags = 0;
    if (X509_get_signature_info(cert, &md, &pk, &bits, &flags) != 1) {
      add("weak-signature-algorithm", index, "unknown algorithm");
      return;
    }
    if (md == NID_sha1) {
      add("sha1-signature", index);
    } else if (md == NID_md5 || md == NID_md4 || md == NID_md2 || md == NID_mdc2 || md == NID_ripemd160 ||
               (md == NID_undef && pk != NID_ED25519 && pk != NID_ED448) || (flags & X509_SIG_INFO_VALID) == 0) {
      const char* name = OBJ_nid2sn(md);
      add("weak-signature-algorithm", index, name != nullptr ? name : "unknown");
    }
    ERR_clear_error();
  }

  void key(X509* cert, std::size_t index) {
    EVP_PKEY* pkey = X509_get0_pubkey(cert);
    if (pkey == nullptr) {
      add("key-algorithm-not-allowed", index, "unreadable public key");
      ERR_clear_error();
      return;
    }
    if (EVP_PKEY_is_a(pkey, "RSA")) {
      rsa_key(pkey, index);
    } else if (EVP_PKEY_is_a(pkey, "EC")) {
      char group[64] = {0};
      std::size_t len = 0;
      const bool named = EVP_PKEY_get_group_name(pkey, group, sizeof(group), &len) == 1;
      const std::string_view g(group, named ? len : 0);
      if (g != "prime256v1" && g != "secp384r1" && g != "secp521r1") {
        add("ec-curve-not-allowed", index, named ? std::string(g) : "explicit parameters");
      }
    } else if (EVP_PKEY_is_a(pkey, "ED25519") || EVP_PKEY_is_a(pkey, "ED448") || EVP_PKEY_is_a(pkey, "X25519") ||
               EVP_PKEY_is_a(pkey, "X448")) {
      add("key-type-unsupported-by-clients", index, key_info(cert).first);
    } else {
      // DSA, DH, RSASSA-PSS-only keys (SBR 7.1.3.1.1 wants rsaEncryption), GOST, SM2, ...
      add("key-algorithm-not-allowed", index, key_info(cert).first);
    }
    ERR_clear_error();
  }

  void rsa_key(EVP_PKEY* pkey, std::size_t index) {
    BIGNUM* n_raw = nullptr;
    BIGNUM* e_raw = nullptr;
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n_raw);
    EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e_raw);
    const ossl::BignumPtr n(n_raw);
    const ossl::BignumPtr e(e_raw);
    if (!n || !e) {
      add("key-algorithm-not-allowed", index, "unreadable RSA key");
      return;
    }
    const int bits = BN_num_bits(n.get());
    if (bits < 2048) add("weak-rsa-key", index, "rsa-" + std::to_string(bits));
    if (bits % 8 != 0) add("rsa-modulus-not-multiple-of-8", index, std::to_string(bits) + " bits");
    // SBR 6.1.6: odd and >= 3 (MUST), in [2^16+1, 2^256-1] (SHOULD).
    const ossl::BignumPtr f4(BN_new());
    BN_set_word(f4.get(), 65537);
    if (!BN_is_odd(e.get()) || BN_cmp(e.get(), f4.get()) < 0 || BN_num_bits(e.get()) > 256) {
      ossl::OsslStringPtr dec(BN_bn2dec(e.get()));
      add("rsa-exponent", index, dec ? std::string("e=") + dec.get() : std::string());
    }
  }

  void serial(X509* cert) {
    const ASN1_INTEGER* s = X509_get0_serialNumber(cert);
    const int len = ASN1_STRING_length(s);
    const unsigned char* data = ASN1_STRING_get0_data(s);
    const bool zero = len == 0 || std::all_of(data, data + len, [](unsigned char b) { return b == 0; });
    // DER content octets: the magnitude, plus a 0x00 when its top bit is set.
    const int octets = len + (len > 0 && (data[0] & 0x80) != 0 ? 1 : 0);
    if (zero || ASN1_STRING_type(s) == V_ASN1_NEG_INTEGER || octets > 20) {
      add("serial-number-invalid", 0, std::to_string(octets) + " bytes");
    } else if (octets < 8) {
      add("serial-number-low-entropy", 0, std::to_string(octets * 8) + " bits");
    }
  }

  void leaf_identity(X509* cert) {
    if (self_signed(cert)) add("self-signed", 0);
    if ((X509_get_extension_flags(cert) & EXFLAG_CA) != 0) add("ca-certificate", 0);
    if (!m_policy.present) add("no-smime-br-policy", 0);
    if (m_policy.type == 1) {  // SBR 7.1.4.2.3: mailbox-validated subjects
      const X509_NAME* subject = X509_get_subject_name(cert);
      for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
        const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(subject, i)));
        if (nid != NID_commonName && nid != NID_serialNumber && nid != NID_pkcs9_emailAddress) {
          const char* sn = OBJ_nid2sn(nid);
          add("mailbox-subject-attributes", 0, sn != nullptr ? sn : "unknown attribute");
          break;
        }
      }
    }
  }

  void extended_key_usage(X509* cert) {
    const auto eku = eku_nids(cert);
    if (!eku) {
      add("no-eku", 0);
      return;
    }
    if (!contains(*eku, NID_email_protect)) add("missing-email-protection-eku", 0);
    if (contains(*eku, NID_server_auth)) add("forbidden-eku-server-auth", 0);
    if (contains(*eku, NID_code_sign)) add("forbidden-eku-code-signing", 0);
    if (contains(*eku, NID_time_stamp)) add("forbidden-eku-time-stamping", 0);
    if (contains(*eku, NID_anyExtendedKeyUsage)) add("forbidden-eku-any", 0);
    // mozilla::pkix CheckExtendedKeyUsage: an end-entity that may sign OCSP responses is refused.
    if (contains(*eku, NID_OCSP_sign)) add("eku-ocsp-signing", 0);
    if (m_policy.generation == 3 && std::any_of(eku->begin(), eku->end(), [](int n) { return n != NID_email_protect; })) {
      add("strict-extra-eku", 0);
    }
  }

  void key_usage_rules(X509* cert) {
    const auto critical = extension_critical(cert, NID_key_usage);
    if (!critical) {
      add("no-key-usage", 0);
      return;
    }
    if (!*critical) add("key-usage-not-critical", 0);
    const auto ku = x509::key_usage(cert).value_or(0);
    EVP_PKEY* pkey = X509_get0_pubkey(cert);
    // SBR 7.1.2.3 e: what each key type may be used for.
    std::uint32_t allowed = 0;
    bool can_encrypt = false;
    if (pkey != nullptr && EVP_PKEY_is_a(pkey, "RSA")) {
      allowed = KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION | KU_KEY_ENCIPHERMENT | KU_DATA_ENCIPHERMENT;
      can_encrypt = (ku & KU_KEY_ENCIPHERMENT) != 0;
    } else if (pkey != nullptr && EVP_PKEY_is_a(pkey, "EC")) {
      allowed = KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION | KU_KEY_AGREEMENT | KU_ENCIPHER_ONLY | KU_DECIPHER_ONLY;
      can_encrypt = (ku & KU_KEY_AGREEMENT) != 0;
    } else if (pkey != nullptr && (EVP_PKEY_is_a(pkey, "ED25519") || EVP_PKEY_is_a(pkey, "ED448"))) {
      allowed = KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION;
    } else if (pkey != nullptr && (EVP_PKEY_is_a(pkey, "X25519") || EVP_PKEY_is_a(pkey, "X448"))) {
      allowed = KU_KEY_AGREEMENT | KU_ENCIPHER_ONLY | KU_DECIPHER_ONLY;
      can_encrypt = (ku & KU_KEY_AGREEMENT) != 0;
    } else {
      return;  // the key itself is already reported
    }
    if ((ku & ~allowed) != 0) add("key-usage-wrong-for-key-type", 0, key_usage_names(ku & ~allowed));
    if ((ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) add("key-usage-no-signing", 0);
    if (!can_encrypt) add("key-usage-no-encryption", 0);
    ERR_clear_error();
  }

  void addresses(X509* cert) {
    std::vector<std::string> san;
    bool smtputf8 = false;
    ossl::GeneralNamesPtr names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    const ossl::Asn1ObjectPtr smtp_utf8_mailbox(OBJ_txt2obj("1.3.6.1.5.5.7.8.9", 1));  // RFC 9598
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
      if (gn->type == GEN_EMAIL) {
        const ASN1_IA5STRING* s = gn->d.rfc822Name;
        san.push_back(mime::normalize_address(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                               static_cast<std::size_t>(ASN1_STRING_length(s)))));
      } else if (gn->type == GEN_OTHERNAME && OBJ_cmp(gn->d.otherName->type_id, smtp_utf8_mailbox.get()) == 0) {
        smtputf8 = true;
      }
    }
    std::vector<std::string> subject;
    const X509_NAME* name = X509_get_subject_name(cert);
    for (int pos = X509_NAME_get_index_by_NID(name, NID_pkcs9_emailAddress, -1); pos >= 0;
         pos = X509_NAME_get_index_by_NID(name, NID_pkcs9_emailAddress, pos)) {
      const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, pos));
      subject.push_back(mime::normalize_address(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                                                 static_cast<std::size_t>(ASN1_STRING_length(s)))));
    }
    ERR_clear_error();
    const bool san_has_mailbox = std::any_of(san.begin(), san.end(), [](const std::string& a) { return !a.empty(); }) || smtputf8;
    if (!san_has_mailbox) {
      const bool subject_has = std::any_of(subject.begin(), subject.end(), [](const std::string& a) { return !a.empty(); });
      add(subject_has ? "missing-rfc822name" : "no-email-address", 0);
      return;
    }
    for (const auto& a : subject) {
      if (!a.empty() && std::find(san.begin(), san.end(), a) == san.end()) add("subject-email-not-in-san", 0, a);
    }
  }

  // Chain-wide: what NSS checks on every issuer (the CASTLE pitfall: an intermediate whose
  // EKU lacks emailProtection makes every certificate below it useless for mail).
  void issuer(X509* cert, std::size_t index) {
    if (X509_check_ca(cert) == 0) {
      add("issuer-not-ca", index, "no basicConstraints CA:TRUE");
    } else if (const auto ku = x509::key_usage(cert); ku && (*ku & KU_KEY_CERT_SIGN) == 0) {
      add("issuer-not-ca", index, "keyUsage lacks keyCertSign");
    }
    const auto eku = eku_nids(cert);
    if (eku && !contains(*eku, NID_email_protect)) {
      add(self_signed(cert) ? "root-lacks-email-protection" : "intermediate-lacks-email-protection", index);
    }
    ERR_clear_error();
  }

  void run(X509* leaf, const std::vector<X509*>& chain) {
    m_policy = br_policy(leaf);
    build_path(leaf, chain);
    leaf_identity(leaf);
    serial(leaf);
    extended_key_usage(leaf);
    key_usage_rules(leaf);
    addresses(leaf);
    if (m_out.path.size() >= 2 && self_signed(m_out.path[1].get()) && !self_signed(leaf)) add("no-intermediate", 1);
    for (std::size_t i = 0; i < m_out.path.size(); ++i) {
      X509* c = m_out.path[i].get();
      validity(c, i);
      signature_algorithm(c, i);
      key(c, i);
      if (i > 0) issuer(c, i);
    }
  }

  static std::string key_usage_names(std::uint32_t bits) {
    static constexpr std::array<std::pair<std::uint32_t, const char*>, 9> kNames{{
        {KU_DIGITAL_SIGNATURE, "digitalSignature"}, {KU_NON_REPUDIATION, "nonRepudiation"},
        {KU_KEY_ENCIPHERMENT, "keyEncipherment"},   {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
        {KU_KEY_AGREEMENT, "keyAgreement"},         {KU_KEY_CERT_SIGN, "keyCertSign"},
        {KU_CRL_SIGN, "cRLSign"},                   {KU_ENCIPHER_ONLY, "encipherOnly"},
        {KU_DECIPHER_ONLY, "decipherOnly"},
    }};
    std::string out;
    for (const auto& [bit, name] : kNames) {
      if ((bits & bit) != 0) out += (out.empty() ? "" : ",") + std::string(name);
    }
    return out;
  }

private:
  const LintOptions& m_options;
  LintResult& m_out;
  BrPolicy m_policy;
};

int severity_rank(LintSeverity s) { return static_cast<int>(s); }

std::size_t rule_rank(std::string_view code) {
  const auto& rules = table();
  const auto it = std::find_if(rules.begin(), rules.end(), [&](const LintRule& r) { return r.code == code; });
  return static_cast<std::size_t>(it - rules.begin());
}

}  // namespace

const char* severity_name(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::error: return "error";
    case LintSeverity::warning: return "warning";
    case LintSeverity::info: return "info";
  }
  return "error";
}

const std::vector<LintRule>& lint_rules() { return table(); }

const LintRule* lint_rule(std::string_view code) {
  const auto& rules = table();
  const auto it = std::find_if(rules.begin(), rules.end(), [&](const LintRule& r) { return r.code == code; });
  return it == rules.end() ? nullptr : &*it;
}

std::string_view LintFinding::explanation(Lang lang) const {
  const LintRule* rule = lint_rule(code);
  return rule != nullptr ? rule->text(lang) : std::string_view(code);
}

bool LintResult::has_errors() const {
  return std::any_of(findings.begin(), findings.end(), [](const LintFinding& f) { return f.severity == LintSeverity::error; });
}

bool LintResult::has(std::string_view code) const {
  return std::any_of(findings.begin(), findings.end(), [&](const LintFinding& f) { return f.code == code; });
}

LintResult lint(X509* cert, const std::vector<X509*>& chain, const LintOptions& options) {
  ossl::ClearErrorsOnExit clear;
  LintResult out;
  if (cert == nullptr) return out;
  Linter linter(options, out);
  linter.run(cert, chain);
  std::stable_sort(out.findings.begin(), out.findings.end(), [](const LintFinding& a, const LintFinding& b) {
    if (a.severity != b.severity) return severity_rank(a.severity) < severity_rank(b.severity);
    if (a.certificate != b.certificate) return a.certificate < b.certificate;
    return rule_rank(a.code) < rule_rank(b.code);
  });
  return out;
}

nlohmann::ordered_json to_json(const LintResult& result, std::int64_t at) {
  nlohmann::ordered_json path = nlohmann::ordered_json::array();
  for (const auto& c : result.path) path.push_back(inkan::to_json(summarize(c.get()), false));
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const auto& f : result.findings) {
    const LintRule* rule = lint_rule(f.code);
    findings.push_back({
        {"code", f.code},
        {"severity", severity_name(f.severity)},
        {"certificate", f.certificate},
        {"subject", f.certificate < result.path.size() ? name_string(X509_get_subject_name(result.path[f.certificate].get()))
                                                       : std::string()},
        {"detail", f.detail},
        {"message", std::string(f.explanation(Lang::en))},
        {"message_ja", std::string(f.explanation(Lang::ja))},
        {"source", rule != nullptr ? std::string(rule->source) : std::string()},
    });
  }
  return {
      {"version", 1},
      {"ok", !result.has_errors()},
      {"checked_at", mime::format_iso8601(at)},
      {"certificate", path.empty() ? nlohmann::ordered_json(nullptr) : path.front()},
      {"path", path},
      {"findings", findings},
  };
}

}  // namespace inkan::x509
