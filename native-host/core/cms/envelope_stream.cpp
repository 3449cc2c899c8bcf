#include "cms/envelope_stream.h"

#include "cms/ber.h"
#include "error.h"
#include "io/async_sink.h"
#include "io/sink.h"
#include "ossl/bio_bridge.h"
#include "ossl/error_queue.h"
#include "ossl/library.h"

#include <openssl/cms.h>
#include <openssl/err.h>

#include <cstring>
#include <vector>

namespace inkan::cms {
namespace {

constexpr std::uint64_t kMaxField = 16ULL << 20;  // recipient infos, attributes: small by nature
constexpr int kMaxDepth = 32;

struct Header {
  std::uint64_t begin = 0;
  std::uint64_t content = 0;  ///< first content byte
  std::uint64_t end = 0;      ///< after the TLV (after end-of-contents when indefinite)
  unsigned tag_class = 0;
  bool constructed = false;
  std::uint32_t tag = 0;
  bool indefinite = false;
};

[[noreturn]] void malformed(const char* what) { throw Error(Errc::cms_malformed, what); }

// Reads TLV headers straight from the Source; contents are skipped by offset.
class Reader {
public:
  explicit Reader(const io::Source& src) : m_src(src) {}

  Header header_at(std::uint64_t pos, std::uint64_t limit) const {
    unsigned char buf[16] = {};
    const auto avail = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf, limit > pos ? limit - pos : 0));
    const std::size_t n = read(pos, reinterpret_cast<char*>(buf), avail);
    if (n < 2) malformed("truncated");
    Header h;
    h.begin = pos;
    std::size_t i = 0;
    h.tag_class = buf[i] >> 6;
    h.constructed = (buf[i] & 0x20) != 0;
    h.tag = buf[i] & 0x1F;
    ++i;
    if (h.tag == 0x1F) {
      h.tag = 0;
      for (int k = 0;; ++k) {
        if (i >= n || k > 4) malformed("bad tag");
        h.tag = (h.tag << 7) | (buf[i] & 0x7F);
        if ((buf[i++] & 0x80) == 0) break;
      }
    }
    if (i >= n) malformed("truncated");
    const unsigned char len0 = buf[i++];
    std::uint64_t length = 0;
    if (len0 == 0x80) {
      if (!h.constructed) malformed("indefinite primitive");
      h.indefinite = true;
    } else if (len0 & 0x80) {
      const std::size_t k = len0 & 0x7F;
      if (k > 8 || i + k > n) malformed("bad length");
      for (std::size_t j = 0; j < k; ++j) length = (length << 8) | buf[i++];
    } else {
      length = len0;
    }
    h.content = pos + i;
    if (!h.indefinite) {
      if (length > limit - h.content) malformed("length beyond the data");
      h.end = h.content + length;
    }
    return h;
  }

  /** A full header: for indefinite lengths, walks the children to find the end. */
  Header tlv_at(std::uint64_t pos, std::uint64_t limit, int depth = 0) const {
    if (depth > kMaxDepth) malformed("nested too deeply");
    Header h = header_at(pos, limit);
    if (!h.indefinite) return h;
    std::uint64_t p = h.content;
    for (;;) {
      if (is_end_of_contents(p, limit)) {
        h.end = p + 2;
        return h;
      }
      p = tlv_at(p, limit, depth + 1).end;
    }
  }

  bool is_end_of_contents(std::uint64_t pos, std::uint64_t limit) const {
    char eoc[2] = {1, 1};
    if (limit - pos < 2 || read(pos, eoc, 2) != 2) malformed("truncated");
    return eoc[0] == 0 && eoc[1] == 0;
  }

  std::string bytes(const Header& h) const {
    if (h.end - h.begin > kMaxField) throw Error(Errc::input_too_large, "CMS field");
    return io::read_range(m_src, h.begin, h.end, kMaxField);
  }

  std::uint64_t limit() const { return m_src.size(); }

  /** The end of a constructed header's children (before the end-of-contents). */
  std::uint64_t children_end(const Header& h) const { return h.indefinite ? h.end - 2 : h.end; }

private:
  // Headers are tiny and many (BER may cut content into thousands of pieces): read
  // them through a window instead of one system call each.
  std::size_t read(std::uint64_t pos, char* out, std::size_t n) const {
    if (pos < m_cache_off || pos + n > m_cache_off + m_cache.size()) {
      m_cache.resize(kWindow);
      m_cache.resize(m_src.read_at(pos, {m_cache.data(), kWindow}));
      m_cache_off = pos;
    }
    const auto have = static_cast<std::size_t>(std::min<std::uint64_t>(n, m_cache_off + m_cache.size() - pos));
    std::memcpy(out, m_cache.data() + (pos - m_cache_off), have);
    return have;
  }

