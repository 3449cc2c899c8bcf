#include "actalis.h"

#include "archive_library.h"
#include "error.h"
#include "io/source.h"
#include "mime/address.h"
#include "mime/codec.h"
#include "mime/entity.h"
#include "mime/headers.h"
#include "store/key_bundle.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace inkan::enrol {
namespace {

// ---- ZIP ----------------------------------------------------------------------

struct ArchiveFree {
  void operator()(archive* a) const noexcept { libarchive().read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

[[noreturn]] void unusable(const std::string& why) { throw Error(Errc::archive_unusable, why); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Names are only compared and reported, never used as paths; they are refused
// anyway when an extracting tool would write outside its folder (the archive
// is then hostile or broken, and nothing in it is trusted).
bool unsafe_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.front() == '\\') return true;
  if (name.size() >= 2 && std::isalpha(static_cast<unsigned char>(name[0])) != 0 && name[1] == ':') return true;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = name.find_first_of("/\\", start);
    const std::string_view part = name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (part == "..") return true;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

std::string printable(std::string_view name) {
  std::string out;
  for (const char c : name.substr(0, 200)) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c);
  return out;
}

// ---- mail text ------------------------------------------------------------------

std::string strip_html(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (std::size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (in_tag) {
      if (c == '>') {
        in_tag = false;
        out.push_back(' ');
      }
      continue;
    }
    if (c == '<') {
      in_tag = true;
      continue;
    }
    if (c == '&') {
      const auto semi = html.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 8) {
        const std::string entity = lower(html.substr(i + 1, semi - i - 1));
        if (entity == "nbsp" || entity == "#160") out.push_back(' ');
        else if (entity == "quot" || entity == "#34") out.push_back('"');
        else if (entity == "amp" || entity == "#38") out.push_back('&');
        else if (entity == "lt") out.push_back('<');
        else if (entity == "gt") out.push_back('>');
        else out.push_back(' ');
        i = semi;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

bool code_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_'; }

// The first code-like token in the text after the phrase: 4-64 characters of
// letters, digits, '-' and '_', with at least one digit (the sentence's own
// words, such as "Verification Code" in quotes, have none).
std::optional<std::string> code_after(std::string_view text) {
  text = text.substr(0, std::min<std::size_t>(text.size(), 600));
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !code_char(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && code_char(text[j])) ++j;
    // A token glued to other characters ("http://x/123", "a.b1") is not a code.
    const bool bounded = (i == 0 || std::string_view(" \t\r\n:\"'*<>()[]").find(text[i - 1]) != std::string_view::npos) &&
                         (j == text.size() || std::string_view(" \t\r\n.,;:\"'*<>()[]!").find(text[j]) != std::string_view::npos);
    const std::string_view token = text.substr(i, j - i);
    const bool has_digit = std::any_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (bounded && token.size() >= 4 && token.size() <= 64 && has_digit && token.front() != '-' && token.back() != '-') {
      return std::string(token);
    }
    i = j == i ? i + 1 : j;
  }
  return std::nullopt;
}

std::optional<std::string> code_in(std::string_view text) {
  const std::string folded = lower(text);
  for (const std::string_view phrase : {"verification code", "codice di verifica"}) {
    std::size_t at = 0;
    while ((at = folded.find(phrase, at)) != std::string::npos) {
      if (auto code = code_after(text.substr(at + phrase.size()))) return code;
      at += phrase.size();
    }
  }
  return std::nullopt;
}

}  // namespace

bool looks_like_zip(std::string_view bytes) noexcept {
  return bytes.size() >= 4 && bytes[0] == 'P' && bytes[1] == 'K' &&
         ((bytes[2] == 3 && bytes[3] == 4) || (bytes[2] == 5 && bytes[3] == 6));
}

ZipPkcs12 pkcs12_from_zip(std::string_view zip) {
  if (zip.size() > kMaxZipBytes) throw Error(Errc::input_too_large, "a ZIP archive over 16 MiB");
  const ArchiveLibrary& la = libarchive();
  ArchivePtr a(la.read_new());
  if (!a) throw Error(Errc::internal, "libarchive");
  // ZIP only: no tar, no compressed streams, no "raw" fallback that would take any bytes.
  la.read_support_format_zip(a.get());
  if (la.read_open_memory(a.get(), zip.data(), zip.size()) != ARCHIVE_OK) {
    unusable(std::string("not a ZIP archive: ") + printable(la.error_string(a.get()) ? la.error_string(a.get()) : ""));
  }
  ZipPkcs12 out;
  std::vector<std::string> found;
  std::size_t entries = 0;
  for (;;) {
    archive_entry* entry = nullptr;
    const int rc = la.read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      const char* why = la.error_string(a.get());
      unusable("damaged ZIP archive: " + printable(why ? why : "unreadable entry"));
    }
    if (++entries > kMaxZipEntries) unusable("more than 64 entries");
    const char* raw_name = la.entry_pathname(entry);
    const std::string name = raw_name != nullptr ? raw_name : "";
    if (unsafe_name(name)) unusable("an entry with an unsafe name: " + printable(name));
    const auto type = la.entry_filetype(entry);
    if (la.entry_symlink(entry) != nullptr || la.entry_hardlink(entry) != nullptr || type == AE_IFLNK) {
      unusable("a link entry: " + printable(name));
    }
    if (type == AE_IFDIR) continue;
    if (type != AE_IFREG) unusable("an entry that is not a file: " + printable(name));
    const std::string folded = lower(name);
    if (!ends_with(folded, ".pfx") && !ends_with(folded, ".p12")) {
      out.ignored.push_back(printable(name));
      continue;
    }
    found.push_back(printable(name));
    if (found.size() > 1) continue;  // reported below, with every name
    if (la.entry_is_encrypted(entry) != 0) unusable("an encrypted ZIP entry: " + printable(name));
    out.name = name;
    // Inflate in pieces and count: the sizes in the headers are the archive's claims.
    char buf[16384];
    for (;;) {
      const la_ssize_t n = la.read_data(a.get(), buf, sizeof buf);
      if (n == 0) break;
      if (n < 0) {
        const char* why = la.error_string(a.get());
        unusable("cannot read " + printable(name) + ": " + printable(why ? why : "damaged"));
      }
      out.der.append(buf, static_cast<std::size_t>(n));
      if (out.der.size() > kMaxPkcs12Bytes) unusable(printable(name) + " is larger than 1 MiB: not a PKCS#12 file");
    }
    OPENSSL_cleanse(buf, sizeof buf);
  }
  if (found.empty()) unusable("no .pfx or .p12 file inside");
  if (found.size() > 1) {
    std::string names;
    for (const auto& n : found) names += (names.empty() ? "" : ", ") + n;
    unusable(std::to_string(found.size()) + " PKCS#12 files inside (" + names + "); which one is meant is unclear");
  }
  return out;
}

ActalisImport import_actalis_zip(store::Store& store, std::string_view zip, const std::string& password, std::int64_t now) {
  ActalisImport result;
  result.archive = pkcs12_from_zip(zip);
  store::KeyBundle bundle = store::read_pkcs12(result.archive.der, password);
  OPENSSL_cleanse(result.archive.der.data(), result.archive.der.size());
  result.archive.der.clear();
  bundle.format = "actalis";  // the identities' source: renewal goes through Actalis again
  std::string file = result.archive.name;
  if (const auto slash = file.find_last_of("/\\"); slash != std::string::npos) file = file.substr(slash + 1);
  result.report = store.import_bundle(std::move(bundle), file, now);
  if (result.report.added.empty()) {
    throw Error(Errc::already_exists, result.report.already_present.empty() ? std::string() : result.report.already_present.front());
  }
  x509::LintOptions options;
  options.at = now;
  for (const auto& id : result.report.added) {
    std::vector<X509*> chain;
    for (const auto& c : id.chain) chain.push_back(c.get());
    result.lint.push_back(x509::lint(id.cert.get(), chain, options));
    if (result.not_after == 0 || id.not_after < result.not_after) result.not_after = id.not_after;
  }
  result.remind_at = std::max(now, result.not_after - static_cast<std::int64_t>(kActalisReminderDays) * 86400);
  return result;
}

std::optional<VerificationCode> actalis_verification_code(std::string_view raw_mail) {
  const io::ViewSource src(raw_mail);
  mime::ParseLimits limits;
  limits.max_depth = 8;
  limits.max_parts = 64;
  const mime::Entity root = mime::parse_message(src, limits);
  VerificationCode out;
  if (const mime::Field* from = root.headers.find("From")) {
    for (const auto& m : mime::parse_mailboxes(from->value)) {
      if (m.address.empty()) continue;
      out.from = mime::normalize_address(m.address);
      break;
    }
  }
  const auto at = out.from.rfind('@');
  const std::string domain = at == std::string::npos ? std::string() : out.from.substr(at + 1);
  out.from_actalis = domain == "actalis.it" || domain == "actalis.com" || ends_with(domain, ".actalis.it") ||
                     ends_with(domain, ".actalis.com");
  // Plain text first, then HTML: whichever names the code.
  for (const bool html : {false, true}) {
    std::optional<std::string> code;
    mime::walk(root, [&](const mime::Entity& e) {
      if (code || e.is_multipart() || e.type.type != "text" || e.type.subtype != (html ? "html" : "plain")) return;
      if (e.body.end - e.body.begin > (4u << 20)) return;
      const std::string body = mime::decode_transfer_encoding(io::read_range(src, e.body.begin, e.body.end, 4u << 20), e.transfer_encoding);
      code = code_in(html ? strip_html(body) : body);
    });
    if (code) {
      out.code = *code;
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace inkan::enrol
