#include "enrolment_store.h"

#include "error.h"
#include "mime/codec.h"
#include "mime/date.h"
#include "ossl/error_queue.h"
#include "store/durable_file.h"
#include "store/key_bundle.h"
#include "store/sealed_key.h"
#include "x509/cert.h"

#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace inkan::enrol {
namespace {

constexpr std::string_view kFormat = "inkan-enrolment";
constexpr int kVersion = 1;

std::filesystem::path enrol_dir(const store::Store& s) { return s.root() / "enrol"; }

bool is_id(std::string_view id) {
  return id.size() == 16 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string require_id(std::string_view id) {
  if (!is_id(id)) throw Error(Errc::usage, "not an enrolment id: " + std::string(id.substr(0, 40)));
  return std::string(id);
}

std::string new_id() {
  unsigned char r[8];
  if (RAND_bytes(r, sizeof r) != 1) ossl::throw_last(Errc::internal, "random id");
  return mime::hex_encode(std::string_view(reinterpret_cast<const char*>(r), sizeof r));
}

std::string file_text(const StoredEnrolment& e) {
  const nlohmann::json doc = {{"format", kFormat},
                              {"version", kVersion},
                              {"id", e.id},
                              {"ca_file", e.ca_file},
                              {"created_at", mime::format_iso8601(e.created_at)},
                              {"state", to_json(e.state)}};
  return doc.dump(1) + "\n";
}

StoredEnrolment parse_file(std::string_view text, const std::string& id) {
  const std::string file = "enrol/" + id + ".json";
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("format", std::string()) != kFormat) {
    throw Error(Errc::store_corrupt, file + ": not an Inkan enrolment");
  }
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || version->get<int>() < 1) {
    throw Error(Errc::store_corrupt, file + ": no version");
  }
  if (version->get<int>() > kVersion) throw Error(Errc::store_version_unsupported, file + " is of a newer version");
  try {
    StoredEnrolment e;
    e.id = doc.at("id").get<std::string>();
    if (e.id != id) throw Error(Errc::store_corrupt, file + ": the id does not match the file name");
    e.ca_file = doc.value("ca_file", std::string());
    const auto created = mime::parse_iso8601(doc.value("created_at", std::string()));
    e.created_at = created.value_or(0);
    e.state = enrolment_from_json(doc.at("state"));
    return e;
  } catch (const nlohmann::json::exception&) {
    throw Error(Errc::store_corrupt, file + ": missing or mistyped fields");
  } catch (const Error& err) {
    if (err.code() == Errc::usage) throw Error(Errc::store_corrupt, file + ": " + err.detail());
    throw;
  }
}

}  // namespace

std::string enrolment_passphrase(store::Store& store) { return store.key().pkcs8_password(); }

StoredEnrolment create_enrolment(store::Store& store, EnrolmentRequest request, const std::string& ca_file, std::int64_t now) {
  StoredEnrolment e;
  e.id = new_id();
  e.ca_file = ca_file;
  e.created_at = now;
  // The store key is random and 256 bits: PBKDF2 iterations add nothing (store/sealed_key.h).
  request.key_protection_iterations = store::kSealIterations;
  // Keys are made outside the lock (RSA-3072 takes a while); the store must exist first to have a key.
  if (!store.exists()) store.locked_change(now, [] {});
  e.state = start_enrolment(request, enrolment_passphrase(store), now);
  store.locked_change(now, [&] {
    store::ensure_private_dir(enrol_dir(store));
    if (!store::create_file(enrol_dir(store), e.id + ".json", file_text(e))) throw Error(Errc::internal, "enrolment id reused");
  });
  return e;
}

StoredEnrolment load_enrolment(const store::Store& store, std::string_view id) {
  const std::string name = require_id(id);
  const auto text = store.exists() ? store::read_store_file(enrol_dir(store) / (name + ".json"), 4u << 20) : std::nullopt;
  if (!text) throw Error(Errc::not_found, "enrolment " + name);
  return parse_file(*text, name);
}

