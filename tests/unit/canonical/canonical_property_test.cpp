// Property: for any message, the canonical form is 7-bit clean (RFC 2045
// §2.7 with CRLF lines), keeps the multipart structure, and decoding each
// part with reference decoders gives back the original part's bytes
// (text with CRLF line ends, everything else byte for byte).
#include "canonical/canonical_support.h"
#include "support/files.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace {

struct GeneratedPart {
  std::string headers;   // as written in the message (LF line ends; converted with the message)
  std::string body;      // as written
  std::string expected;  // decoded bytes the recipient must get
  bool binary = false;   // body bytes are not line-oriented
};

class Generator {
public:
  explicit Generator(unsigned seed) : m_rng(seed) {}

  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(m_rng); }

  std::string ascii_text(std::size_t lines) {
    static const char* const words[] = {"From", "the", ".", "-", "--", "=", "mail", "tab\t", "space ", "x=y", "a"};
    std::string out;
    for (std::size_t l = 0; l < lines; ++l) {
      const std::size_t n = pick(4) == 0 ? 400 : pick(12);
      for (std::size_t w = 0; w < n; ++w) out += std::string(words[pick(11)]) + (pick(3) == 0 ? "" : " ");
      out += "\n";
    }
    return out;
  }

  std::string utf8_text(std::size_t lines) {
    static const char* const pieces[] = {"\xE6\x97\xA5\xE6\x9C\xAC", "\xE8\xAA\x9E", "caf\xC3\xA9", "ASCII ",
                                         "\xF0\x9F\x93\xA7", " ", "From ", ".", "\xE3\x80\x82"};
    std::string out;
    for (std::size_t l = 0; l < lines; ++l) {
      const std::size_t n = pick(5) == 0 ? 500 : pick(20);
      for (std::size_t w = 0; w < n; ++w) out += pieces[pick(9)];
      out += pick(6) == 0 ? " \n" : "\n";
    }
    return out;
  }

  std::string shift_jis_text(std::size_t lines) {
    static const char* const pieces[] = {"\x93\xFA\x96\x7B", "\x8C\xEA", "\x83\x5C", "\x95\x5C", "abc ", "\x81\x42"};
    std::string out;
    for (std::size_t l = 0; l < lines; ++l) {
      for (std::size_t w = 0, n = pick(20); w < n; ++w) out += pieces[pick(6)];
      out += "\n";
    }
    return out;
  }

  std::string bytes(std::size_t n) {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(m_rng));
    return out;
  }

  GeneratedPart part() {
    GeneratedPart p;
    switch (pick(7)) {
      case 0:
        p.headers = "Content-Type: text/plain; charset=us-ascii\n";
        p.body = ascii_text(1 + pick(8));
        break;
      case 1:
        p.headers = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n";
        p.body = utf8_text(1 + pick(8));
        break;
      case 2:
        p.headers = "Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: 8bit\n";
        p.body = shift_jis_text(1 + pick(8));
        break;
      case 3:
        p.headers = "Content-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n";
        p.body = bytes(pick(3000));
        // In an LF-only message a final CR would read as part of the delimiter's CRLF.
        if (!p.body.empty() && p.body.back() == '\r') p.body.back() = 'r';
        p.binary = true;
        break;
      case 4: {
        const std::string data = bytes(pick(2000));
        p.headers = "Content-Type: image/png\nContent-Transfer-Encoding: base64\n";
        std::string flat = inkan::test::ref_base64(data);
        for (std::size_t i = 0; i < flat.size(); i += 76) p.body += flat.substr(i, 76) + "\n";
        p.expected = data;
        p.binary = true;  // expected already set
        break;
      }
      case 5:
        p.headers = "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
                    "Content-Disposition: inline; filename=\"\xE8\xA1\xA8.html\"\n";
        p.body = "<p>" + utf8_text(1 + pick(4)) + "</p>\n";
        break;
      default:
        p.headers = "Content-Type: text/plain\n";  // 7bit label, long lines possible
        p.body = ascii_text(2 + pick(6));
        break;
    }
    if (p.expected.empty()) p.expected = p.binary ? p.body : inkan::test::ref_to_crlf(p.body);
    return p;
  }

private:
  std::mt19937 m_rng;
};

// LF -> CRLF for everything but the bodies of binary parts.
std::string assemble(const std::vector<GeneratedPart>& parts, bool use_crlf, const std::string& boundary) {
  const auto eol = [&](const std::string& s) { return use_crlf ? inkan::test::crlf(s) : s; };
  std::string m = eol("From: someone@example.org\nContent-Type: multipart/mixed; boundary=\"" + boundary +
                      "\"\n\nThis is a multi-part message.\n");
  for (const auto& p : parts) {
    m += eol("--" + boundary + "\n" + p.headers + "\n");
    m += p.binary && p.headers.find("base64") == std::string::npos ? p.body : eol(p.body);
    m += eol("\n");
  }
  m += eol("--" + boundary + "--\n");
  return m;
}

TEST(CanonicalProperty, SevenBitCleanAndEveryPartDecodesToItsOriginalBytes) {
  const std::string boundary = "=_inkan_property_7Hq2";
  for (unsigned seed = 1; seed <= 150; ++seed) {
    Generator gen(seed);
    std::vector<GeneratedPart> parts;
    for (std::size_t i = 0, n = 1 + gen.pick(6); i < n; ++i) parts.push_back(gen.part());
    const std::string message = assemble(parts, seed % 2 == 0, boundary);

    const std::string out = inkan::test::canonical_content(message);
    std::string why;
    ASSERT_TRUE(inkan::test::ref_is_7bit(out, &why)) << "seed " << seed << ": " << why;
    const auto top = inkan::test::split_entity(out);
    const auto body = inkan::test::split_multipart(top.body, boundary);
    ASSERT_TRUE(body.has_value()) << "seed " << seed;
    ASSERT_EQ(body->parts.size(), parts.size()) << "seed " << seed;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto decoded = inkan::test::decode_part(inkan::test::split_entity(body->parts[i]), &why);
      ASSERT_TRUE(decoded.has_value()) << "seed " << seed << " part " << i << ": " << why << "\n" << body->parts[i];
      ASSERT_EQ(*decoded, parts[i].expected) << "seed " << seed << " part " << i << " headers:\n" << parts[i].headers;
    }
    ASSERT_EQ(inkan::test::canonical_content(out), out) << "seed " << seed << ": not a fixed point";
  }
}

}  // namespace
