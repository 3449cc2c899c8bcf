#include "smime/canonical.h"

#include "smime/header_encoding.h"

#include "error.h"
#include "mime/byte_scan.h"
#include "mime/codec.h"
#include "mime/headers.h"
#include "mime/line_reader.h"

#include <optional>
#include <type_traits>

namespace inkan::smime {
namespace {

struct BodyScan {
  std::uint64_t bytes = 0;
  std::uint64_t eight_bit = 0;
  bool nul = false;
  bool long_line = false;
  bool bare_cr = false;  ///< a CR not followed by LF (7bit data has CR only in CRLF, RFC 2045 §2.7)
  bool bare_lf = false;
  bool valid_utf8 = true;
  bool canonical_lines = false;  ///< known to have CRLF line ends only (the body can be copied as is)

  bool clean() const { return eight_bit == 0 && !nul && !long_line && !bare_cr; }
};

BodyScan scan(const io::Source& src, io::Range range) {
  BodyScan s;
  std::uint64_t line = 0;
  int utf8_pending = 0;
  bool previous_cr = false;  // carried across chunks: a CRLF may be split between them
  mime::for_each_chunk(src, range, [&](std::string_view chunk) {
    s.bytes += chunk.size();
    for (const char ch : chunk) {
      const auto c = static_cast<unsigned char>(ch);
      // Line length excludes the CRLF (RFC 5322 §2.1.1): a CR counts only when no LF follows.
      if (previous_cr && c != '\n') {
        s.bare_cr = true;
        if (++line > 998) s.long_line = true;
      }
      if (c == '\n') {
        if (!previous_cr) s.bare_lf = true;
        line = 0;
      } else if (c != '\r' && ++line > 998) {
        s.long_line = true;
      }
      previous_cr = c == '\r';
      if (c == 0) s.nul = true;
      if (c >= 0x80) {
        ++s.eight_bit;
        if (utf8_pending > 0) {
          if ((c & 0xC0) != 0x80) s.valid_utf8 = false;
          --utf8_pending;
        } else if ((c & 0xE0) == 0xC0) {
          utf8_pending = 1;
        } else if ((c & 0xF0) == 0xE0) {
          utf8_pending = 2;
        } else if ((c & 0xF8) == 0xF0) {
          utf8_pending = 3;
        } else {
          s.valid_utf8 = false;
        }
      } else if (utf8_pending > 0) {
        s.valid_utf8 = false;
        utf8_pending = 0;
      }
    }
  });
  if (utf8_pending > 0) s.valid_utf8 = false;
  if (previous_cr) {
    s.bare_cr = true;
    if (++line > 998) s.long_line = true;
  }
  return s;
}

// Base64 and quoted-printable bodies should be 7-bit already; this only finds out
// whether one is not (stray 8-bit bytes, a bare CR, an over-long line), quickly.
BodyScan scan_encoded(const io::Source& src, io::Range range) {
  BodyScan s;
  std::uint64_t line = 0;
  bool previous_cr = false;
  mime::for_each_chunk(src, range, [&](std::string_view chunk) {
    unsigned char any = 0;
    for (const char ch : chunk) {
      const auto c = static_cast<unsigned char>(ch);
      any |= c;
      if (c == '\n') {
        line = 0;
      } else if (c != '\r') {
        if (previous_cr) s.bare_cr = true;
        if (++line > 998) s.long_line = true;
        if (c == 0) s.nul = true;
      }
      previous_cr = c == '\r';
    }
    if ((any & 0x80) != 0) s.eight_bit = 1;
  });
  if (previous_cr) s.bare_cr = true;
  return s;
}

// Almost every body is plain 7-bit text or base64 with CRLF lines: a block-wise pass
// settles those; the per-byte scans above only run when something needs a closer look.
char byte_at(const io::Source& src, std::uint64_t pos) {
  char c = 0;
  return src.read_at(pos, {&c, 1}) == 1 ? c : '\0';
}

// What the parser saw of a body, when it can answer for exactly this range: the range
// must start a line and must not end in a CR (see StreamFacts::ask).
std::optional<mime::StreamFacts::Answer> known_facts(const io::Source& src, io::Range range,
                                                     const mime::StreamFacts* facts) {
  if (facts == nullptr || range.empty()) return std::nullopt;
  if (byte_at(src, range.end - 1) == '\r') return std::nullopt;
  if (range.begin > 0) {
    const char before = byte_at(src, range.begin - 1);
    const bool line_start = before == '\n' || (before == '\r' && byte_at(src, range.begin) != '\n');
    if (!line_start) return std::nullopt;
  }
  return facts->ask(range.begin, range.end);
}

BodyScan scan_body(const io::Source& src, io::Range range, bool encoded, const mime::StreamFacts* facts) {
  bool plain = false;
  bool bare_lf = false;
  // Facts may err on the safe side (marks close together merge): a plain range is plain,
  // but "bare LF somewhere" must be exact (it decides how a binary part is sent): look then.
  if (const auto known = known_facts(src, range, facts); known && (!known->plain || !known->bare_lf)) {
    plain = known->plain;
    bare_lf = known->bare_lf;
  } else {
    mime::QuickScanner quick;
    mime::for_each_chunk(src, range, [&](std::string_view chunk) { quick.update(chunk); });
    plain = quick.plain();
    bare_lf = quick.bare_lf();
  }
  if (!plain) return encoded ? scan_encoded(src, range) : scan(src, range);
  BodyScan s;
  s.bytes = range.size();
  s.bare_lf = !encoded && bare_lf;  // the encoded scan does not look for bare LF
  s.canonical_lines = !bare_lf;
  return s;
}

enum class Rewrite { keep, relabel_7bit, quoted_printable, base64_text, base64_binary, reencode_qp, reencode_base64 };

Rewrite decide(const mime::Entity& e, const BodyScan& s) {
  const std::string& cte = e.transfer_encoding;
  if (cte == "base64") return s.clean() ? Rewrite::keep : Rewrite::reencode_base64;
  if (cte == "quoted-printable") return s.clean() ? Rewrite::keep : Rewrite::reencode_qp;
  // "binary" promises no line structure: bare line ends in non-text data are bytes that
  // CRLF canonicalisation would change, so such data is only safe in base64.
  if (cte == "binary" && e.type.type != "text" && s.bare_lf) return Rewrite::base64_binary;
  if (s.clean()) return cte == "7bit" ? Rewrite::keep : Rewrite::relabel_7bit;
  if (e.type.type != "text") return Rewrite::base64_binary;
  // Mostly non-ASCII text (Japanese, say) is smaller in base64; mostly ASCII stays readable in QP.
  if (cte == "binary" || s.nul) return Rewrite::base64_binary;
  return s.eight_bit * 10 > s.bytes ? Rewrite::base64_text : Rewrite::quoted_printable;
}

}  // namespace

void Canonicalizer::emit(std::string_view bytes) {
  m_buf.append(bytes);
  if (m_buf.size() >= (1 << 16)) flush();
}

void Canonicalizer::flush() {
  if (m_buf.empty()) return;
  m_out.write(m_buf);
  m_buf.clear();
}

void Canonicalizer::emit_canonical(io::Range range, bool already_canonical) {
  if (already_canonical) {  // straight from the source to the sink, without a copy in between
    flush();
    m_out.write_from(m_src, range);
    return;
  }
  mime::CrlfCanonicalizer c;
  mime::for_each_chunk(m_src, range, [&](std::string_view chunk) {
    c.update(chunk, m_buf);
    if (m_buf.size() >= (1 << 16)) flush();
  });
}

void Canonicalizer::write_headers(const mime::Entity& e, bool content_only, const std::string& new_cte,
                                  bool add_default_type) {
  for (const auto& f : e.headers.fields()) {
    if (content_only && !is_content_field(f.name)) continue;
    if (!new_cte.empty() && mime::iequals(f.name, "Content-Transfer-Encoding")) continue;
    emit(seven_bit_field(f));
  }
  if (add_default_type) emit("Content-Type: text/plain; charset=UTF-8\r\n");
  if (!new_cte.empty()) emit("Content-Transfer-Encoding: " + new_cte + "\r\n");
  emit("\r\n");
}

void Canonicalizer::write_multipart_content_headers(const mime::Entity& root) {
  write_headers(root, true, root.transfer_encoding != "7bit" ? "7bit" : "", false);
}

void Canonicalizer::write_content_part(const mime::Entity& root) {
  if (root.is_multipart()) {
    write_multipart_content_headers(root);
    write_multipart_body(root);
    return;
  }
  write_leaf(root, true);
}

void Canonicalizer::write_entity(const mime::Entity& e) {
  if (e.is_multipart()) {
    write_headers(e, false, e.transfer_encoding != "7bit" ? "7bit" : "", false);
    write_multipart_body(e);
    return;
  }
  write_leaf(e, false);
}

void Canonicalizer::write_leaf(const mime::Entity& e, bool content_only) {
  const bool encoded = e.transfer_encoding == "base64" || e.transfer_encoding == "quoted-printable";
  const BodyScan s = scan_body(m_src, e.body, encoded, e.facts.get());
  if (e.type.type == "message" && !s.clean() && !encoded) {
    // RFC 2046 forbids encoding message/* bodies: make the enclosed message 7-bit instead.
    if (++m_depth > kMaxDepth) throw Error(Errc::mime_too_deep);
    write_headers(e, content_only, "7bit", false);
    write_entity(mime::parse_entity(m_src, e.body));
    --m_depth;
    return;
  }
  // Without a Content-Type the body is us-ascii text; label 8-bit text as UTF-8.
  const bool add_type = content_only && e.headers.find("Content-Type") == nullptr && !s.clean();
  const Rewrite how = decide(e, s);
  const std::string cte = how == Rewrite::keep || how == Rewrite::reencode_qp || how == Rewrite::reencode_base64 ? ""
                          : how == Rewrite::relabel_7bit                                                       ? "7bit"
                          : how == Rewrite::quoted_printable                                                   ? "quoted-printable"
                                                                                                               : "base64";
  write_headers(e, content_only, cte, add_type);
  write_body(e, static_cast<int>(how), s.canonical_lines);
}

void Canonicalizer::write_body(const mime::Entity& e, int rewrite, bool canonical_lines) {
  switch (static_cast<Rewrite>(rewrite)) {
    case Rewrite::keep:
    case Rewrite::relabel_7bit:
      emit_canonical(e.body, canonical_lines);
      return;
    case Rewrite::quoted_printable:
      transcode(e.body, Passthrough{}, mime::QpEncoder{});
      return;
    case Rewrite::base64_text:  // text's line ends are CRLF before encoding (RFC 8551 §3.1.1)
      transcode(e.body, mime::CrlfCanonicalizer{}, mime::Base64Encoder{});
      return;
    case Rewrite::reencode_base64:  // junk in base64 is ignored by decoders: drop it
      transcode(e.body, mime::Base64Decoder{}, mime::Base64Encoder{});
      return;
    case Rewrite::reencode_qp:  // decode, then encode properly (8-bit bytes, bare CRs)
      transcode(e.body, mime::QpDecoder{}, mime::QpEncoder{});
      return;
    case Rewrite::base64_binary:
      transcode(e.body, Passthrough{}, mime::Base64Encoder{});
      return;
  }
}

template <class Stage, class Encoder>
void Canonicalizer::transcode(io::Range body, Stage stage, Encoder enc) {
  std::string tmp;
  mime::for_each_chunk(m_src, body, [&](std::string_view chunk) {
    if constexpr (std::is_same_v<Stage, Passthrough>) {
      enc.update(chunk, m_buf);
    } else {
      tmp.clear();
      stage.update(chunk, tmp);
      enc.update(tmp, m_buf);
    }
    if (m_buf.size() >= (1 << 16)) flush();
  });
  if constexpr (requires { stage.finish(tmp); }) {
    tmp.clear();
    stage.finish(tmp);
    enc.update(tmp, m_buf);
  }
  enc.finish(m_buf);
}

void Canonicalizer::write_multipart_body(const mime::Entity& e) {
  if (!e.preamble.empty()) {
    emit_canonical(e.preamble);
    emit("\r\n");
  }
  for (const auto& child : e.children) {
    emit("--" + e.boundary + "\r\n");
    write_entity(child);
    emit("\r\n");
  }
  emit("--" + e.boundary + "--\r\n");
  if (!e.epilogue.empty()) emit_canonical(e.epilogue);
}

}  // namespace inkan::smime
