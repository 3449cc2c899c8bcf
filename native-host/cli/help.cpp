#include "help.h"

#include <vector>
#include <string>

namespace inkan::cli {
namespace {

struct Text {
  const char* en;
  const char* ja;
  const char* in(Lang lang) const { return lang == Lang::ja ? ja : en; }
};

struct Option {
  const char* form;
  Text meaning;
};

struct CommandHelp {
  const char* name;
  const char* synopsis;
  Text summary;
  std::vector<Option> options;
};

constexpr Option kKey{"--key FILE", {"PKCS#12 (.p12/.pfx) or PEM private key", "PKCS#12（.p12/.pfx）または PEM 秘密鍵"}};
constexpr Option kCert{"--cert FILE", {"certificate (and chain) for a PEM key; repeatable", "PEM 鍵の証明書（とチェーン）。複数指定可"}};
constexpr Option kPassEnv{"--pass-env VAR", {"password from environment variable VAR", "パスワードを環境変数 VAR から読む"}};
constexpr Option kPassFd{"--pass-fd N", {"password from file descriptor N (first line)", "パスワードをファイル記述子 N（1 行目）から読む"}};
constexpr Option kPassFile{"--pass-file FILE", {"password from the first line of FILE", "パスワードを FILE の 1 行目から読む"}};
constexpr Option kOutput{"-o, --output FILE", {"write the result to FILE (default: standard output)", "結果を FILE に書く（既定：標準出力）"}};
constexpr Option kDigest{"--digest ALG", {"sha256 (default), sha384 or sha512", "sha256（既定）、sha384、sha512"}};
constexpr Option kPss{"--pss", {"RSASSA-PSS instead of PKCS#1 v1.5", "PKCS#1 v1.5 の代わりに RSASSA-PSS を使う"}};
constexpr Option kTrust{"--trust FILE", {"trust anchors (PEM, DER or PKCS#7); repeatable", "信頼アンカー（PEM、DER、PKCS#7）。複数指定可"}};
constexpr Option kCrl{"--crl FILE", {"CRLs (PEM or DER); repeatable", "CRL（PEM または DER）。複数指定可"}};
constexpr Option kJson{"--json", {"print one JSON object (docs/verdict.md)", "JSON オブジェクトを 1 つ出力する（docs/verdict.md）"}};
constexpr Option kKeyType{"--key-type TYPE", {"rsa3072 (default), rsa2048, rsa4096, p256 or p384", "rsa3072（既定）、rsa2048、rsa4096、p256、p384"}};
constexpr Option kUsage{"--usage USE", {"both (default), sign or encrypt: the keyUsage asked for", "both（既定）、sign、encrypt：要求する鍵用途"}};
constexpr Option kKeyOut{"--key-out FILE", {"write the new private key here (encrypted PKCS#8, 0600)", "新しい秘密鍵をここに書く（暗号化 PKCS#8、0600）"}};
constexpr Option kNewPassEnv{"--pass-env VAR", {"passphrase for the keys from environment variable VAR", "鍵のパスフレーズを環境変数 VAR から読む"}};
constexpr Option kDirectory{"--directory URL", {"the ACME directory (https://)", "ACME ディレクトリ（https://）"}};
constexpr Option kCaFile{"--ca-file FILE", {"TLS roots for the ACME server (default: the system's)", "ACME サーバーの TLS ルート（既定：システムのもの）"}};
constexpr Option kAccountKey{"--account-key FILE", {"the account key (made if missing; encrypted)", "アカウント鍵（なければ作成、暗号化して保存）"}};
constexpr Option kContact{"--contact ADDRESS", {"contact address for the account; repeatable", "アカウントの連絡先アドレス。複数指定可"}};
constexpr Option kAgreeTos{"--agree-tos", {"agree to the CA's terms of service", "認証局の利用規約に同意する"}};
constexpr Option kEabKid{"--eab-kid ID", {"external account binding: the key ID from the CA", "外部アカウント連携：認証局から受け取った鍵 ID"}};
constexpr Option kEabKeyEnv{"--eab-key-env VAR", {"external account binding: the MAC key (base64url) in VAR", "外部アカウント連携：MAC 鍵（base64url）を環境変数 VAR から読む"}};
constexpr Option kState{"--state FILE", {"the saved enrolment (0600; keys inside encrypted)", "保存された申請状態（0600、中の鍵は暗号化）"}};
constexpr Option kChain{"-o, --output FILE", {"write the certificate chain (PEM) to FILE", "証明書チェーン（PEM）を FILE に書く"}};
constexpr Option kTimeout{"--timeout SECONDS", {"give up waiting after this long (default 1800)", "この秒数を過ぎたら待つのをやめる（既定 1800）"}};
constexpr Option kJsonStore{"--json", {"print one JSON object (docs/store.md)", "JSON オブジェクトを 1 つ出力する（docs/store.md）"}};
constexpr Option kIdentity{"--identity ADDRESS|FP", {"without --key: the store identity to use (default: the sender's)", "--key がないとき使うストアの ID（既定：差出人のもの）"}};
constexpr Option kStorePassEnv{"--store-pass-env VAR", {"store passphrase from environment variable VAR", "ストアのパスフレーズを環境変数 VAR から読む"}};
constexpr Option kStorePassFd{"--store-pass-fd N", {"store passphrase from file descriptor N (first line)", "ストアのパスフレーズをファイル記述子 N（1 行目）から読む"}};
constexpr Option kP12PassEnv{"--pass-env VAR", {"PKCS#12 password from environment variable VAR", "PKCS#12 のパスワードを環境変数 VAR から読む"}};
constexpr Option kP12PassFd{"--pass-fd N", {"PKCS#12 password from file descriptor N (first line)", "PKCS#12 のパスワードをファイル記述子 N（1 行目）から読む"}};
constexpr Option kP12PassFile{"--pass-file FILE", {"PKCS#12 password from the first line of FILE", "PKCS#12 のパスワードを FILE の 1 行目から読む"}};

const CommandHelp kHelp[] = {
    {"sign",
     "inkan sign [--key FILE | --identity ADDRESS] [OPTIONS] [MESSAGE]",
     {"sign a message (multipart/signed; --opaque; --detached-file for any file)",
      "メッセージに署名する（multipart/signed、--opaque、任意のファイルには --detached-file）"},
     {kKey, kCert, kPassEnv, kPassFd, kPassFile, kIdentity, kStorePassEnv, kStorePassFd,
      {"--opaque", {"application/pkcs7-mime signed-data instead of multipart/signed", "multipart/signed の代わりに application/pkcs7-mime signed-data"}},
      kDigest, kPss,
      {"--detached-file", {"sign any file's exact bytes; writes a DER .p7s", "任意のファイルのバイト列に署名し DER の .p7s を書く"}},
      kOutput}},
    {"verify",
     "inkan verify [--trust FILE] [OPTIONS] [MESSAGE | FILE.p7m | FILE.p7s --content FILE]",
     {"verify a signed (or signed and encrypted) message, .p7m or .p7s",
      "署名付き（または署名・暗号化された）メッセージ、.p7m、.p7s を検証する"},
     {{"--trust FILE", {"trust anchors (PEM, DER or PKCS#7), instead of the store's; repeatable", "信頼アンカー（PEM、DER、PKCS#7）。ストアの代わりに使う。複数指定可"}},
      {"--cert FILE", {"extra certificates (signer, intermediates); repeatable", "追加の証明書（署名者、中間 CA）。複数指定可"}},
      kCrl,
      {"--at TIME", {"verify as of TIME (2019-04-01T00:00:00Z, 2019-04-01, RFC 5322 date)", "TIME 時点で検証する（2019-04-01T00:00:00Z、2019-04-01、RFC 5322 形式）"}},
      {"--allow-sha1", {"accept SHA-1 signatures", "SHA-1 署名を受け入れる"}},
      {"--key FILE", {"decrypt an encrypted message first", "暗号化されたメッセージを先に復号する"}},
      kPassEnv, kPassFd, kPassFile,
      {"--identity ADDRESS|FP", {"decrypt first with this identity's keys from the store", "ストアにあるこの ID の鍵で先に復号する"}},
      kStorePassEnv, kStorePassFd,
      {"--content FILE", {"the signed file, for a bare detached .p7s", "分離署名 .p7s の対象ファイル"}},
      kJson,
      {"--harvest", {"also record the certificates it carries in your contacts (store's anchors only)", "含まれる証明書を連絡先に記録する（ストアの信頼アンカーのみ使用）"}},
      {"-o, --output FILE", {"also write the signed (or decrypted) content", "署名された（または復号した）内容も書き出す"}}}},
    {"encrypt",
     "inkan encrypt [--to ADDRESS|CERT|SIGNED-MESSAGE]... [--key FILE | --identity ADDRESS] [OPTIONS] [MESSAGE]",
     {"encrypt a message to --to recipients, else to its To/Cc (signs first with your key)",
      "--to の受信者、なければ To/Cc の宛先にメッセージを暗号化する（自分の鍵で先に署名）"},
     {{"--to ADDRESS|FILE", {"recipient: an address (certificate from your contacts) or a certificate / signed message file; repeatable",
                             "受信者：アドレス（連絡先の証明書を使う）、または証明書・署名付きメッセージのファイル。複数指定可"}},
      kTrust, kCrl,
      {"--key FILE", {"your key: sign, and encrypt to yourself", "自分の鍵：署名し、自分宛てにも暗号化する"}},
      kCert, kPassEnv, kPassFd, kPassFile, kIdentity, kStorePassEnv, kStorePassFd,
      {"--no-sign", {"with --key: do not sign", "--key があっても署名しない"}},
      {"--self CERT", {"your certificate when no --key is given", "--key がないときの自分の証明書"}},
      {"--no-self", {"do not encrypt to yourself (the Sent copy becomes unreadable)", "自分宛てに暗号化しない（送信済みの控えが読めなくなる）"}},
      {"--cipher C", {"auto (default), aes256-cbc or aes256-gcm", "auto（既定）、aes256-cbc、aes256-gcm"}},
      kDigest, kPss, kOutput}},
    {"decrypt",
     "inkan decrypt [--key FILE] [OPTIONS] [MESSAGE]",
     {"decrypt a message; writes the decrypted MIME entity",
      "メッセージを復号し、復号した MIME エンティティを書き出す"},
     {kKey, kCert, kPassEnv, kPassFd, kPassFile,
      {"--identity ADDRESS|FP", {"without --key: only this address's keys (or this one)", "--key がないとき、このアドレスの鍵（またはこの鍵）だけを使う"}},
      kStorePassEnv, kStorePassFd, kOutput}},
    {"csr",
     "inkan csr --address ADDRESS (--key-out FILE | --store) [OPTIONS]",
     {"make a new key and a certificate signing request for any CA",
      "新しい鍵と、任意の認証局向けの証明書署名要求（CSR）を作る"},
     {{"--address ADDRESS", {"e-mail address (subjectAltName rfc822Name); repeatable", "メールアドレス（subjectAltName rfc822Name）。複数指定可"}},
      {"--dns NAME", {"also a DNS name (only for CAs that want one); repeatable", "DNS 名も入れる（必要な認証局のみ）。複数指定可"}},
      kKeyType, kUsage,
      {"--cn NAME", {"subject common name (default: the first address)", "サブジェクトの CN（既定：最初のアドレス）"}},
      kKeyOut,
      {"--store", {"keep the key in the store until `inkan id import CERT` brings its certificate", "証明書が `inkan id import CERT` で届くまで鍵をストアに保存する"}},
      kNewPassEnv, kPassFd, kPassFile, kStorePassEnv, kStorePassFd,
      {"-o, --output FILE", {"write the CSR (PEM) to FILE", "CSR（PEM）を FILE に書く"}},
      {"--json", {"with --store: print the pending key (docs/store.md)", "--store のとき：保存した鍵の情報を出力する（docs/store.md）"}}}},
    {"ca init",
     "inkan ca init --name NAME [--key-type TYPE] [--days N] [--crl-url URL]",
     {"create a company CA in the store (for a small organisation)", "ストアに社内 CA を作る（小規模な組織向け）"},
     {{"--name NAME", {"the CA's name (its certificate's common name)", "CA の名前（証明書のコモンネーム）"}},
      {"--key-type TYPE", {"rsa3072 (default), rsa4096, p256 or p384", "rsa3072（既定）、rsa4096、p256、p384"}},
      {"--days N", {"how long the CA certificate is valid (default 3650)", "CA 証明書の有効日数（既定 3650）"}},
      {"--crl-url URL", {"where the CRL will be published (written into issued certificates)", "CRL の公開先（発行する証明書に記載）"}},
      kStorePassEnv, kStorePassFd, kJsonStore}},
    {"ca issue",
     "inkan ca issue --cn NAME --email ADDRESS --out-dir DIR [OPTIONS]",
     {"issue a user's key and certificate: ADDRESS.p12, a generated password, the CA certificate (.der)",
      "利用者の鍵と証明書を発行する：ADDRESS.p12、生成したパスワード、CA 証明書（.der）"},
     {{"--cn NAME", {"the user's name (certificate common name)", "利用者の名前（証明書のコモンネーム）"}},
      {"--email ADDRESS", {"the user's e-mail address (subjectAltName rfc822Name)", "利用者のメールアドレス（subjectAltName rfc822Name）"}},
      {"--out-dir DIR", {"where ADDRESS.p12 and the CA's .der are written", "ADDRESS.p12 と CA の .der を書き出すフォルダー"}},
      {"--key-type TYPE", {"rsa3072 (default), rsa2048, rsa4096, p256 or p384", "rsa3072（既定）、rsa2048、rsa4096、p256、p384"}},
      {"--bits N", {"RSA key size: 2048, 3072 or 4096 (instead of --key-type)", "RSA 鍵の長さ：2048、3072、4096（--key-type の代わり）"}},
      {"--days N", {"validity, at most 825 days (default 365)", "有効日数。最大 825 日（既定 365）"}},
      {"--memo TEXT", {"a note for the administrator (shown by ca list)", "管理者用のメモ（ca list で表示）"}},
      {"--legacy", {"a PKCS#12 with 3DES/SHA-1 for older clients (gpgsm 2.2)", "古いクライアント（gpgsm 2.2）向けの 3DES/SHA-1 の PKCS#12"}},
      {"--password-file FILE", {"write the password to FILE (0600) instead of printing it", "パスワードを表示せず FILE（0600）に書く"}},
      {"--ca FP", {"which CA, when the store has several", "ストアに複数あるときに使う CA"}},
      kStorePassEnv, kStorePassFd, kJsonStore}},
    {"ca list",
     "inkan ca list [--ca FP] [--json]",
     {"show the company CA and the certificates it issued", "社内 CA と発行した証明書を表示する"},
     {{"--ca FP", {"only this CA", "この CA だけ"}}, kJsonStore}},
    {"ca revoke",
     "inkan ca revoke SERIAL [--reason REASON]",
     {"revoke a certificate the company CA issued", "社内 CA が発行した証明書を失効させる"},
     {{"--reason REASON", {"unspecified (default), keyCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn", "unspecified（既定）、keyCompromise、affiliationChanged、superseded、cessationOfOperation、privilegeWithdrawn"}},
      {"--ca FP", {"which CA, when the store has several", "ストアに複数あるときに使う CA"}},
      kStorePassEnv, kStorePassFd, kJsonStore}},
    {"ca crl",
     "inkan ca crl --out FILE [--days N] [--der]",
     {"write a new CRL of the company CA's revoked certificates", "社内 CA の失効した証明書の CRL を新しく書き出す"},
     {{"--out FILE", {"the CRL file to write (- for standard output)", "書き出す CRL ファイル（- で標準出力）"}},
      {"--days N", {"until the next update, 1 to 366 (default 30)", "次回更新までの日数。1〜366（既定 30）"}},
      {"--der", {"DER instead of PEM", "PEM の代わりに DER"}},
      {"--ca FP", {"which CA, when the store has several", "ストアに複数あるときに使う CA"}},
      kStorePassEnv, kStorePassFd, kJsonStore}},
    {"actalis code",
     "inkan actalis code [MAIL] [--json]",
     {"show the verification code in Actalis's mail (to type into Actalis's form)",
      "Actalis からのメールにある確認コードを表示する（Actalis のフォームに入力するため）"},
     {{"--json", {"print one JSON object (docs/cli.md)", "JSON オブジェクトを 1 つ出力する（docs/cli.md）"}}}},
    {"acme account",
     "inkan acme account --directory URL --account-key FILE [OPTIONS]",
     {"create (or look up) an ACME account", "ACME アカウントを作成する（または確認する）"},
     {kDirectory, kCaFile, kAccountKey, kContact, kAgreeTos,
      {"--only-existing", {"only look the account up, never create one", "アカウントを確認するだけで作成しない"}},
      kEabKid, kEabKeyEnv, kNewPassEnv, kPassFd, kPassFile, kJson}},
    {"acme order",
     "inkan acme order --directory URL --identifier email:ADDRESS|dns:NAME [OPTIONS]",
     {"order a certificate over ACME and drive the order as far as it goes",
      "ACME で証明書を注文し、進められるところまで進める"},
     {kDirectory, kCaFile,
      {"--identifier ID", {"email:ADDRESS (RFC 8823) or dns:NAME; repeatable", "email:ADDRESS（RFC 8823）または dns:NAME。複数指定可"}},
      {"--challenge TYPE", {"for dns identifiers: the challenge answered without work (http-01 with test CAs)", "dns 識別子用：作業なしで応答するチャレンジ（テスト用 CA では http-01）"}},
      kState, kAccountKey, kKeyType, kUsage, kContact, kAgreeTos, kEabKid, kEabKeyEnv,
      {"--concatenation MODE", {"RFC 8823 token joining: string or bytes (default: the server's)", "RFC 8823 のトークン連結：string または bytes（既定：サーバーの設定）"}},
      {"--lenient", {"accept challenge mails without Auto-Submitted or DKIM", "Auto-Submitted や DKIM のないチャレンジメールも受け入れる"}},
      kKeyOut, kChain, kTimeout, kNewPassEnv, kPassFd, kPassFile, kJson}},
    {"acme reply",
     "inkan acme reply --state FILE --mail CHALLENGE.eml [-o REPLY.eml]",
     {"check an RFC 8823 challenge mail and write the reply to send",
      "RFC 8823 のチャレンジメールを検査し、送信する返信を書き出す"},
     {kState,
      {"--mail FILE", {"the challenge mail as received (RFC 5322)", "受信したチャレンジメール（RFC 5322）"}},
      {"--trusted-authserv ID", {"believe Authentication-Results from this server; repeatable", "このサーバーの Authentication-Results を信頼する。複数指定可"}},
      {"-o, --output FILE", {"write the reply mail to FILE", "返信メールを FILE に書く"}},
      kJson}},
    {"acme resume",
     "inkan acme resume --state FILE [--reply-sent] [OPTIONS]",
     {"continue a saved enrolment", "保存された申請を続ける"},
     {kState,
      {"--reply-sent", {"the prepared reply mails have been sent", "用意した返信メールを送信済み"}},
      kCaFile, kEabKid, kEabKeyEnv, kKeyOut, kChain, kTimeout, kNewPassEnv, kPassFd, kPassFile, kJson}},
    {"inspect",
     "inkan inspect [--json] [MESSAGE | FILE.p7m | FILE.p7s]",
     {"show the MIME and S/MIME structure of a message or CMS file",
      "メッセージまたは CMS ファイルの MIME・S/MIME 構造を表示する"},
     {kJson}},
    {"lint",
     "inkan lint CERTFILE [--chain FILE]... [--at TIME] [--json]",
     {"check a certificate against the S/MIME Baseline Requirements and mail clients' rules",
      "証明書を S/MIME Baseline Requirements とメールソフトの規則に照らして確認する"},
     {{"--chain FILE", {"intermediate and root certificates; repeatable", "中間証明書とルート証明書。複数指定可"}},
      {"--at TIME", {"judge validity as of TIME (default: now)", "TIME 時点で有効性を判断する（既定：現在）"}},
      {"--json", {"print one JSON object (docs/lint.md)", "JSON オブジェクトを 1 つ出力する（docs/lint.md）"}}}},
    {"trust builtin",
     "inkan trust builtin [--json]",
     {"Mozilla's built-in roots (NSS) with their e-mail trust and distrust dates",
      "Mozilla の組み込みルート証明書（NSS）とメール用の信頼設定・不信任日"},
     {{"--json", {"print one JSON object (docs/cli.md)", "JSON オブジェクトを 1 つ出力する（docs/cli.md）"}}}},
    {"id import",
     "inkan id import FILE [--pass-env VAR | --pass-fd N | --pass-file F] [OPTIONS]",
     {"import your key and certificate (PKCS#12, Actalis's ZIP, PEM key + certificate, or the certificate for a waiting key)",
      "自分の鍵と証明書（PKCS#12、Actalis の ZIP、PEM の鍵と証明書、または待機中の鍵の証明書）をストアに取り込む"},
     {kP12PassEnv, kP12PassFd, kP12PassFile,
      {"--cert FILE", {"certificate or chain for a PEM key; repeatable", "PEM 鍵の証明書またはチェーン。複数指定可"}},
      {"--trust-ca", {"also trust the CA at the top of the imported chain (a company CA's .p12)", "取り込んだチェーンの最上位の CA も信頼する（社内 CA の .p12）"}},
      kStorePassEnv, kStorePassFd, kJsonStore}},
    {"id export",
     "inkan id export ADDRESS|FP --out FILE.p12 [--pass-env VAR] [--legacy] [--all]",
     {"export identities as a password-protected PKCS#12 (backup, other devices)",
      "ID をパスワード付き PKCS#12 に書き出す（バックアップ、他の機器用）"},
     {{"--out FILE", {"the PKCS#12 file to write (- for standard output)", "書き出す PKCS#12 ファイル（- で標準出力）"}},
      kP12PassEnv, kP12PassFd, kP12PassFile,
      {"--legacy", {"3DES/SHA-1 for older clients (gpgsm 2.2, old iOS)", "古いクライアント向けの 3DES/SHA-1（gpgsm 2.2、古い iOS）"}},
      {"--all", {"every identity of ADDRESS, expired ones too", "ADDRESS のすべての ID（期限切れも含む）"}},
      kStorePassEnv, kStorePassFd, kJsonStore}},
    {"id export-cert",
     "inkan id export-cert ADDRESS|FP --out FILE [--der]",
     {"write your certificate alone (.pem or .cer) to hand to a contact",
      "連絡先に渡すための証明書だけ（.pem または .cer）を書き出す"},
     {{"--out FILE", {"the file to write (- for standard output)", "書き出すファイル（- で標準出力）"}},
      {"--der", {"DER (.cer) instead of PEM", "PEM の代わりに DER（.cer）"}},
      kJsonStore}},
    {"id list",
     "inkan id list [ADDRESS] [--json]",
     {"list your identities with their expiry", "自分の ID を有効期限とともに一覧表示する"},
     {kJsonStore}},
    {"id expiring",
     "inkan id expiring [--days N] [--json]",
     {"list certificates that expire within N days (default 30) and are not renewed yet",
      "N 日以内（既定 30 日）に期限が切れ、まだ更新されていない証明書を一覧表示する"},
     {{"--days N", {"how far ahead to look (default 30)", "何日先まで調べるか（既定 30）"}}, kJsonStore}},
    {"id delete",
     "inkan id delete FP --yes",
     {"delete an identity and its private key for good", "ID とその秘密鍵を完全に削除する"},
     {{"--yes", {"confirm the deletion (required)", "削除を確認する（必須）"}}, kJsonStore}},
    {"trust list",
     "inkan trust list [--json]",
     {"list trust anchors (built-in and your own) and distrusted certificates",
      "信頼アンカー（組み込みと自分で追加したもの）と不信任の証明書を一覧表示する"},
     {kJsonStore}},
    {"trust add",
     "inkan trust add FILE [--label TEXT]",
     {"trust a CA certificate (.pem/.der/.cer) for e-mail", "CA 証明書（.pem/.der/.cer）をメール用に信頼する"},
     {{"--label TEXT", {"a name for the anchor (default: its common name)", "アンカーの名前（既定：証明書のコモンネーム）"}}, kJsonStore}},
    {"trust distrust",
     "inkan trust distrust FILE|FP",
     {"never trust this certificate, whatever else says so", "この証明書を決して信頼しない"},
     {kJsonStore}},
    {"trust remove",
     "inkan trust remove FP",
     {"remove your trust anchor or distrust entry", "自分で追加した信頼アンカーまたは不信任の指定を取り消す"},
     {kJsonStore}},
    {"store passwd",
     "inkan store passwd [--new-pass-env VAR | --new-pass-fd N | --new-pass-file F | --remove]",
     {"set, change or remove the store passphrase", "ストアのパスフレーズを設定・変更・解除する"},
     {kStorePassEnv, kStorePassFd,
      {"--new-pass-env VAR", {"new passphrase from environment variable VAR", "新しいパスフレーズを環境変数 VAR から読む"}},
      {"--new-pass-fd N", {"new passphrase from file descriptor N (first line)", "新しいパスフレーズをファイル記述子 N（1 行目）から読む"}},
      {"--new-pass-file FILE", {"new passphrase from the first line of FILE", "新しいパスフレーズを FILE の 1 行目から読む"}},
      {"--remove", {"remove the passphrase (keys stay encrypted under a key kept in store.json)", "パスフレーズを解除する（鍵は store.json にある鍵で暗号化されたまま）"}},
      kJsonStore}},
    {"contact list",
     "inkan contact list [--json]",
     {"list your contacts: other people's certificates, since when each key is known, key changes",
      "連絡先（他の人の証明書）を一覧表示する：鍵をいつから知っているか、鍵の変更"},
     {kJsonStore}},
    {"contact show",
     "inkan contact show ADDRESS [--json]",
     {"show one contact with every certificate seen and where",
      "連絡先を 1 件、確認したすべての証明書とその出所とともに表示する"},
     {kJsonStore}},
    {"contact harvest",
     "inkan contact harvest MESSAGE... [OPTIONS]",
     {"verify signed messages and record the certificates they carry in your contacts",
      "署名付きメッセージを検証し、含まれる証明書を連絡先に記録する"},
     {{"--at TIME", {"verify as of TIME (as for inkan verify)", "TIME 時点で検証する（inkan verify と同じ）"}},
      {"--allow-sha1", {"accept SHA-1 signatures", "SHA-1 署名を受け入れる"}},
      {"--cert FILE", {"extra certificates (signer, intermediates); repeatable", "追加の証明書（署名者、中間 CA）。複数指定可"}},
      kCrl,
      {"--key FILE", {"decrypt an encrypted message first", "暗号化されたメッセージを先に復号する"}},
      kPassEnv, kPassFd, kPassFile,
      {"--identity ADDRESS|FP", {"decrypt first with this identity's keys from the store", "ストアにあるこの ID の鍵で先に復号する"}},
      kStorePassEnv, kStorePassFd,
      {"--source LABEL", {"where the messages come from, recorded with each sighting (default: cli)", "メッセージの出所。確認記録とともに保存する（既定：cli）"}},
      kJsonStore}},
    {"contact accept",
     "inkan contact accept ADDRESS FP [--json]",
     {"accept a changed key for a contact: it is used from now on",
      "連絡先の変更された鍵を承認する（以後その鍵を使う）"},
     {kJsonStore}},
    {"contact reject",
     "inkan contact reject ADDRESS FP [--json]",
     {"reject a changed key for a contact: the known key stays in use",
      "連絡先の変更された鍵を拒否する（これまでの鍵を使い続ける）"},
     {kJsonStore}},
    {"contact delete",
     "inkan contact delete ADDRESS --yes",
     {"delete a contact and its history for good", "連絡先とその履歴を完全に削除する"},
     {{"--yes", {"confirm the deletion (required)", "削除を確認する（必須）"}}, kJsonStore}},
    {"contact lookup",
     "inkan contact lookup ADDRESS... [--at TIME] [--json]",
     {"find each address's certificate to encrypt to, or say why there is none",
      "各アドレスの暗号化用証明書を探す。ない場合は理由を示す"},
     {{"--at TIME", {"judge validity as of TIME (default: now)", "TIME 時点で有効性を判断する（既定：現在）"}}, kJsonStore}},
    {"contact import",
     "inkan contact import CERTFILE [--json]",
     {"add a certificate a contact gave you (.cer/.pem); it becomes their current one",
      "連絡先から受け取った証明書（.cer/.pem）を追加し、その人の現在の証明書にする"},
     {kJsonStore}},
    {"store status",
     "inkan store status [--json]",
     {"show where the store is, whether it has a passphrase, and what it holds",
      "ストアの場所、パスフレーズの有無、保存内容を表示する"},
     {kJsonStore}},
};

std::string pad(std::string_view s, std::size_t width) {
  std::string out(s);
  out.append(out.size() < width ? width - out.size() : 1, ' ');
  return out;
}

}  // namespace

void print_usage(std::ostream& out, Lang lang) {
  out << "usage: inkan [--lang en|ja] COMMAND [OPTIONS] [FILE]\n"
      << "       inkan COMMAND --help | inkan --version\n\n"
      << (lang == Lang::ja ? "コマンド:\n" : "commands:\n");
  for (const auto& c : kHelp) out << "  " << pad(c.name, 16) << c.summary.in(lang) << "\n";
  out << "\n"
      << (lang == Lang::ja ? "FILE を省略すると標準入力を読みます。結果は -o FILE がなければ標準出力へ。\n"
                             "各オプションと終了コードは docs/cli.md を参照してください。\n"
                           : "FILE defaults to standard input; results go to standard output unless -o FILE is given.\n"
                             "See docs/cli.md for every option and the exit codes.\n");
}

bool print_command_help(std::string_view command, std::ostream& out, Lang lang) {
  for (const auto& c : kHelp) {
    if (command != c.name) continue;
    out << "usage: " << c.synopsis << "\n\n" << c.summary.in(lang) << "\n\n"
        << (lang == Lang::ja ? "オプション:\n" : "options:\n");
    for (const auto& o : c.options) out << "  " << pad(o.form, 22) << o.meaning.in(lang) << "\n";
    return true;
  }
  // A command group ("id", "trust", "store", "ca", ...): its subcommands.
  bool any = false;
  for (const auto& c : kHelp) {
    const std::string_view name = c.name;
    if (name.size() <= command.size() || name.substr(0, command.size()) != command || name[command.size()] != ' ') continue;
    if (!any) out << "usage:\n";
    any = true;
    out << "  " << c.synopsis << "\n      " << c.summary.in(lang) << "\n";
  }
  if (any) out << "\n" << (lang == Lang::ja ? "詳しくは inkan " : "More: inkan ") << command << " SUBCOMMAND --help\n";
  return any;
}

bool is_command_group(std::string_view command) {
  for (const auto& c : kHelp) {
    const std::string_view name = c.name;
    if (name.size() > command.size() && name.substr(0, command.size()) == command && name[command.size()] == ' ') return true;
  }
  return false;
}

}  // namespace inkan::cli
