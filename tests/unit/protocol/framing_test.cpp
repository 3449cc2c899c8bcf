// Frames in (bounded, oversized ones discarded, truncation seen) and replies
// out (every frame within Thunderbird's 1 MiB, chunks that reassemble).
#include "framing.h"
#include "ops/contact_support.h"
#include "io/source.h"
#include "reply.h"
#include "support/reference_codecs.h"

#include <gtest/gtest.h>

#include <openssl/sha.h>

#include <cstring>
#include <vector>

namespace {

using namespace inkan::protocol;

std::string framed(std::string_view body, std::uint32_t announce) {
  std::string out(4, '\0');
  std::memcpy(out.data(), &announce, 4);
  out.append(body);
  return out;
}
std::string framed(std::string_view body) { return framed(body, static_cast<std::uint32_t>(body.size())); }

std::vector<Json> frames_of(std::string_view bytes) {
  std::vector<Json> out;
  while (!bytes.empty()) {
    std::uint32_t n = 0;
    EXPECT_GE(bytes.size(), 4u);
    std::memcpy(&n, bytes.data(), 4);
    EXPECT_LE(n, kMaxReplyFrame);
    out.push_back(Json::parse(bytes.substr(4, n)));
    bytes.remove_prefix(4 + n);
  }
  return out;
}

TEST(Framing, ReadsFramesDiscardsOversizedOnesAndSeesTheEnd) {
  const std::string in = framed("{\"a\":1}") + framed(std::string(5000, 'x')) + framed("") + framed("{}");
  MemoryReader reader(in);
  FrameReader frames(reader, 4096);
  std::string f;
  EXPECT_EQ(frames.next(f).status, FrameStatus::frame);
  EXPECT_EQ(f, "{\"a\":1}");
  const auto big = frames.next(f);
  EXPECT_EQ(big.status, FrameStatus::too_large);
  EXPECT_EQ(big.length, 5000u);
  EXPECT_EQ(frames.next(f).status, FrameStatus::frame);
  EXPECT_EQ(f, "");
  EXPECT_EQ(frames.next(f).status, FrameStatus::frame);
  EXPECT_EQ(f, "{}");
  EXPECT_EQ(frames.next(f).status, FrameStatus::eof);
}

TEST(Framing, TruncationInTheHeaderOrTheBody) {
  std::string f;
  MemoryReader header_cut(std::string_view("\x05\x00", 2));
  EXPECT_EQ(FrameReader(header_cut, 100).next(f).status, FrameStatus::truncated);
  const std::string body_cut = framed("{\"id\"", 50);
  MemoryReader body(body_cut);
  EXPECT_EQ(FrameReader(body, 100).next(f).status, FrameStatus::truncated);
  const std::string oversize_cut = framed("xxxx", 5000);
  MemoryReader over(oversize_cut);
  EXPECT_EQ(FrameReader(over, 100).next(f).status, FrameStatus::truncated);
}

TEST(Replies, AStreamComesInChunksUnderOneMebibyteThatReassemble) {
  std::string bytes(2'500'000, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 7919) >> 3);
  const inkan::io::ViewSource src(bytes);
  StringWriter out;
  ReplyWriter writer(out);
  const std::string long_id(200, 'i');
  const StreamSummary s = writer.stream(long_id, src);
  const auto frames = frames_of(out.bytes());
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(s.chunks, 4u);
  EXPECT_EQ(s.bytes, bytes.size());
  std::string joined;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i]["id"], long_id);
    EXPECT_EQ(frames[i]["chunk"]["seq"], i);
    joined += *inkan::test::ref_base64_decode(frames[i]["data"].get<std::string>());
  }
  EXPECT_EQ(joined, bytes);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  char hex[65];
  for (int i = 0; i < 32; ++i) std::snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  EXPECT_EQ(s.sha256, std::string(hex, 64));
}

