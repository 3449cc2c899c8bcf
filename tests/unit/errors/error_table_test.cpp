// The error contract (error.h, docs/errors.md): every code has a distinct,
// stable string and a message in English and Japanese.
#include "error.h"
#include "support/files.h"
#include "support/reference_codecs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

std::vector<inkan::Errc> all_codes() {
  std::vector<inkan::Errc> out;
  for (int i = 0; i <= static_cast<int>(inkan::Errc::internal); ++i) out.push_back(static_cast<inkan::Errc>(i));
  return out;
}

TEST(ErrorCodes, EveryCodeHasADistinctUpperCaseString) {
  std::set<std::string> seen;
  const std::regex shape("[A-Z][A-Z0-9_]*");
  for (const auto code : all_codes()) {
    const std::string s(inkan::code_string(code));
    EXPECT_TRUE(std::regex_match(s, shape)) << "'" << s << "'";
    EXPECT_TRUE(seen.insert(s).second) << "duplicate code string " << s;
  }
  EXPECT_EQ(seen.size(), all_codes().size());
}

TEST(ErrorCodes, EveryCodeHasEnglishAndJapaneseMessages) {
  for (const auto code : all_codes()) {
    const std::string en(inkan::message(code, inkan::Lang::en));
    const std::string ja(inkan::message(code, inkan::Lang::ja));
    const std::string id(inkan::code_string(code));
    EXPECT_FALSE(en.empty()) << id;
    EXPECT_FALSE(ja.empty()) << id;
    EXPECT_NE(en, ja) << id;
    for (const char c : en) EXPECT_LT(static_cast<unsigned char>(c), 0x80u) << id << ": " << en;
    EXPECT_TRUE(inkan::test::is_valid_utf8(ja)) << id;
    const bool has_non_ascii =
        std::any_of(ja.begin(), ja.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
    EXPECT_TRUE(has_non_ascii) << id << " has no Japanese text: " << ja;
  }
}

TEST(ErrorCodes, MessagesAreDistinctPerLanguage) {
  std::set<std::string> en, ja;
  for (const auto code : all_codes()) {
    EXPECT_TRUE(en.insert(std::string(inkan::message(code, inkan::Lang::en))).second) << inkan::code_string(code);
    EXPECT_TRUE(ja.insert(std::string(inkan::message(code, inkan::Lang::ja))).second) << inkan::code_string(code);
  }
}

TEST(ErrorCodes, DocumentedCodesAreExactlyTheEngineCodes) {
  // docs/errors.md is the public list; a code missing there (or only there) breaks the contract.
  const std::string source = inkan::test::env_or("INKAN_SOURCE_DIR");
  ASSERT_FALSE(source.empty()) << "INKAN_SOURCE_DIR is not set";
  const std::string doc = inkan::test::read_file(source + "/docs/errors.md");
  std::set<std::string> documented;
  const std::regex row("\\n\\| `([A-Z_]+)` \\|");
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), row); it != std::sregex_iterator(); ++it) {
    documented.insert((*it)[1]);
  }
  std::set<std::string> engine;
  for (const auto code : all_codes()) engine.insert(std::string(inkan::code_string(code)));
  EXPECT_EQ(documented, engine);
}

TEST(Error, CarriesCodeAndDetail) {
  const inkan::Error e(inkan::Errc::bad_password, "alice.p12");
  EXPECT_EQ(e.code(), inkan::Errc::bad_password);
  EXPECT_EQ(e.detail(), "alice.p12");
  const std::string what = e.what();
  EXPECT_NE(what.find(inkan::message(inkan::Errc::bad_password, inkan::Lang::en)), std::string::npos);
  EXPECT_NE(what.find("alice.p12"), std::string::npos);
  EXPECT_EQ(std::string(inkan::Error(inkan::Errc::internal).what()),
            inkan::message(inkan::Errc::internal, inkan::Lang::en));
}

class LangEnvironment : public ::testing::Test {
protected:
  void SetUp() override {
    for (const char* n : kNames) {
      const char* v = std::getenv(n);
      m_saved.emplace_back(n, v != nullptr ? std::optional<std::string>(v) : std::nullopt);
      ::unsetenv(n);
    }
  }
  void TearDown() override {
    for (const auto& [n, v] : m_saved) {
      if (v) ::setenv(n, v->c_str(), 1);
      else ::unsetenv(n);
    }
  }
  static constexpr const char* kNames[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  std::vector<std::pair<const char*, std::optional<std::string>>> m_saved;
};

TEST_F(LangEnvironment, JapaneseLocalesPickJapanese) {
  EXPECT_EQ(inkan::lang_from_environment(), inkan::Lang::en);
  ::setenv("LANG", "ja_JP.UTF-8", 1);
  EXPECT_EQ(inkan::lang_from_environment(), inkan::Lang::ja);
  ::setenv("LC_MESSAGES", "en_US.UTF-8", 1);  // more specific than LANG
  EXPECT_EQ(inkan::lang_from_environment(), inkan::Lang::en);
  ::setenv("LC_ALL", "ja_JP.eucJP", 1);  // overrides both
  EXPECT_EQ(inkan::lang_from_environment(), inkan::Lang::ja);
  ::setenv("LC_ALL", "", 1);  // empty means unset
  EXPECT_EQ(inkan::lang_from_environment(), inkan::Lang::en);
}

}  // namespace
