#include "private_ca.h"

#include "error.h"
#include "mime/date.h"
#include "ossl/error_queue.h"
#include "store/durable_file.h"
#include "store/sealed_key.h"
#include "store/trust_settings.h"
#include "x509/cert.h"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <algorithm>

namespace inkan::enrol {
namespace {

constexpr std::string_view kCaFormat = "inkan-ca";
constexpr std::string_view kIssuedFormat = "inkan-ca-issued";
constexpr int kVersion = 1;
constexpr std::size_t kMaxMemo = 1000;

std::string iso(std::int64_t t) { return mime::format_iso8601(t); }

std::filesystem::path ca_dir(const store::Store& s, const std::string& fp) { return s.root() / "ca" / fp; }
std::filesystem::path issued_dir(const store::Store& s, const std::string& fp) { return ca_dir(s, fp) / "issued"; }

bool is_hex(std::string_view s, bool upper) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [upper](char c) {
    return (c >= '0' && c <= '9') || (upper ? (c >= 'A' && c <= 'F') : (c >= 'a' && c <= 'f'));
  });
}

[[noreturn]] void corrupt(const std::string& file, const std::string& what) {
  throw Error(Errc::store_corrupt, file + ": " + what);
}

std::int64_t time_field(const nlohmann::json& doc, const char* name, const std::string& file) {
  const auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return 0;
  const auto t = it->is_string() ? mime::parse_iso8601(it->get<std::string>()) : std::nullopt;
  if (!t) corrupt(file, std::string("bad ") + name);
  return *t;
}

nlohmann::json parse_doc(std::string_view text, std::string_view format, const std::string& file) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("format", std::string()) != format) corrupt(file, "not an Inkan CA file");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() < 1) corrupt(file, "no version");
  if (version->get<int>() > kVersion) {
    throw Error(Errc::store_version_unsupported, file + " has version " + std::to_string(version->get<int>()));
  }
  return doc;
}

store::SharedCert one_certificate(const std::string& pem, const std::string& file) {
  auto certs = x509::parse_certificates(pem);
  if (certs.size() != 1) corrupt(file, "bad certificate");
  return store::share(std::move(certs.front()));
}

std::string ca_file_text(const CompanyCa& ca) {
  const nlohmann::json doc = {{"format", kCaFormat},
                              {"version", kVersion},
                              {"fingerprint", ca.fingerprint},
                              {"name", ca.name},
                              {"key_type", ca.key_type},
                              {"certificate", x509::to_pem(ca.cert.get())},
                              {"private_key", ca.sealed_key},
                              {"issuing_certificate", x509::to_pem(ca.issuing_cert.get())},
                              {"issuing_private_key", ca.issuing_sealed_key},
                              {"key_id", ca.key_id},
                              {"crl_url", ca.crl_url},
                              {"crl_number", ca.crl_number},
                              {"created_at", iso(ca.created_at)}};
  return doc.dump(2) + "\n";
}

CompanyCa parse_ca_file(std::string_view text, const std::string& fp) {
  const std::string file = "ca/" + fp + "/ca.json";
  const auto doc = parse_doc(text, kCaFormat, file);
  try {
    CompanyCa ca;
    ca.cert = one_certificate(doc.at("certificate").get<std::string>(), file);
    ca.fingerprint = x509::fingerprint_sha256(ca.cert.get());
    if (ca.fingerprint != fp || doc.at("fingerprint").get<std::string>() != fp) corrupt(file, "the fingerprint does not match");
    ca.name = doc.value("name", std::string());
    ca.key_type = doc.value("key_type", std::string());
    ca.issuing_cert = one_certificate(doc.at("issuing_certificate").get<std::string>(), file);
    ca.sealed_key = doc.at("private_key").get<std::string>();
    ca.issuing_sealed_key = doc.at("issuing_private_key").get<std::string>();
    for (const auto* k : {&ca.sealed_key, &ca.issuing_sealed_key}) {
      if (k->find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == std::string::npos) corrupt(file, "a key is not sealed");
    }
    if (X509_check_issued(ca.cert.get(), ca.issuing_cert.get()) != X509_V_OK) {
      ERR_clear_error();
      corrupt(file, "the issuing CA is not the root's");
    }
    ca.key_id = doc.at("key_id").get<std::string>();
    ca.crl_url = doc.value("crl_url", std::string());
    ca.crl_number = doc.value("crl_number", std::uint64_t{0});
    ca.created_at = time_field(doc, "created_at", file);
    return ca;
  } catch (const nlohmann::json::exception&) {
    corrupt(file, "missing or mistyped fields");
  }
}

