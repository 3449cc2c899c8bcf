// Reading the canonicaliser's output without the engine: a tiny splitter for
// header blocks and multipart bodies, and strict reference decoding.
#pragma once

#include "io/sink.h"
#include "io/source.h"
#include "mime/entity.h"
#include "smime/canonical.h"
#include "support/reference_codecs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace inkan::test {

/**
 * MESSAGE parsed and written by one Canonicalizer call (write_content_part or
 * write_entity). The signer parses with body facts (which bodies are plain is learnt
 * while splitting); written without them the bytes must be the same, and are checked.
 */
template <class Write>
std::string canonicalize(const std::string& message, Write write) {
  io::ViewSource src(message);
  std::string outputs[2];
  for (const bool facts : {true, false}) {
    mime::ParseLimits limits;
    limits.body_facts = facts;
    const mime::Entity root = mime::parse_message(src, limits);
    io::StringSink sink(outputs[facts ? 0 : 1]);
    smime::Canonicalizer canon(src, sink);
    (canon.*write)(root);
    canon.flush();
  }
  EXPECT_EQ(outputs[0], outputs[1]) << "with and without body facts";
  return outputs[0];
}

/** The signed-content form of a message (what write_content_part produces). */
inline std::string canonical_content(const std::string& message) {
  return canonicalize(message, &smime::Canonicalizer::write_content_part);
}

/** A whole entity in canonical form (write_entity). */
inline std::string canonical_entity(const std::string& message) {
  return canonicalize(message, &smime::Canonicalizer::write_entity);
}

struct SimplePart {
  std::string headers;  ///< CRLF-terminated fields
  std::string body;
};

/** Splits at the first empty line (CRLF only: the output under test must be canonical). */
inline SimplePart split_entity(const std::string& entity) {
  if (entity.rfind("\r\n", 0) == 0) return {"", entity.substr(2)};
  const auto blank = entity.find("\r\n\r\n");
  if (blank == std::string::npos) return {entity, ""};
  return {entity.substr(0, blank + 2), entity.substr(blank + 4)};
}

inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/** Every unfolded value of the fields named `name` (case-insensitive). */
inline std::vector<std::string> field_values(const std::string& headers, const std::string& name) {
  std::vector<std::string> out;
  const auto lines = split_crlf_lines(headers);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto colon = lines[i].find(':');
    if (lines[i].empty() || lines[i][0] == ' ' || lines[i][0] == '\t' || colon == std::string::npos) continue;
    if (lower(lines[i].substr(0, colon)) != lower(name)) continue;
    std::string value = lines[i].substr(colon + 1);
    for (std::size_t k = i + 1; k < lines.size() && !lines[k].empty() && (lines[k][0] == ' ' || lines[k][0] == '\t');
         ++k) {
      value += lines[k];
    }
    const auto b = value.find_first_not_of(" \t");
    const auto e = value.find_last_not_of(" \t");
    out.push_back(b == std::string::npos ? "" : value.substr(b, e - b + 1));
  }
  return out;
}

inline std::string field_value(const std::string& headers, const std::string& name) {
  const auto values = field_values(headers, name);
  return values.empty() ? std::string() : values.front();
}

/** The transfer encoding named in the headers, lower case, "7bit" when absent. */
inline std::string cte_of(const std::string& headers) {
  const auto v = field_value(headers, "Content-Transfer-Encoding");
  return v.empty() ? "7bit" : lower(v);
}

/** The body decoded with the strict reference decoders; nullopt if it is not valid for its encoding. */
inline std::optional<std::string> decode_part(const SimplePart& part, std::string* why = nullptr) {
  const std::string cte = cte_of(part.headers);
  if (cte == "base64") return ref_base64_decode(part.body);
  if (cte == "quoted-printable") return ref_qp_decode(part.body, why);
  return part.body;
}

/**
 * The entities of a canonical multipart body delimited by "--boundary" lines
 * (the CRLF before each delimiter belongs to it); nullopt without the close delimiter.
 */
struct MultipartBody {
  std::string preamble;
  std::vector<std::string> parts;
  std::string epilogue;
};

inline std::optional<MultipartBody> split_multipart(const std::string& body, const std::string& boundary) {
  MultipartBody out;
  const std::string delimiter = "--" + boundary;
  std::size_t pos = 0;
  bool first = true;
  for (;;) {
    // Find the next delimiter line: at the start, or right after a CRLF.
    std::size_t at = std::string::npos;
    for (std::size_t from = pos;;) {
      const auto hit = body.find(delimiter, from);
      if (hit == std::string::npos) break;
      if ((hit == 0 && first) || (hit >= 2 && body.compare(hit - 2, 2, "\r\n") == 0)) {
        at = hit;
        break;
      }
      from = hit + 1;
    }
    if (at == std::string::npos) return std::nullopt;
    const std::size_t content_end = at == 0 ? 0 : at - 2;
    if (first) {
      out.preamble = body.substr(0, content_end);
    } else {
      out.parts.push_back(body.substr(pos, content_end - pos));
    }
    first = false;
    const std::size_t after = at + delimiter.size();
    if (body.compare(after, 4, "--\r\n") == 0) {
      out.epilogue = body.substr(after + 4);
      return out;
    }
    if (body.compare(after, 2, "\r\n") != 0) return std::nullopt;
    pos = after + 2;
  }
}

/** The boundary parameter of a (canonical) Content-Type value. */
inline std::string boundary_of(const std::string& content_type) {
  const auto at = lower(content_type).find("boundary=");
  if (at == std::string::npos) return {};
  std::string v = content_type.substr(at + 9);
  if (!v.empty() && v[0] == '"') return v.substr(1, v.find('"', 1) - 1);
  return v.substr(0, v.find_first_of("; \t"));
}

}  // namespace inkan::test
