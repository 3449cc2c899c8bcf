// What the ops share: reading parameters (wrong ones are BAD_REQUEST), the
// input forms, the output forms, keys and trust anchors given in the request.
#pragma once

#include "dispatcher.h"
#include "io/sink.h"
#include "keys/credentials.h"
#include "x509/trust.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::protocol::ops {

/** The member, or nullptr when absent or null. */
const Json* member(const Json& obj, std::string_view name);
std::optional<std::string> string_param(const Json& obj, std::string_view name);
std::string required_string(const Json& obj, std::string_view name);
bool bool_param(const Json& obj, std::string_view name, bool fallback);
std::optional<std::int64_t> int_param(const Json& obj, std::string_view name);
const Json& required(const Json& obj, std::string_view name);

/** Who holds the key a request means: a `key` form, or a store `identity`; never both (BAD_REQUEST). */
struct KeyChoice {
  const Json* key = nullptr;
  std::optional<std::string> identity;
};
KeyChoice key_choice(const Json& params);

/** A password or passphrase copied out of the request; wiped when it goes out of scope. */
class Secret {
public:
  /** The string member `name` of obj (BAD_REQUEST if it is not a string); empty when absent. */
  Secret(const Json& obj, std::string_view name);
  ~Secret();
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  const std::optional<std::string>& value() const { return m_value; }

private:
  std::optional<std::string> m_value;
};

/** The base64 text of a "data" member, whether cut out of the frame or a JSON string. */
std::string_view data_text(const OpContext& ctx, const Json& value, std::string_view what);

/** Opens an input form as a Source (uploads are consumed). Counts its size in ctx.stats.bytes_in. */
std::unique_ptr<io::Source> open_input(OpContext& ctx, const Json& form, std::string_view what);
/** A small input (certificate, key file) read whole; INPUT_TOO_LARGE beyond 16 MiB. */
std::string read_small_input(OpContext& ctx, const Json& form, std::string_view what);

/** True when the output form asks for chunk frames ("stream", the default). */
bool is_stream_output(const Json* form);

/** A Source kept alive by shared ownership (to stream bytes the engine already holds). */
class SharedSource final : public io::Source {
public:
  explicit SharedSource(std::shared_ptr<io::Source> src) : m_src(std::move(src)) {}
  std::uint64_t size() const override { return m_src->size(); }
  std::size_t read_at(std::uint64_t offset, std::span<char> out) const override { return m_src->read_at(offset, out); }

private:
  std::shared_ptr<io::Source> m_src;
};

/** Where an op's bytes go: a stream of chunks, a spool file, or a file the add-on named. */
class OutputTarget {
public:
  /**
   * spool_suffix names spool files ("inkan-<random>.eml"); mode is that of written files.
   * Messages are written relaxed (no fsync, as `inkan` and openssl write them: a spool
   * file is sent and deleted at once); key material (PKCS#12 exports) stays synced.
   */
  OutputTarget(OpContext& ctx, const Json* form, std::string_view spool_suffix = ".eml", unsigned mode = 0600,
               io::Durability durability = io::Durability::relaxed);
  /** Its bytes can be read back before finish() (the spool, or the uncommitted file). */
  io::ReadableSink& sink();
  /**
   * Completes the output: commits a file (and puts {path, bytes} in
   * reply.result.output) or hands the spooled bytes to reply.stream.
   */
  void finish(Reply& reply);

private:
  std::string m_path;
  std::unique_ptr<io::SpoolSink> m_spool;
  std::unique_ptr<io::Output> m_file;
  std::uint64_t m_bytes = 0;
  class CountingSink;
  std::unique_ptr<io::ReadableSink> m_counter;
};

/** A key form: loads (or finds a remembered) key; puts {fingerprint, remembered_until} in `result` if remembered. */
std::shared_ptr<const keys::Credentials> load_key(OpContext& ctx, const Json& form, Json& result);

/** Certificates from an array of input forms (each PEM with one or more, or DER). */
std::vector<ossl::X509Ptr> load_certs(OpContext& ctx, const Json* list, std::string_view what);
/** "trust" and "crls" of the request. */
x509::TrustStore load_trust(OpContext& ctx);
/** "crls" of the request. */
std::vector<ossl::X509CrlPtr> load_crls(OpContext& ctx);

/** Times the engine part of an op for the log. */
class EngineTimer {
public:
  explicit EngineTimer(OpContext& ctx) : m_ctx(ctx), m_start(std::chrono::steady_clock::now()) {}
  ~EngineTimer() { m_ctx.stats.engine += std::chrono::steady_clock::now() - m_start; }
  EngineTimer(const EngineTimer&) = delete;
  EngineTimer& operator=(const EngineTimer&) = delete;

private:
  OpContext& m_ctx;
  std::chrono::steady_clock::time_point m_start;
};

}  // namespace inkan::protocol::ops
