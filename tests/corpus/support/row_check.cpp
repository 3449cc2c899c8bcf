#include "support/row_check.h"

#include "error.h"
#include "io/source.h"
#include "smime/analyse.h"
#include "support/payload_text.h"
#include "verdict_json.h"

#include <algorithm>
#include <memory>
#include <optional>

namespace inkan::corpus {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string join(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ",") + s;
  return out;
}

// What one run of the engine produced, whichever operation it was.
struct Observation {
  std::optional<Error> error;        // the operation itself failed
  std::optional<Verdict> verdict;    // analyse() result (of the plaintext, for decrypt rows)
  std::string raw;                   // the payload's bytes
  std::string payload;               // readable text of what a reader would get
  std::string emitted;               // everything the engine handed out (JSON, error detail, payload)
};

// A message input, optionally without its first lines (AS2 puts an HTTP request line first).
std::unique_ptr<io::Source> open_message(const Row& row, const Corpus& corpus) {
  const std::string path = corpus.resolve(row.file).string();
  const auto skip = row.option("skiplines");
  if (!skip) return io::open_input(path);
  std::string bytes = io::read_file(path);
  for (int n = std::stoi(*skip); n > 0; --n) {
    const auto nl = bytes.find('\n');
    bytes.erase(0, nl == std::string::npos ? bytes.size() : nl + 1);
  }
  return std::make_unique<io::MemorySource>(std::move(bytes));
}

struct Prepared {
  std::unique_ptr<x509::TrustStore> trust;
  std::unique_ptr<io::Source> content;
  smime::AnalyseOptions options;
};

Prepared prepare(const Row& row, Corpus& corpus) {
  Prepared p;
  const auto& setup = corpus.setup();
  std::vector<std::string> anchors = setup.trust;
  if (auto t = row.option("trust")) anchors = {*t};
  std::vector<std::string> crls = setup.crls;
  if (auto c = row.option("crl")) crls.push_back(*c);
  p.trust = corpus.trust(anchors, crls);
  p.options.trust = p.trust.get();
  std::vector<std::string> certs = setup.certs;
  if (auto c = row.option("cert")) certs.push_back(*c);
  p.options.extra_certs = corpus.certificates(certs);
  p.options.at = parse_time(row.option("at").value_or(setup.at));
  p.options.allow_sha1 = row.has_option("sha1");
  if (auto k = row.option("key")) {
    KeySpec spec{*k, row.option("keycert").value_or(""), row.option("keypass")};
    p.options.keys = {&corpus.key(spec)};
  } else if (!row.has_option("nokey")) {
    p.options.keys = corpus.default_keys();
  }
  if (auto c = row.option("content")) {
    p.content = io::open_input(corpus.resolve(*c).string());
    p.options.detached_content = p.content.get();
  }
  return p;
}

void record_error(Observation& obs, const Error& e) {
  obs.error = e;
  obs.emitted += error_json(e).dump();
}

void record_analysis(Observation& obs, const smime::Analysis& a) {
  obs.verdict = a.verdict;
  obs.emitted += to_json(a.verdict).dump();
  if (a.content.source != nullptr) {
    obs.raw = io::read_range(*a.content.source, a.content.range.begin, a.content.range.end, 64ULL << 20);
    obs.payload = readable_text(*a.content.source, a.content.range);
  }
  obs.emitted += obs.payload;
}

Observation observe_verify(const Row& row, Corpus& corpus) {
  Observation obs;
  Prepared p = prepare(row, corpus);
  try {
    const auto input = open_message(row, corpus);
    record_analysis(obs, smime::analyse(*input, p.options));
  } catch (const Error& e) {
    record_error(obs, e);
  }
  return obs;
}

