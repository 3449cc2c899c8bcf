#include "support/files.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace inkan::test {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  // Sized read rather than istreambuf_iterator, which GCC 12 -O2 flags with -Wnull-dereference.
  std::string out(static_cast<std::size_t>(std::filesystem::file_size(path)), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (in.gcount() != static_cast<std::streamsize>(out.size())) throw std::runtime_error("cannot read " + path.string());
  return out;
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string crlf(std::string_view lf_text) {
  std::string out;
  out.reserve(lf_text.size() + lf_text.size() / 16);
  for (const char c : lf_text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

TempDir::TempDir() {
  std::string pattern = env_or("TMPDIR", "/tmp") + "/inkan-unit-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  m_path = name.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

std::string TempDir::put(std::string_view name, std::string_view bytes) const {
  const auto path = file(name);
  write_file(path, bytes);
  return path.string();
}

std::vector<std::string> TempDir::entries() const {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(m_path)) out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace inkan::test
