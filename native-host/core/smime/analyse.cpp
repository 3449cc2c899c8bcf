#include "smime/analyse.h"

#include "cms/envelope.h"
#include "cms/envelope_stream.h"
#include "error.h"
#include "io/async_sink.h"
#include "mime/address.h"
#include "mime/codec.h"
#include "mime/date.h"
#include "mime/line_reader.h"
#include "smime/compose.h"
#include "smime/structure.h"

#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace inkan::smime {
namespace {

constexpr std::int64_t kMaxDateSkew = 60 * 60;  // Thunderbird: one hour
constexpr int kMaxLayers = 8;

// From/Sender against the signer certificate (RFC 8550 §3, Thunderbird's rule made stricter
// for several From addresses), and signingTime against Date.
void check_headers(SignerVerdict& v, const mime::Headers& headers) {
  if (!v.cert) return;
  const auto& emails = v.cert->emails;
  const auto in_cert = [&](const std::string& a) { return std::find(emails.begin(), emails.end(), a) != emails.end(); };
  if (emails.empty()) {
    v.add_reason("certificate-has-no-address");
  } else if (headers.count("From") > 1) {
    v.add_reason("ambiguous-from");
  } else if (headers.find("From") != nullptr) {
    // What the reader sees is the From field: every mailbox in it must be the signer's.
    // A From that yields no mailbox (a group, an encoded word, a comment) cannot be checked.
    const std::vector<std::string> from = from_addresses(headers);
    if (from.empty()) {
      v.add_reason("ambiguous-from");
    } else if (!std::all_of(from.begin(), from.end(), in_cert)) {
      v.add_reason("from-not-in-certificate");
    }
  } else {  // no From at all: the Sender is who sent it
    std::vector<std::string> sender;
    if (const mime::Field* s = headers.find("Sender")) {
      for (auto& m : mime::parse_mailboxes(s->value)) sender.push_back(m.address);
    }
    if (sender.size() != 1 || !in_cert(sender.front())) v.add_reason("from-not-in-certificate");
  }
  if (v.signing_time) {
    const mime::Field* date = headers.find("Date");
    const auto when = date != nullptr ? mime::parse_date(date->value) : std::nullopt;
    if (!when) {
      v.add_reason("date-missing-or-invalid");
    } else if (std::max(*when, *v.signing_time) - std::min(*when, *v.signing_time) > kMaxDateSkew) {
      v.add_reason("signing-time-differs-from-date");
    }
  }
}

bool is_pgp_encrypted(const mime::Entity& e) {
  return e.type.is("multipart", "encrypted") && mime::to_lower(e.type.param("protocol")) == "application/pgp-encrypted";
}

// Signers in a SignedData; -1 if it cannot be parsed.
int signer_count(const std::string& der) {
  try {
    const ossl::CmsPtr cms = cms::parse_cms(der);
    return sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms.get()));
  } catch (const Error&) {
    return -1;
  }
}

void warn_display_names(Verdict& verdict, const mime::Headers& headers) {
  const mime::Field* from = headers.find("From");
  if (from == nullptr) return;
  for (const auto& m : mime::parse_mailboxes(from->value)) {
    // "alice@example.com" <eve@example.net>: the name pretends to be an address. Any
    // address-like word other than the real address counts, wherever it stands.
    const std::string display = mime::to_lower(mime::decode_words(m.display));
    std::string word;
    bool other = false;
    for (std::size_t i = 0; i <= display.size(); ++i) {
      const char c = i < display.size() ? display[i] : ' ';
      if (std::string_view(" \t<>()\",;:[]'").find(c) == std::string_view::npos) {
        word.push_back(c);
        continue;
      }
      if (word.find('@') != std::string::npos && word != m.address) other = true;
      word.clear();
    }
    if (other && std::find(verdict.warnings.begin(), verdict.warnings.end(), "display-name-contains-address") ==
                     verdict.warnings.end()) {
      verdict.warnings.emplace_back("display-name-contains-address");
    }
  }
}

// Hashes the first part of a multipart/signed while the parser splits the message
// (mime::SplitObserver), so that the signed part's bytes are read once: in canonical
// form (CRLF), with SHA-256 and the digest the micalg parameter names. When anything
// is out of the ordinary (a bare LF, which also needs the digest of the raw bytes;
// bytes the parser skipped; a digest the signature uses but micalg did not name),
// the verifier hashes the part as before. The hash runs on a second thread
// (io::AsyncSink, started only once a buffer is full) while the parser goes on
// splitting: reading and searching the bytes costs about half of what SHA-256 does.
class SignedPartHasher final : public mime::SplitObserver {
public:
  SignedPartHasher(const io::Source& src, std::vector<int> nids)
      : m_src(src), m_nids(std::move(nids)), m_hasher(m_nids), m_forward(m_hasher), m_hashing(m_forward) {}

