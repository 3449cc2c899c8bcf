#include "smime/compose.h"

#include "mime/address.h"
#include "mime/date.h"
#include "smime/canonical.h"
#include "smime/header_encoding.h"

#include <openssl/rand.h>

namespace inkan::smime {

OuterHeaders outer_headers(const mime::Entity& root, std::int64_t now) {
  OuterHeaders out;
  bool have_version = false;
  bool have_date = false;
  for (const auto& f : root.headers.fields()) {
    if (is_content_field(f.name)) continue;
    if (mime::iequals(f.name, "MIME-Version")) have_version = true;
    if (mime::iequals(f.name, "Date")) {
      have_date = true;
      const auto date = mime::parse_date(f.value);
      if (!date || *date > now + 3600 || *date < now - 3600) out.warnings.emplace_back("date-far-from-now");
    }
    std::string field;
    mime::CrlfCanonicalizer c;
    c.update(f.raw, field);
    if (field.size() < 2 || field.compare(field.size() - 2, 2, "\r\n") != 0) field += "\r\n";
    out.text += field;
  }
  // The signature's signingTime is "now"; a Date that agrees keeps recipients from seeing a time mismatch.
  if (!have_date) out.text += "Date: " + mime::format_date(now) + "\r\n";
  if (!have_version) out.text += "MIME-Version: 1.0\r\n";
  return out;
}

std::string make_boundary() {
  static constexpr char kChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  unsigned char random[24];
  RAND_bytes(random, sizeof random);
  std::string b = "------------inkan";
  for (const unsigned char r : random) b.push_back(kChars[r % 62]);
  return b;
}

void Base64Sink::write(std::string_view bytes) {
  // In slices, so that the buffer stays under 128 KiB whatever the size of the pieces
  // written (it is part of the peak memory of every encryption).
  while (!bytes.empty()) {
    const std::string_view piece = bytes.substr(0, 48 << 10);
    bytes.remove_prefix(piece.size());
    m_enc.update(piece, m_buf);
    if (m_buf.size() >= (1 << 16)) {
      m_out.write(m_buf);
      m_buf.clear();
    }
  }
}

void Base64Sink::finish() {
  m_enc.finish(m_buf);
  m_out.write(m_buf);
  m_buf.clear();
}

std::vector<std::string> from_addresses(const mime::Headers& headers) {
  std::vector<std::string> out;
  const mime::Field* from = headers.find("From");
  if (from == nullptr) return out;
  for (auto& m : mime::parse_mailboxes(from->value)) out.push_back(std::move(m.address));
  return out;
}

}  // namespace inkan::smime
