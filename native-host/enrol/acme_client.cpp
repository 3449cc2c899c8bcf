#include "acme_client.h"

#include "base64url.h"
#include "csr.h"
#include "error.h"
#include "jwk.h"
#include "jws.h"
#include "mime/date.h"
#include "mime/headers.h"
#include "x509/cert.h"

#include <algorithm>
#include <thread>

namespace inkan::enrol {
namespace {

constexpr std::size_t kMaxDetail = 400;

// Server text goes into error details: keep it short and on one printable line.
std::string printable(std::string_view text, std::size_t limit = kMaxDetail) {
  std::string out;
  for (const char c : text) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? ' ' : c;
  }
  return out;
}

std::string str(const nlohmann::json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

nlohmann::json parse_json(const HttpResponse& response, std::string_view what) {
  auto j = nlohmann::json::parse(response.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw Error(Errc::acme_protocol, std::string(what) + ": the answer is not a JSON object");
  }
  return j;
}

std::string require(const nlohmann::json& j, const char* name, std::string_view what) {
  std::string v = str(j, name);
  if (v.empty()) throw Error(Errc::acme_protocol, std::string(what) + " without \"" + name + "\"");
  return v;
}

bool is_http_url(std::string_view url) { return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0; }

std::optional<Identifier> identifier_of(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  Identifier id{str(j, "type"), str(j, "value")};
  if (id.type.empty() || id.value.empty()) return std::nullopt;
  return id;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Sleeps in short slices so a cancel request is noticed within a fraction of a second.
void sleep_for(std::chrono::milliseconds total, const std::function<bool()>& cancelled) {
  const auto until = std::chrono::steady_clock::now() + total;
  while (std::chrono::steady_clock::now() < until) {
    if (cancelled && cancelled()) throw Error(Errc::cancelled, "while waiting for the certificate authority");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(100)));
  }
}

std::vector<std::string> link_urls(const HttpResponse& response, std::string_view relation) {
  std::vector<std::string> out;
  for (const auto& value : response.all_headers("Link")) {
    // One field may carry several links: <url>;rel="x", <url2>;rel="y" (RFC 8288 §3).
    std::size_t i = 0;
    while ((i = value.find('<', i)) != std::string::npos) {
      const auto close = value.find('>', i);
      if (close == std::string::npos) break;
      const std::string url = value.substr(i + 1, close - i - 1);
      const auto next = value.find('<', close);
      const std::string params = mime::to_lower(value.substr(close + 1, next == std::string::npos ? std::string::npos : next - close - 1));
      const std::string want = "rel=\"" + std::string(relation) + "\"";
      const std::string bare = "rel=" + std::string(relation);
      if (params.find(want) != std::string::npos ||
          (params.find(bare) != std::string::npos && params.find(bare + "-") == std::string::npos)) {
        out.push_back(url);
      }
      i = close;
    }
  }
  return out;
}

}  // namespace

// ---- problems ---------------------------------------------------------------

std::string Problem::describe() const {
  std::string out = type.empty() ? std::string("(no problem type)") : printable(type, 120);
  if (!detail.empty()) out += ": " + printable(detail);
  if (!subproblems.empty()) {
    out += " [";
    for (std::size_t i = 0; i < subproblems.size() && i < 8; ++i) {
      const auto& s = subproblems[i];
      if (i != 0) out += "; ";
      if (!s.identifier.empty()) out += printable(s.identifier, 120) + ": ";
      out += printable(s.type, 120);
      if (!s.detail.empty()) out += ": " + printable(s.detail, 160);
    }
    if (subproblems.size() > 8) out += "; ...";
    out += "]";
  }
  return out;
}

