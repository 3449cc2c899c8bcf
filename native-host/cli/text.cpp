#include "text.h"

#include <map>

namespace inkan::cli {
namespace {

struct Pair {
  const char* en;
  const char* ja;
};

const std::map<std::string_view, Pair>& table() {
  static const std::map<std::string_view, Pair> t{
      // enrolment (inkan acme)
      {"acme.issued", {"certificate issued", "証明書が発行されました"}},
      {"acme.awaiting-reply", {"waiting for the challenge mail to be answered", "チャレンジメールへの返信待ち"}},
      {"acme.reply-hint", {"run: inkan acme reply --state FILE --mail CHALLENGE.eml -o REPLY.eml, send REPLY.eml from that address, then: inkan acme resume --state FILE --reply-sent",
                           "実行：inkan acme reply --state FILE --mail CHALLENGE.eml -o REPLY.eml。REPLY.eml をそのアドレスから送信し、次に inkan acme resume --state FILE --reply-sent"}},
      {"acme.next-check", {"next check in", "次の確認まで"}},
      {"acme.account-created", {"account created", "アカウントを作成しました"}},
      {"acme.account-exists", {"account already existed", "アカウントは既に存在します"}},
      // company CA (inkan ca), Actalis, CSRs for any CA
      {"label.ca_created", {"Company CA created", "社内 CA を作成しました"}},
      {"label.ca_issued", {"Issued", "発行しました"}},
      {"label.serial", {"Serial", "シリアル番号"}},
      {"label.valid_until_date", {"valid until {date}", "{date} まで有効"}},
      {"label.password", {"Password (shown once; hand it over separately from the file)", "パスワード（一度だけ表示。ファイルとは別の経路で渡してください）"}},
      {"label.password_file", {"Password written to", "パスワードの書き出し先"}},
      {"label.ca_certificate", {"CA certificate to trust", "信頼する CA 証明書"}},
      {"label.ca_none_issued", {"nothing issued yet", "まだ何も発行していません"}},
      {"label.no_ca", {"No company CA in the store (inkan ca init --name NAME).", "ストアに社内 CA がありません（inkan ca init --name NAME）。"}},
      {"label.ca_revoked", {"Revoked", "失効させました"}},
      {"label.ca_crl_hint", {"Publish a new CRL: inkan ca crl --out FILE", "新しい CRL を公開してください：inkan ca crl --out FILE"}},
      {"label.ca_crl_written", {"Wrote a CRL with {n} revoked certificates to {file}.", "失効した証明書 {n} 件を含む CRL を {file} に書き出しました。"}},
      {"ca.valid", {"valid", "有効"}},
      {"ca.expired", {"expired", "期限切れ"}},
      {"ca.not_yet_valid", {"not yet valid", "有効期間前"}},
      {"ca.revoked", {"revoked", "失効"}},
      {"label.trusted_issuer", {"Trusted for e-mail", "メール用に信頼しました"}},
      {"label.pending", {"Waiting for a certificate", "証明書待ち"}},
      {"label.pending_created", {"Key kept in the store, waiting for the certificate", "鍵をストアに保存しました。証明書を待っています"}},
      {"label.pending_completed", {"The waiting key now has its certificate", "待っていた鍵に証明書が届きました"}},
      {"label.remind", {"Renewal reminder due", "更新のお知らせ予定日"}},
      {"label.actalis_code", {"Verification code", "確認コード"}},
      {"label.not_from_actalis", {"note: this mail does not come from an actalis.it or actalis.com address", "注意：このメールは actalis.it または actalis.com のアドレスから送られていません"}},
      {"acme.check-warning", {"challenge mail check not passed (not required here)", "チャレンジメールの検査に不合格（この設定では必須ではありません）"}},
      // statuses
      {"good", {"good signature", "正しい署名"}},
      {"bad", {"BAD signature: the message was changed or the signature is forged", "不正な署名：メッセージが改変されたか、署名が偽造されています"}},
      {"unsupported-algorithm", {"signature uses a weak or unsupported algorithm", "署名に弱いか未対応のアルゴリズムが使われています"}},
      {"revoked", {"the signer's certificate has been revoked", "署名者の証明書は失効しています"}},
      {"bad-key-usage", {"the signer's certificate is not meant for signing e-mail", "署名者の証明書はメール署名用ではありません"}},
      {"untrusted", {"the signer's certificate is not from a trusted authority", "署名者の証明書は信頼された認証局のものではありません"}},
      {"expired", {"the signer's certificate has expired", "署名者の証明書は有効期限切れです"}},
      {"not-yet-valid", {"the signer's certificate is not valid yet", "署名者の証明書はまだ有効期間前です"}},
      {"header-mismatch", {"the sender address does not match the signer's certificate", "差出人アドレスが署名者の証明書と一致しません"}},
      {"time-mismatch", {"the signing time does not match the message date", "署名時刻がメールの日付と一致しません"}},
      {"no-signature", {"the message is not signed", "このメッセージは署名されていません"}},
      // reasons
      {"digest-mismatch", {"the content differs from what was signed", "内容が署名されたものと異なります"}},
      {"signature-invalid", {"the signature value does not verify", "署名値の検証に失敗しました"}},
      {"econtent-mismatch", {"the signature carries different content than the message shows", "署名に含まれる内容が表示される内容と異なります"}},
      {"signed-attributes-invalid", {"the signed attributes are malformed", "署名属性が不正です"}},
      {"signer-certificate-missing", {"the signer's certificate is not available", "署名者の証明書がありません"}},
      {"nested-signature", {"signatures are nested in a way that can mislead", "誤解を招く形で署名が入れ子になっています"}},
      {"signed-ciphertext", {"the signature covers encrypted data it cannot vouch for", "署名が保証できない暗号化データを対象としています"}},
      {"signature-malformed", {"the signature cannot be read", "署名を読み取れません"}},
      {"weak-digest-algorithm", {"weak digest algorithm (SHA-1 or older)", "弱いダイジェストアルゴリズム（SHA-1 以前）"}},
      {"weak-key", {"the signing key is too short", "署名鍵が短すぎます"}},
      {"certificate-revoked", {"certificate revoked", "証明書は失効しています"}},
      {"key-usage-not-signing", {"key usage does not allow signing", "鍵用途が署名を許可していません"}},
      {"eku-not-email-protection", {"extended key usage does not include e-mail protection", "拡張鍵用途にメール保護が含まれていません"}},
      {"wrong-certificate-purpose", {"the certificate is not for e-mail", "証明書の用途がメールではありません"}},
      {"issuer-unknown", {"the issuer of the certificate is unknown", "証明書の発行者が不明です"}},
      {"root-not-trusted", {"the root certificate is not trusted", "ルート証明書が信頼されていません"}},
      {"not-trusted", {"the certificate is not trusted", "証明書が信頼されていません"}},
      {"chain-signature-invalid", {"a certificate in the chain has an invalid signature", "証明書チェーン内の署名が不正です"}},
      {"chain-weak-crypto", {"the certificate chain uses weak cryptography", "証明書チェーンに弱い暗号が使われています"}},
      {"invalid-ca", {"an issuing certificate is not a valid authority", "発行元の証明書が正しい認証局ではありません"}},
      {"chain-too-long", {"the certificate chain is too long", "証明書チェーンが長すぎます"}},
      {"chain-invalid", {"the certificate chain is invalid", "証明書チェーンが不正です"}},
      {"no-trust-anchors", {"no trusted root certificates are configured", "信頼するルート証明書が設定されていません"}},
      {"certificate-expired", {"certificate expired", "証明書の有効期限切れ"}},
      {"certificate-not-yet-valid", {"certificate not yet valid", "証明書の有効期間前"}},
      {"root-distrusted-after", {"the certificate was issued after its root stopped being trusted for e-mail", "ルート証明書がメール用に信頼されなくなった後に発行された証明書です"}},
      {"certificate-distrusted", {"a certificate in the chain is explicitly distrusted", "チェーン内の証明書が明示的に不信とされています"}},
      {"from-not-in-certificate", {"the From address is not in the certificate", "差出人アドレスが証明書に含まれていません"}},
      {"certificate-has-no-address", {"the certificate contains no e-mail address", "証明書にメールアドレスが含まれていません"}},
      {"ambiguous-headers", {"the message header is malformed and could be read in more than one way", "メッセージのヘッダーが壊れていて、複数の読み方ができます"}},
      {"ambiguous-from", {"the From field is ambiguous (several From fields, or one that names no address)", "差出人欄があいまいです（複数ある、またはアドレスを含まない）"}},
      {"signing-time-differs-from-date", {"signed more than an hour away from the Date of the message", "メールの日付から1時間以上離れた時刻に署名されています"}},
      {"date-missing-or-invalid", {"the message has no usable Date", "メールに有効な日付がありません"}},
      // warnings
      {"outer-signature-ignored", {"an outer signature around the encrypted part was ignored", "暗号化部分を包む外側の署名は無視しました"}},
      {"encrypted-part-not-decrypted", {"an encrypted part below the top level was not decrypted (reply-attack protection)", "最上位以外の暗号化パートは復号していません（返信攻撃対策）"}},
      {"nested-encryption-not-decrypted", {"encryption inside encryption was not decrypted", "暗号化の内側の暗号化は復号していません"}},
      {"inner-signature-not-checked", {"an inner signature was not checked; only the outer signer counts", "内側の署名は検証していません。外側の署名者のみが有効です"}},
      {"smime-part-not-at-root", {"an S/MIME part exists below the top level; it does not sign the message", "最上位以外に S/MIME パートがあります。メッセージ全体の署名ではありません"}},
      {"certificates-only", {"the S/MIME part only carries certificates", "S/MIME パートは証明書のみを含みます"}},
      {"display-name-contains-address", {"the sender's display name contains an e-mail address", "差出人の表示名にメールアドレスが含まれています"}},
      {"revocation-unknown", {"revocation could not be checked: the CRL is out of date", "失効を確認できません。CRL が古くなっています"}},
      {"short-signing-key", {"the signer's RSA key is shorter than 2048 bits", "署名者の RSA 鍵が 2048 ビット未満です"}},
      {"date-far-from-now", {"the Date of the message is more than an hour from now; recipients will see a time mismatch", "メールの日付が現在から1時間以上ずれています。受信者には時刻の不一致と表示されます"}},
      // labels
      {"label.status", {"Signature", "署名"}},
      {"label.signer", {"Signed by", "署名者"}},
      {"label.signing_time", {"Signing time", "署名時刻"}},
      {"label.encrypted", {"Encrypted", "暗号化"}},
      {"label.reasons", {"Reasons", "理由"}},
      {"label.warnings", {"Notes", "注意"}},
      {"label.valid_when_signed", {"The certificate was valid when the message was signed.", "署名された時点では証明書は有効でした。"}},
      {"label.signature_part", {"smime.p7s is the signature, signed by {who}", "smime.p7s は {who} による署名です"}},
      {"label.yes", {"yes", "はい"}},
      {"label.no", {"no", "いいえ"}},
      {"label.error", {"Error", "エラー"}},
      {"label.certificate", {"Certificate", "証明書"}},
      {"label.lint_clean", {"No problems found.", "問題は見つかりませんでした。"}},
      {"label.lint_error", {"ERROR", "エラー"}},
      {"label.lint_warning", {"warning", "警告"}},
      {"label.lint_info", {"info", "情報"}},
      {"label.lint_issuer", {"chain certificate", "チェーン内の証明書"}},
      {"label.distrust_after", {"not trusted for certificates issued after", "次の日時より後に発行された証明書は信頼しない："}},
      {"label.builtin_summary", {"{anchors} of {total} built-in roots are trusted for e-mail", "組み込みルート {total} 個のうち {anchors} 個がメール用に信頼されています"}},
      // the store (id, trust, store commands)
      {"label.no_address", {"(no e-mail address)", "（メールアドレスなし）"}},
      {"usage.sign", {"signing", "署名"}},
      {"usage.encrypt", {"encryption", "暗号化"}},
      {"usage.none", {"not for e-mail", "メール用ではない"}},
      {"label.valid_until", {"valid until {date} ({days} days left)", "{date} まで有効（残り {days} 日）"}},
      {"label.valid_from", {"not valid before {date}", "{date} から有効"}},
      {"label.expired_on", {"expired on {date}", "{date} に期限切れ"}},
      {"label.subject", {"Subject", "主体者"}},
      {"label.issuer", {"Issued by", "発行者"}},
      {"label.in_use", {"In use for", "使用中の用途"}},
      {"label.imported", {"Imported", "取り込みました"}},
      {"label.already_present", {"Already in the store", "すでにストアにあります"}},
      {"label.no_identities", {"No identities in the store (inkan id import FILE.p12).", "ストアに ID がありません（inkan id import FILE.p12）。"}},
      {"label.none_expiring", {"No certificate expires within {days} days without a renewal.", "{days} 日以内に期限が切れる未更新の証明書はありません。"}},
      {"label.exported", {"Wrote {n} identities to {file}.", "{n} 件の ID を {file} に書き出しました。"}},
      {"label.deleted", {"Deleted", "削除しました"}},
      {"label.unreadable", {"cannot read", "読み取れません："}},
      {"label.builtin", {"built-in root", "組み込みルート"}},
      {"label.user_anchor", {"your trust anchor", "追加した信頼アンカー"}},
      {"label.no_anchors", {"No trust anchors.", "信頼アンカーはありません。"}},
      {"label.trusted", {"Trusted", "信頼しました"}},
      {"label.distrusted", {"Distrusted", "不信任"}},
      {"label.trust_removed", {"Removed", "取り消しました"}},
      {"label.passphrase_set", {"The store passphrase is set.", "ストアのパスフレーズを設定しました。"}},
      {"label.passphrase_changed", {"The store passphrase is changed.", "ストアのパスフレーズを変更しました。"}},
      {"label.passphrase_removed", {"The store passphrase is removed; keys stay encrypted under the key in store.json.", "ストアのパスフレーズを解除しました。鍵は store.json の鍵で暗号化されたままです。"}},
      {"label.store_path", {"Store", "ストア"}},
      {"label.store_missing", {"No store yet (it is created by the first import).", "ストアはまだありません（最初の取り込みで作成されます）。"}},
      {"label.store_passphrase", {"Passphrase", "パスフレーズ"}},
      {"label.store_identities", {"Identities", "ID"}},
      {"label.store_anchors", {"Your trust anchors", "追加した信頼アンカー"}},
      {"label.store_distrusted", {"Distrusted", "不信任"}},
      // import warnings
      {"no-email-address", {"the certificate has no e-mail address; it cannot be chosen for a sender", "証明書にメールアドレスがないため、差出人用に選ばれません"}},
      {"not-for-email", {"the certificate's extended key usage excludes e-mail", "証明書の拡張鍵用途にメールが含まれていません"}},
      {"ca-certificate", {"this is a CA certificate, not a personal one", "これは個人用ではなく CA の証明書です"}},
      {"identity-expired", {"the certificate has expired; it is kept for reading old mail", "証明書は期限切れです。古いメールを読むために保存します"}},
      {"identity-not-yet-valid", {"the certificate is not valid yet", "証明書はまだ有効期間前です"}},
      {"key-without-certificate", {"a private key without its certificate was skipped", "証明書のない秘密鍵は取り込みませんでした"}},
  };
  return t;
}

}  // namespace

std::string text(std::string_view code, Lang lang) {
  const auto& t = table();
  const auto it = t.find(code);
  if (it == t.end()) return std::string(code);
  return lang == Lang::ja ? it->second.ja : it->second.en;
}

}  // namespace inkan::cli