  static constexpr std::size_t kWindow = 1 << 16;
  const io::Source& m_src;
  mutable std::string m_cache;
  mutable std::uint64_t m_cache_off = 0;
};

std::string der_length(std::size_t n) {
  std::string out;
  if (n < 128) return std::string(1, static_cast<char>(n));
  while (n > 0) {
    out.insert(out.begin(), static_cast<char>(n & 0xFF));
    n >>= 8;
  }
  return std::string(1, static_cast<char>(0x80 | out.size())) + out;
}

std::string tlv(unsigned char tag, const std::string& content) {
  return std::string(1, static_cast<char>(tag)) + der_length(content.size()) + content;
}

// Pulls the ciphertext out of encryptedContent: one primitive [0], or a
// constructed [0] of (possibly nested) OCTET STRING pieces, BER or DER.
class CiphertextPuller {
public:
  CiphertextPuller(const io::Source& src, const Reader& reader, std::uint64_t begin, std::uint64_t limit)
      : m_src(src), m_reader(reader), m_limit(limit) {
    const Header h = reader.header_at(begin, limit);
    if (h.constructed) {
      m_stack.push_back(Frame{h.content, h.indefinite ? 0 : h.end, h.indefinite});
    } else {
      m_pos = h.content;
      m_chunk_end = h.end;
      m_end = h.end;
    }
  }

  std::size_t pull(char* out, std::size_t capacity) {
    while (m_pos >= m_chunk_end) {
      if (!next_chunk()) return 0;
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, m_chunk_end - m_pos));
    const std::size_t got = m_src.read_at(m_pos, {out, n});
    if (got == 0) malformed("truncated");  // less ciphertext than its header promised
    m_pos += got;
    m_src.release_before(m_pos);  // a streamed source need not keep what was decrypted
    return got;
  }

  /** Where the encryptedContent ended, once all of it has been pulled; 0 before. */
  std::uint64_t end() const { return m_end; }

private:
  struct Frame {
    std::uint64_t pos;
    std::uint64_t end;  // 0 when indefinite
    bool indefinite;
  };

  bool next_chunk() {
    while (!m_stack.empty()) {
      Frame& f = m_stack.back();
      if (!f.indefinite && f.pos >= f.end) {
        const std::uint64_t after = f.end;
        m_stack.pop_back();
        if (m_stack.empty()) m_end = after;
        continue;
      }
      if (f.indefinite && m_reader.is_end_of_contents(f.pos, m_limit)) {
        const std::uint64_t after = f.pos + 2;
        m_stack.pop_back();
        if (m_stack.empty()) m_end = after;
        else m_stack.back().pos = after;
        continue;
      }
      const Header h = m_reader.header_at(f.pos, f.indefinite ? m_limit : f.end);
      if (h.tag_class != 0 || h.tag != 4) malformed("encrypted content is not OCTET STRING pieces");
      if (h.constructed) {
        if (m_stack.size() > kMaxDepth) malformed("nested too deeply");
        f.pos = h.indefinite ? f.pos : h.end;  // definite: skip over it once consumed
        m_stack.push_back(Frame{h.content, h.indefinite ? 0 : h.end, h.indefinite});
        continue;
      }
      f.pos = h.end;
      m_pos = h.content;
      m_chunk_end = h.end;
      return true;
    }
    return false;
  }

  const io::Source& m_src;
  const Reader& m_reader;
  std::uint64_t m_limit;
  std::vector<Frame> m_stack;
  std::uint64_t m_pos = 0;
  std::uint64_t m_chunk_end = 0;
  std::uint64_t m_end = 0;
};

// What a scan that stopped at the ciphertext leaves to check once it has been read:
// the end of the EncryptedContentInfo, any fields after it, the ends of the enclosing
// structures. (EnvelopedData needs nothing from after its ciphertext to decrypt, so its
// ciphertext is never walked twice; AuthEnvelopedData's tag comes after it.)
struct Tail {
  bool pending = false;
  Header eci, env, wrapper, ci;
  std::uint64_t env_limit = 0;
};

EnvelopeLayout scan(const io::Source& der, Tail* tail);

}  // namespace

EnvelopeLayout scan_envelope(const io::Source& der) { return scan(der, nullptr); }

