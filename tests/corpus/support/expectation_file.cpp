#include "support/expectation_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace inkan::corpus {
namespace {

constexpr std::size_t kColumns = 11;

// Every token the checker understands; anything else is a typo that would
// silently turn an expectation into no expectation.
const std::set<std::string>& plain_signature_tokens() {
  static const std::set<std::string> tokens{"GOOD", "BAD", "none", "signed", "not-good", "crypto-valid", "ok"};
  return tokens;
}
const std::set<std::string>& prefixed_signature_tokens() {
  static const std::set<std::string> prefixes{"status:", "error:", "reason:", "warning:", "no-warning:"};
  return prefixes;
}
const std::set<std::string>& option_names() {
  static const std::set<std::string> names{"sha1",     "at",      "content", "crl",  "trust",   "cert", "key",
                                           "keycert",  "keypass", "nokey",   "cli",  "skiplines"};
  return names;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, '\t')) out.push_back(cell);
  if (!line.empty() && line.back() == '\t') out.emplace_back();
  return out;
}

std::vector<std::string> split_list(const std::string& cell, char sep) {
  std::vector<std::string> out;
  if (cell.empty() || cell == "-") return out;
  std::string item;
  std::istringstream in(cell);
  while (std::getline(in, item, sep)) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string dash_empty(const std::string& cell) { return cell == "-" ? std::string() : cell; }

[[noreturn]] void fail(const std::string& path, int line, const std::string& why) {
  throw std::runtime_error(path + ":" + std::to_string(line) + ": " + why);
}

std::string unquote(const std::string& word, const std::string& path, int line) {
  if (word.size() < 2 || word.front() != '"' || word.back() != '"') fail(path, line, "expected a quoted text: " + word);
  std::string out;
  for (std::size_t i = 1; i + 1 < word.size(); ++i) {
    if (word[i] == '\\' && i + 2 < word.size()) ++i;
    out.push_back(word[i]);
  }
  return out;
}

std::vector<TextCheck> parse_text(const std::string& cell, const std::string& path, int line) {
  std::vector<TextCheck> out;
  if (cell.empty() || cell == "-") return out;
  for (const auto& word : split_words(cell)) {
    TextCheck check;
    if (word.front() == '!') {
      check.kind = TextCheck::Kind::absent;
      check.value = unquote(word.substr(1), path, line);
    } else if (word.front() == '=') {
      check.kind = TextCheck::Kind::equals_file;
      check.value = word.substr(1);
    } else {
      check.value = unquote(word, path, line);
    }
    if (check.value.empty()) fail(path, line, "empty text check");
    out.push_back(std::move(check));
  }
  return out;
}

void validate_row(const Row& row, const std::string& path) {
  if (row.op != "verify" && row.op != "decrypt") fail(path, row.line, "op must be verify or decrypt: " + row.op);
  if (!row.encrypted.empty() && row.encrypted != "yes" && row.encrypted != "no") {
    fail(path, row.line, "encrypted must be yes, no or -");
  }
  for (const auto& token : row.signature) {
    if (plain_signature_tokens().count(token) != 0) continue;
    const bool prefixed = std::any_of(prefixed_signature_tokens().begin(), prefixed_signature_tokens().end(),
                                      [&](const std::string& p) { return token.rfind(p, 0) == 0 && token.size() > p.size(); });
    if (!prefixed) fail(path, row.line, "unknown signature token: " + token);
  }
  for (const auto& opt : row.options) {
    const std::string name = opt.substr(0, opt.find('='));
    if (option_names().count(name) == 0) fail(path, row.line, "unknown option: " + opt);
  }
  if (row.signature.empty() && row.encrypted.empty() && row.signer.empty() && row.text.empty()) {
    fail(path, row.line, "a row must expect something");
  }
  if (row.source.empty()) fail(path, row.line, "every expectation needs its source");
}

}  // namespace

bool Row::has_option(const std::string& name) const {
  return std::find(options.begin(), options.end(), name) != options.end();
}

std::optional<std::string> Row::option(const std::string& name) const {
  const std::string prefix = name + "=";
  for (const auto& opt : options) {
    if (opt.rfind(prefix, 0) == 0) return opt.substr(prefix.size());
  }
  return std::nullopt;
}

std::string Row::label() const {
  std::string out = file;
  std::string extra = op == "verify" ? std::string() : op;
  for (const auto& o : options) {
    if (o == "cli") continue;
    extra += (extra.empty() ? "" : " ") + o;
  }
  if (!extra.empty()) out += " [" + extra + "]";
  return out;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '\\' && i + 1 < text.size()) {
      word.push_back(c);
      word.push_back(text[++i]);
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (c == ' ' && !quoted) {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
      continue;
    }
    word.push_back(c);
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

ExpectationFile read_expectations(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  ExpectationFile file;
  file.name = std::filesystem::path(path).stem().string();
  std::string line;
  int number = 0;
  bool saw_header = false;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    const auto cells = split_tabs(line);
    if (line.front() == '@') {
      const std::string& name = cells[0];
      if (cells.size() < 2 || cells[1].empty()) fail(path, number, "directive without a value");
      if (name == "@folder") {
        file.setup.folder = cells[1];
      } else if (name == "@trust") {
        file.setup.trust.push_back(cells[1]);
      } else if (name == "@crl") {
        file.setup.crls.push_back(cells[1]);
      } else if (name == "@cert") {
        file.setup.certs.push_back(cells[1]);
      } else if (name == "@at") {
        file.setup.at = cells[1];
      } else if (name == "@key") {
        KeySpec key;
        key.key = cells[1];
        if (cells.size() > 2) key.cert = dash_empty(cells[2]);
        if (cells.size() > 3 && cells[3] != "-") key.password = cells[3];
        file.setup.keys.push_back(std::move(key));
      } else {
        fail(path, number, "unknown directive " + name);
      }
      continue;
    }
    if (!saw_header) {  // the column header documents the columns; check it is the one we read
      if (cells.size() != kColumns || cells[0] != "file") fail(path, number, "expected the column header line");
      saw_header = true;
      continue;
    }
    if (cells.size() != kColumns) {
      fail(path, number, "expected " + std::to_string(kColumns) + " tab-separated columns, found " +
                             std::to_string(cells.size()));
    }
    Row row;
    row.line = number;
    row.file = cells[0];
    row.op = cells[1];
    row.options = split_list(cells[2], ' ');
    row.encrypted = dash_empty(cells[3]);
    row.signature = split_list(cells[4], '+');
    row.signer = dash_empty(cells[5]);
    row.text = parse_text(cells[6], path, number);
    row.ignore = split_list(cells[7], ',');
    row.unsupported = dash_empty(cells[8]);
    row.known_failing = dash_empty(cells[9]);
    row.source = dash_empty(cells[10]);
    validate_row(row, path);
    file.rows.push_back(std::move(row));
  }
  if (file.setup.folder.empty()) fail(path, number, "missing @folder");
  if (file.rows.empty()) fail(path, number, "no rows");
  return file;
}

}  // namespace inkan::corpus
