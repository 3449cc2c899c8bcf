// Cutting the trailing "data" payload out of a frame: the fast path must give
// exactly what a full JSON parse gives, and fall back to one whenever the
// frame is not in the protocol's shape.
#include "error.h"
#include "payload.h"

#include <gtest/gtest.h>

namespace {

using inkan::protocol::is_payload_placeholder;
using inkan::protocol::Json;
using inkan::protocol::parse_frame;

TEST(Payload, CutsTheTrailingDataMemberOfTheTopObject) {
  const auto p = parse_frame(R"({"id":1,"op":"upload","upload":"u","seq":0,"data":"QUJD"})");
  EXPECT_TRUE(p.fast);
  EXPECT_EQ(p.payload, "QUJD");
  EXPECT_TRUE(is_payload_placeholder(p.json["data"]));
  EXPECT_EQ(p.json["id"], 1);
  EXPECT_EQ(p.json["seq"], 0);
}

TEST(Payload, CutsANestedTrailingDataMember) {
  const auto p = parse_frame(R"({"id":"x","op":"verify","key":{"pem":{"data":"S0VZ"}},"input":{"data":"TUVTU0FHRQ=="}})");
  EXPECT_TRUE(p.fast);
  EXPECT_EQ(p.payload, "TUVTU0FHRQ==");
  EXPECT_TRUE(is_payload_placeholder(p.json["input"]["data"]));
  EXPECT_EQ(p.json["key"]["pem"]["data"], "S0VZ");  // earlier data members stay JSON strings
}

TEST(Payload, ToleratesBlanksAndAnOnlyMember) {
  const auto p = parse_frame("{\"id\": 2, \"input\" : { \"data\" : \"QUJD\" } }\r\n");
  EXPECT_TRUE(p.fast);
  EXPECT_EQ(p.payload, "QUJD");
  EXPECT_TRUE(p.json["input"].is_object());
  EXPECT_TRUE(is_payload_placeholder(p.json["input"]["data"]));
}

TEST(Payload, FallsBackToAFullParseOutsideTheShape) {
  for (const char* frame : {R"({"id":1,"data":"QUJD","op":"x"})",             // data not last
                            R"({"id":1,"op":"x","data":"QU\u004aD"})",         // an escape in the payload
                            R"({"id":1,"op":"x","name":"QUJD"})",              // last string is not data
                            R"({"id":1,"op":"x","list":["a","data"]})",        // an array at the end
                            R"({"id":1,"op":"x","data":17})"}) {               // not a string
    const auto p = parse_frame(frame);
    EXPECT_FALSE(p.fast) << frame;
    EXPECT_EQ(p.json, Json::parse(frame)) << frame;
  }
  EXPECT_EQ(parse_frame(R"({"id":1,"op":"x","data":"QU\u004aD"})").json["data"], "QUJD");
}

TEST(Payload, EscapedQuotesBeforeThePayloadCannotFoolTheCut) {
  // The text \"data\":\" inside a string must not be taken for the member.
  const char* frame = R"({"id":1,"note":"x\"data\":\"QUJD"})";
  const auto p = parse_frame(frame);
  EXPECT_FALSE(p.fast);
  EXPECT_EQ(p.json["note"], "x\"data\":\"QUJD");
}

TEST(Payload, BrokenFramesAreBadFrame) {
  for (const char* frame : {"", "not json", R"({"id":1,"data":"QUJD")", R"({"a":{"b":"c,"data":"QUJD"}})"}) {
    try {
      (void)parse_frame(frame);
      ADD_FAILURE() << "accepted: " << frame;
    } catch (const inkan::Error& e) {
      EXPECT_EQ(e.code(), inkan::Errc::bad_frame) << frame;
    }
  }
}

TEST(Payload, PayloadBytesAreLeftToTheBase64Check) {
  // Not valid UTF-8, but cut out unparsed: the strict base64 decoder refuses it later (BAD_REQUEST).
  const auto p = parse_frame("{\"id\":1,\"data\":\"\xff\"}");
  EXPECT_TRUE(p.fast);
  EXPECT_EQ(p.payload, "\xff");
}

TEST(Payload, ThePlaceholderNeverComesFromText) {
  const auto p = parse_frame(R"({"id":1,"data":{"bytes":[1,2]}})");
  EXPECT_FALSE(is_payload_placeholder(p.json["data"]));
}

}  // namespace