namespace {

EnvelopeLayout scan(const io::Source& der, Tail* tail) {
  const Reader r(der);
  const std::uint64_t limit = der.size();
  const Header ci = r.header_at(0, limit);
  if (ci.tag_class != 0 || ci.tag != 16 || !ci.constructed) malformed("not a ContentInfo");
  const std::uint64_t ci_end = ci.indefinite ? limit : ci.end;
  const Header oid = r.header_at(ci.content, ci_end);
  if (oid.tag != 6 || oid.constructed) malformed("no content type");
  const std::string oid_bytes = r.bytes(oid);
  EnvelopeLayout layout;
  const std::string type_text = ber::oid_text(std::string_view(oid_bytes).substr(oid.content - oid.begin));
  if (type_text == "1.2.840.113549.1.7.3") layout.type = "enveloped-data";
  else if (type_text == "1.2.840.113549.1.9.16.1.23") layout.type = "auth-enveloped-data";
  // EncryptedData (key agreed out of band) and PKCS#7 signedAndEnveloped are encryption, just not ours.
  else if (type_text == "1.2.840.113549.1.7.6" || type_text == "1.2.840.113549.1.7.4")
    throw Error(Errc::cms_unsupported, type_text);
  else throw Error(Errc::not_encrypted, type_text);

  const Header wrapper = r.header_at(oid.end, ci_end);
  if (wrapper.tag_class != 2 || wrapper.tag != 0 || !wrapper.constructed) malformed("no content");
  const Header env = r.header_at(wrapper.content, wrapper.indefinite ? ci_end : wrapper.end);
  if (env.tag != 16 || !env.constructed) malformed("not an EnvelopedData");
  const std::uint64_t env_limit = env.indefinite ? (wrapper.indefinite ? ci_end : wrapper.end) : env.end;

  // Copy every field but the encrypted content, which stays where it is.
  std::string fields;
  bool seen_set = false;
  bool seen_content_info = false;
  std::uint64_t icv_len = 12;  // RFC 5084 default
  std::uint64_t mac_len = 0;
  std::uint64_t pos = env.content;
  const bool stop_at_content = tail != nullptr && layout.type == "enveloped-data";
  for (;;) {
    if (env.indefinite ? r.is_end_of_contents(pos, env_limit) : pos >= env.end) break;
    const Header head = r.header_at(pos, env_limit);
    const bool content_info = !seen_content_info && seen_set && head.tag_class == 0 && head.tag == 16;
    // Only the EncryptedContentInfo may be huge; it is walked to its end only when a field after it matters.
    const Header f = content_info && stop_at_content && head.indefinite ? head : r.tlv_at(pos, env_limit);
    const std::uint64_t f_limit = f.indefinite && !f.end ? env_limit : f.end;
    if (content_info) {
      // EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, [0] encryptedContent OPTIONAL }
      seen_content_info = true;
      const Header ctype = r.tlv_at(f.content, f_limit);
      const Header alg = r.tlv_at(ctype.end, f_limit);
      const std::string alg_bytes = r.bytes(alg);
      fields += tlv(0x30, r.bytes(ctype) + alg_bytes);
      const auto alg_tlv = ber::read(alg_bytes);
      if (alg_tlv) {
        ber::Children children(*alg_tlv);
        if (const auto alg_oid = children.next(); alg_oid && alg_oid->tag == 6) {
          layout.content_cipher = ber::oid_text(alg_oid->content);
        }
        // GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen INTEGER DEFAULT 12 }
        if (const auto params = children.next(); params && params->constructed && params->tag == 16) {
          ber::Children p(*params);
          (void)p.next();
          if (const auto icv = p.next(); icv && icv->tag == 2 && icv->content.size() == 1) {
            icv_len = static_cast<unsigned char>(icv->content[0]);
          }
        }
      }
      const bool more = f.end != 0 ? alg.end < r.children_end(f) : !r.is_end_of_contents(alg.end, f_limit);
      if (more) {
        const Header content = r.header_at(alg.end, f_limit);
        if (content.tag_class == 2 && content.tag == 0) layout.content_begin = content.begin;
      }
      if (stop_at_content && layout.content_begin != 0) {
        *tail = Tail{true, f, env, wrapper, ci, env_limit};
        break;
      }
    } else {
      if (f.tag_class == 0 && f.tag == 17) seen_set = true;  // recipientInfos
      if (seen_content_info && f.tag_class == 0 && f.tag == 4 && !f.constructed) mac_len = f.end - f.content;
      fields += r.bytes(f);
    }
    pos = f.end;
  }
  if (!seen_content_info) malformed("no encrypted content info");
  if (fields.size() > kMaxField * 4) throw Error(Errc::input_too_large, "CMS header");
  if (layout.type == "auth-enveloped-data") {
    // OpenSSL accepts any tag length from 1 byte: a shortened tag would let a forger
    // succeed after a few hundred tries. RFC 5084 allows 12 to 16 bytes, as declared.
    if (mac_len != icv_len || icv_len < 12 || icv_len > 16) {
      throw Error(Errc::decrypt_failed, "authentication tag of " + std::to_string(mac_len) + " bytes, " +
                                            std::to_string(icv_len) + " declared");
    }
  }
  layout.header_der = tlv(0x30, oid_bytes + tlv(0xA0, tlv(0x30, fields)));
  return layout;
}

// After a scan that stopped at the ciphertext: the structure must end as it began.
void check_tail(const Reader& r, const Tail& t, std::uint64_t pos) {
  const auto end_of = [&](const Header& h, std::uint64_t at) {
    if (h.indefinite) {
      if (!r.is_end_of_contents(at, r.limit())) malformed("missing end-of-contents");
      return at + 2;
    }
    if (at != h.end) malformed("length does not match the content");
    return at;
  };
  pos = end_of(t.eci, pos);
  // RFC 5652 §6.1: only unprotectedAttrs [1] IMPLICIT may follow (not needed to decrypt).
  if (t.env.indefinite ? !r.is_end_of_contents(pos, t.env_limit) : pos < t.env.end) {
    const Header attrs = r.tlv_at(pos, t.env_limit);
    if (attrs.tag_class != 2 || attrs.tag != 1 || !attrs.constructed) malformed("unexpected field after the content");
    pos = attrs.end;
  }
  pos = end_of(t.env, pos);
  pos = end_of(t.wrapper, pos);
  end_of(t.ci, pos);
}

}  // namespace