std::string issued_file_text(const IssuedCertificate& i) {
  nlohmann::json doc = {{"format", kIssuedFormat},
                        {"version", kVersion},
                        {"serial", i.serial},
                        {"fingerprint", i.fingerprint},
                        {"common_name", i.common_name},
                        {"email", i.email},
                        {"memo", i.memo},
                        {"key_type", i.key_type},
                        {"issued_at", iso(i.issued_at)},
                        {"certificate", x509::to_pem(i.cert.get())}};
  doc["revoked_at"] = i.revoked_at != 0 ? nlohmann::json(iso(i.revoked_at)) : nlohmann::json(nullptr);
  doc["reason"] = i.revoked_at != 0 ? nlohmann::json(i.reason) : nlohmann::json(nullptr);
  return doc.dump(2) + "\n";
}

IssuedCertificate parse_issued_file(std::string_view text, const std::string& ca_fp, const std::string& serial) {
  const std::string file = "ca/" + ca_fp + "/issued/" + serial + ".json";
  const auto doc = parse_doc(text, kIssuedFormat, file);
  try {
    IssuedCertificate i;
    i.cert = one_certificate(doc.at("certificate").get<std::string>(), file);
    const auto s = x509::summarize(i.cert.get());
    i.serial = s.serial;
    if (i.serial != serial || doc.at("serial").get<std::string>() != serial) corrupt(file, "the serial does not match");
    i.fingerprint = s.fingerprint_sha256;
    i.not_before = s.not_before;
    i.not_after = s.not_after;
    i.common_name = doc.value("common_name", std::string());
    i.email = doc.value("email", std::string());
    i.memo = doc.value("memo", std::string());
    i.key_type = doc.value("key_type", std::string());
    i.issued_at = time_field(doc, "issued_at", file);
    i.revoked_at = time_field(doc, "revoked_at", file);
    if (i.revoked_at != 0) {
      const auto r = doc.find("reason");
      i.reason = r != doc.end() && r->is_string() ? r->get<std::string>() : "unspecified";
    }
    return i;
  } catch (const nlohmann::json::exception&) {
    corrupt(file, "missing or mistyped fields");
  }
}

// The issuing CA's key: it signs people's certificates and the CRL (the root's key stays sealed).
ossl::EvpPkeyPtr open_issuing_key(store::Store& store, const CompanyCa& ca) {
  const store::StoreKey& k = store.key();
  if (ca.key_id != k.id()) throw Error(Errc::store_corrupt, "ca/" + ca.fingerprint + "/ca.json was sealed under another store key");
  auto key = store::open_private_key(ca.issuing_sealed_key, k);
  if (X509_check_private_key(ca.issuing_cert.get(), key.get()) != 1) {
    ERR_clear_error();
    throw Error(Errc::store_corrupt, "ca/" + ca.fingerprint + "/ca.json: key and certificate differ");
  }
  return key;
}

std::string normalize_serial(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == ':' || c == ' ') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  while (out.size() > 1 && out.front() == '0') out.erase(out.begin());
  if (!is_hex(out, true) || out.size() > 40) throw Error(Errc::usage, "not a serial number (hex): " + std::string(text));
  return out;
}

std::string key_type_of(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC") == 1) return EVP_PKEY_get_bits(key) > 256 ? "p384" : "p256";
  return "rsa" + std::to_string(EVP_PKEY_get_bits(key));
}

// Findings a company CA's certificates have by design are infos (no S/MIME BR
// policy: a private CA is not audited against them). Any error or warning is
// a defect of this code.
bool expected_finding(const x509::LintFinding& f) { return f.severity == x509::LintSeverity::info; }

std::string issuing_name(const std::string& name) { return name + " (issuing)"; }

}  // namespace

std::string IssuedCertificate::status(std::int64_t now) const {
  if (revoked_at != 0) return "revoked";
  if (now < not_before) return "not_yet_valid";
  if (now >= not_after) return "expired";
  return "valid";
}