  void bytes(std::uint64_t offset, std::string_view data) override {
    if (m_state == State::broken || m_state == State::done) return;
    if (!m_started) {
      m_started = true;
      m_seen = m_pending_off = offset;
    }
    if (offset != m_seen) return broken();  // bytes went by unseen
    m_pending.append(data);
    m_seen += data.size();
    pump();
  }
  void settled(std::uint64_t offset) override {
    m_settled = std::max(m_settled, offset);
    pump();
  }
  void part_begins(int index, std::uint64_t offset) override {
    if (index != 0 || m_state != State::waiting) return;
    if (!m_started || offset < m_pending_off) return broken();
    m_begin = m_hashed = offset;
    m_state = State::hashing;
    pump();
  }
  void part_ends(int index, std::uint64_t offset) override {
    if (index != 0 || m_state != State::hashing) return;
    m_end = offset;
    m_end_known = true;
    pump();
    if (m_state != State::done) broken();
  }

  /** The digests of `range` of `src` for `nids`, if this hasher has exactly those. */
  std::optional<cms::ContentDigests> digests(const io::Source& src, io::Range range, const std::vector<int>& nids) const {
    if (m_state != State::done || &src != &m_src || range.begin != m_begin || range.end != m_end) return std::nullopt;
    for (const int nid : nids) {
      if (m_digests.find(nid) == m_digests.end()) return std::nullopt;
    }
    return m_digests;
  }

private:
  enum class State { waiting, hashing, done, broken };

  void broken() {
    m_state = State::broken;
    m_pending = std::string();
  }

  void pump() {
    if (m_state == State::waiting) {  // nothing before `settled` can be in the part
      drop_before(m_settled);
      return;
    }
    if (m_state != State::hashing) return;
    const std::uint64_t limit = m_end_known ? std::min(m_end, m_seen) : std::min(m_settled, m_seen);
    if (limit > m_hashed) {
      const std::string_view piece(m_pending.data() + (m_hashed - m_pending_off), static_cast<std::size_t>(limit - m_hashed));
      m_hashing.write(m_lines.view(piece, m_scratch));
      m_hashed = limit;
      drop_before(m_hashed);
    }
    if (m_end_known && m_hashed == m_end) {
      if (m_lines.changed()) return broken();  // the raw bytes' digest is wanted too: hash as before
      m_hashing.flush();
      m_digests = m_hasher.finish();
      m_state = State::done;
      m_pending = std::string();
    }
  }

  void drop_before(std::uint64_t offset) {
    if (offset <= m_pending_off) return;
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(offset - m_pending_off, m_pending.size()));
    if (n < m_pending.size() && n < (1U << 16)) return;  // compact only now and then: moving bytes costs too
    m_pending.erase(0, n);
    m_pending_off += n;
  }

  const io::Source& m_src;
  std::vector<int> m_nids;
  cms::ContentHasher m_hasher;
  ForwardSink<cms::ContentHasher> m_forward;
  io::AsyncSink m_hashing;  ///< last of the three: destroyed (its thread stopped) first
  mime::CrlfCanonicalizer m_lines;
  std::string m_scratch;
  std::string m_pending;  ///< bytes seen, not yet hashed or dropped, from m_pending_off
  std::uint64_t m_pending_off = 0;
  std::uint64_t m_seen = 0;
  std::uint64_t m_settled = 0;
  std::uint64_t m_begin = 0;
  std::uint64_t m_end = 0;
  std::uint64_t m_hashed = 0;
  bool m_end_known = false;
  bool m_started = false;
  State m_state = State::waiting;
  cms::ContentDigests m_digests;
};

// The digests a multipart/signed's micalg names (RFC 8551 §3.5.3.2), and SHA-256.
std::vector<int> micalg_nids(const mime::ContentType& type) {
  std::vector<int> nids{NID_sha256};
  const std::string micalg = mime::to_lower(type.param("micalg"));
  for (const auto& [name, nid] : {std::pair<const char*, int>{"sha-384", NID_sha384}, {"sha-512", NID_sha512},
                                  {"sha-224", NID_sha224}, {"sha-1", NID_sha1}}) {
    if (micalg.find(name) != std::string::npos) nids.push_back(nid);
  }
  return nids;
}

