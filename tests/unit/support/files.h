// Files and folders for tests: private temporary directories that clean up
// after themselves, and whole-file reads and writes.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::test {

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, std::string_view bytes);

/** The value of an environment variable, or `fallback` when unset or empty. */
std::string env_or(const char* name, const std::string& fallback = {});

/** "\n" -> "\r\n", so test messages can be written readably and still be canonical. */
std::string crlf(std::string_view lf_text);

/** A fresh directory under $TMPDIR (or /tmp), removed with everything in it. */
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path file(std::string_view name) const { return m_path / name; }
  /** Writes `bytes` to NAME inside the directory and returns its path as a string. */
  std::string put(std::string_view name, std::string_view bytes) const;
  /** The names of everything in the directory, sorted. */
  std::vector<std::string> entries() const;

private:
  std::filesystem::path m_path;
};

}  // namespace inkan::test
