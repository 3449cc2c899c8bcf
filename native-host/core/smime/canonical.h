// The canonical form of a MIME entity for signing (RFC 8551 §3.1): CRLF line
// ends, every part in a 7-bit-safe transfer encoding, 8-bit header values
// encoded (RFC 2047/2231, see header_encoding.h). Bodies are streamed; text keeps its exact bytes
// once decoded, so Japanese (or any) text survives byte for byte.
#pragma once

#include "io/sink.h"
#include "io/source.h"
#include "mime/entity.h"

#include <string>

namespace inkan::smime {

class Canonicalizer {
public:
  Canonicalizer(const io::Source& src, io::Sink& out) : m_src(src), m_out(out) {}

  /** The message body as a MIME entity: only the root's Content-* fields, then the body. */
  void write_content_part(const mime::Entity& root);

  /** The header block write_content_part writes for a multipart root (blank line included). */
  void write_multipart_content_headers(const mime::Entity& root);

  /** A whole entity (all header fields, then the body). */
  void write_entity(const mime::Entity& e);

  /** Flushes buffered output to the sink. */
  void flush();

private:
  void write_headers(const mime::Entity& e, bool content_only, const std::string& new_cte, bool add_default_type);
  void write_leaf(const mime::Entity& e, bool content_only);
  void write_body(const mime::Entity& e, int rewrite, bool canonical_lines);
  void write_multipart_body(const mime::Entity& e);
  /** Streams a body through a first stage (a decoder, line ends, or nothing) into an encoder. */
  struct Passthrough {};
  template <class Stage, class Encoder>
  void transcode(io::Range body, Stage stage, Encoder enc);
  void emit(std::string_view bytes);
  void emit_canonical(io::Range range, bool already_canonical = false);

  const io::Source& m_src;
  io::Sink& m_out;
  std::string m_buf;
  int m_depth = 0;
  static constexpr int kMaxDepth = 40;
};

}  // namespace inkan::smime