std::optional<Problem> parse_problem(const nlohmann::json& body, int http_status) {
  if (!body.is_object() || !body.contains("type") || !body["type"].is_string()) return std::nullopt;
  Problem p;
  p.type = body["type"].get<std::string>();
  p.detail = str(body, "detail");
  p.status = body.contains("status") && body["status"].is_number_integer() ? body["status"].get<int>() : http_status;
  if (const auto it = body.find("subproblems"); it != body.end() && it->is_array()) {
    for (const auto& s : *it) {
      if (!s.is_object()) continue;
      Problem::Sub sub{str(s, "type"), str(s, "detail"), {}};
      if (const auto id = s.find("identifier"); id != s.end()) {
        if (auto parsed = identifier_of(*id)) sub.identifier = parsed->to_string();
      }
      p.subproblems.push_back(std::move(sub));
    }
  }
  return p;
}

void throw_problem(const Problem& problem) { throw Error(Errc::acme_problem, problem.describe()); }

Identifier parse_identifier(std::string_view text) {
  const auto colon = text.find(':');
  Identifier id;
  if (colon == std::string_view::npos) {
    id = {"email", std::string(text)};
  } else {
    id = {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
  }
  if (id.type == "email") {
    if (!is_plain_address(id.value)) throw Error(Errc::usage, "not a plain ASCII e-mail address: " + id.value);
    // The local part is case-sensitive (RFC 5321 §2.4); the domain is not.
    const auto at = id.value.find('@');
    id.value = id.value.substr(0, at + 1) + mime::to_lower(id.value.substr(at + 1));
  } else if (id.type == "dns") {
    if (id.value.empty() || id.value.find_first_of(" /@:") != std::string::npos) throw Error(Errc::usage, "not a DNS name: " + id.value);
    id.value = mime::to_lower(id.value);
  } else {
    throw Error(Errc::usage, "identifier type must be email or dns: " + std::string(text));
  }
  return id;
}

// ---- parsers ----------------------------------------------------------------

Directory parse_directory(const nlohmann::json& body) {
  Directory d;
  d.raw = body;
  d.new_nonce = require(body, "newNonce", "directory");
  d.new_account = require(body, "newAccount", "directory");
  d.new_order = require(body, "newOrder", "directory");
  d.revoke_cert = str(body, "revokeCert");
  d.key_change = str(body, "keyChange");
  for (const auto* url : {&d.new_nonce, &d.new_account, &d.new_order}) {
    if (!is_http_url(*url)) throw Error(Errc::acme_protocol, "directory URL is not HTTPS: " + printable(*url, 120));
  }
  if (const auto meta = body.find("meta"); meta != body.end() && meta->is_object()) {
    d.terms_of_service = str(*meta, "termsOfService");
    d.website = str(*meta, "website");
    const auto ear = meta->find("externalAccountRequired");
    d.external_account_required = ear != meta->end() && ear->is_boolean() && ear->get<bool>();
  }
  return d;
}

Challenge parse_challenge(const nlohmann::json& body) {
  if (!body.is_object()) throw Error(Errc::acme_protocol, "challenge is not an object");
  Challenge c;
  c.raw = body;
  c.type = require(body, "type", "challenge");
  c.url = require(body, "url", "challenge");
  c.status = require(body, "status", "challenge");
  c.token = str(body, "token");
  c.from = str(body, "from");
  if (const auto e = body.find("error"); e != body.end()) c.error = parse_problem(*e);
  return c;
}

Authorization parse_authorization(const nlohmann::json& body, std::string url) {
  Authorization a;
  a.url = std::move(url);
  a.raw = body;
  a.status = require(body, "status", "authorization");
  a.expires = str(body, "expires");
  const auto id = body.find("identifier");
  const auto parsed = id != body.end() ? identifier_of(*id) : std::nullopt;
  if (!parsed) throw Error(Errc::acme_protocol, "authorization without an identifier");
  a.identifier = *parsed;
  if (const auto cs = body.find("challenges"); cs != body.end() && cs->is_array()) {
    for (const auto& c : *cs) a.challenges.push_back(parse_challenge(c));
  } else {
    throw Error(Errc::acme_protocol, "authorization without challenges");
  }
  return a;
}

const Challenge* Authorization::challenge(std::string_view type) const {
  for (const auto& c : challenges) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

Order parse_order(const nlohmann::json& body, std::string url) {
  Order o;
  o.url = std::move(url);
  o.raw = body;
  o.status = require(body, "status", "order");
  o.expires = str(body, "expires");
  o.finalize = require(body, "finalize", "order");
  o.certificate = str(body, "certificate");
  if (const auto ids = body.find("identifiers"); ids != body.end() && ids->is_array()) {
    for (const auto& i : *ids) {
      if (auto id = identifier_of(i)) o.identifiers.push_back(*id);
    }
  }
  const auto authz = body.find("authorizations");
  if (authz == body.end() || !authz->is_array()) throw Error(Errc::acme_protocol, "order without authorizations");
  for (const auto& a : *authz) {
    if (!a.is_string()) throw Error(Errc::acme_protocol, "authorization URL is not a string");
    o.authorizations.push_back(a.get<std::string>());
  }
  if (const auto e = body.find("error"); e != body.end()) o.error = parse_problem(*e);
  return o;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::int64_t now) {
  const std::string_view v = mime::trim(value);
  if (v.empty()) return std::nullopt;
  constexpr std::int64_t kDay = 86400;  // a longer wait is a server bug; the caller's deadline rules anyway
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (v.size() > 9) return std::chrono::seconds(kDay);
    return std::chrono::seconds(std::min<std::int64_t>(std::stoll(std::string(v)), kDay));
  }
  const auto when = mime::parse_date(v);  // IMF-fixdate is an RFC 5322 date with zone "GMT"
  if (!when) return std::nullopt;
  return std::chrono::seconds(std::clamp<std::int64_t>(*when - now, 0, kDay));
}

// ---- the client -------------------------------------------------------------

AcmeClient::AcmeClient(std::string directory_url, ossl::EvpPkeyPtr account_key, AcmeOptions options)
    : m_directory_url(std::move(directory_url)), m_key(std::move(account_key)), m_options(std::move(options)),
      m_http(m_options.http) {
  const bool https = m_directory_url.rfind("https://", 0) == 0;
  if (!https && !(m_options.http.allow_plain_http && m_directory_url.rfind("http://", 0) == 0)) {
    throw Error(Errc::usage, "the ACME directory must be an https:// URL (RFC 8555 §6.1)");
  }
  if (!m_key) throw Error(Errc::internal, "no account key");
  (void)jws_algorithm(m_key.get());  // refuse unsupported keys before any request
}

std::string AcmeClient::thumbprint() const { return jwk_thumbprint(m_key.get()); }

void AcmeClient::fail(const HttpResponse& response, std::string_view what) const {
  if (!response.ok()) {
    if (response.cancelled) throw Error(Errc::cancelled, std::string(what));
    throw Error(Errc::network, std::string(what) + ": " + printable(response.error));
  }
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (auto problem = parse_problem(body, static_cast<int>(response.status))) throw_problem(*problem);
  throw Error(Errc::acme_protocol, std::string(what) + ": HTTP " + std::to_string(response.status) +
                                       " without a problem document");
}

const Directory& AcmeClient::directory() {
  if (!m_directory) {
    const auto r = m_http.get(m_directory_url, "application/json");
    if (!r.ok() || r.status != 200) fail(r, "directory");
    m_directory = parse_directory(parse_json(r, "directory"));
    remember_nonce(r);
  }
  return *m_directory;
}

void AcmeClient::set_directory(Directory directory) { m_directory = std::move(directory); }

void AcmeClient::remember_nonce(const HttpResponse& response) {
  const auto nonce = response.header("Replay-Nonce");
  // RFC 8555 §6.5.1: the value is base64url; anything else is not ours to echo back.
  if (nonce && is_base64url(*nonce) && nonce->size() <= 512) {
    if (m_nonces.size() >= 16) m_nonces.erase(m_nonces.begin());
    m_nonces.push_back(*nonce);
  }
}

std::string AcmeClient::take_nonce() {
  if (m_nonces.empty()) {
    const auto r = m_http.head(directory().new_nonce);
    if (!r.ok() || r.status >= 400) fail(r, "newNonce");
    remember_nonce(r);
    if (m_nonces.empty()) throw Error(Errc::acme_protocol, "newNonce gave no Replay-Nonce");
  }
  std::string nonce = std::move(m_nonces.back());
  m_nonces.pop_back();
  return nonce;
}

HttpResponse AcmeClient::post(const std::string& url, const std::optional<nlohmann::json>& payload, bool with_jwk,
                              std::string_view accept) {
  if (!with_jwk && m_account_url.empty()) throw Error(Errc::internal, "no ACME account yet");
  if (!is_http_url(url)) throw Error(Errc::acme_protocol, "not an HTTPS URL: " + printable(url, 120));
  for (int attempt = 0;; ++attempt) {
    JwsRequest request{url, take_nonce(), with_jwk ? std::string() : m_account_url, payload};
    const std::string body = sign_jws(m_key.get(), request).dump();
    auto r = m_http.post(url, body, "application/jose+json", accept);
    if (!r.ok()) fail(r, url);
    remember_nonce(r);
    if (r.status >= 200 && r.status < 300) return r;
    const auto problem = parse_problem(nlohmann::json::parse(r.body, nullptr, false), static_cast<int>(r.status));
    if (problem && problem->type == kBadNonce && attempt < m_options.max_bad_nonce_retries) {
      ++m_bad_nonce_retries;  // RFC 8555 §6.5: retry with the fresh nonce this answer carried
      continue;
    }
    fail(r, url);
  }
}

Account AcmeClient::new_account(const NewAccount& request) {
  const auto& dir = directory();
  nlohmann::json payload = nlohmann::json::object();
  if (request.terms_of_service_agreed) payload["termsOfServiceAgreed"] = true;
  if (!request.contact.empty()) payload["contact"] = request.contact;
  if (request.only_return_existing) payload["onlyReturnExisting"] = true;
  if (request.external_account) {
    payload["externalAccountBinding"] = external_account_binding(public_jwk(m_key.get()), request.external_account->kid,
                                                                 request.external_account->hmac_key, dir.new_account);
  } else if (dir.external_account_required && !request.only_return_existing) {
    throw Error(Errc::usage, "this CA requires an external account binding (a key ID and MAC key from the CA)");
  }
  const auto r = post(dir.new_account, payload, true);
  Account a;
  a.url = r.header("Location").value_or("");
  if (a.url.empty()) throw Error(Errc::acme_protocol, "newAccount answer without Location");
  a.raw = parse_json(r, "account");
  a.status = str(a.raw, "status");
  a.created = r.status == 201;
  if (!a.status.empty() && a.status != "valid") {
    throw Error(Errc::acme_problem, "the account is " + printable(a.status, 40));
  }
  m_account_url = a.url;
  return a;
}

Order AcmeClient::new_order(const std::vector<Identifier>& identifiers) {
  if (identifiers.empty()) throw Error(Errc::usage, "an order needs at least one identifier");
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& id : identifiers) ids.push_back({{"type", id.type}, {"value", id.value}});
  const auto r = post(directory().new_order, nlohmann::json{{"identifiers", ids}});
  const std::string url = r.header("Location").value_or("");
  if (url.empty()) throw Error(Errc::acme_protocol, "newOrder answer without Location");
  auto order = parse_order(parse_json(r, "order"), url);
  order.retry_after = r.header("Retry-After") ? parse_retry_after(*r.header("Retry-After"), now_seconds()) : std::nullopt;
  return order;
}