std::vector<StoredEnrolment> list_enrolments(const store::Store& store, std::vector<store::Problem>* problems) {
  std::vector<StoredEnrolment> out;
  if (!store.exists()) return out;
  for (const auto& name : store::list_names(enrol_dir(store))) {
    if (name.size() != 21 || name.substr(16) != ".json" || !is_id(name.substr(0, 16))) continue;
    try {
      if (const auto text = store::read_store_file(enrol_dir(store) / name, 4u << 20)) out.push_back(parse_file(*text, name.substr(0, 16)));
    } catch (const Error& e) {
      if (problems != nullptr) problems->push_back({"enrol/" + name, e.code(), e.detail()});
    }
  }
  std::sort(out.begin(), out.end(), [](const StoredEnrolment& a, const StoredEnrolment& b) {
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
  });
  return out;
}

void save_enrolment(store::Store& store, const StoredEnrolment& e, std::int64_t now) {
  const std::string name = require_id(e.id);
  store.locked_change(now, [&] {
    // A cancelled enrolment stays cancelled: never bring its file back.
    if (!store::read_store_file(enrol_dir(store) / (name + ".json"), 4u << 20)) throw Error(Errc::not_found, "enrolment " + name);
    store::replace_file(enrol_dir(store), name + ".json", file_text(e));
  });
}

void remove_enrolment(store::Store& store, std::string_view id, std::int64_t now) {
  const std::string name = require_id(id);
  if (!store.exists()) throw Error(Errc::not_found, "enrolment " + name);
  bool removed = false;
  store.locked_change(now, [&] {
    removed = store::remove_file(enrol_dir(store), name + ".json");
    store::remove_file(enrol_dir(store), name + ".lock");
  });
  if (!removed) throw Error(Errc::not_found, "enrolment " + name);
}

EnrolmentLock::EnrolmentLock(const store::Store& store, std::string_view id) {
  const std::string name = require_id(id);
  const auto path = enrol_dir(store) / (name + ".lock");
  // No lock file for an enrolment that does not exist (ids come from the add-on).
  struct stat st {};
  if (::stat((enrol_dir(store) / (name + ".json")).c_str(), &st) != 0) throw Error(Errc::not_found, "enrolment " + name);
  m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (m_fd < 0) {
    if (errno == ENOENT) throw Error(Errc::not_found, "enrolment " + name);
    throw Error(Errc::io_write, path.string() + ": " + std::strerror(errno));
  }
  if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(m_fd);
    m_fd = -1;
    throw Error(Errc::store_busy, "another Inkan process is advancing enrolment " + name);
  }
}

EnrolmentLock::~EnrolmentLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing releases the flock
}

store::ImportReport finish_enrolment(store::Store& store, const StoredEnrolment& e, std::int64_t now) {
  if (e.state.stage != Stage::done) throw Error(Errc::usage, "enrolment " + e.id + " has no certificate yet");
  auto certs = x509::parse_certificates(e.state.certificate_pem);
  if (certs.empty()) throw Error(Errc::acme_protocol, "the CA's chain holds no certificate");
  store::KeyBundle bundle;
  bundle.format = "acme";  // the identity's source: renewal runs this enrolment again
  store::KeyPair pair;
  pair.key = certificate_key(e.state, enrolment_passphrase(store));
  pair.cert = std::move(certs.front());
  if (X509_check_private_key(pair.cert.get(), pair.key.get()) != 1) {
    throw Error(Errc::key_cert_mismatch, "the CA issued a certificate for another key");
  }
  std::vector<ossl::X509Ptr> rest;
  for (std::size_t i = 1; i < certs.size(); ++i) rest.push_back(std::move(certs[i]));
  pair.chain = store::chain_from_pool(pair.cert.get(), rest);
  bundle.pairs.push_back(std::move(pair));
  std::string file = e.state.server.name.empty() ? e.state.server.directory_url : e.state.server.name;
  store::ImportReport report = store.import_bundle(std::move(bundle), file, now);
  remove_enrolment(store, e.id, now);
  return report;
}

}  // namespace inkan::enrol
