#include "challenge_mail.h"

#include "error.h"
#include "mime/address.h"
#include "mime/headers.h"
#include "rfc8823.h"

#include <algorithm>

namespace inkan::enrol {
namespace {

// Header fields a DKIM signature must cover for the mail's meaning to be
// protected: From (RFC 6376 §5.4 requires it) and Subject (it carries token-part1).
constexpr std::string_view kMustSign[] = {"from", "subject"};
// RFC 8823 §3.1 lists more; their absence is reported, not fatal.
constexpr std::string_view kShouldSign[] = {"to", "date", "message-id", "auto-submitted", "reply-to", "content-type"};

// A CA's challenge has a dozen header fields; a block larger than this is not one.
constexpr std::size_t kMaxChallengeHeader = 256 * 1024;

std::string_view header_block_of(std::string_view raw) {
  const auto crlf = raw.find("\r\n\r\n");
  const auto lf = raw.find("\n\n");
  const auto end = std::min(crlf == std::string_view::npos ? raw.size() : crlf + 2, lf == std::string_view::npos ? raw.size() : lf + 1);
  return raw.substr(0, end);
}

bool has_blank_line(std::string_view raw) {
  return raw.find("\r\n\r\n") != std::string_view::npos || raw.find("\n\n") != std::string_view::npos;
}

std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : mime::to_lower(address.substr(at + 1));
}

std::string strip_spaces(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out += c;
  }
  return out;
}

std::string strip_comments(std::string_view s) {
  std::string out;
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' && depth > 0) {
      ++i;
      continue;
    }
    if (c == '(') ++depth;
    else if (c == ')' && depth > 0) --depth;
    else if (depth == 0) out += c;
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::vector<std::string> addresses_of(const mime::Headers& headers, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& f : headers.fields()) {
    if (!mime::iequals(f.name, name)) continue;
    for (const auto& m : mime::parse_mailboxes(f.value)) out.push_back(mime::normalize_address(m.address));
  }
  return out;
}

std::string message_id_of(const mime::Headers& headers) {
  const auto* f = headers.find("Message-ID");
  if (f == nullptr) return {};
  const std::string id(mime::trim(f->value));
  // One msg-id (RFC 5322 §3.6.4), nothing that could break the reply's header lines.
  if (id.size() < 3 || id.size() > 900 || id.front() != '<' || id.back() != '>') return {};
  for (const char c : id.substr(1, id.size() - 2)) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '<' || c == '>') return {};
  }
  return id;
}

// Authentication-Results (RFC 8601 §2.2): "authserv-id [version]; method=result ptype.prop=value ...; ...".
bool trusted_dkim_pass(const mime::Headers& headers, const std::vector<std::string>& trusted, const std::string& from_domain,
                       std::string& by) {
  for (const auto& f : headers.fields()) {
    if (!mime::iequals(f.name, "Authentication-Results")) continue;
    const auto parts = split(strip_comments(f.value), ';');
    if (parts.empty()) continue;
    const std::string_view id_part = mime::trim(parts.front());
    const std::string id = mime::to_lower(id_part.substr(0, id_part.find_first_of(" \t")));
    if (!std::any_of(trusted.begin(), trusted.end(), [&](const std::string& t) { return mime::to_lower(t) == id; })) continue;
    for (std::size_t i = 1; i < parts.size(); ++i) {
      std::string_view rest = mime::trim(parts[i]);
      std::vector<std::string> words;
      while (!rest.empty()) {
        const auto sp = rest.find_first_of(" \t\r\n");
        words.emplace_back(rest.substr(0, sp));
        if (sp == std::string_view::npos) break;
        rest = mime::trim(rest.substr(sp));
      }
      if (words.empty() || mime::to_lower(words.front()) != "dkim=pass") continue;
      for (const auto& w : words) {
        const std::string lw = mime::to_lower(w);
        std::string d;
        if (lw.rfind("header.d=", 0) == 0) d = lw.substr(9);
        else if (lw.rfind("header.i=", 0) == 0) d = domain_of(lw.substr(9));
        if (!d.empty() && d == from_domain) {
          by = "authentication-results:" + id;
          return true;
        }
      }
    }
  }
  return false;
}

bool is_smime_signed(const mime::Headers& headers) {
  const auto ct = mime::content_type_of(headers);
  if (ct.is("multipart", "signed")) {
    const std::string protocol = mime::to_lower(ct.param("protocol"));
    return protocol == "application/pkcs7-signature" || protocol == "application/x-pkcs7-signature";
  }
  if (ct.is("application", "pkcs7-mime") || ct.is("application", "x-pkcs7-mime")) {
    return mime::to_lower(ct.param("smime-type")) == "signed-data";
  }
  return false;
}

}  // namespace