Order AcmeClient::get_order(const std::string& url) {
  const auto r = post(url, std::nullopt);
  auto order = parse_order(parse_json(r, "order"), url);
  if (const auto ra = r.header("Retry-After")) order.retry_after = parse_retry_after(*ra, now_seconds());
  return order;
}

Authorization AcmeClient::get_authorization(const std::string& url) {
  const auto r = post(url, std::nullopt);
  auto authz = parse_authorization(parse_json(r, "authorization"), url);
  if (const auto ra = r.header("Retry-After")) authz.retry_after = parse_retry_after(*ra, now_seconds());
  return authz;
}

Challenge AcmeClient::get_challenge(const std::string& url) {
  return parse_challenge(parse_json(post(url, std::nullopt), "challenge"));
}

Challenge AcmeClient::answer_challenge(const std::string& url) {
  return parse_challenge(parse_json(post(url, nlohmann::json::object()), "challenge"));
}

Order AcmeClient::finalize(const Order& order, std::string_view csr_der) {
  if (csr_der.empty()) throw Error(Errc::internal, "empty CSR");
  const auto r = post(order.finalize, nlohmann::json{{"csr", base64url_encode(csr_der)}});
  auto updated = parse_order(parse_json(r, "order"), order.url);
  if (const auto ra = r.header("Retry-After")) updated.retry_after = parse_retry_after(*ra, now_seconds());
  return updated;
}

