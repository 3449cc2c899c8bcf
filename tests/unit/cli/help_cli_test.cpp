// `inkan COMMAND --help`: every option it lists is one the command accepts,
// every option docs/cli.md documents for the command is listed, and the text
// follows the language.
#include "cli/cli_fixture.h"

#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using inkan::test::CliTest;

const char* const kCommands[] = {"sign",        "verify",         "encrypt",      "decrypt",      "inspect",
                                 "id import",   "id export",      "id export-cert", "id list",    "id expiring",
                                 "id delete",   "trust list",     "trust add",    "trust distrust", "trust remove",
                                 "store passwd", "store status", "trust builtin", "lint",         "csr",
                                 "acme account", "acme order",     "acme reply",   "acme resume",
                                 "contact list", "contact show",   "contact harvest", "contact accept", "contact reject",
                                 "contact delete", "contact lookup", "contact import",

                                 "ca init",      "ca issue",       "ca list",      "ca revoke",    "ca crl",
                                 "actalis code"};

// "id import" -> {"id", "import"}, followed by the rest.
std::vector<std::string> command_line(const std::string& command, const std::vector<std::string>& rest) {
  std::vector<std::string> out;
  std::istringstream words(command);
  for (std::string w; words >> w;) out.push_back(w);
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

// Option forms at the start of the lines under "options:" ("  -o, --output FILE   ...").
std::set<std::string> listed_options(const std::string& help) {
  std::set<std::string> out;
  const std::regex line("\\n  (?:-[a-z], )?(--[a-z0-9-]+)");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), line); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

// Every `--option` in the first cell of the option table rows of a docs/cli.md section.
std::set<std::string> table_options(const std::string& doc, const std::string& heading) {
  const auto start = doc.find(heading);
  if (start == std::string::npos) return {};
  const auto end = doc.find("\n## ", start + 1);
  std::istringstream section(doc.substr(start, end == std::string::npos ? std::string::npos : end - start));
  std::set<std::string> out;
  const std::regex option("`(--[a-z0-9-]+)");
  for (std::string line; std::getline(section, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    const std::string first_cell = line.substr(0, line.find(" |", 2));
    for (auto it = std::sregex_iterator(first_cell.begin(), first_cell.end(), option); it != std::sregex_iterator(); ++it) {
      out.insert((*it)[1]);
    }
  }
  return out;
}

// A command's documented options: its own table, plus "Keys and passwords" when it takes --key.
std::set<std::string> documented_options(const std::string& doc, const std::string& command) {
  auto out = table_options(doc, "## `inkan " + command + "`");
  if (out.count("--key") != 0) {
    for (const auto& o : table_options(doc, "## Keys and passwords")) out.insert(o);
  }
  return out;
}

TEST_F(CliTest, EveryListedOptionIsAccepted) {
  for (const char* command : kCommands) {
    const auto help = inkan(command_line(command, {"--help"}));
    ASSERT_EQ(help.exit_code, 0) << command << ": " << inkan::test::describe(help);
    const auto options = listed_options(help.out);
    EXPECT_GE(options.size(), 1u) << help.out;
    for (const auto& option : options) {
      // A value that names no file: the command fails later, but never on the option itself.
      const auto r = inkan(command_line(command, {option, "no-such-file-" + option.substr(2), "no-such-input"}));
      EXPECT_EQ(r.err.find("unknown option"), std::string::npos) << command << " " << option << ": " << r.err;
      EXPECT_NE(r.exit_code, 0) << command << " " << option;
    }
  }
}

TEST_F(CliTest, HelpListsWhatTheDocsDocument) {
  const std::string doc = inkan::test::read_file(inkan::test::env_or("INKAN_SOURCE_DIR") + "/docs/cli.md");
  for (const char* command : kCommands) {
    const auto listed = listed_options(inkan(command_line(command, {"--help"})).out);
    const auto documented = documented_options(doc, command);
    EXPECT_FALSE(documented.empty()) << "no option table for " << command << " in docs/cli.md";
    for (const auto& option : documented) {
      EXPECT_EQ(listed.count(option), 1u) << "docs/cli.md documents " << option << " for " << command
                                          << " but --help does not list it";
    }
  }
}

TEST_F(CliTest, HelpFollowsTheLanguage) {
  const auto en = inkan({"sign", "--help"});
  const auto ja = inkan({"--lang", "ja", "sign", "--help"});
  inkan::test::RunOptions japanese;
  japanese.set_env = {"LANG=ja_JP.UTF-8"};
  const auto ja_env = inkan({"help", "sign"}, japanese);
  ASSERT_EQ(ja.exit_code, 0);
  EXPECT_NE(en.out, ja.out);
  EXPECT_NE(ja.out.find("\xE7\xBD\xB2\xE5\x90\x8D"), std::string::npos) << ja.out;  // 署名
  EXPECT_EQ(ja_env.out, ja.out);
  EXPECT_EQ(listed_options(en.out), listed_options(ja.out));
}

TEST_F(CliTest, GroupHelpListsEverySubcommand) {
  for (const std::string group : {"id", "trust", "store", "acme", "contact", "ca", "actalis"}) {
    const auto help = inkan({group, "--help"});
    ASSERT_EQ(help.exit_code, 0) << group << ": " << inkan::test::describe(help);
    for (const char* command : kCommands) {
      const std::string c = command;
      if (c.rfind(group + " ", 0) != 0) continue;
      EXPECT_NE(help.out.find("inkan " + c), std::string::npos) << c << "\n" << help.out;
    }
  }
  // "inkan help id import" is "inkan id import --help".
  EXPECT_EQ(inkan({"help", "id", "import"}).out, inkan({"id", "import", "--help"}).out);
  const auto missing = inkan({"id"});
  EXPECT_EQ(missing.exit_code, 2) << inkan::test::describe(missing);
  EXPECT_NE(missing.err.find("needs a subcommand"), std::string::npos) << missing.err;
  const auto unknown = inkan({"trust", "frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2) << inkan::test::describe(unknown);
  EXPECT_NE(unknown.err.find("unknown subcommand trust frobnicate"), std::string::npos) << unknown.err;
}

TEST_F(CliTest, HelpForAnUnknownCommandIsAUsageError) {
  const auto r = inkan({"help", "sing"});
  EXPECT_EQ(r.exit_code, 2) << inkan::test::describe(r);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("unknown command sing"), std::string::npos) << r.err;
}

TEST_F(CliTest, SubcommandHelpInBothForms) {
  const auto direct = inkan({"acme", "order", "--help"});
  const auto via_help = inkan({"help", "acme", "order"});
  ASSERT_EQ(direct.exit_code, 0);
  EXPECT_EQ(direct.out, via_help.out);
  EXPECT_NE(direct.out.find("usage: inkan acme order"), std::string::npos) << direct.out;
  const auto ja = inkan({"--lang", "ja", "acme", "order", "--help"});
  EXPECT_NE(ja.out.find("\xE6\xB3\xA8\xE6\x96\x87"), std::string::npos) << ja.out;  // 注文
}

}  // namespace
