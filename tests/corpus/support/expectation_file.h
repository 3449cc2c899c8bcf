// The expectation files (expectations/*.tsv): other projects' expected
// outcomes, transcribed one row per message, plus the set-up their tests use
// (trust anchors, keys, verification time). Format: expectations/README.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace inkan::corpus {

struct KeySpec {
  std::string key;   ///< path below the corpus folder
  std::string cert;  ///< separate certificate file, "" when the key file holds it
  std::optional<std::string> password;
};

/** The "@" directives: what the source project's tests load before any message. */
struct CorpusSetup {
  std::string folder;                ///< below INKAN_CORPORA
  std::vector<std::string> trust;    ///< anchors
  std::vector<std::string> crls;
  std::vector<std::string> certs;    ///< extra (untrusted) certificates, e.g. intermediates
  std::vector<KeySpec> keys;
  std::string at;                    ///< default verification time (ISO 8601)
};

/** One text check on the readable payload. */
struct TextCheck {
  enum class Kind { contains, absent, equals_file };
  Kind kind = Kind::contains;
  std::string value;  ///< the text, or a path for equals_file
};

struct Row {
  int line = 0;
  std::string file;
  std::string op;                       ///< "verify" or "decrypt"
  std::vector<std::string> options;     ///< "sha1", "at=…", "content=…", "key=…", "cli", …
  std::string encrypted;                ///< "yes", "no" or "" (not checked)
  std::vector<std::string> signature;   ///< tokens: GOOD, BAD, none, status:…, error:…, …
  std::string signer;                   ///< "" when not checked
  std::vector<TextCheck> text;
  std::vector<std::string> ignore;      ///< reason codes the source project does not apply
  std::string unsupported;              ///< why this case is deliberately not supported
  std::string known_failing;            ///< an engine problem still to fix, described
  std::string source;                   ///< where the expectation comes from

  bool has_option(const std::string& name) const;
  /** Value of "name=value", if present. */
  std::optional<std::string> option(const std::string& name) const;
  /** "file [op options]" for messages. */
  std::string label() const;
};

struct ExpectationFile {
  std::string name;  ///< corpus name, from the file name
  CorpusSetup setup;
  std::vector<Row> rows;
};

/** Reads and validates a file; throws std::runtime_error naming the line on any mistake. */
ExpectationFile read_expectations(const std::string& path);

/** Splits "a b c" on spaces, keeping "quoted strings" (with \" escapes) whole. */
std::vector<std::string> split_words(const std::string& text);

}  // namespace inkan::corpus