class Analyser {
public:
  Analyser(const AnalyseOptions& options, Analysis& out) : m_options(options), m_out(out) {}

  void message(const io::Source& src) {
    // A multipart/signed is hashed while it is split: its signed part is then read once.
    mime::ParseLimits limits;
    const mime::HeaderBlock head = mime::parse_header_block(src, {0, src.size()});
    const mime::ContentType type = mime::content_type_of(head.headers);
    const std::string protocol = mime::to_lower(type.param("protocol"));
    if (type.is("multipart", "signed") &&
        (protocol == "application/pkcs7-signature" || protocol == "application/x-pkcs7-signature")) {
      m_tap = std::make_unique<SignedPartHasher>(src, micalg_nids(type));
      limits.observer = m_tap.get();
    }
    const mime::Entity root = mime::parse_message(src, limits);
    m_headers = root.headers;
    m_have_headers = true;
    // Fields after a junk line are invisible here but may not be to the mail client
    // (a second From, say): a signature cannot vouch for headers read two ways.
    m_headers_ambiguous = root.headers_cut_short;
    warn_display_names(m_out.verdict, m_headers);
    entity(src, root, /*outermost=*/true, /*inside_encryption=*/false, 0);
  }

  void bare_cms(const io::Source& cms_src) {
    const std::string type = cms::content_type_name(io::read_range(cms_src, 0, std::min<std::uint64_t>(cms_src.size(), 4096), 4096));
    if (type == "enveloped-data" || type == "auth-enveloped-data") {
      auto plain = decrypt(cms_src);
      const auto* p = plain.get();
      m_out.owned.push_back(std::move(plain));
      // A bare CMS has no MIME around it: its content is the payload as such.
      const mime::Entity inner = mime::parse_message(*p);
      entity(*p, inner, false, true, 1);
      return;
    }
    if (type != "signed-data") throw Error(type.empty() ? Errc::cms_malformed : Errc::cms_unsupported, type);
    const std::string der = io::read_range(cms_src, 0, cms_src.size(), kMaxCmsBytes);
    const auto econtent = encapsulated_content(der);
    if (econtent) {
      auto src = std::make_shared<io::MemorySource>(*econtent);
      signature(der, "opaque", [&](const std::vector<int>& nids) { return cms::digest_content(*econtent, nids); });
      set_content(src, {0, src->size()});
      return;
    }
    if (m_options.detached_content == nullptr) {
      // Only a real detached signature needs its content: damaged DER is reported as such, and
      // certs-only (RFC 8551 §3.8) signs nothing.
      const int signers = signer_count(der);
      if (signers < 0) throw Error(Errc::cms_malformed, "SignedData");
      if (signers == 0) {
        signature(der, "detached", [](const std::vector<int>&) { return cms::ContentDigests{}; });
        return;
      }
      throw Error(Errc::usage, "a detached signature needs the signed file (--content FILE)");
    }
    const io::Source& content = *m_options.detached_content;
    signature(der, "detached", [&](const std::vector<int>& nids) {
      cms::ContentHasher h(nids);
      mime::for_each_chunk(content, {0, content.size()}, [&](std::string_view c) { h.update(c); });
      return h.finish();
    });
    m_out.content = {&content, {0, content.size()}};
  }

private:
  template <typename DigestFn>
  void signature(const std::string& der, const char* kind, DigestFn&& digests_for) {
    ossl::CmsPtr cms;
    try {
      cms = cms::parse_cms(der);
    } catch (const Error&) {
      m_out.verdict.is_signed = true;
      m_out.verdict.signature_kind = kind;
      m_out.verdict.add_reason("signature-malformed");
      return;
    }
    m_out.verdict.certificates = cms::carried_certificates(cms.get());
    const auto nids = cms::digest_nids(cms.get());
    const cms::ContentDigests digests = digests_for(nids);
    cms::VerifyContext ctx;
    ctx.trust = m_options.trust;
    ctx.extra_certs = m_options.extra_certs;
    ctx.extra_crls = m_options.crls;
    ctx.at = m_options.at;
    ctx.allow_sha1 = m_options.allow_sha1;
    auto signers = cms::verify_signers(cms.get(), digests, ctx);
    if (signers.empty()) {  // certs-only (RFC 5751 §3.8): not a signature
      m_out.verdict.warnings.emplace_back("certificates-only");
      return;
    }
    m_out.verdict.is_signed = true;
    m_out.verdict.signature_kind = kind;
    m_out.verdict.layers.push_back(std::string("signed-") + kind);
    for (auto& s : signers) {
      if (m_have_headers) check_headers(s, m_headers);
      if (m_headers_ambiguous) s.add_reason("ambiguous-headers");
      if (s.cert && (s.cert->key_type == "rsa" || s.cert->key_type == "rsa-pss") && s.cert->key_bits < 2048 &&
          std::find(m_out.verdict.warnings.begin(), m_out.verdict.warnings.end(), "short-signing-key") ==
              m_out.verdict.warnings.end()) {
        m_out.verdict.warnings.emplace_back("short-signing-key");  // accepted, like Thunderbird, but worth saying
      }
    }
    m_out.verdict.signers = std::move(signers);
    m_cms = std::move(cms);
  }

