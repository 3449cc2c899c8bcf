#include "reply.h"

#include "base64.h"
#include "io/source.h"
#include "ossl/handles.h"
#include "ossl/library.h"
#include "verdict_json.h"

#include <openssl/evp.h>

#include <algorithm>
#include <vector>

namespace inkan::protocol {
namespace {

// Error details name files and algorithms; bounded so an error always fits one frame.
constexpr std::size_t kMaxDetail = 2048;

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHex[p[i] >> 4]);
    out.push_back(kHex[p[i] & 15]);
  }
  return out;
}

}  // namespace

void ReplyWriter::ok(const Json& id, const Json& result) {
  Json reply = {{"id", id}, {"ok", true}, {"result", result}};
  std::string text = dump_json(reply);
  if (text.size() <= kMaxReplyFrame) {
    write_frame(m_out, text);
    return;
  }
  // Rare (a verdict listing hundreds of certificates): the serialised result goes out
  // as chunks of part "result", and the final reply says how to reassemble it.
  text = dump_json(result);
  const io::ViewSource src(text);
  const StreamSummary s = stream(id, src, "result");
  const Json final = {{"id", id},
                      {"ok", true},
                      {"result_chunks", {{"bytes", s.bytes}, {"chunks", s.chunks}, {"sha256", s.sha256}}}};
  write_frame(m_out, dump_json(final));
}

void ReplyWriter::error(const Json& id, const Error& error, const Json& members) {
  std::string detail = error.detail();
  if (detail.size() > kMaxDetail) detail.resize(kMaxDetail);
  Json reply = {{"id", id},
                {"ok", false},
                {"error",
                 {{"code", code_string(error.code())},
                  {"message", message(error.code(), Lang::en)},
                  {"message_ja", message(error.code(), Lang::ja)},
                  {"detail", detail}}}};
  if (members.is_object()) {
    // The fixed members stay as they are; the op's own come after them.
    for (auto it = members.begin(); it != members.end(); ++it) {
      if (!reply["error"].contains(it.key())) reply["error"][it.key()] = it.value();
    }
  }
  write_frame(m_out, dump_json(reply));
}

StreamSummary ReplyWriter::stream(const Json& id, const io::Source& src, std::string_view part) {
  ossl::ensure_initialized();
  const ossl::EvpMdCtxPtr md(EVP_MD_CTX_new());
  if (!md || EVP_DigestInit_ex(md.get(), ossl::sha256(), nullptr) != 1) throw Error(Errc::internal, "sha256");
  const std::string id_text = dump_json(id);
  std::vector<char> raw(kChunkBytes);
  StreamSummary s;
  const std::uint64_t size = src.size();
  while (s.bytes < size) {
    std::size_t got = 0;
    while (got < raw.size() && s.bytes + got < size) {
      const std::size_t n = src.read_at(s.bytes + got, std::span<char>(raw.data() + got, raw.size() - got));
      if (n == 0) break;
      got += n;
    }
    if (got == 0) throw Error(Errc::io_read, "output ended early");
    EVP_DigestUpdate(md.get(), raw.data(), got);
    m_frame.reset();
    std::string& body = m_frame.body();
    body.reserve(kFrameHeader + 128 + id_text.size() + base64_encoded_size(got) + 32);
    body += "{\"id\":";
    body += id_text;
    body += ",\"chunk\":{\"seq\":";
    body += std::to_string(s.chunks);
    if (!part.empty()) {
      body += ",\"part\":\"";
      body += part;
      body += '"';
    }
    body += "},\"data\":\"";
    base64_append({raw.data(), got}, body);
    body += "\"}";
    m_out.write_all(m_frame.finish());
    s.bytes += got;
    ++s.chunks;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md.get(), digest, &len);
  s.sha256 = hex(digest, len);
  return s;
}

}  // namespace inkan::protocol
