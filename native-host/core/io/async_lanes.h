// Two ordered byte streams worked on by one second thread. Signed-then-encrypted
// mail has three serial stages: the cipher, the hash of the plaintext, and base64
// with the write of the ciphertext. Each on a thread of its own is one busy thread
// too many for two vCPUs: they took turns on the cores and waited on each other's
// hand-overs (a 25 MB message: 144 ms, against 88 with the hash on the cipher's
// thread). Here the cipher keeps the caller's thread and the other two share one.
#pragma once

#include "io/async_sink.h"
#include "io/sink.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace inkan::io {

class AsyncLanes {
public:
  /**
   * Bytes written to lane(0) reach `first`, those to lane(1) reach `second`, each
   * in order; `buffer_bytes` as for AsyncSink.
   *
   * Larger buffers absorb more of the two threads' jitter (a signed-then-encrypted
   * 25 MB message: median 86 ms with 32 KiB, 78 with 128 KiB, 71 with 256 KiB), but
   * every 32 KiB more is 128 KiB more peak memory, and `inkan` at 100 MB is held to
   * 8 MiB (7.6–7.8 MiB with these, 8.0 with 128 KiB ones).
   */
  AsyncLanes(Sink& first, Sink& second, std::size_t buffer_bytes = AsyncSink::kDefaultBuffer);
  AsyncLanes(const AsyncLanes&) = delete;
  AsyncLanes& operator=(const AsyncLanes&) = delete;

  /**
   * A lane's flush() waits until every byte written to either lane has reached its
   * target; the targets themselves are not flushed (their owner does that).
   */
  Sink& lane(std::size_t i) { return m_lanes[i]; }

  /** The thread has bytes of either lane to work on now. */
  bool busy() const { return m_async.busy(); }

private:
  // Both lanes go through one AsyncSink as records: a lane number, a length, the bytes.
  class Lane final : public Sink {
  public:
    Lane(AsyncLanes& owner, std::uint8_t number) : m_owner(owner), m_number(number) {}
    void write(std::string_view bytes) override;
    void flush() override { m_owner.m_async.flush(); }

  private:
    AsyncLanes& m_owner;
    std::uint8_t m_number;
  };
  // On the thread: reads the records back and hands each one's bytes to its lane's target.
  class Demux final : public Sink {
  public:
    Demux(Sink& first, Sink& second) : m_targets{&first, &second} {}
    void write(std::string_view bytes) override;

  private:
    std::array<Sink*, 2> m_targets;
    std::string m_header;        ///< a record header split between two writes
    std::uint64_t m_left = 0;    ///< bytes of the current record still to come
    Sink* m_current = nullptr;   ///< where they go
  };

  static constexpr std::size_t kHeader = 1 + sizeof(std::uint64_t);

  Demux m_demux;
  AsyncSink m_async;  ///< after m_demux: its thread stops before the demux goes away
  std::array<Lane, 2> m_lanes;
};

}  // namespace inkan::io