DecryptResult decrypt_stream_into(const io::Source& der, const std::vector<const keys::Credentials*>& keys,
                                  io::Sink& plaintext) {
  ossl::ensure_initialized();
  ossl::ClearErrorsOnExit clear;
  Tail tail;
  const EnvelopeLayout layout = scan(der, &tail);
  if (layout.content_begin == 0) throw Error(Errc::cms_unsupported, "the encrypted content is detached");
  ossl::BioPtr hdr(BIO_new_mem_buf(layout.header_der.data(), static_cast<int>(layout.header_der.size())));
  ossl::CmsPtr cms(d2i_CMS_bio(hdr.get(), nullptr));
  if (!cms) ossl::throw_last(Errc::cms_malformed);

  DecryptResult result;
  result.content_cipher = content_cipher_name(layout.header_der);
  result.authenticated = layout.type == "auth-enveloped-data";
  // Old mail (RC2, DES) needs the legacy provider; AES, what everyone sends today, does not.
  if (result.content_cipher.rfind("aes-", 0) != 0) ossl::ensure_legacy();
  select_recipient_key(cms.get(), keys);

  const Reader reader(der);
  CiphertextPuller puller(der, reader, layout.content_begin, der.size());
  ossl::BioPtr ciphertext = ossl::pull_bio([&puller](char* buf, std::size_t n) { return puller.pull(buf, n); });
  // The plaintext's writes (about as long as reading and decoding the base64, and
  // deciphering, together) run on a second thread.
  io::AsyncSink writing(plaintext);
  ossl::BioPtr out = ossl::sink_bio(writing);
  if (CMS_decrypt(cms.get(), nullptr, nullptr, ciphertext.get(), out.get(), CMS_BINARY) != 1) {
    ossl::rethrow_sink_error(out.get());  // a full disk is not a tampered message
    ossl::rethrow_pull_error(ciphertext.get());  // nor is a message cut short
    throw_decrypt_error(result.content_cipher);
  }
  ossl::rethrow_pull_error(ciphertext.get());
  writing.flush();
  if (tail.pending) {
    if (puller.end() == 0) malformed("the encrypted content was not read to its end");
    check_tail(reader, tail, puller.end());
  }
  return result;
}

DecryptResult decrypt_stream(const io::Source& der, const std::vector<const keys::Credentials*>& keys) {
  // Plaintext goes to a private file first: a padding or tag failure is only known at the end.
  io::SpoolSink spool;
  DecryptResult result = decrypt_stream_into(der, keys, spool);
  result.plaintext = spool.to_source();
  return result;
}

}  // namespace inkan::cms
