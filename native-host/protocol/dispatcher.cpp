#include "dispatcher.h"

#include "ops/ops.h"
#include "reply.h"
#include "verdict_json.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <new>
#include <optional>

namespace inkan::protocol {
namespace {

// Shared wording of the forms every op uses (docs/protocol.md, "Inputs", "Outputs", "Keys").
#define INKAN_INPUT "input form: {\"data\": base64} | {\"upload\": id} | {\"path\": \"/absolute\"}"
#define INKAN_OUTPUT "output form: \"stream\" (default) | \"spool\" | {\"path\": \"/absolute\"}"
#define INKAN_KEY                                                                                     \
  "key form: {\"pkcs12\": input, \"password\": s} | {\"pem\": input, \"cert\": input, \"password\": s} " \
  "| {\"fingerprint\": hex}; \"remember_seconds\": n keeps it unlocked in memory"
#define INKAN_IDENTITY "string, optional: an address (its identity selected now) or a SHA-256 fingerprint"
#define INKAN_OUTPUT_RESULT \
  "output (object): {bytes, chunks, sha256} for \"stream\" (after the chunk frames), {path, bytes} otherwise"

constexpr std::array kOps{
    OpSpec{"hello", ops::hello, "Version handshake; call it first.",
           "protocol (integer, default 1): the highest protocol version the add-on speaks",
           "protocol (integer): the version both speak\n"
           "host_version (string)\n"
           "openssl (string): the OpenSSL version in use\n"
           "ops (array of strings): every op of this host\n"
           "store (object): path, exists, protected (a passphrase wraps the store key), unlocked (ops that need a "
           "private key work now without the passphrase), unlocked_until (ISO 8601 or null), problem (null, or "
           "{code, detail} when store.json cannot be read)\n"
           "limits (object): max_request_frame, max_reply_frame, chunk_bytes, upload_chunk_bytes\n"
           "base64 (string): the codec in use, \"avx2\" or \"scalar\""},
    OpSpec{"help", ops::help, "Lists the ops, or describes one.", "about (string, optional): an op name",
           "ops (array of {name, summary}) without about\n"
           "name, summary, params, result (arrays of lines) with about"},
    OpSpec{"upload", ops::upload, "Sends input bytes in pieces, kept in a private temporary file.",
           "upload (string, 1-64 characters): the client's name for this upload\n"
           "seq (integer): 0 for the first piece, then 1, 2, ...\n"
           "data (base64, the frame's last member): the piece",
           "upload (string)\n"
           "size (integer): bytes received so far"},
    OpSpec{"upload.discard", ops::upload_discard, "Deletes an upload that will not be used.",
           "upload (string)",
           "upload (string)\n"
           "discarded (boolean): false if there was no such upload"},
    OpSpec{"sign", ops::sign, "Signs a message (multipart/signed, or opaque signed-data).",
           "input (" INKAN_INPUT "): the RFC 5322 message\n"
           "output (" INKAN_OUTPUT ")\n"
           "identity (" INKAN_IDENTITY "): the store identity that signs (default: the message's From, else Sender)\n"
           "key (" INKAN_KEY ", optional): the signer instead of the store's identity\n"
           "opaque (boolean, default false): application/pkcs7-mime signed-data instead of multipart/signed\n"
           "digest (string, default \"sha256\"): sha256, sha384 or sha512\n"
           "pss (boolean, default false): RSA-PSS signatures",
           INKAN_OUTPUT_RESULT "\n"
           "signer (object): the signing certificate's summary\n"
           "warnings (array of strings): codes, e.g. short-key\n"
           "key (object, when remember_seconds was given): fingerprint, remembered_until"},
    OpSpec{"encrypt", ops::encrypt, "Encrypts a message (signing it first, by default).",
           "input (" INKAN_INPUT "): the RFC 5322 message\n"
           "output (" INKAN_OUTPUT ")\n"
           "recipient_certs (array of input forms): one per recipient, its certificate first (PEM or DER), "
           "then optionally its chain; required until the contacts store is part of the host\n"
           "identity (" INKAN_IDENTITY "): the sender's store identity (default: the message's From, else Sender); "
           "its signing key signs, its encryption certificate gets the readable copy\n"
           "key (" INKAN_KEY ", optional): the sender instead of the store's identity; its certificate also gets a "
           "readable copy\n"
           "sign (boolean, default true unless self_cert is given): sign, then encrypt; when left out, a sender "
           "without an identity in the store still gets an encrypted (unsigned) message if no_self is true\n"
           "self_cert (input form, optional): the sender's certificate instead of the store's; no signing then\n"
           "no_self (boolean, default false): no copy readable by the sender (Sent mail stays unreadable)\n"
           "trust (array of input forms, optional): recipient certificates must chain to these anchors\n"
           "certs (array of input forms, optional): intermediate certificates for that check\n"
           "cipher (string, default \"auto\"): auto, aes256-cbc or aes256-gcm\n"
           "digest, pss: as for sign",
           INKAN_OUTPUT_RESULT "\n"
           "cipher (string): aes-256-cbc or aes-256-gcm\n"
           "recipients (array of {fingerprint, addresses, key_transport})\n"
           "signed (boolean)\n"
           "warnings (array of strings)\n"
           "key (object, when remember_seconds was given): fingerprint, remembered_until"},
    OpSpec{"verify", ops::verify, "Verifies a message and explains the verdict.",
           "input (" INKAN_INPUT "): a message, or a bare CMS signature (DER or PEM)\n"
           "content (input form, optional): the signed file, for a bare detached signature\n"
           "trust (array of input forms, optional): exactly these anchors (PEM or DER certificates) instead of the "
           "store's: Mozilla's e-mail roots and the user's anchors, minus what the user distrusts\n"
           "crls (array of input forms, optional): certificate revocation lists\n"
           "certs (array of input forms, optional): extra intermediate certificates\n"
           "at (string, optional): verification time, ISO 8601 (default: now)\n"
           "allow_sha1 (boolean, default false): accept SHA-1 signatures from the past\n"
           "key (key form, optional): decrypts an encrypted message first, instead of the store's keys (which are "
           "used only when the message is encrypted)\n"
           "identity (" INKAN_IDENTITY "): only that identity's keys decrypt (all of an address's)",
           "the verdict of docs/verdict.md: version, status, reasons, warnings, signed, encrypted, signature, "
           "signer, signing_time, content_cipher, layers, signers, certificates, checked_at"},
    OpSpec{"decrypt", ops::decrypt, "Decrypts a message and judges the signature inside.",
           "input (" INKAN_INPUT "): the encrypted message\n"
           "output (" INKAN_OUTPUT "): receives the decrypted MIME entity\n"
           "key (" INKAN_KEY ", optional): instead of the store's keys (every key, old ones too)\n"
           "identity (" INKAN_IDENTITY "): only that identity's keys (all of an address's)\n"
           "trust, crls, certs, at, allow_sha1: as for verify, to judge the inner signature",
           INKAN_OUTPUT_RESULT "\n"
           "content_cipher (string)\n"
           "verdict (object): the verdict of docs/verdict.md for the decrypted message\n"
           "key (object, when remember_seconds was given): fingerprint, remembered_until"},
    OpSpec{"inspect", ops::inspect, "Describes a message's MIME and CMS structure.",
           "input (" INKAN_INPUT ")", "the structure `inkan inspect --json` prints"},
    OpSpec{"key.forget", ops::key_forget, "Forgets keys held unlocked in memory.",
           "fingerprint (string, optional): one key's certificate SHA-256; all keys when absent",
           "forgotten (integer): how many keys were forgotten"},
    OpSpec{"store.status", ops::store_status, "Describes the store: where it is, whether it is protected, what it holds.",
           "(none)",
           "the JSON of `inkan store status --json`: version, path, exists, format_version, created_at, passphrase, "
           "kdf, identities, trust_anchors, builtin_roots, distrusted, problems\n"
           "unlocked (boolean), unlocked_until (ISO 8601 or null): as in hello's store"},
    OpSpec{"store.unlock", ops::store_unlock, "Unlocks a passphrase-protected store for a while.",
           "passphrase (string): the store passphrase; wiped after use, never logged\n"
           "remember_seconds (integer, default 900, at most 43200): how long the host keeps the unwrapped store key "
           "in memory",
           "version, status\n"
           "protected (boolean): false when there was nothing to unlock (no passphrase, or no store yet)\n"
           "unlocked (boolean): true\n"
           "unlocked_until (ISO 8601 or null)"},
    OpSpec{"store.lock", ops::store_lock, "Forgets the unlocked store key at once.", "(none)",
           "version, status\n"
           "forgotten (boolean): false if the store was not held unlocked\n"
           "unlocked (boolean): true only for a store without a passphrase"},
    OpSpec{"store.passwd", ops::store_passwd, "Sets, changes or removes the store passphrase.",
           "old (string): the current passphrase, required when the store has one (also while it is unlocked)\n"
           "new (string): the new passphrase, or\n"
           "remove (boolean): true removes the passphrase",
           "version, status\n"
           "passphrase (string): set, changed or removed"},
    OpSpec{"identity.list", ops::identity_list, "Lists the user's identities (keys with certificates).",
           "address (string, optional): only this address's",
           "the JSON of `inkan id list --json`: version, identities (array of {fingerprint, addresses, subject, "
           "issuer, serial, usage, email_protection, is_ca, not_before, not_after, validity, days_left, key_type, "
           "key_bits, chain_length, current {sign, encrypt}, source, source_file, added_at}), problems"},
    OpSpec{"identity.import", ops::identity_import, "Imports keys and certificates into the store.",
           "pkcs12 (" INKAN_INPUT "): a PKCS#12 file (.p12/.pfx; legacy RC2/3DES too), or\n"
           "pem (" INKAN_INPUT "): a PEM private key (plain or encrypted PKCS#8) with its certificates, or "
           "certificates alone for a key the store holds (a renewal)\n"
           "cert (input form or array of input forms, optional, with pem): the certificate and chain\n"
           "password (string, optional): the file's password\n"
           "source_file (string, optional): the file name the store records (default: the path's name)",
           "the JSON of `inkan id import --json`: version, status, imported (identities, as in identity.list "
           "without current), already_present (fingerprints), warnings (array of {code, fingerprint})"},
    OpSpec{"identity.export", ops::identity_export, "Exports identities as a password-protected PKCS#12 file.",
           "identity (string): an address (its current identities) or a fingerprint\n"
           "all (boolean, default false): every identity of the address, expired ones too\n"
           "password (string): protects the file\n"
           "legacy (boolean, default false): 3DES and a SHA-1 MAC for old devices, instead of AES-256 and SHA-256\n"
           "output (" INKAN_OUTPUT "): the PKCS#12 bytes (spool files end in .p12)",
           "version, status\n"
           "profile (string): modern or legacy\n"
           "exported (array of fingerprints)\n" INKAN_OUTPUT_RESULT},
    OpSpec{"identity.export_cert", ops::identity_export_cert, "Exports a certificate alone, for others to encrypt to.",
           "identity (string): an address (its current encryption certificate) or a fingerprint\n"
           "format (string, default \"pem\"): pem or der (.cer)\n"
           "output (" INKAN_OUTPUT "): files are written 0644",
           "version, status\n"
           "format (string)\n"
           "fingerprint (string)\n" INKAN_OUTPUT_RESULT},
    OpSpec{"identity.delete", ops::identity_delete, "Deletes an identity and its key for good.",
           "fingerprint (string): the identity's SHA-256 fingerprint (or a unique prefix of 8 or more hex digits)\n"
           "confirm (boolean): must be true, else CONFIRMATION_REQUIRED",
           "version, status\n"
           "deleted (string): the fingerprint"},
    OpSpec{"identity.expiring", ops::identity_expiring, "Lists identities that expire soon and are not renewed.",
           "days (integer, default 30, 0 to 36500)",
           "the JSON of `inkan id expiring --json`: version, days, expiring (identities, soonest first)"},
    OpSpec{"trust.list", ops::trust_list, "Lists the anchors for e-mail and the distrusted certificates.", "(none)",
           "the JSON of `inkan trust list --json`: version, anchors (array of {fingerprint, source, label, subject, "
           "not_before, not_after, validity, added_at, email_distrust_after}), builtin_roots, distrusted (array of "
           "{fingerprint, subject, added_at}), problems"},
    OpSpec{"trust.add", ops::trust_add, "Trusts CA certificates for e-mail.",
           "input (" INKAN_INPUT "): one or more CA certificates, PEM or DER\n"
           "label (string, optional): a name to show (default: the certificate's common name)",
           "version, status\n"
           "added (array of anchors, as in trust.list)"},
    OpSpec{"trust.distrust", ops::trust_distrust, "Distrusts a certificate, built-in roots included.",
           "fingerprint (string): a SHA-256 fingerprint, or\n"
           "input (" INKAN_INPUT "): the certificates themselves",
           "version, status\n"
           "distrusted (array of {fingerprint, subject, added_at})"},
    OpSpec{"trust.remove", ops::trust_remove, "Removes the user's anchor or distrust entry.",
           "fingerprint (string): SHA-256",
           "version, status\n"
           "removed (string): the fingerprint"},
    OpSpec{"trust.builtin", ops::trust_builtin, "Lists Mozilla's roots as NSS's builtins module has them.", "(none)",
           "the JSON of `inkan trust builtin --json`: version, module, module_description, email_anchors, roots "
           "(array of {label, fingerprint_sha256, subject, serial, not_after, email_trusted, server_trusted, "
           "distrusted, email_distrust_after})"},
    OpSpec{"cert.lint", ops::cert_lint, "Checks a certificate and explains what recipients would object to.",
           "input (" INKAN_INPUT "): a certificate, optionally followed by its chain, or\n"
           "fingerprint (string): one of the user's identities (with the chain the store keeps)\n"
           "chain (array of input forms, optional): issuer certificates\n"
           "at (string, optional): judge validity at this time, ISO 8601 (default: now)",
           "the JSON of `inkan lint --json`: version, ok, checked_at, certificate, path, findings (array of {code, "
           "severity, certificate, subject, detail, message, message_ja, source})"},
};

#undef INKAN_INPUT
#undef INKAN_OUTPUT
#undef INKAN_KEY
#undef INKAN_OUTPUT_RESULT
#undef INKAN_IDENTITY

// Passwords of key files, the store passphrase, and store.passwd's old and new one.
bool is_secret_name(const std::string& name) {
  return name == "password" || name == "passphrase" || name == "old" || name == "new";
}

// Passwords are wiped from the parsed request (and the caller wipes the frame)
// once the request is done, so they do not linger in freed memory.
bool wipe_secrets(Json& j) {
  bool found = false;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (is_secret_name(it.key()) && it->is_string()) {
        auto& s = it->get_ref<std::string&>();
        OPENSSL_cleanse(s.data(), s.size());
        found = true;
      } else {
        found = wipe_secrets(*it) || found;
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) found = wipe_secrets(v) || found;
  }
  return found;
}

double ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

std::span<const OpSpec> op_table() { return kOps; }

const OpSpec* find_op(std::string_view name) {
  for (const auto& op : kOps) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

void Dispatcher::handle(std::string& frame) {
  const auto start = std::chrono::steady_clock::now();
  Json id = nullptr;
  std::string op_name = "-";
  Reply reply;
  std::optional<Error> failure;
  ParsedFrame parsed;
  OpStats stats;
  try {
    parsed = parse_frame(frame);
    const Json& req = parsed.json;
    if (!req.is_object()) throw Error(Errc::bad_request, "a request is a JSON object");
    const auto id_it = req.find("id");
    if (id_it == req.end()) throw Error(Errc::bad_request, "id is missing");
    if (!id_it->is_string() && !id_it->is_number_integer()) {
      throw Error(Errc::bad_request, "id must be a string or an integer");
    }
    if (dump_json(*id_it).size() > kMaxIdLength) throw Error(Errc::bad_request, "id is too long");
    id = *id_it;
    const auto op_it = req.find("op");
    if (op_it == req.end() || !op_it->is_string()) throw Error(Errc::bad_request, "op is missing");
    const std::string& name = op_it->get_ref<const std::string&>();
    const OpSpec* spec = find_op(name);
    if (spec == nullptr) throw Error(Errc::unknown_op, loggable(name));
    op_name = spec->name;
    const Request request{req, parsed.payload};
    OpContext ctx{m_session, request, static_cast<std::int64_t>(std::time(nullptr)), stats};
    m_session.expire(ctx.now);
    reply = spec->handler(ctx);
  } catch (const Error& e) {
    // The engine says USAGE for a bad option; over the protocol that is a bad request.
    failure = e.code() == Errc::usage ? Error(Errc::bad_request, e.detail()) : e;
  } catch (const nlohmann::json::exception& e) {
    // Parameters of the wrong type surface here; nlohmann's text names the type, never a value.
    failure = Error(Errc::bad_request, e.what());
  } catch (const std::bad_alloc&) {
    failure = Error(Errc::internal, "out of memory");
  } catch (const ChannelClosed&) {
    throw;
  } catch (const std::exception& e) {
    failure = Error(Errc::internal, e.what());
  }
  if (wipe_secrets(parsed.json)) OPENSSL_cleanse(frame.data(), frame.size());

  ReplyWriter writer(m_out);
  std::string out_note;
  if (!failure && reply.stream) {
    try {
      const StreamSummary s = writer.stream(id, *reply.stream);
      reply.result["output"] = {{"bytes", s.bytes}, {"chunks", s.chunks}, {"sha256", s.sha256}};
      out_note = " out=" + std::to_string(s.bytes) + " chunks=" + std::to_string(s.chunks);
    } catch (const Error& e) {
      failure = e;  // chunks already sent are void: the final reply is an error
    }
    reply.stream.reset();
  }
  if (!failure && out_note.empty() && reply.result.is_object() && reply.result.contains("output")) {
    const Json& o = reply.result["output"];
    if (o.is_object() && o.contains("bytes")) out_note = " out=" + o["bytes"].dump();
  }
  if (failure) {
    writer.error(id, *failure);
  } else {
    writer.ok(id, reply.result);
  }
  const auto total = std::chrono::steady_clock::now() - start;
  std::string line = "op=" + op_name + " id=" + (id.is_string() ? loggable(id.get_ref<const std::string&>()) : id.dump());
  line += failure ? " error=" + std::string(code_string(failure->code())) : std::string(" ok");
  line += " in=" + std::to_string(stats.bytes_in) + out_note + " engine_ms=" + fixed(ms(stats.engine)) +
          " total_ms=" + fixed(ms(total));
  m_log.line(line);
}

void Dispatcher::frame_error(const Error& error) {
  ReplyWriter(m_out).error(nullptr, error);
  m_log.line("frame error=" + std::string(code_string(error.code())) + " " + error.detail());
}

}  // namespace inkan::protocol