TEST(Replies, AResultTooLargeForOneFrameComesAsResultChunks) {
  Json result = {{"certificates", Json::array()}};
  for (int i = 0; i < 3000; ++i) result["certificates"].push_back(std::string(500, 'c'));
  StringWriter out;
  ReplyWriter(out).ok(7, result);
  const auto frames = frames_of(out.bytes());
  ASSERT_GE(frames.size(), 3u);
  std::string joined;
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
    EXPECT_EQ(frames[i]["chunk"]["part"], "result");
    joined += *inkan::test::ref_base64_decode(frames[i]["data"].get<std::string>());
  }
  const Json& final = frames.back();
  EXPECT_EQ(final["id"], 7);
  EXPECT_EQ(final["ok"], true);
  EXPECT_FALSE(final.contains("result"));
  EXPECT_EQ(final["result_chunks"]["chunks"], frames.size() - 1);
  EXPECT_EQ(Json::parse(joined), result);
}

TEST(Replies, ErrorsCarryBothLanguagesAndABoundedDetail) {
  StringWriter out;
  ReplyWriter(out).error(nullptr, inkan::Error(inkan::Errc::bad_request, std::string(100000, 'd')));
  const auto frames = frames_of(out.bytes());
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0]["id"].is_null());
  EXPECT_EQ(frames[0]["ok"], false);
  EXPECT_EQ(frames[0]["error"]["code"], "BAD_REQUEST");
  EXPECT_FALSE(frames[0]["error"]["message_ja"].get<std::string>().empty());
  EXPECT_LE(frames[0]["error"]["detail"].get<std::string>().size(), 2048u);
}

TEST(Replies, AnErrorsOwnMembersNeverReplaceTheFixedOnes) {
  StringWriter out;
  const Json members = {{"addresses", Json::array({{{"address", "a@b"}, {"reason", "no-certificate"}}})},
                        {"code", "FORGED"}, {"detail", "forged"}};
  ReplyWriter(out).error(3, inkan::Error(inkan::Errc::no_recipient_cert, "a@b (no-certificate)"), members);
  const auto frames = frames_of(out.bytes());
  ASSERT_EQ(frames.size(), 1u);
  const Json& e = frames[0]["error"];
  EXPECT_EQ(e["code"], "NO_RECIPIENT_CERT");
  EXPECT_EQ(e["detail"], "a@b (no-certificate)");
  EXPECT_EQ(e["addresses"][0]["address"], "a@b");
  EXPECT_EQ(e["addresses"][0]["reason"], "no-certificate");
}

// A message's To may name tens of thousands of addresses; the error listing them must still fit one frame.
TEST(Replies, AHugeListOfRecipientsWithoutCertificateStillFitsOneFrame) {
  std::vector<inkan::store::RecipientAnswer> missing(40000);
  for (std::size_t i = 0; i < missing.size(); ++i) {
    missing[i].address = "someone-with-a-long-name-" + std::to_string(i) + "@example.org";
    missing[i].reason = "no-certificate";
  }
  missing[0].address = std::string(5000, 'x') + "@example.org";
  missing[0].reason = "not-an-address";
  StringWriter out;
  try {
    inkan::protocol::ops::throw_missing_recipients(missing);
    FAIL() << "no error";
  } catch (const ReplyError& e) {
    EXPECT_EQ(e.code(), inkan::Errc::no_recipient_cert);
    ReplyWriter(out).error(1, e, e.members());
  }
  ASSERT_LE(out.bytes().size(), kMaxReplyFrame + 4);
  const auto frames = frames_of(out.bytes());
  ASSERT_EQ(frames.size(), 1u);
  const Json& e = frames[0]["error"];
  EXPECT_EQ(e["addresses_truncated"], true);
  EXPECT_GT(e["addresses"].size(), 1000u);
  EXPECT_LT(e["addresses"].size(), missing.size());
  EXPECT_LE(e["addresses"][0]["address"].get<std::string>().size(), 320u);
  EXPECT_EQ(e["addresses"][1]["address"], "someone-with-a-long-name-1@example.org");
}

}  // namespace
