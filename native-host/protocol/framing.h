// WebExtension native-messaging frames: a 4-byte length in native byte order,
// then that many bytes of UTF-8 JSON. Reading is bounded (an oversized frame
// is read and thrown away in pieces, never held), writing never exceeds what
// Thunderbird accepts from a host (1 MiB; larger messages close the port).
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace inkan::protocol {

/** Thunderbird drops a host→add-on message over this size (NativeMessaging.sys.mjs MAX_READ). */
inline constexpr std::size_t kMaxReplyFrame = 1'048'576;
/** Default limit for add-on→host frames; INKAN_HOST_MAX_FRAME can lower it. */
inline constexpr std::size_t kDefaultMaxRequestFrame = 64ULL << 20;
inline constexpr std::size_t kFrameHeader = 4;

/** Where frames come from: a descriptor, or memory (fuzzing, tests). */
class ByteReader {
public:
  virtual ~ByteReader() = default;
  /** Reads up to `size` bytes; 0 only at end of input. Throws Error(io_read). */
  virtual std::size_t read_some(char* out, std::size_t size) = 0;
};

/** The add-on's end of the channel is gone: nothing more can be replied. */
class ChannelClosed : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class ByteWriter {
public:
  virtual ~ByteWriter() = default;
  /** Writes everything or throws ChannelClosed. */
  virtual void write_all(std::string_view bytes) = 0;
};

class FdReader final : public ByteReader {
public:
  explicit FdReader(int fd) : m_fd(fd) {}
  std::size_t read_some(char* out, std::size_t size) override;
  /** Waits until input is readable or `timeout_ms` passed (-1: forever); false on timeout. */
  bool wait_readable(int timeout_ms) const;

private:
  int m_fd;
};

class FdWriter final : public ByteWriter {
public:
  explicit FdWriter(int fd) : m_fd(fd) {}
  void write_all(std::string_view bytes) override;

private:
  int m_fd;
};

class MemoryReader final : public ByteReader {
public:
  explicit MemoryReader(std::string_view bytes) : m_bytes(bytes) {}
  std::size_t read_some(char* out, std::size_t size) override;

private:
  std::string_view m_bytes;
};

class StringWriter final : public ByteWriter {
public:
  void write_all(std::string_view bytes) override { m_out.append(bytes); }
  const std::string& bytes() const { return m_out; }

private:
  std::string m_out;
};

enum class FrameStatus {
  frame,      ///< a complete frame is in the buffer
  eof,        ///< clean end of input at a frame boundary
  too_large,  ///< announced length over the limit: the bytes were read and discarded
  truncated,  ///< input ended inside a frame (header or body)
};

struct FrameResult {
  FrameStatus status;
  std::uint64_t length = 0;  ///< the announced length
};

class FrameReader {
public:
  FrameReader(ByteReader& in, std::size_t max_frame) : m_in(in), m_max(max_frame) {}
  /**
   * Reads the next frame into `frame` (its capacity is reused between frames
   * and given back after an unusually large one).
   */
  FrameResult next(std::string& frame);
  std::size_t max_frame() const { return m_max; }

private:
  /** Reads exactly `size` bytes unless the input ends; returns the count read. */
  std::size_t read_full(char* out, std::size_t size);

  ByteReader& m_in;
  std::size_t m_max;
};

/**
 * Builds frames in place: the payload is appended after a 4-byte gap that
 * finish() fills with the length, so header and body leave in one write.
 */
class FrameBuilder {
public:
  FrameBuilder() { reset(); }
  void reset();
  std::string& body() { return m_buf; }  ///< append the JSON here (after the header gap)
  std::size_t body_size() const { return m_buf.size() - kFrameHeader; }
  /** Fills in the length; the whole frame (header + body). Throws Error(internal) beyond kMaxReplyFrame. */
  std::string_view finish();

private:
  std::string m_buf;
};

/** Frames `json` and writes it (checks the 1 MiB limit). */
void write_frame(ByteWriter& out, std::string_view json);

/** Makes stdin/stdout binary (Windows) and widens pipes so large transfers need fewer wake-ups (Linux). */
void prepare_stdio();

}  // namespace inkan::protocol