std::optional<DkimSignature> parse_dkim_signature(std::string_view value) {
  DkimSignature sig;
  bool has_d = false;
  bool has_h = false;
  for (const auto& tag : split(value, ';')) {
    const auto eq = tag.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = strip_spaces(tag.substr(0, eq));
    const std::string val = strip_spaces(tag.substr(eq + 1));
    if (name == "d") {
      sig.domain = mime::to_lower(val);
      has_d = !val.empty();
    } else if (name == "s") {
      sig.selector = val;
    } else if (name == "a") {
      sig.algorithm = mime::to_lower(val);
    } else if (name == "h") {
      for (const auto& h : split(val, ':')) {
        if (!h.empty()) sig.signed_headers.push_back(mime::to_lower(h));
      }
      has_h = !sig.signed_headers.empty();
    }
  }
  if (!has_d || !has_h) return std::nullopt;
  return sig;
}

bool ChallengeMail::acceptable() const {
  return !checks.empty() && std::all_of(checks.begin(), checks.end(), [](const ChallengeCheck& c) { return c.passed || !c.required; });
}

std::string ChallengeMail::failed_rules() const {
  std::string out;
  for (const auto& c : checks) {
    if (c.passed || !c.required) continue;
    if (!out.empty()) out += ", ";
    out += c.rule;
    if (!c.detail.empty()) out += " (" + c.detail + ")";
  }
  return out;
}

