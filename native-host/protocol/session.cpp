#include "session.h"

#include "base64.h"
#include "error.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace inkan::protocol {
namespace {

void make_dirs(const std::string& path, mode_t mode) {
  for (std::size_t slash = path.find('/', 1); ; slash = path.find('/', slash + 1)) {
    const std::string part = path.substr(0, slash);
    if (::mkdir(part.c_str(), mode) != 0 && errno != EEXIST) {
      throw Error(Errc::io_write, "spool folder " + part + ": " + std::strerror(errno));
    }
    if (slash == std::string::npos) break;
  }
}

std::string default_spool() {
  if (const char* s = std::getenv("INKAN_HOST_SPOOL"); s != nullptr && *s == '/') return s;
  if (const char* c = std::getenv("XDG_CACHE_HOME"); c != nullptr && *c == '/') return std::string(c) + "/inkan/spool";
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home != '/') throw Error(Errc::io_write, "no spool folder: HOME is not set");
  return std::string(home) + "/.cache/inkan/spool";
}

// Spool files hand finished messages to Thunderbird, which deletes them after
// sending; anything a day old was abandoned.
void delete_stale(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  const std::time_t cutoff = std::time(nullptr) - 24 * 3600;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.rfind("inkan-", 0) != 0) continue;
    const std::string path = dir + "/" + name;
    struct stat st{};
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime < cutoff) ::unlink(path.c_str());
  }
  ::closedir(d);
}

store::StoreOptions store_options(const SessionConfig& config) {
  store::StoreOptions options;
  options.root = config.store_root;
  return options;
}

// The state of the store's trust folders: every change adds, renames or removes a
// file there (store/durable_file.h), which changes the folder's modification time.
std::string trust_stamp(const std::filesystem::path& root) {
  std::string stamp;
  for (const char* sub : {"trust/anchors", "trust/distrust"}) {
    struct stat st{};
    if (::stat((root / sub).c_str(), &st) != 0) {
      stamp += "-;";
      continue;
    }
    stamp += std::to_string(st.st_ino) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
             std::to_string(st.st_mtim.tv_nsec) + ";";
  }
  return stamp;
}

}  // namespace

std::uint64_t Session::upload_append(const std::string& id, std::uint64_t seq, std::string_view base64,
                                     std::int64_t now) {
  auto it = m_uploads.find(id);
  if (seq == 0) {
    if (it != m_uploads.end()) throw Error(Errc::bad_request, "upload " + id + " was already started");
    if (m_uploads.size() >= m_config.max_uploads) {
      throw Error(Errc::bad_request, "too many uploads in progress (" + std::to_string(m_config.max_uploads) + ")");
    }
    it = m_uploads.emplace(id, Upload{}).first;
  } else if (it == m_uploads.end()) {
    throw Error(Errc::upload_not_found, id);
  } else if (seq != it->second.next_seq) {
    throw Error(Errc::bad_request, "upload " + id + ": seq " + std::to_string(seq) + " where " +
                                       std::to_string(it->second.next_seq) + " was expected");
  }
  Upload& up = it->second;
  if (up.file.size() + base64.size() / 4 * 3 > m_config.max_upload_bytes) {
    m_uploads.erase(it);
    throw Error(Errc::input_too_large, "upload over " + std::to_string(m_config.max_upload_bytes) + " bytes");
  }
  try {
    base64_decode_each(base64, "data", [&](std::string_view bytes) { up.file.write(bytes); });
  } catch (...) {
    // A damaged piece spoils the whole upload: the client starts again.
    m_uploads.erase(it);
    throw;
  }
  up.next_seq = seq + 1;
  up.last_used = now;
  return up.file.size();
}

std::unique_ptr<io::Source> Session::take_upload(const std::string& id) {
  const auto it = m_uploads.find(id);
  if (it == m_uploads.end()) throw Error(Errc::upload_not_found, id);
  io::TempFile file = std::move(it->second.file);
  m_uploads.erase(it);
  return std::make_unique<io::FileSource>(file.release_fd());
}

bool Session::discard_upload(const std::string& id) { return m_uploads.erase(id) > 0; }

void Session::remember_key(const std::string& fingerprint, std::shared_ptr<const keys::Credentials> creds,
                           std::int64_t until) {
  m_keys[fingerprint] = HeldKey{std::move(creds), until};
}

std::shared_ptr<const keys::Credentials> Session::held_key(const std::string& fingerprint, std::int64_t now) const {
  const auto it = m_keys.find(fingerprint);
  if (it == m_keys.end() || it->second.until <= now) return nullptr;
  return it->second.creds;
}

std::size_t Session::forget_keys(const std::string& fingerprint) {
  if (fingerprint.empty()) {
    const std::size_t n = m_keys.size();
    m_keys.clear();
    return n;
  }
  return m_keys.erase(fingerprint);
}

store::Store Session::open_store(std::int64_t now) {
  store::Store s(store_options(m_config));
  if (m_store_key && m_store_key_until > now) {
    // A store.json replaced by another store's since the unlock: the key is of no use to it.
    const auto header = s.header();
    if (header && header->key_id == m_store_key->id()) {
      s.set_key(*m_store_key);
    } else {
      forget_store_key();
    }
  }
  return s;
}

void Session::hold_store_key(store::StoreKey key, std::int64_t until) {
  m_store_key = std::move(key);
  m_store_key_until = until;
}

bool Session::forget_store_key() {
  const bool held = m_store_key.has_value();
  m_store_key.reset();
  m_store_key_until = 0;
  return held;
}

std::optional<std::int64_t> Session::store_key_until(std::int64_t now) const {
  if (!m_store_key || m_store_key_until <= now) return std::nullopt;
  return m_store_key_until;
}

std::shared_ptr<const x509::TrustStore> Session::store_trust() {
  const store::Store s(store_options(m_config));
  std::string stamp = trust_stamp(s.root());
  if (!m_trust || stamp != m_trust_stamp) {
    m_trust = std::make_shared<const x509::TrustStore>(s.trust_store());
    m_trust_stamp = std::move(stamp);
  }
  return m_trust;
}

void Session::expire(std::int64_t now) {
  for (auto it = m_uploads.begin(); it != m_uploads.end();) {
    it = now - it->second.last_used >= m_config.upload_idle_seconds ? m_uploads.erase(it) : std::next(it);
  }
  for (auto it = m_keys.begin(); it != m_keys.end();) {
    it = it->second.until <= now ? m_keys.erase(it) : std::next(it);
  }
  if (m_store_key && m_store_key_until <= now) forget_store_key();
}

std::optional<std::int64_t> Session::next_expiry() const {
  std::optional<std::int64_t> t;
  for (const auto& [id, up] : m_uploads) {
    const std::int64_t at = up.last_used + m_config.upload_idle_seconds;
    if (!t || at < *t) t = at;
  }
  for (const auto& [fp, key] : m_keys) {
    if (!t || key.until < *t) t = key.until;
  }
  if (m_store_key && (!t || m_store_key_until < *t)) t = m_store_key_until;
  return t;
}

const std::string& Session::spool_dir() {
  if (!m_config.allow_paths) throw Error(Errc::bad_request, "spool and path outputs are disabled");
  if (m_spool.empty()) {
    std::string dir = m_config.spool_dir.empty() ? default_spool() : m_config.spool_dir;
    make_dirs(dir, 0700);
    delete_stale(dir);
    m_spool = std::move(dir);
  }
  return m_spool;
}

}  // namespace inkan::protocol
