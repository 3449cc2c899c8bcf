// What the host keeps between requests of one connection: uploads in
// progress (private temporary files), unlocked keys and the unlocked store key
// with an expiry time, the store's trust anchors (built once, rebuilt when the
// trust settings change) and the spool folder. Everything is forgotten when
// the session ends (EOF on stdin); keys never leave memory.
#pragma once

#include "io/source.h"
#include "io/temp_file.h"
#include "keys/credentials.h"
#include "store/store.h"
#include "x509/trust.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace inkan::protocol {

struct SessionConfig {
  std::size_t max_frame = 0;               ///< add-on→host frame limit (set by the host loop)
  bool allow_paths = true;                 ///< {"path":…} inputs/outputs and "spool" (off when fuzzing)
  std::string spool_dir;                   ///< "" = $INKAN_HOST_SPOOL, else $XDG_CACHE_HOME/inkan/spool, else ~/.cache/inkan/spool
  std::int64_t upload_idle_seconds = 600;  ///< an upload untouched this long is deleted
  std::size_t max_uploads = 32;            ///< uploads in progress at once
  std::uint64_t max_upload_bytes = 4ULL << 30;
  std::int64_t max_remember_seconds = 12 * 3600;
  std::filesystem::path store_root;        ///< "" = the user's store ($INKAN_HOME, XDG, ...: store/paths.h)
};

class Session {
public:
  explicit Session(SessionConfig config) : m_config(std::move(config)) {}
  const SessionConfig& config() const { return m_config; }

  /** Appends one upload frame's payload (base64). seq 0 starts the upload. Returns the size so far. */
  std::uint64_t upload_append(const std::string& id, std::uint64_t seq, std::string_view base64, std::int64_t now);
  /** Hands the upload over (it is consumed); throws UPLOAD_NOT_FOUND. */
  std::unique_ptr<io::Source> take_upload(const std::string& id);
  /** Deletes an upload; false if there was none. */
  bool discard_upload(const std::string& id);
  std::size_t upload_count() const { return m_uploads.size(); }

  /** Keeps unlocked credentials in memory until `until` (seconds since the epoch). */
  void remember_key(const std::string& fingerprint, std::shared_ptr<const keys::Credentials> creds,
                    std::int64_t until);
  /** A key remembered and not expired; nullptr otherwise. */
  std::shared_ptr<const keys::Credentials> held_key(const std::string& fingerprint, std::int64_t now) const;
  /** Forgets one key (by fingerprint) or all (empty); returns how many were forgotten. */
  std::size_t forget_keys(const std::string& fingerprint = {});
  std::size_t key_count() const { return m_keys.size(); }

  /**
   * The user's store for one request. When this session holds the store key
   * unlocked (and it is still this store's key), the store uses it, so ops
   * need no passphrase. Reads nothing else.
   */
  store::Store open_store(std::int64_t now);
  /** Keeps the unwrapped store key in memory until `until` (seconds since the epoch). */
  void hold_store_key(store::StoreKey key, std::int64_t until);
  /** Forgets (wipes) the store key; false if none was held. */
  bool forget_store_key();
  /** Until when the store key is held, if it is. */
  std::optional<std::int64_t> store_key_until(std::int64_t now) const;

  /**
   * The anchors `verify` and `decrypt` use without `trust`: Store::trust_store()
   * (Mozilla's e-mail roots + the user's anchors - distrust), built on first
   * use and kept, rebuilt when the store's trust settings changed (by this
   * session, or by another process such as `inkan trust add`).
   */
  std::shared_ptr<const x509::TrustStore> store_trust();
  /** Drops the kept anchors (after trust.add, trust.distrust, trust.remove). */
  void trust_changed() { m_trust.reset(); }

  /** Deletes expired uploads and forgets expired keys. */
  void expire(std::int64_t now);
  /** The earliest time something expires, if anything is held. */
  std::optional<std::int64_t> next_expiry() const;

  /** The spool folder (created 0700 on first use; files older than a day are deleted then). */
  const std::string& spool_dir();

private:
  struct Upload {
    io::TempFile file;
    std::uint64_t next_seq = 0;
    std::int64_t last_used = 0;
  };
  struct HeldKey {
    std::shared_ptr<const keys::Credentials> creds;
    std::int64_t until = 0;
  };

  SessionConfig m_config;
  std::map<std::string, Upload, std::less<>> m_uploads;
  std::map<std::string, HeldKey, std::less<>> m_keys;
  std::optional<store::StoreKey> m_store_key;  // wipes itself when reset or destroyed
  std::int64_t m_store_key_until = 0;
  std::shared_ptr<const x509::TrustStore> m_trust;
  std::string m_trust_stamp;  // the trust folders' state m_trust was built from
  std::string m_spool;
};

}  // namespace inkan::protocol