std::string generate_password() {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";  // 32: no l, o, 0, 1
  static_assert(sizeof kAlphabet - 1 == 32);
  unsigned char r[24];
  if (RAND_bytes(r, sizeof r) != 1) ossl::throw_last(Errc::internal, "random password");
  std::string out;
  for (std::size_t i = 0; i < sizeof r; ++i) {
    if (i != 0 && i % 4 == 0) out.push_back('-');
    out.push_back(kAlphabet[r[i] & 31]);
  }
  OPENSSL_cleanse(r, sizeof r);
  return out;
}

CompanyCa ca_init(store::Store& store, const CaInitRequest& request, std::int64_t now) {
  if (!request.crl_url.empty() && request.crl_url.rfind("http://", 0) != 0 && request.crl_url.rfind("https://", 0) != 0) {
    throw Error(Errc::usage, "the CRL URL must be http:// or https://");
  }
  // The issuing CA's name is the root's plus " (issuing)": both must fit X.520's 64 characters.
  if (request.name.size() > 54) throw Error(Errc::usage, "the CA name is longer than 54 characters");
  auto key = generate_key(request.key_type);
  auto cert = make_ca_certificate(key.get(), {request.name, request.days, 1}, now);
  auto issuing_key = generate_key(request.key_type);
  auto issuing = make_ca_certificate(issuing_key.get(), {issuing_name(request.name), request.days, 0}, now, cert.get(), key.get());
  CompanyCa ca;
  ca.fingerprint = x509::fingerprint_sha256(cert.get());
  ca.name = request.name;
  ca.cert = store::share(std::move(cert));
  ca.issuing_cert = store::share(std::move(issuing));
  ca.key_type = std::string(to_string(request.key_type));
  ca.crl_url = request.crl_url;
  ca.created_at = now;
  if (store.exists()) (void)store.key();  // unlock before the lock
  store.locked_change(now, [&] {
    const store::StoreKey& k = store.key();
    ca.sealed_key = store::seal_private_key(key.get(), k);
    ca.issuing_sealed_key = store::seal_private_key(issuing_key.get(), k);
    ca.key_id = k.id();
    store::ensure_private_dir(store.root() / "ca");
    store::ensure_private_dir(ca_dir(store, ca.fingerprint));
    if (!store::create_file(ca_dir(store, ca.fingerprint), "ca.json", ca_file_text(ca))) {
      throw Error(Errc::already_exists, "CA " + ca.fingerprint);
    }
  });
  return ca;
}

std::vector<CompanyCa> list_cas(const store::Store& store, std::vector<store::Problem>* problems) {
  std::vector<CompanyCa> out;
  if (!store.exists()) return out;
  for (const auto& name : store::list_names(store.root() / "ca")) {
    if (name.size() != 64 || !is_hex(name, false)) continue;
    try {
      // A folder without ca.json is what a killed `ca init` leaves: nothing to list.
      if (const auto text = store::read_store_file(ca_dir(store, name) / "ca.json")) out.push_back(parse_ca_file(*text, name));
    } catch (const Error& e) {
      if (problems != nullptr) problems->push_back({"ca/" + name + "/ca.json", e.code(), e.detail()});
    }
  }
  std::sort(out.begin(), out.end(), [](const CompanyCa& a, const CompanyCa& b) {
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.fingerprint < b.fingerprint;
  });
  return out;
}

CompanyCa find_ca(const store::Store& store, std::string_view fingerprint) {
  std::vector<store::Problem> problems;
  auto all = list_cas(store, &problems);
  if (fingerprint.empty()) {
    if (all.empty()) {
      if (!problems.empty()) throw Error(problems.front().code, problems.front().detail);
      throw Error(Errc::not_found, "no company CA in the store (inkan ca init)");
    }
    if (all.size() > 1) throw Error(Errc::usage, "the store holds " + std::to_string(all.size()) + " CAs; name one with --ca FINGERPRINT");
    return std::move(all.front());
  }
  const std::string prefix = store::normalize_fingerprint(fingerprint);
  if (prefix.size() < 8) throw Error(Errc::usage, "give the CA's fingerprint (at least 8 hex digits)");
  std::optional<CompanyCa> found;
  for (auto& ca : all) {
    if (ca.fingerprint.compare(0, prefix.size(), prefix) != 0) continue;
    if (found) throw Error(Errc::usage, "CA fingerprint " + prefix + " is ambiguous");
    found = std::move(ca);
  }
  if (!found) throw Error(Errc::not_found, "CA " + prefix);
  return std::move(*found);
}