  std::shared_ptr<io::Source> decrypt(const io::Source& der) {
    std::vector<const keys::Credentials*> keys = m_options.keys;
    if (keys.empty() && m_options.key_source) keys = m_options.key_source();
    if (keys.empty()) throw Error(Errc::no_matching_recipient, "no decryption key was given");
    cms::DecryptResult r;
    std::shared_ptr<io::Source> plain;
    if (m_options.plaintext_into != nullptr && !m_used_plaintext_into) {
      // Straight into the caller's output, judged from there: no second copy of the plaintext.
      m_used_plaintext_into = true;
      r = cms::decrypt_stream_into(der, keys, *m_options.plaintext_into);
      plain = m_options.plaintext_into->to_source();
    } else {
      r = cms::decrypt_stream(der, keys);
      plain = std::move(r.plaintext);
    }
    m_out.verdict.encrypted = true;
    m_out.verdict.content_cipher = r.content_cipher;
    m_out.verdict.layers.emplace_back("encrypted");
    // Only one layer is ever decrypted (never ciphertext nested below it), so this is the root's.
    if (m_out.decrypted.source == nullptr) m_out.decrypted = {plain.get(), {0, plain->size()}};
    return plain;
  }

  void set_content(std::shared_ptr<io::Source> src, io::Range range) {
    m_out.content = {src.get(), range};
    m_out.owned.push_back(std::move(src));
  }

