#include "store/trust_settings.h"

#include "error.h"
#include "mime/date.h"
#include "x509/cert.h"
#include "x509/nss_builtins.h"

#include <openssl/err.h>

#include <algorithm>
#include <sstream>

namespace inkan::store {
namespace {

constexpr std::string_view kLabelLine = "# label: ";
constexpr std::string_view kAddedLine = "# added: ";

std::string clean_label(std::string_view label) {
  std::string out;
  for (const char c : label) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;  // one line, no control characters
    out.push_back(c);
  }
  if (out.size() > 200) {
    out.resize(200);
    // Do not end inside a UTF-8 sequence.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  }
  return out;
}

// The "# name: value" lines before the PEM block.
std::string header_value(std::string_view text, std::string_view prefix) {
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("-----BEGIN", 0) == 0) break;
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  }
  return {};
}

}  // namespace

std::vector<AnchorEntry> builtin_anchors() {
  std::vector<AnchorEntry> out;
  for (const auto& r : x509::builtin_roots().roots) {
    if (!r.email_trusted || r.distrusted) continue;
    AnchorEntry a;
    a.fingerprint = x509::fingerprint_sha256(r.cert.get());
    a.label = r.label;
    a.source = "builtin";
    a.cert = share(ossl::up_ref(r.cert.get()));
    a.email_distrust_after = r.email_distrust_after;
    out.push_back(std::move(a));
  }
  return out;
}

std::string anchor_file_text(X509* cert, std::string_view label, std::int64_t added_at) {
  std::string out = "# Inkan trust anchor (a CA the user trusts for e-mail)\n";
  out += kLabelLine;
  out += clean_label(label);
  out += "\n";
  out += kAddedLine;
  out += mime::format_iso8601(added_at);
  out += "\n";
  out += x509::to_pem(cert);
  return out;
}

AnchorEntry parse_anchor_file(std::string_view text, std::string_view expected_fingerprint) {
  auto certs = x509::parse_certificates(text);
  const std::string where = "trust/anchors/" + std::string(expected_fingerprint) + ".pem";
  if (certs.size() != 1) throw Error(Errc::store_corrupt, where + ": not one certificate");
  AnchorEntry e;
  e.fingerprint = x509::fingerprint_sha256(certs.front().get());
  if (e.fingerprint != expected_fingerprint) throw Error(Errc::store_corrupt, where + ": fingerprint does not match");
  e.label = header_value(text, kLabelLine);
  e.source = "user";
  e.added_at = mime::parse_iso8601(header_value(text, kAddedLine)).value_or(0);
  e.cert = share(std::move(certs.front()));
  return e;
}

std::string distrust_file_text(X509* cert_or_null, std::int64_t added_at) {
  std::string out = "# Inkan distrust (never trusted, whatever else says so)\n";
  out += kAddedLine;
  out += mime::format_iso8601(added_at);
  out += "\n";
  if (cert_or_null != nullptr) out += x509::to_pem(cert_or_null);
  return out;
}

DistrustEntry parse_distrust_file(std::string_view text, std::string_view fingerprint) {
  DistrustEntry e;
  e.fingerprint = std::string(fingerprint);
  e.added_at = mime::parse_iso8601(header_value(text, kAddedLine)).value_or(0);
  if (text.find("-----BEGIN") != std::string_view::npos) {
    auto certs = x509::parse_certificates(text);
    if (certs.size() != 1 || x509::fingerprint_sha256(certs.front().get()) != fingerprint) {
      throw Error(Errc::store_corrupt, "trust/distrust/" + std::string(fingerprint) + ": certificate does not match");
    }
    e.cert = share(std::move(certs.front()));
  }
  return e;
}

std::string anchor_problem(X509* cert, std::int64_t t) {
  // X509_check_ca: CA:TRUE (or a v1 self-signed root), and keyCertSign if keyUsage is present.
  const int ca = X509_check_ca(cert);
  ERR_clear_error();
  if (ca == 0) return "not a CA certificate";
  const auto not_after = x509::to_epoch(X509_get0_notAfter(cert));
  if (!not_after || *not_after <= t) return "expired";
  return {};
}

std::string normalize_fingerprint(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == ':' || c == ' ') continue;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) out.push_back(c);
    else if (c >= 'A' && c <= 'F') out.push_back(static_cast<char>(c - 'A' + 'a'));
    else return {};
  }
  return out;
}

}  // namespace inkan::store