std::vector<IssuedCertificate> issued_certificates(const store::Store& store, const CompanyCa& ca,
                                                   std::vector<store::Problem>* problems) {
  std::vector<IssuedCertificate> out;
  const auto dir = issued_dir(store, ca.fingerprint);
  for (const auto& name : store::list_names(dir)) {
    if (name.size() < 6 || name.substr(name.size() - 5) != ".json") continue;
    const std::string serial = name.substr(0, name.size() - 5);
    if (!is_hex(serial, true)) continue;
    try {
      if (const auto text = store::read_store_file(dir / name)) out.push_back(parse_issued_file(*text, ca.fingerprint, serial));
    } catch (const Error& e) {
      if (problems != nullptr) problems->push_back({"ca/" + ca.fingerprint + "/issued/" + name, e.code(), e.detail()});
    }
  }
  std::sort(out.begin(), out.end(), [](const IssuedCertificate& a, const IssuedCertificate& b) {
    return a.issued_at != b.issued_at ? a.issued_at > b.issued_at : a.serial < b.serial;
  });
  return out;
}

CaIssueResult ca_issue(store::Store& store, const CompanyCa& ca, const CaIssueRequest& request, std::int64_t now) {
  if (request.memo.size() > kMaxMemo) throw Error(Errc::usage, "the memo is longer than 1000 bytes");
  if (std::any_of(request.memo.begin(), request.memo.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    throw Error(Errc::usage, "the memo is one line of text");
  }
  const auto ca_key = open_issuing_key(store, ca);
  auto key = generate_key(request.key_type);
  auto cert = make_user_certificate(ca.issuing_cert.get(), ca_key.get(), key.get(),
                                    {request.common_name, request.email, request.days, ca.crl_url}, now);
  CaIssueResult result;
  x509::LintOptions lint_options;
  lint_options.at = now;
  result.lint = x509::lint(cert.get(), {ca.issuing_cert.get(), ca.cert.get()}, lint_options);
  std::string defects;
  for (const auto& f : result.lint.findings) {
    if (!expected_finding(f)) defects += (defects.empty() ? "" : ", ") + f.code;
  }
  // Never hand out a certificate that recipients' clients would question.
  if (!defects.empty()) throw Error(Errc::internal, "the issued certificate fails the lint: " + defects);

  result.password = generate_password();
  result.pkcs12 = store::write_pkcs12({{key.get(), cert.get(), request.email}}, {ca.issuing_cert.get(), ca.cert.get()},
                                      result.password, request.profile);

  IssuedCertificate& i = result.issued;
  const auto s = x509::summarize(cert.get());
  i.serial = s.serial;
  i.fingerprint = s.fingerprint_sha256;
  i.common_name = request.common_name;
  i.email = s.emails.empty() ? request.email : s.emails.front();
  i.memo = request.memo;
  i.key_type = key_type_of(key.get());
  i.issued_at = now;
  i.not_before = s.not_before;
  i.not_after = s.not_after;
  i.cert = store::share(std::move(cert));
  store.locked_change(now, [&] {
    if (!store::read_store_file(ca_dir(store, ca.fingerprint) / "ca.json")) throw Error(Errc::not_found, "CA " + ca.fingerprint);
    store::ensure_private_dir(issued_dir(store, ca.fingerprint));
    if (!store::create_file(issued_dir(store, ca.fingerprint), i.serial + ".json", issued_file_text(i))) {
      throw Error(Errc::internal, "serial " + i.serial + " issued twice");
    }
  });
  return result;
}

IssuedCertificate ca_revoke(store::Store& store, const CompanyCa& ca, std::string_view serial, std::string_view reason,
                            std::int64_t now) {
  const std::string wanted = normalize_serial(serial);
  const std::string why = reason.empty() ? "unspecified" : std::string(reason);
  const auto& reasons = crl_reasons();
  if (std::find(reasons.begin(), reasons.end(), why) == reasons.end()) {
    std::string list;
    for (const auto r : reasons) list += (list.empty() ? "" : ", ") + std::string(r);
    throw Error(Errc::usage, "reason must be one of " + list);
  }
  IssuedCertificate out;
  store.locked_change(now, [&] {
    const auto dir = issued_dir(store, ca.fingerprint);
    const auto text = store::read_store_file(dir / (wanted + ".json"));
    if (!text) throw Error(Errc::not_found, "serial " + wanted + " was not issued by this CA");
    out = parse_issued_file(*text, ca.fingerprint, wanted);
    if (out.revoked_at != 0) throw Error(Errc::already_exists, "serial " + wanted + " was revoked on " + iso(out.revoked_at));
    out.revoked_at = now;
    out.reason = why;
    store::replace_file(dir, wanted + ".json", issued_file_text(out));
  });
  return out;
}

CrlResult ca_crl(store::Store& store, const CompanyCa& ca, int days, std::int64_t now) {
  const auto ca_key = open_issuing_key(store, ca);
  CrlResult result;
  store.locked_change(now, [&] {
    // The number is taken and recorded under the lock: two CRLs never share one (RFC 5280 §5.2.3).
    const auto text = store::read_store_file(ca_dir(store, ca.fingerprint) / "ca.json");
    if (!text) throw Error(Errc::not_found, "CA " + ca.fingerprint);
    CompanyCa current = parse_ca_file(*text, ca.fingerprint);
    std::vector<RevokedEntry> revoked;
    for (const auto& i : issued_certificates(store, current)) {
      if (i.revoked_at != 0) revoked.push_back({i.serial, i.revoked_at, i.reason});
    }
    std::sort(revoked.begin(), revoked.end(), [](const RevokedEntry& a, const RevokedEntry& b) { return a.serial_hex < b.serial_hex; });
    result.number = current.crl_number + 1;
    result.der = make_crl(current.issuing_cert.get(), ca_key.get(), revoked, result.number, days, now);
    result.revoked = revoked.size();
    result.this_update = now;
    result.next_update = now + static_cast<std::int64_t>(days) * 86400;
    current.crl_number = result.number;
    store::replace_file(ca_dir(store, ca.fingerprint), "ca.json", ca_file_text(current));
  });
  return result;
}

std::vector<store::AnchorEntry> trust_issuing_cas(store::Store& store, const store::ImportReport& report, std::int64_t now) {
  std::vector<X509*> roots;
  const auto trusted = store.trust();
  const auto known = [&](const std::string& fp) {
    return std::any_of(trusted.anchors.begin(), trusted.anchors.end(), [&](const store::AnchorEntry& a) { return a.fingerprint == fp; }) ||
           std::any_of(roots.begin(), roots.end(), [&](X509* r) { return x509::fingerprint_sha256(r) == fp; });
  };
  for (const auto& id : report.added) {
    if (id.chain.empty()) continue;
    X509* top = id.chain.back().get();
    if (X509_check_issued(top, top) != X509_V_OK || X509_check_ca(top) == 0) continue;
    if (!known(x509::fingerprint_sha256(top))) roots.push_back(top);
  }
  ERR_clear_error();
  if (roots.empty()) return {};
  return store.add_anchors(roots, x509::summarize(roots.front()).common_name, now);
}

nlohmann::ordered_json ca_json(const CompanyCa& ca) {
  const auto s = x509::summarize(ca.cert.get());
  return {{"fingerprint", ca.fingerprint},
          {"name", ca.name},
          {"subject", s.subject},
          {"issuing_subject", x509::summarize(ca.issuing_cert.get()).subject},
          {"issuing_fingerprint", x509::fingerprint_sha256(ca.issuing_cert.get())},
          {"key_type", ca.key_type},
          {"not_before", iso(s.not_before)},
          {"not_after", iso(s.not_after)},
          {"crl_url", ca.crl_url},
          {"crl_number", ca.crl_number},
          {"created_at", iso(ca.created_at)}};
}

nlohmann::ordered_json issued_json(const IssuedCertificate& i, std::int64_t now) {
  nlohmann::ordered_json j = {{"serial", i.serial},
                              {"fingerprint", i.fingerprint},
                              {"common_name", i.common_name},
                              {"email", i.email},
                              {"memo", i.memo},
                              {"key_type", i.key_type},
                              {"issued_at", iso(i.issued_at)},
                              {"not_before", iso(i.not_before)},
                              {"not_after", iso(i.not_after)},
                              {"status", i.status(now)}};
  j["revoked_at"] = i.revoked_at != 0 ? nlohmann::ordered_json(iso(i.revoked_at)) : nlohmann::ordered_json(nullptr);
  j["reason"] = i.revoked_at != 0 ? nlohmann::ordered_json(i.reason) : nlohmann::ordered_json(nullptr);
  return j;
}

}  // namespace inkan::enrol