  // outermost: no other layer above (Thunderbird's "ignore a signature around encryption" applies only there).
  void entity(const io::Source& src, const mime::Entity& e, bool outermost, bool inside_encryption, int layers) {
    if (layers > kMaxLayers) throw Error(Errc::mime_too_deep, "too many S/MIME layers");
    Layer layer = classify(src, e);

    if (layer.is_encryption()) {
      if (inside_encryption) {  // encryption inside encryption could be someone else's ciphertext
        m_out.verdict.warnings.emplace_back("nested-encryption-not-decrypted");
        m_out.content = {&src, e.whole};
        return;
      }
      const auto body = encrypted_body_source(src, e, layer.cms_type);
      auto plain = decrypt(*body);
      const io::Source& p = *plain;
      m_out.owned.push_back(std::move(plain));
      const mime::Entity inner = mime::parse_message(p);
      entity(p, inner, false, true, layers + 1);
      if (m_out.content.source == nullptr) m_out.content = {&p, {0, p.size()}};
      return;
    }

    if (!layer.is_signature()) {
      if (layer.kind != LayerKind::none && !layer.problem.empty()) {
        // Claims to be S/MIME but cannot be read: a broken signature, not an unsigned mail.
        m_out.verdict.is_signed = true;
        m_out.verdict.add_reason("signature-malformed");
      } else {
        note_parts_below(src, e);
      }
      m_out.content = {&src, e.whole};
      return;
    }

    // A signature layer: find what it signs.
    std::shared_ptr<io::Source> inner_src;
    const mime::Entity* inner = nullptr;
    mime::Entity opaque_inner;
    if (layer.kind == LayerKind::detached_signature) {
      if (!layer.problem.empty() || layer.signed_part == nullptr) {
        m_out.verdict.is_signed = true;
        m_out.verdict.signature_kind = "detached";
        m_out.verdict.add_reason("signature-malformed");
        m_out.content = {&src, layer.signed_part != nullptr ? layer.signed_part->whole : e.whole};
        return;
      }
      inner = layer.signed_part;
      const io::Range range = inner->whole;
      signature(layer.cms_der, "detached", [&](const std::vector<int>& nids) { return detached_digests(src, range, nids); });
      check_econtent(src, range);
      m_out.content = {&src, range};
    } else {
      const auto econtent = encapsulated_content(layer.cms_der);
      signature(layer.cms_der, "opaque", [&](const std::vector<int>& nids) {
        return econtent ? cms::digest_content(*econtent, nids) : cms::ContentDigests{};
      });
      if (!econtent) {
        if (m_out.verdict.is_signed) m_out.verdict.add_reason("digest-mismatch");
        return;
      }
      inner_src = std::make_shared<io::MemorySource>(*econtent);
      set_content(inner_src, {0, inner_src->size()});
      opaque_inner = mime::parse_message(*inner_src);
      inner = &opaque_inner;
    }
    const io::Source& isrc = inner_src ? *inner_src : src;
    Layer next;
    try {
      next = classify(isrc, *inner);
    } catch (const Error&) {
      return;  // the signed content is what it is; its own oddities are not the signature's
    }

    if (next.is_encryption()) {
      if (outermost && !inside_encryption) {
        // Thunderbird (bug 1806161): a signature directly around the encryption layer, as
        // some gateways add, is ignored and the encrypted part is read as the message.
        std::vector<std::string> warnings = std::move(m_out.verdict.warnings);
        m_out.verdict = Verdict{};
        m_out.verdict.warnings = std::move(warnings);
        m_out.verdict.warnings.emplace_back("outer-signature-ignored");
        m_out.content = {};
        entity(isrc, *inner, false, false, layers + 1);
        return;
      }
      // Ciphertext below the root is never decrypted (EFAIL-style oracles), and a signature
      // over someone's ciphertext says nothing about its author: not a good signature.
      m_out.verdict.warnings.emplace_back("encrypted-part-not-decrypted");
      m_out.verdict.add_reason("signed-ciphertext");
      return;
    }
    if (outermost && !inside_encryption && is_pgp_encrypted(*inner)) {
      // Thunderbird applies the same exception to OpenPGP/MIME encryption (RFC 3156): the
      // S/MIME signature around it is ignored; the OpenPGP part is for an OpenPGP implementation.
      std::vector<std::string> warnings = std::move(m_out.verdict.warnings);
      m_out.verdict = Verdict{};
      m_out.verdict.warnings = std::move(warnings);
      m_out.verdict.warnings.emplace_back("outer-signature-ignored");
      m_out.content = {&isrc, inner->whole};
      return;
    }
    if (next.kind == LayerKind::none) {
      note_parts_below(isrc, *inner);
      return;
    }
    if (next.is_signature()) {
      // Sign-then-sign: the outer signer is reported. Thunderbird accepts only two opaque
      // layers; a detached layer on either side could make the wrong content look signed.
      if (layer.kind == LayerKind::detached_signature || next.kind == LayerKind::detached_signature) {
        m_out.verdict.add_reason("nested-signature");
      }
      m_out.verdict.warnings.emplace_back("inner-signature-not-checked");
    }
  }

  cms::ContentDigests detached_digests(const io::Source& src, io::Range range, const std::vector<int>& nids) {
    if (m_tap) {
      if (auto done = m_tap->digests(src, range, nids)) return std::move(*done);
    }
    // The signed part is hashed in canonical form (CRLF); stored mail sometimes has bare LF.
    cms::ContentHasher canonical(nids);
    mime::CrlfCanonicalizer lines;
    std::string buf;
    mime::for_each_chunk(src, range, [&](std::string_view chunk) { canonical.update(lines.view(chunk, buf)); });
    cms::ContentDigests digests = canonical.finish();
    if (lines.changed()) {  // also accept the bytes exactly as stored
      cms::ContentHasher raw(nids);
      mime::for_each_chunk(src, range, [&](std::string_view chunk) { raw.update(chunk); });
      for (auto& [nid, values] : raw.finish()) {
        for (auto& v : values) digests[nid].push_back(std::move(v));
      }
    }
    return digests;
  }

  // A detached signature must not carry different content inside (CVE-2018-18509 style).
  void check_econtent(const io::Source& src, io::Range range) {
    if (!m_cms) return;
    ASN1_OCTET_STRING** inside = CMS_get0_content(m_cms.get());
    if (inside == nullptr || *inside == nullptr) return;
    const std::string_view embedded(reinterpret_cast<const char*>(ASN1_STRING_get0_data(*inside)),
                                    static_cast<std::size_t>(ASN1_STRING_length(*inside)));
    const auto mine = detached_digests(src, range, {NID_sha256});
    const auto theirs = cms::digest_content(embedded, {NID_sha256});
    const auto& candidates = mine.at(NID_sha256);
    if (std::find(candidates.begin(), candidates.end(), theirs.at(NID_sha256).front()) == candidates.end()) {
      m_out.verdict.add_reason("econtent-mismatch");
    }
  }