CertificateChain AcmeClient::download_certificate(const std::string& url) {
  const auto r = post(url, std::nullopt, false, "application/pem-certificate-chain");
  CertificateChain chain;
  chain.pem = r.body;
  if (chain.pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    throw Error(Errc::acme_protocol, "the certificate URL did not return a PEM chain");
  }
  try {
    chain.certificates = x509::parse_certificates(chain.pem);
  } catch (const Error& e) {
    throw Error(Errc::acme_protocol, "unreadable certificate chain: " + e.detail());
  }
  if (chain.certificates.empty()) throw Error(Errc::acme_protocol, "empty certificate chain");
  chain.alternates = link_urls(r, "alternate");
  return chain;
}

namespace {

std::chrono::milliseconds next_delay(const std::optional<std::chrono::seconds>& retry_after, int attempt,
                                     const PollOptions& options) {
  const auto cap = std::chrono::duration_cast<std::chrono::milliseconds>(options.max_interval);
  if (retry_after) return std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after), options.min_interval, cap);
  // Without Retry-After: back off from the minimum, doubling, up to the cap.
  auto d = options.min_interval;
  for (int i = 0; i < attempt && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

template <typename Fetch, typename Done>
auto poll(const std::string& url, const PollOptions& options, Fetch fetch, Done done) {
  const auto start = std::chrono::steady_clock::now();
  for (int attempt = 0;; ++attempt) {
    if (options.cancelled && options.cancelled()) throw Error(Errc::cancelled, "while waiting for the certificate authority");
    auto object = fetch();
    if (done(object)) return object;
    const auto delay = next_delay(object.retry_after, attempt, options);
    const auto waited = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
    if (std::chrono::steady_clock::now() - start + delay > options.max_wait) {
      throw Error(Errc::acme_timeout, url + " still " + object.status + " after " + std::to_string(waited.count()) + " s");
    }
    if (options.progress) {
      options.progress({url, object.status, attempt + 1, waited, std::chrono::duration_cast<std::chrono::seconds>(delay)});
    }
    sleep_for(delay, options.cancelled);
  }
}

}  // namespace

Order AcmeClient::wait_for_order(const std::string& url, const std::vector<std::string>& until, const PollOptions& options) {
  return poll(url, options, [&] { return get_order(url); }, [&](const Order& o) {
    if (std::find(until.begin(), until.end(), o.status) != until.end()) return true;
    if (o.status == "invalid") {
      if (o.error) throw_problem(*o.error);
      throw Error(Errc::acme_problem, "the order became invalid");
    }
    if (o.status != "pending" && o.status != "ready" && o.status != "processing" && o.status != "valid") {
      throw Error(Errc::acme_protocol, "unknown order status " + printable(o.status, 40));
    }
    return false;
  });
}

Authorization AcmeClient::wait_for_authorization(const std::string& url, const PollOptions& options) {
  return poll(url, options, [&] { return get_authorization(url); }, [&](const Authorization& a) {
    if (a.status == "valid") return true;
    if (a.status == "pending") return false;
    for (const auto& c : a.challenges) {
      if (c.error) throw_problem(*c.error);
    }
    throw Error(Errc::acme_problem, "the authorization for " + a.identifier.to_string() + " is " + printable(a.status, 40));
  });
}

}  // namespace inkan::enrol
