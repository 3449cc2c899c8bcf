#include "error.h"

#include <array>
#include <cstdlib>
#include <cstring>

namespace inkan {
namespace {

struct ErrorText {
  Errc code;
  std::string_view id;
  std::string_view en;
  std::string_view ja;
};

// One row per code, in enum order (checked at compile time below).
constexpr std::array kErrors{
  ErrorText{Errc::usage, "USAGE", "Invalid command line or request.",
            "コマンドラインまたは要求が正しくありません。"},
  ErrorText{Errc::io_read, "IO_READ_FAILED", "Could not read the input.",
            "入力を読み取れませんでした。"},
  ErrorText{Errc::io_write, "IO_WRITE_FAILED", "Could not write the output.",
            "出力を書き込めませんでした。"},
  ErrorText{Errc::file_not_found, "FILE_NOT_FOUND", "The file does not exist.",
            "ファイルが存在しません。"},
  ErrorText{Errc::input_too_large, "INPUT_TOO_LARGE", "The input is larger than the allowed limit.",
            "入力が上限サイズを超えています。"},
  ErrorText{Errc::mime_malformed, "MIME_MALFORMED", "The message is not well-formed MIME.",
            "メッセージの MIME 構造が壊れています。"},
  ErrorText{Errc::mime_too_deep, "MIME_TOO_DEEP", "The message nests MIME parts too deeply.",
            "メッセージの MIME パートの入れ子が深すぎます。"},
  ErrorText{Errc::cms_malformed, "CMS_MALFORMED", "The S/MIME (CMS) data is damaged or not CMS.",
            "S/MIME (CMS) データが壊れているか、CMS ではありません。"},
  ErrorText{Errc::cms_unsupported, "CMS_UNSUPPORTED", "This kind of S/MIME (CMS) content is not supported.",
            "この種類の S/MIME (CMS) データには対応していません。"},
  ErrorText{Errc::key_load_failed, "KEY_LOAD_FAILED", "The private key could not be loaded.",
            "秘密鍵を読み込めませんでした。"},
  ErrorText{Errc::bad_password, "BAD_PASSWORD", "The password is wrong.",
            "パスワードが違います。"},
  ErrorText{Errc::password_required, "PASSWORD_REQUIRED", "A password is needed to open the key.",
            "鍵を開くにはパスワードが必要です。"},
  ErrorText{Errc::cert_load_failed, "CERT_LOAD_FAILED", "The certificate could not be loaded.",
            "証明書を読み込めませんでした。"},
  ErrorText{Errc::key_cert_mismatch, "KEY_CERT_MISMATCH", "The private key does not belong to the certificate.",
            "秘密鍵が証明書と一致しません。"},
  ErrorText{Errc::signer_cert_unusable, "SIGNER_CERT_UNUSABLE",
            "The certificate cannot be used to sign e-mail (expired, not yet valid, or wrong key usage).",
            "この証明書はメールの署名に使えません（期限切れ、有効期間前、または鍵用途の不一致）。"},
  ErrorText{Errc::signer_address_mismatch, "SIGNER_ADDRESS_MISMATCH",
            "The From address of the message is not in the signing certificate.",
            "メッセージの差出人アドレスが署名用証明書に含まれていません。"},
  ErrorText{Errc::weak_algorithm, "WEAK_ALGORITHM", "The requested algorithm or key size is too weak.",
            "指定されたアルゴリズムまたは鍵長は安全ではありません。"},
  ErrorText{Errc::recipient_cert_unusable, "RECIPIENT_CERT_UNUSABLE",
            "A recipient certificate cannot be used for encryption.",
            "受信者の証明書が暗号化に使えません。"},
  ErrorText{Errc::not_encrypted, "NOT_ENCRYPTED", "The message is not encrypted.",
            "メッセージは暗号化されていません。"},
  ErrorText{Errc::encrypted_part_not_root, "ENCRYPTED_PART_NOT_ROOT",
            "The encrypted part is not the message itself; it is not decrypted, to protect against reply attacks (EFAIL).",
            "暗号化されたパートがメッセージ本体ではないため復号しません（EFAIL 型の攻撃対策）。"},
  ErrorText{Errc::no_matching_recipient, "NO_MATCHING_RECIPIENT", "The message was not encrypted for this key.",
            "このメッセージはこの鍵宛てに暗号化されていません。"},
  ErrorText{Errc::decrypt_failed, "DECRYPT_FAILED",
            "Decryption failed: the message is damaged or was tampered with.",
            "復号に失敗しました。メッセージが壊れているか改ざんされています。"},
  ErrorText{Errc::unsupported_algorithm, "UNSUPPORTED_ALGORITHM", "The message uses an algorithm that is not supported.",
            "メッセージが対応していないアルゴリズムを使っています。"},
  ErrorText{Errc::bad_frame, "BAD_FRAME", "The host received a frame that is not one JSON object in UTF-8.",
            "ホストが受け取ったフレームが UTF-8 の JSON オブジェクトではありません。"},
  ErrorText{Errc::frame_too_large, "FRAME_TOO_LARGE", "The request frame is larger than the host accepts.",
            "要求フレームがホストの受け付ける上限を超えています。"},
  ErrorText{Errc::bad_request, "BAD_REQUEST", "The request is missing a parameter or has a wrong one.",
            "要求のパラメーターが足りないか、正しくありません。"},
  ErrorText{Errc::unknown_op, "UNKNOWN_OP", "The host does not know this operation.",
            "ホストはこの操作を知りません。"},
  ErrorText{Errc::upload_not_found, "UPLOAD_NOT_FOUND", "The upload does not exist (never started, already used, or expired).",
            "アップロードが見つかりません（未開始、使用済み、または期限切れ）。"},
  ErrorText{Errc::protocol_unsupported, "PROTOCOL_UNSUPPORTED", "The add-on and the host have no protocol version in common.",
            "アドオンとホストに共通のプロトコルバージョンがありません。"},
  ErrorText{Errc::trust_roots_unavailable, "TRUST_ROOTS_UNAVAILABLE",
            "Mozilla's built-in root certificates (the NSS module libnssckbi) could not be loaded.",
            "Mozilla の組み込みルート証明書（NSS モジュール libnssckbi）を読み込めませんでした。"},
  ErrorText{Errc::network, "NETWORK", "The server could not be reached (network, TLS or timeout).",
            "サーバーに接続できませんでした（ネットワーク、TLS、またはタイムアウト）。"},
  ErrorText{Errc::acme_problem, "ACME_PROBLEM", "The certificate authority refused the request.",
            "認証局が要求を拒否しました。"},
  ErrorText{Errc::acme_protocol, "ACME_PROTOCOL", "The certificate authority sent an answer that is not valid ACME.",
            "認証局から ACME として正しくない応答が返されました。"},
  ErrorText{Errc::acme_timeout, "ACME_TIMEOUT", "The certificate authority did not finish in the time allowed.",
            "認証局の処理が制限時間内に終わりませんでした。"},
  ErrorText{Errc::cancelled, "CANCELLED", "The operation was cancelled.",
            "操作は取り消されました。"},
  ErrorText{Errc::challenge_mail_invalid, "CHALLENGE_MAIL_INVALID",
            "The challenge mail failed the checks and was not answered.",
            "チャレンジメールが検査に合格しなかったため、返信しませんでした。"},
  ErrorText{Errc::store_locked, "STORE_LOCKED", "The store is locked: its passphrase is needed.",
            "ストアがロックされています。ストアのパスフレーズが必要です。"},
  ErrorText{Errc::store_busy, "STORE_BUSY", "The store is busy: another Inkan process is writing to it. Try again.",
            "ストアは使用中です（別の Inkan プロセスが書き込み中）。もう一度お試しください。"},
  ErrorText{Errc::store_corrupt, "STORE_CORRUPT", "A file in the store is damaged; nothing was changed.",
            "ストア内のファイルが壊れています。何も変更していません。"},
  ErrorText{Errc::store_version_unsupported, "STORE_VERSION_UNSUPPORTED",
            "The store was written by a newer version of Inkan.",
            "ストアは新しいバージョンの Inkan で書かれています。"},
  ErrorText{Errc::not_found, "NOT_FOUND", "No such item in the store.",
            "指定された項目はストアにありません。"},
  ErrorText{Errc::already_exists, "ALREADY_EXISTS", "The item is already in the store.",
            "その項目はすでにストアにあります。"},
  ErrorText{Errc::confirmation_required, "CONFIRMATION_REQUIRED", "This removes data for good: confirm with --yes.",
            "この操作はデータを完全に削除します。--yes で確認してください。"},
  ErrorText{Errc::unknown_format, "UNKNOWN_FORMAT", "The file is in a format Inkan does not recognise.",
            "ファイルの形式を認識できません。"},
  ErrorText{Errc::no_identity, "NO_IDENTITY", "There is no key of yours for this address in the store.",
            "このアドレス用のあなたの鍵がストアにありません。"},
  ErrorText{Errc::trust_anchor_unusable, "TRUST_ANCHOR_UNUSABLE",
            "The certificate cannot be a trust anchor (it is not a CA certificate, or it has expired).",
            "この証明書は信頼アンカーにできません（CA 証明書ではないか、期限切れです）。"},
  ErrorText{Errc::no_recipient_cert, "NO_RECIPIENT_CERT",
            "Some recipients have no usable certificate to encrypt to.",
            "暗号化に使える証明書がない受信者がいます。"},
  ErrorText{Errc::archive_unusable, "ARCHIVE_UNUSABLE",
            "The ZIP archive cannot be used: it must hold exactly one .pfx or .p12 file, unencrypted, with a safe name.",
            "この ZIP アーカイブは使えません。暗号化されていない安全な名前の .pfx または .p12 ファイルをちょうど 1 つ含む必要があります。"},
  ErrorText{Errc::internal, "INTERNAL", "Internal error.", "内部エラーが発生しました。"},
};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < kErrors.size(); ++i) {
    if (static_cast<std::size_t>(kErrors[i].code) != i) return false;
  }
  return kErrors.back().code == Errc::internal;
}
static_assert(table_in_enum_order(), "kErrors must list every Errc in enum order");

const ErrorText& lookup(Errc code) noexcept {
  const auto index = static_cast<std::size_t>(code);
  return index < kErrors.size() ? kErrors[index] : kErrors.back();
}

}  // namespace

std::string_view code_string(Errc code) noexcept { return lookup(code).id; }

std::string_view message(Errc code, Lang lang) noexcept {
  const auto& row = lookup(code);
  return lang == Lang::ja ? row.ja : row.en;
}

Lang lang_from_environment() noexcept {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      return std::strncmp(value, "ja", 2) == 0 ? Lang::ja : Lang::en;
    }
  }
  return Lang::en;
}

Error::Error(Errc code, std::string detail)
    : m_code(code), m_detail(std::move(detail)) {
  m_what = std::string(message(code, Lang::en));
  if (!m_detail.empty()) {
    m_what += " (";
    m_what += m_detail;
    m_what += ")";
  }
}

}  // namespace inkan