ChallengeMail examine_challenge_mail(std::string_view raw, const ChallengeMailPolicy& policy) {
  ChallengeMail mail;
  auto add = [&mail](std::string rule, bool passed, bool required, std::string detail = {}) {
    mail.checks.push_back({std::move(rule), passed, required, std::move(detail)});
  };
  const bool strict = !policy.lenient;

  const std::string_view block = header_block_of(raw);
  mime::Headers headers;
  std::string block_problem;
  if (!has_blank_line(raw)) {
    block_problem = "no end of the header block";
  } else if (block.size() > kMaxChallengeHeader) {
    block_problem = "header block over " + std::to_string(kMaxChallengeHeader / 1024) + " KiB";
  } else {
    try {
      headers = mime::parse_header_text(block);
    } catch (const Error& e) {
      block_problem = e.detail();
    }
  }
  if (block_problem.empty() && headers.empty()) block_problem = "no header fields";
  add("header_block", block_problem.empty(), true, block_problem);

  // Two From or Subject fields let a signature cover one while a client shows the other.
  std::string repeated;
  for (const char* name : {"From", "To", "Subject", "Reply-To", "Message-ID", "Auto-Submitted", "Content-Type"}) {
    if (headers.count(name) > 1) repeated += std::string(repeated.empty() ? "" : ", ") + name;
  }
  add("single_fields", repeated.empty(), true, repeated.empty() ? "" : "repeated: " + repeated);

  const auto from = addresses_of(headers, "From");
  mail.from = from.size() == 1 ? from.front() : std::string();
  const std::string expected_from = mime::normalize_address(policy.expected_from);
  add("from", from.size() == 1 && !expected_from.empty() && from.front() == expected_from, true,
      from.size() == 1 ? (from.front() == expected_from ? "" : "From is " + from.front() + ", the challenge names " + expected_from)
                       : "From must name exactly one mailbox");

  mail.to = addresses_of(headers, "To");
  const std::string address = mime::normalize_address(policy.address);
  add("to", !address.empty() && contains(mail.to, address), true,
      contains(mail.to, address) ? "" : "To does not name " + address);

  mail.reply_to = addresses_of(headers, "Reply-To");
  mail.message_id = message_id_of(headers);

  const auto* subject = headers.find("Subject");
  const auto token = subject != nullptr ? rfc8823::token_part1_from_subject(subject->value) : std::nullopt;
  if (token) mail.token_part1 = *token;
  add("subject", token.has_value(), true, token ? "" : "the Subject is not \"ACME: <token-part1>\" with at least 128 bits");

  // RFC 8823 §3.1 / RFC 3834: the CA's mail is marked auto-generated; type=acme SHOULD be there.
  const auto* auto_submitted = headers.find("Auto-Submitted");
  std::string keyword;
  std::string type;
  if (auto_submitted != nullptr) {
    const std::string uncommented = strip_comments(auto_submitted->value);  // RFC 3834 allows CFWS
    const std::string_view v = uncommented;
    keyword = mime::to_lower(mime::trim(v.substr(0, v.find(';'))));
    if (const auto semi = v.find(';'); semi != std::string_view::npos) {
      const auto params = mime::parse_parameters(v.substr(semi));
      if (const auto it = params.find("type"); it != params.end()) type = mime::to_lower(it->second);
    }
  }
  add("auto_submitted", keyword == "auto-generated", strict,
      auto_submitted == nullptr ? "no Auto-Submitted field" : (keyword == "auto-generated" ? "" : "Auto-Submitted is " + keyword));
  add("auto_submitted_type", type == "acme", false, type == "acme" ? "" : "no type=acme parameter");

  // Authenticity: DKIM aligned with From, a trusted Authentication-Results, or S/MIME.
  const std::string from_domain = domain_of(mail.from);
  for (const auto& f : headers.fields()) {
    if (!mime::iequals(f.name, "DKIM-Signature")) continue;
    auto sig = parse_dkim_signature(f.value);
    if (!sig) continue;
    sig->aligned = !from_domain.empty() && sig->domain == from_domain &&
                   std::all_of(std::begin(kMustSign), std::end(kMustSign), [&](std::string_view h) { return contains(sig->signed_headers, h); });
    if (sig->aligned && policy.verify_dkim) sig->verified = policy.verify_dkim(raw, *sig);
    mail.dkim.push_back(std::move(*sig));
  }
  mail.smime_signed = is_smime_signed(headers);

  bool authentic = false;
  bool verified = false;
  std::string auth_detail;
  std::string by;
  if (!from_domain.empty() && trusted_dkim_pass(headers, policy.trusted_authserv_ids, from_domain, by)) {
    authentic = verified = true;
    mail.authenticated_by = by;
  }
  const bool any_aligned = std::any_of(mail.dkim.begin(), mail.dkim.end(), [](const DkimSignature& s) { return s.aligned; });
  if (!authentic) {
    for (const auto& s : mail.dkim) {
      if (s.aligned && s.verified == true) {
        authentic = verified = true;
        mail.authenticated_by = "dkim";
        break;
      }
    }
  }
  std::optional<bool> smime_ok;
  if (!authentic && mail.smime_signed && policy.verify_smime) smime_ok = policy.verify_smime(raw);
  if (!authentic && smime_ok == true) {
    authentic = verified = true;
    mail.authenticated_by = "smime";
  }
  if (!authentic) {
    // Without a verifier, a present and aligned signature is accepted but marked unverified;
    // a verifier's "false" is final.
    const bool dkim_refuted = any_aligned && std::all_of(mail.dkim.begin(), mail.dkim.end(), [](const DkimSignature& s) {
                                return !s.aligned || s.verified == false;
                              });
    if (any_aligned && !dkim_refuted) {
      authentic = true;
      mail.authenticated_by = "dkim-unverified";
    } else if (mail.smime_signed && smime_ok != false) {
      authentic = true;
      mail.authenticated_by = "smime-unverified";
    } else if (dkim_refuted) {
      auth_detail = "the DKIM signature did not verify";
    } else if (smime_ok == false) {
      auth_detail = "the S/MIME signature did not verify";
    } else if (!mail.dkim.empty()) {
      auth_detail = "no DKIM signature with d=" + from_domain + " covering From and Subject";
    } else {
      auth_detail = "neither DKIM- nor S/MIME-signed";
    }
  }
  add("authenticity", authentic, strict, auth_detail);
  add("authenticity_verified", verified, false, verified ? "" : "no verifier confirmed the signature");

  if (any_aligned) {
    std::string missing;
    for (const auto& s : mail.dkim) {
      if (!s.aligned) continue;
      for (const auto h : kShouldSign) {
        if (!contains(s.signed_headers, h)) missing += std::string(missing.empty() ? "" : ", ") + std::string(h);
      }
      break;
    }
    add("dkim_signed_fields", missing.empty(), false, missing.empty() ? "" : "not signed: " + missing);
  }
  return mail;
}

ChallengeMail check_challenge_mail(std::string_view raw, const ChallengeMailPolicy& policy) {
  auto mail = examine_challenge_mail(raw, policy);
  if (!mail.acceptable()) throw Error(Errc::challenge_mail_invalid, mail.failed_rules());
  return mail;
}

}  // namespace inkan::enrol
