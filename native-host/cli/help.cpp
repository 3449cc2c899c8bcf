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
  for (const auto& c : kHelp) out << "  " << pad(c.name, 10) << c.summary.in(lang) << "\n";
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
    for (const auto& o : c.options) out << "  " << pad(o.form, 20) << o.meaning.in(lang) << "\n";
    return true;
  }
  return false;
}

}  // namespace inkan::cli
