// Private temporary files (0600, unlinked at once) for spooling data that
// must not be held in memory or must not be released before it is complete.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace inkan::io {

class TempFile {
public:
  TempFile();
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&&) = delete;

  void write(std::string_view bytes);
  /** Empties the file; the next write goes to its start. */
  void truncate();
  std::uint64_t size() const { return m_size; }
  int fd() const { return m_fd; }
  /** Hands the descriptor over; the TempFile no longer closes it. */
  int release_fd();

private:
  int m_fd;
  std::uint64_t m_size = 0;
};

/** The directory used for temporary files ($TMPDIR, else /tmp). */
std::string temp_dir();

}  // namespace inkan::io