  void note_parts_below(const io::Source& src, const mime::Entity& e) {
    bool signed_below = false;
    mime::walk(e, [&](const mime::Entity& part) {
      if (&part != &e && (is_smime_multipart_signed(part) || is_pkcs7_mime(part))) signed_below = true;
    });
    if (signed_below) m_out.verdict.warnings.emplace_back("smime-part-not-at-root");
    if (!encrypted_parts_below(src, e).empty()) m_out.verdict.warnings.emplace_back("encrypted-part-not-decrypted");
  }

  const AnalyseOptions& m_options;
  Analysis& m_out;
  mime::Headers m_headers;
  bool m_have_headers = false;
  bool m_headers_ambiguous = false;
  ossl::CmsPtr m_cms;
  std::unique_ptr<SignedPartHasher> m_tap;
  bool m_used_plaintext_into = false;
};

}  // namespace

Analysis analyse(const io::Source& src, const AnalyseOptions& options) {
  Analysis out;
  out.verdict.checked_at = options.at;
  Analyser a(options, out);
  if (const auto der = raw_cms_source(src)) {
    a.bare_cms(*der);
  } else {
    a.message(src);
  }
  if (!out.verdict.is_signed) {
    out.verdict.status = Status::no_signature;
    // Verdict-level reasons (malformed pieces) still apply.
    for (const auto& r : out.verdict.reasons) out.verdict.status = worse(out.verdict.status, status_of_reason(r));
  } else {
    out.verdict.settle();
  }
  out.verdict.checked_at = options.at;
  return out;
}

namespace {

// Finds the message's decryptable layer (root, or directly inside a root signature)
// and hands its DER to `run`.
template <typename Run>
void with_root_envelope(const io::Source& src, DecryptedMessage& out, Run&& run) {
  if (const auto der = raw_cms_source(src)) {
    run(*der);
    return;
  }
  const mime::Entity root = mime::parse_message(src);
  const Layer layer = classify(src, root);
  // Labelled S/MIME but without readable CMS: damage, not an unencrypted message.
  if (layer.kind == LayerKind::cms && layer.cms_type.empty()) throw Error(Errc::cms_malformed, layer.problem);
  if (layer.is_encryption()) {
    run(*encrypted_body_source(src, root, layer.cms_type));
    return;
  }
  if (layer.is_signature()) {
    // A signature directly around the encryption layer is ignored, as Thunderbird does.
    std::shared_ptr<io::Source> inner_src;
    const mime::Entity* inner = layer.signed_part;
    mime::Entity opaque_inner;
    if (layer.kind == LayerKind::cms) {
      if (auto econtent = encapsulated_content(layer.cms_der)) {
        inner_src = std::make_shared<io::MemorySource>(std::move(*econtent));
        opaque_inner = mime::parse_message(*inner_src);
        inner = &opaque_inner;
      }
    }
    if (inner != nullptr) {
      const io::Source& isrc = inner_src ? *inner_src : src;
      const Layer next = classify(isrc, *inner);
      if (next.is_encryption()) {
        out.warnings.emplace_back("outer-signature-ignored");
        run(*encrypted_body_source(isrc, *inner, next.cms_type));
        return;
      }
    }
  }
  if (!encrypted_parts_below(src, root).empty()) throw Error(Errc::encrypted_part_not_root);
  throw Error(Errc::not_encrypted);
}

}  // namespace

DecryptedMessage decrypt_message(const io::Source& src, const std::vector<const keys::Credentials*>& keys) {
  DecryptedMessage out;
  with_root_envelope(src, out, [&](const io::Source& der) {
    cms::DecryptResult r = cms::decrypt_stream(der, keys);
    out.plaintext = std::shared_ptr<io::Source>(std::move(r.plaintext));
    out.content_cipher = r.content_cipher;
    out.authenticated = r.authenticated;
  });
  return out;
}

DecryptedMessage decrypt_message_into(const io::Source& src, const std::vector<const keys::Credentials*>& keys,
                                      io::Sink& sink) {
  DecryptedMessage out;
  with_root_envelope(src, out, [&](const io::Source& der) {
    const cms::DecryptResult r = cms::decrypt_stream_into(der, keys, sink);
    out.content_cipher = r.content_cipher;
    out.authenticated = r.authenticated;
  });
  return out;
}

}  // namespace inkan::smime
