// Random-access, read-only input. Every engine operation reads its message
// through a Source so that large messages are processed in bounded chunks
// straight from the file instead of being loaded into memory.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace inkan::io {

class Source {
public:
  virtual ~Source() = default;
  virtual std::uint64_t size() const = 0;
  /** Reads up to out.size() bytes at offset; returns the count (0 at the end). */
  virtual std::size_t read_at(std::uint64_t offset, std::span<char> out) const = 0;
  /** A hint: bytes before offset will not be read again (sources that hold data may drop them). */
  virtual void release_before(std::uint64_t /*offset*/) const {}
};

/** A Source over bytes held in memory (owned). */
class MemorySource final : public Source {
public:
  explicit MemorySource(std::string bytes) : m_bytes(std::move(bytes)) {}
  std::uint64_t size() const override { return m_bytes.size(); }
  std::size_t read_at(std::uint64_t offset, std::span<char> out) const override;
  std::string_view bytes() const { return m_bytes; }

private:
  std::string m_bytes;
};

/** A Source over a byte view owned by the caller (must outlive the source). */
class ViewSource final : public Source {
public:
  explicit ViewSource(std::string_view bytes) : m_bytes(bytes) {}
  std::uint64_t size() const override { return m_bytes.size(); }
  std::size_t read_at(std::uint64_t offset, std::span<char> out) const override;

private:
  std::string_view m_bytes;
};

/** A Source over an open regular file; owns the descriptor. */
class FileSource final : public Source {
public:
  explicit FileSource(int fd);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  std::uint64_t size() const override { return m_size; }
  std::size_t read_at(std::uint64_t offset, std::span<char> out) const override;
  /** For copies the kernel can make without reading the bytes into this process. */
  int descriptor() const { return m_fd; }

private:
  int m_fd;
  std::uint64_t m_size;
};

/**
 * Opens a path for reading; "-" means standard input. Pipes and terminals are
 * spooled into an unlinked private temporary file, so the result is always
 * seekable and memory use does not depend on the input size.
 */
std::unique_ptr<Source> open_input(const std::string& path);

/**
 * Opens a path for reading only if it is a regular file (symbolic links are
 * followed). Anything else — FIFO, device, socket, directory — is refused with
 * IO_READ_FAILED, without blocking on it or reading from it. For paths another
 * program names (the host protocol's {"path"} inputs): a FIFO without a writer
 * would hang the host, and /dev/zero would fill its temporary folder.
 */
std::unique_ptr<Source> open_regular_file(const std::string& path);

/** Reads a whole range into memory; throws INPUT_TOO_LARGE beyond max_bytes. */
std::string read_range(const Source& src, std::uint64_t begin, std::uint64_t end,
                       std::uint64_t max_bytes);

/** Reads a whole small file (certificates, keys); throws on error or beyond max_bytes. */
std::string read_file(const std::string& path, std::uint64_t max_bytes = 64ULL << 20);

/** A byte range [begin, end) inside a Source. */
struct Range {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
};

}  // namespace inkan::io
