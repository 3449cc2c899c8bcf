// The store key and store.json.
//
// One random 256-bit store key encrypts every private key in the store
// (sealed_key.h). store.json holds that key either wrapped by the user's
// passphrase (scrypt, then AES-256-GCM) or, when the user chose no passphrase
// (Thunderbird's default without a Primary Password), as plain hex in a file
// only the user can read. Changing the passphrase rewrites store.json alone:
// the store key, and so every sealed private key, stays the same.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inkan::store {

/** The store key (DEK); wiped from memory when destroyed. */
class StoreKey {
public:
  static constexpr std::size_t kSize = 32;

  static StoreKey generate();
  /** From exactly kSize bytes; throws STORE_CORRUPT otherwise. */
  static StoreKey from_bytes(std::string_view bytes);

  StoreKey(const StoreKey& other) = default;
  StoreKey& operator=(const StoreKey& other) = default;
  ~StoreKey();

  std::string_view bytes() const;
  /** A public label of the key (16 hex digits), so a file sealed under another store's key is recognised. */
  std::string id() const;
  /** The key as the password that opens sealed private keys (64 hex digits, so `openssl pkcs8` can use it too). */
  std::string pkcs8_password() const;

private:
  StoreKey() = default;
  std::array<unsigned char, kSize> m_key{};
};

/** scrypt cost (RFC 7914). N = 2^15, r = 8, p = 1: about 32 MiB and 0.1 s per unlock. */
struct ScryptParams {
  std::uint64_t n = 1U << 15;
  std::uint32_t r = 8;
  std::uint32_t p = 1;
};

/** What store.json says, parsed and checked. */
struct StoreFile {
  static constexpr int kVersion = 1;

  int version = kVersion;
  std::string created_at;   ///< ISO 8601 UTC
  std::string key_id;       ///< StoreKey::id()
  bool has_passphrase = false;
  ScryptParams scrypt;      ///< when has_passphrase
  nlohmann::json document;  ///< the whole file, kept so rewrites preserve what they do not touch
};

/** Parses store.json; STORE_CORRUPT if damaged, STORE_VERSION_UNSUPPORTED if newer. */
StoreFile parse_store_file(std::string_view text);

/** A store.json for `key`, protected by `passphrase` if given. `previous` keeps creation time and unknown fields. */
std::string make_store_file(const StoreKey& key, const std::optional<std::string>& passphrase,
                            const ScryptParams& params, std::int64_t now, const StoreFile* previous = nullptr);

/**
 * The store key from store.json: plain, or unwrapped with the passphrase.
 * STORE_LOCKED if one is needed and none was given; BAD_PASSWORD if it is wrong.
 */
StoreKey unlock_store_key(const StoreFile& file, const std::optional<std::string>& passphrase);

}  // namespace inkan::store
