#include "ops/support.h"

#include "base64.h"
#include "error.h"
#include "mime/date.h"
#include "x509/cert.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>

namespace inkan::protocol::ops {
namespace {

// Inline data up to this size is decoded in memory; beyond, into a private temporary file.
constexpr std::size_t kInlineInMemory = 8ULL << 20;
constexpr std::uint64_t kMaxSmallInput = 16ULL << 20;

[[noreturn]] void bad(std::string_view what, std::string_view why) {
  throw Error(Errc::bad_request, std::string(what) + ": " + std::string(why));
}

/** Adds a form to a '+'-joined list, each form once. */
void note_form(std::string& forms, std::string_view form) {
  if (("+" + forms + "+").find("+" + std::string(form) + "+") != std::string::npos) return;
  if (!forms.empty()) forms += '+';
  forms += form;
}

std::string absolute_path(const OpContext& ctx, const Json& value, std::string_view what) {
  if (!ctx.session.config().allow_paths) bad(what, "paths are disabled in this host");
  if (!value.is_string()) bad(what, "path must be a string");
  const std::string& path = value.get_ref<const std::string&>();
  // The host's working directory is Thunderbird's choice, so only absolute paths mean something.
  if (path.empty() || path.front() != '/') bad(what, "path must be absolute");
  if (path.find('\0') != std::string::npos) bad(what, "path holds a NUL");
  return path;
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> r(bytes);
  if (RAND_bytes(r.data(), static_cast<int>(r.size())) != 1) throw Error(Errc::internal, "no random bytes");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : r) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace

Secret::Secret(const Json& obj, std::string_view name) {
  const Json* v = member(obj, name);
  if (v == nullptr) return;
  if (!v->is_string()) bad(name, "must be a string");
  m_value = v->get_ref<const std::string&>();
}

Secret::~Secret() {
  if (m_value) OPENSSL_cleanse(m_value->data(), m_value->size());
}

const Json* member(const Json& obj, std::string_view name) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(name);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

const Json& required(const Json& obj, std::string_view name) {
  const Json* v = member(obj, name);
  if (v == nullptr) bad(name, "missing");
  return *v;
}

std::optional<std::string> string_param(const Json& obj, std::string_view name) {
  const Json* v = member(obj, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) bad(name, "must be a string");
  return v->get<std::string>();
}

KeyChoice key_choice(const Json& params) {
  KeyChoice choice{member(params, "key"), string_param(params, "identity")};
  if (choice.key != nullptr && choice.identity) throw Error(Errc::bad_request, "key and identity exclude each other");
  return choice;
}

std::string required_string(const Json& obj, std::string_view name) {
  auto v = string_param(obj, name);
  if (!v) bad(name, "missing");
  return *v;
}

bool bool_param(const Json& obj, std::string_view name, bool fallback) {
  const Json* v = member(obj, name);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) bad(name, "must be true or false");
  return v->get<bool>();
}

std::optional<std::int64_t> int_param(const Json& obj, std::string_view name) {
  const Json* v = member(obj, name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) bad(name, "must be an integer");
  return v->get<std::int64_t>();
}

std::string_view data_text(const OpContext& ctx, const Json& value, std::string_view what) {
  if (is_payload_placeholder(value)) return ctx.request.payload;
  if (!value.is_string()) bad(what, "data must be a base64 string");
  return value.get_ref<const std::string&>();
}

std::unique_ptr<io::Source> open_input(OpContext& ctx, const Json& form, std::string_view what) {
  if (!form.is_object()) bad(what, "an input is an object with data, upload or path");
  const Json* data = member(form, "data");
  const Json* upload = member(form, "upload");
  const Json* path = member(form, "path");
  if ((data != nullptr) + (upload != nullptr) + (path != nullptr) != 1) {
    bad(what, "an input has exactly one of data, upload or path");
  }
  std::unique_ptr<io::Source> src;
  if (data != nullptr) {
    const std::string_view text = data_text(ctx, *data, what);
    if (text.size() <= kInlineInMemory) {
      src = std::make_unique<io::MemorySource>(base64_decode(text, what));
    } else {
      io::TempFile file;
      base64_decode_each(text, what, [&](std::string_view bytes) { file.write(bytes); });
      src = std::make_unique<io::FileSource>(file.release_fd());
    }
  } else if (upload != nullptr) {
    if (!upload->is_string()) bad(what, "upload must be a string");
    src = ctx.session.take_upload(upload->get<std::string>());
  } else {
    // Only a regular file: a FIFO or a device named here would hang the host or never end.
    src = io::open_regular_file(absolute_path(ctx, *path, what));
  }
  ctx.stats.bytes_in += src->size();
  // The form (never a name or a byte of content) goes to the log line: which way the add-on sent it.
  note_form(ctx.stats.in_forms, data != nullptr ? "data" : upload != nullptr ? "upload" : "path");
  return src;
}

std::string read_small_input(OpContext& ctx, const Json& form, std::string_view what) {
  const auto src = open_input(ctx, form, what);
  return io::read_range(*src, 0, src->size(), kMaxSmallInput);
}

class OutputTarget::CountingSink final : public io::ReadableSink {
public:
  CountingSink(io::ReadableSink& inner, std::uint64_t& count) : m_inner(inner), m_count(count) {}
  void write(std::string_view bytes) override {
    m_inner.write(bytes);
    m_count += bytes.size();
  }
  void flush() override { m_inner.flush(); }
  void write_from(const io::Source& src, io::Range range) override {  // keeps the file sink's kernel copy
    m_inner.write_from(src, range);
    m_count += range.size();
  }
  std::unique_ptr<io::Source> to_source() override { return m_inner.to_source(); }
  void restart() override {
    m_inner.restart();
    m_count = 0;
  }

private:
  io::ReadableSink& m_inner;
  std::uint64_t& m_count;
};

bool is_stream_output(const Json* form) { return form == nullptr || (form->is_string() && *form == "stream"); }

OutputTarget::OutputTarget(OpContext& ctx, const Json* form, std::string_view spool_suffix, unsigned mode,
                           io::Durability durability) {
  if (is_stream_output(form)) {
    m_spool = std::make_unique<io::SpoolSink>();
  } else if (form->is_string() && *form == "spool") {
    m_path = ctx.session.spool_dir() + "/inkan-" + random_hex(12) + std::string(spool_suffix);
  } else if (form->is_object() && member(*form, "path") != nullptr && form->size() == 1) {
    m_path = absolute_path(ctx, (*form)["path"], "output");
  } else {
    bad("output", "must be \"stream\", \"spool\" or {\"path\": …}");
  }
  if (!m_spool) m_file = std::make_unique<io::Output>(m_path, mode, durability);
  io::ReadableSink& inner = m_spool ? static_cast<io::ReadableSink&>(*m_spool) : m_file->sink();
  m_counter = std::make_unique<CountingSink>(inner, m_bytes);
}

io::ReadableSink& OutputTarget::sink() { return *m_counter; }

void OutputTarget::finish(Reply& reply) {
  if (m_spool) {
    reply.stream = m_spool->to_source();
    return;
  }
  m_file->commit();
  reply.result["output"] = {{"path", m_path}, {"bytes", m_bytes}};
}

std::shared_ptr<const keys::Credentials> load_key(OpContext& ctx, const Json& form, Json& result) {
  if (!form.is_object()) bad("key", "must be an object");
  if (const auto fp = string_param(form, "fingerprint")) {
    auto held = ctx.session.held_key(*fp, ctx.now);
    if (!held) throw Error(Errc::password_required, "the key is not (or no longer) unlocked");
    return held;
  }
  const Secret password(form, "password");
  auto creds = std::make_shared<keys::Credentials>();
  if (const Json* p12 = member(form, "pkcs12")) {
    std::string bytes = read_small_input(ctx, *p12, "key.pkcs12");
    EngineTimer timer(ctx);
    *creds = keys::load_pkcs12(bytes, password.value());
    OPENSSL_cleanse(bytes.data(), bytes.size());
  } else if (const Json* pem = member(form, "pem")) {
    std::string key_pem = read_small_input(ctx, *pem, "key.pem");
    const Json* cert = member(form, "cert");
    const std::string cert_pem = cert != nullptr ? read_small_input(ctx, *cert, "key.cert") : std::string();
    EngineTimer timer(ctx);
    *creds = keys::load_pem(key_pem, cert_pem, password.value());
    OPENSSL_cleanse(key_pem.data(), key_pem.size());
  } else {
    bad("key", "needs pkcs12, pem or fingerprint");
  }
  if (const auto seconds = int_param(form, "remember_seconds"); seconds && *seconds > 0) {
    const std::int64_t until = ctx.now + std::min(*seconds, ctx.session.config().max_remember_seconds);
    const std::string fp = x509::fingerprint_sha256(creds->cert.get());
    ctx.session.remember_key(fp, creds, until);
    result["key"] = {{"fingerprint", fp}, {"remembered_until", mime::format_iso8601(until)}};
  }
  return creds;
}

std::vector<ossl::X509Ptr> load_certs(OpContext& ctx, const Json* list, std::string_view what) {
  std::vector<ossl::X509Ptr> out;
  if (list == nullptr) return out;
  if (!list->is_array()) bad(what, "must be an array of inputs");
  for (const auto& form : *list) {
    auto certs = x509::parse_certificates(read_small_input(ctx, form, what));
    if (certs.empty()) throw Error(Errc::cert_load_failed, std::string(what) + ": no certificate");
    for (auto& c : certs) out.push_back(std::move(c));
  }
  return out;
}

std::vector<ossl::X509CrlPtr> load_crls(OpContext& ctx) {
  std::vector<ossl::X509CrlPtr> out;
  const Json* crls = member(ctx.request.params, "crls");
  if (crls == nullptr) return out;
  if (!crls->is_array()) bad("crls", "must be an array of inputs");
  for (const auto& form : *crls) {
    auto list = x509::parse_crls(read_small_input(ctx, form, "crls"));
    if (list.empty()) throw Error(Errc::cert_load_failed, "crls: no CRL");
    for (auto& crl : list) out.push_back(std::move(crl));
  }
  return out;
}

x509::TrustStore load_trust(OpContext& ctx) {
  x509::TrustStore store;
  for (auto& c : load_certs(ctx, member(ctx.request.params, "trust"), "trust")) store.add_anchor(std::move(c));
  for (auto& crl : load_crls(ctx)) store.add_crl(std::move(crl));
  return store;
}

}  // namespace inkan::protocol::ops
