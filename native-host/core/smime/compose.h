// Pieces shared by the operations that write messages: the outer header
// block, boundaries, and a Sink that base64-encodes what passes through.
#pragma once

#include "io/sink.h"
#include "mime/codec.h"
#include "mime/entity.h"

#include <cstdint>
#include <string>
#include <vector>

namespace inkan::smime {

struct OuterHeaders {
  std::string text;                   ///< CRLF-terminated fields, without the blank line
  std::vector<std::string> warnings;  ///< e.g. "date-far-from-now"
};

/**
 * The message's own header fields (everything except Content-*), CRLF
 * canonical and byte-exact otherwise, with MIME-Version and Date added when
 * missing. A Date far from `now` is kept but reported, because recipients
 * will see a time mismatch.
 */
OuterHeaders outer_headers(const mime::Entity& root, std::int64_t now);

/** A fresh multipart boundary, random enough never to occur in content. */
std::string make_boundary();

/** Base64 (CRLF, 76 columns) of everything written, into another sink. */
class Base64Sink final : public io::Sink {
public:
  explicit Base64Sink(io::Sink& out) : m_out(out) {}
  void write(std::string_view bytes) override;
  /** Writes the final partial line; call once, after the last write. */
  void finish();

private:
  io::Sink& m_out;
  mime::Base64Encoder m_enc;
  std::string m_buf;
};

/** Sends every write to two sinks. */
class TeeSink final : public io::Sink {
public:
  TeeSink(io::Sink& a, io::Sink& b) : m_a(a), m_b(b) {}
  void write(std::string_view bytes) override {
    m_a.write(bytes);
    m_b.write(bytes);
  }

private:
  io::Sink& m_a;
  io::Sink& m_b;
};

/** A Sink feeding a streaming CMS builder (anything with update(std::string_view)). */
template <typename Target>
class ForwardSink final : public io::Sink {
public:
  explicit ForwardSink(Target& target) : m_target(target) {}
  void write(std::string_view bytes) override { m_target.update(bytes); }

private:
  Target& m_target;
};

/** Addresses of the From field (all mailboxes), lower case. */
std::vector<std::string> from_addresses(const mime::Headers& headers);

}  // namespace inkan::smime