// decrypt_message, then analyse() of the plaintext (what a stored, permanently
// decrypted copy would show).
Observation observe_decrypt(const Row& row, Corpus& corpus) {
  Observation obs;
  Prepared p = prepare(row, corpus);
  try {
    const auto input = open_message(row, corpus);
    const smime::DecryptedMessage d = smime::decrypt_message(*input, p.options.keys);
    obs.raw = io::read_range(*d.plaintext, 0, d.plaintext->size(), 64ULL << 20);
    obs.payload = readable_text(*d.plaintext);
    obs.emitted += obs.payload;
    try {
      const smime::Analysis again = smime::analyse(*d.plaintext, p.options);
      obs.verdict = again.verdict;
      obs.emitted += to_json(again.verdict).dump();
    } catch (const Error& e) {
      obs.emitted += error_json(e).dump();  // judged by the tokens that need a verdict
    }
  } catch (const Error& e) {
    record_error(obs, e);
  }
  return obs;
}

std::string describe_observation(const Observation& obs) {
  std::string out;
  if (obs.error) out = "error " + std::string(code_string(obs.error->code())) + " (" + obs.error->detail() + ")";
  if (obs.verdict) out += (out.empty() ? "" : "; then ") + describe(*obs.verdict);
  return out;
}

class Checker {
public:
  Checker(const Row& row, const Observation& obs, const Corpus& corpus) : m_row(row), m_obs(obs), m_corpus(corpus) {}

  std::vector<std::string> run() {
    bool error_expected = false;
    for (const auto& token : m_row.signature) {
      if (token.rfind("error:", 0) == 0 || token == "not-good") error_expected = true;
      check_token(token);
    }
    if (m_obs.error && !error_expected) {
      problem("unexpected error " + std::string(code_string(m_obs.error->code())) + ": " + m_obs.error->detail());
    }
    if (m_obs.error && m_obs.error->code() == Errc::internal) problem("INTERNAL error (a bug by definition)");
    check_encrypted();
    check_signer();
    check_text();
    return std::move(m_problems);
  }

private:
  void problem(std::string text) { m_problems.push_back(std::move(text)); }

  // Tokens about the operation's own result apply to the decryption on decrypt rows;
  // the others need the verdict.
  const Verdict* verdict(const std::string& token) {
    if (!m_obs.verdict) {
      if (!m_obs.error) problem(token + ": no verdict was produced");
      else if (m_row.op == "decrypt") problem(token + ": nothing to analyse, decryption failed");
      return nullptr;
    }
    return &*m_obs.verdict;
  }

  void check_token(const std::string& token) {
    const bool decrypt_row = m_row.op == "decrypt";
    if (token == "ok") {
      if (m_obs.error) problem("expected success");
      return;
    }
    if (token.rfind("error:", 0) == 0) {
      const std::string want = token.substr(6);
      if (!m_obs.error) {
        problem("expected error " + want + ", the operation succeeded");
      } else if (code_string(m_obs.error->code()) != want) {
        problem("expected error " + want + ", got " + std::string(code_string(m_obs.error->code())));
      }
      return;
    }
    if (token == "not-good") {
      if (m_obs.error && !decrypt_row) return;  // failing cleanly is not good either
      if (const Verdict* v = verdict(token); v != nullptr && effective() == Status::good) {
        problem("must not be good");
      }
      return;
    }
    const Verdict* v = verdict(token);
    if (v == nullptr) return;
    const Status status = effective();
    if (token == "GOOD") {
      if (status != Status::good) problem("expected GOOD, status is " + std::string(status_name(status)));
    } else if (token == "BAD") {
      if (!v->is_signed) problem("expected BAD (signed, not good), the message is not signed");
      else if (status == Status::good) problem("expected BAD, status is good");
    } else if (token == "none") {
      if (v->is_signed) problem("expected no signature, status is " + std::string(status_name(status)));
    } else if (token == "signed") {
      if (!v->is_signed) problem("expected a signature");
    } else if (token == "crypto-valid") {
      if (!v->is_signed) problem("expected a signature");
      for (const auto& r : v->reasons) {
        if (status_of_reason(r) == Status::bad) problem("expected a cryptographically valid signature, reason " + r);
      }
    } else if (token.rfind("status:", 0) == 0) {
      if (status_name(status) != token.substr(7)) {
        problem("expected status " + token.substr(7) + ", got " + status_name(status));
      }
    } else if (token.rfind("reason:", 0) == 0) {
      if (!contains(v->reasons, token.substr(7))) problem("expected reason " + token.substr(7));
    } else if (token.rfind("warning:", 0) == 0) {
      if (!contains(v->warnings, token.substr(8))) problem("expected warning " + token.substr(8));
    } else if (token.rfind("no-warning:", 0) == 0) {
      if (contains(v->warnings, token.substr(11))) problem("unexpected warning " + token.substr(11));
    }
  }

