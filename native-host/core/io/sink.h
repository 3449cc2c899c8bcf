// Byte outputs. Results are only made visible once complete: files are
// written to a temporary name and renamed on commit, standard output is
// spooled and copied on commit, so a failure never leaves half a message.
#pragma once

#include "io/source.h"
#include "io/temp_file.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace inkan::io {

class Sink {
public:
  virtual ~Sink() = default;
  virtual void write(std::string_view bytes) = 0;
  virtual void flush() {}
  /**
   * Writes bytes `range` of `src`. The default reads them in pieces and calls
   * write(); a sink that needs only to know which bytes they are overrides it
   * (the signer's check of its one-pass bet does not read them again).
   */
  virtual void write_from(const Source& src, Range range);
};

/** Appends to a caller-owned string. */
class StringSink final : public Sink {
public:
  explicit StringSink(std::string& out) : m_out(out) {}
  void write(std::string_view bytes) override { m_out.append(bytes); }

private:
  std::string& m_out;
};

/** Buffered writes to a descriptor the caller owns. */
class FdSink final : public Sink {
public:
  explicit FdSink(int fd) : m_fd(fd) { m_buf.reserve(kBuffer); }
  ~FdSink() override;
  void write(std::string_view bytes) override;
  void flush() override;
  /** From a file, the kernel copies (copy_file_range): the bytes never pass through this process. */
  void write_from(const Source& src, Range range) override;

private:
  static constexpr std::size_t kBuffer = 1 << 16;
  int m_fd;
  std::string m_buf;
};

/**
 * A Sink whose bytes so far can be read back from the file they went to, without
 * a copy: the engine can judge what it wrote into an output before the output is
 * committed (decrypt, then verify the signature inside).
 */
class ReadableSink : public Sink {
public:
  /** Everything written so far, as a Source over the same file (flushes first). */
  virtual std::unique_ptr<Source> to_source() = 0;
  /**
   * Throws away everything written so far: the sink is as new. A writer that
   * wrote on a bet which did not hold starts again (see smime/encrypt_ahead.h).
   */
  virtual void restart() = 0;
};

/** Collects bytes in a private temporary file until they are copied out. */
class SpoolSink final : public ReadableSink {
public:
  void write(std::string_view bytes) override;
  void flush() override;
  std::uint64_t size() const { return m_file.size(); }
  /** Streams everything written so far into another sink. */
  void copy_to(Sink& out) const;
  /** Everything written so far, as a Source (the spool file is shared, not copied). */
  std::unique_ptr<Source> to_source() override;
  void restart() override;

private:
  TempFile m_file;
  std::string m_buf;
};

/**
 * How hard commit() works to keep a file across a system crash. Either way the
 * file appears complete or not at all to every other process (rename).
 */
enum class Durability {
  synced,   ///< fsync the data and the directory before and after the rename: keys, the store
  relaxed,  ///< no fsync: a message written for the user, as durable as any other program's file
};

/**
 * The output of one command: a file (written without a name in the target's
 * folder, O_TMPFILE, so that even a killed process leaves nothing; where the file
 * system has no unnamed files, as PATH.tmp-XXXX; fsynced when synced, and put in
 * place by commit() with a rename) or standard output (spooled, copied by
 * commit()). Destroyed without commit(), it leaves no trace.
 */
class Output {
public:
  /** path "-" (or empty) means standard output. mode applies to new files. */
  explicit Output(const std::string& path, unsigned mode = 0600, Durability durability = Durability::synced);
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  /** Its bytes can be read back before commit() (the temporary file, or the spool). */
  ReadableSink& sink() { return *m_sink; }
  void commit();

private:
  void give_name();

  std::string m_path;
  std::string m_temp_path;  ///< empty while the file has no name
  int m_fd = -1;
  std::unique_ptr<ReadableSink> m_sink;
  Durability m_durability;
  bool m_committed = false;
};

}  // namespace inkan::io
