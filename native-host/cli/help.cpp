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

const CommandHelp kHelp[] = {
    {"sign",
     "inkan sign --key FILE [OPTIONS] [MESSAGE]",
     {"sign a message (multipart/signed; --opaque; --detached-file for any file)",
      "メッセージに署名する（multipart/signed、--opaque、任意のファイルには --detached-file）"},
     {kKey, kCert, kPassEnv, kPassFd, kPassFile,
      {"--opaque", {"application/pkcs7-mime signed-data instead of multipart/signed", "multipart/signed の代わりに application/pkcs7-mime signed-data"}},
      kDigest, kPss,
      {"--detached-file", {"sign any file's exact bytes; writes a DER .p7s", "任意のファイルのバイト列に署名し DER の .p7s を書く"}},
      kOutput}},
    {"verify",
     "inkan verify [--trust FILE] [OPTIONS] [MESSAGE | FILE.p7m | FILE.p7s --content FILE]",
     {"verify a signed (or signed and encrypted) message, .p7m or .p7s",
      "署名付き（または署名・暗号化された）メッセージ、.p7m、.p7s を検証する"},
     {kTrust,
      {"--cert FILE", {"extra certificates (signer, intermediates); repeatable", "追加の証明書（署名者、中間 CA）。複数指定可"}},
      kCrl,
      {"--at TIME", {"verify as of TIME (2019-04-01T00:00:00Z, 2019-04-01, RFC 5322 date)", "TIME 時点で検証する（2019-04-01T00:00:00Z、2019-04-01、RFC 5322 形式）"}},
      {"--allow-sha1", {"accept SHA-1 signatures", "SHA-1 署名を受け入れる"}},
      {"--key FILE", {"decrypt an encrypted message first", "暗号化されたメッセージを先に復号する"}},
      kPassEnv, kPassFd, kPassFile,
      {"--content FILE", {"the signed file, for a bare detached .p7s", "分離署名 .p7s の対象ファイル"}},
      kJson,
      {"-o, --output FILE", {"also write the signed (or decrypted) content", "署名された（または復号した）内容も書き出す"}}}},
    {"encrypt",
     "inkan encrypt --to CERT|SIGNED-MESSAGE... [--key FILE] [OPTIONS] [MESSAGE]",
     {"encrypt a message to --to recipients (signs first with --key)",
      "--to の受信者宛てにメッセージを暗号化する（--key があれば先に署名）"},
     {{"--to FILE", {"recipient certificate, or a signed message from them; repeatable", "受信者の証明書、または受信者からの署名付きメッセージ。複数指定可"}},
      kTrust, kCrl,
      {"--key FILE", {"your key: sign, and encrypt to yourself", "自分の鍵：署名し、自分宛てにも暗号化する"}},
      kCert, kPassEnv, kPassFd, kPassFile,
      {"--no-sign", {"with --key: do not sign", "--key があっても署名しない"}},
      {"--self CERT", {"your certificate when no --key is given", "--key がないときの自分の証明書"}},
      {"--no-self", {"do not encrypt to yourself (the Sent copy becomes unreadable)", "自分宛てに暗号化しない（送信済みの控えが読めなくなる）"}},
      {"--cipher C", {"auto (default), aes256-cbc or aes256-gcm", "auto（既定）、aes256-cbc、aes256-gcm"}},
      kDigest, kPss, kOutput}},
    {"decrypt",
     "inkan decrypt --key FILE [OPTIONS] [MESSAGE]",
     {"decrypt a message; writes the decrypted MIME entity",
      "メッセージを復号し、復号した MIME エンティティを書き出す"},
     {kKey, kCert, kPassEnv, kPassFd, kPassFile, kOutput}},
    {"csr",
     "inkan csr --address ADDRESS --key-out FILE [OPTIONS]",
     {"make a new key and a certificate signing request for any CA",
      "新しい鍵と、任意の認証局向けの証明書署名要求（CSR）を作る"},
     {{"--address ADDRESS", {"e-mail address (subjectAltName rfc822Name); repeatable", "メールアドレス（subjectAltName rfc822Name）。複数指定可"}},
      {"--dns NAME", {"also a DNS name (only for CAs that want one); repeatable", "DNS 名も入れる（必要な認証局のみ）。複数指定可"}},
      kKeyType, kUsage,
      {"--cn NAME", {"subject common name (default: the first address)", "サブジェクトの CN（既定：最初のアドレス）"}},
      kKeyOut, kNewPassEnv, kPassFd, kPassFile,
      {"-o, --output FILE", {"write the CSR (PEM) to FILE", "CSR（PEM）を FILE に書く"}}}},
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
    {"trust",
     "inkan trust builtin [--json]",
     {"trust anchors; builtin: Mozilla's roots (NSS) with their e-mail trust",
      "信頼アンカー。builtin：Mozilla のルート証明書（NSS）とメール用の信頼設定"},
     {{"--json", {"print one JSON object (docs/cli.md)", "JSON オブジェクトを 1 つ出力する（docs/cli.md）"}}}},
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
  for (const auto& c : kHelp) out << "  " << pad(c.name, 14) << c.summary.in(lang) << "\n";
  out << "\n"
      << (lang == Lang::ja ? "FILE を省略すると標準入力を読みます。結果は -o FILE がなければ標準出力へ。\n"
                             "各オプションと終了コードは docs/cli.md を参照してください。\n"
                           : "FILE defaults to standard input; results go to standard output unless -o FILE is given.\n"
                             "See docs/cli.md for every option and the exit codes.\n");
}

bool print_command_help(std::string_view command, std::ostream& out, Lang lang) {
  if (command == "acme") {
    out << (lang == Lang::ja ? "ACME コマンド:\n" : "acme commands:\n");
    for (const auto& c : kHelp) {
      if (std::string_view(c.name).rfind("acme ", 0) == 0) out << "  " << pad(c.name, 14) << c.summary.in(lang) << "\n";
    }
    return true;
  }
  for (const auto& c : kHelp) {
    if (command != c.name) continue;
    out << "usage: " << c.synopsis << "\n\n" << c.summary.in(lang) << "\n\n"
        << (lang == Lang::ja ? "オプション:\n" : "options:\n");
    for (const auto& o : c.options) out << "  " << pad(o.form, 20) << o.meaning.in(lang) << "\n";
    return true;
  }
  return false;
}

}  // namespace inkan::cli