  Status effective() const { return effective_status(*m_obs.verdict, m_row.ignore); }

  void check_encrypted() {
    if (m_row.encrypted.empty()) return;
    if (!m_obs.verdict) {
      problem("encrypted=" + m_row.encrypted + ": no verdict");
      return;
    }
    const bool want = m_row.encrypted == "yes";
    if (m_obs.verdict->encrypted != want) problem(want ? "expected encrypted" : "expected not encrypted");
  }

  void check_signer() {
    if (m_row.signer.empty()) return;
    if (!m_obs.verdict || m_obs.verdict->signers.empty() || !m_obs.verdict->signers.front().cert) {
      problem("expected signer " + m_row.signer + ", no signer certificate");
      return;
    }
    const auto& emails = m_obs.verdict->signers.front().cert->emails;
    if (!contains(emails, m_row.signer)) problem("expected signer " + m_row.signer + ", got " + join(emails));
  }

  void check_text() {
    for (const auto& t : m_row.text) {
      switch (t.kind) {
        case TextCheck::Kind::contains:
          if (m_obs.payload.find(t.value) == std::string::npos) problem("text not shown: \"" + t.value + "\"");
          break;
        case TextCheck::Kind::absent:
          if (m_obs.emitted.find(t.value) != std::string::npos) problem("must never be output: \"" + t.value + "\"");
          break;
        case TextCheck::Kind::equals_file: {
          // Line ends may differ: the source projects compare text, not bytes.
          const std::string want = normalise_line_ends(io::read_file(m_corpus.resolve(t.value).string()));
          if (normalise_line_ends(m_obs.raw) != want) problem("payload differs from " + t.value);
          break;
        }
      }
    }
  }

  const Row& m_row;
  const Observation& m_obs;
  const Corpus& m_corpus;
  std::vector<std::string> m_problems;
};

}  // namespace

Status effective_status(const Verdict& verdict, const std::vector<std::string>& ignore) {
  if (ignore.empty() || !verdict.is_signed) return verdict.status;
  // The same rule as Verdict::settle: the worst status any remaining reason implies.
  Status s = Status::good;
  for (const auto& r : verdict.reasons) {
    if (!contains(ignore, r)) s = worse(s, status_of_reason(r));
  }
  return s;
}

std::string describe(const Verdict& v) {
  std::string out = status_name(v.status);
  if (v.encrypted) out += " encrypted";
  if (!v.signers.empty() && v.signers.front().cert && !v.signers.front().cert->emails.empty()) {
    out += " signer=" + v.signers.front().cert->emails.front();
  }
  if (!v.reasons.empty()) out += " reasons=" + join(v.reasons);
  if (!v.warnings.empty()) out += " warnings=" + join(v.warnings);
  return out;
}

RowResult check_row(const Row& row, Corpus& corpus) {
  RowResult result;
  Observation obs;
  try {
    obs = row.op == "decrypt" ? observe_decrypt(row, corpus) : observe_verify(row, corpus);
  } catch (const std::exception& e) {  // the set-up itself (keys, anchors, time) failed: the row cannot be judged
    result.problems.push_back("set-up failed: " + std::string(e.what()));
    return result;
  }
  result.observed = describe_observation(obs);
  result.problems = Checker(row, obs, corpus).run();
  return result;
}

}  // namespace inkan::corpus
