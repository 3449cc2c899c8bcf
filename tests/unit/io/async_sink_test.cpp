// AsyncSink moves bytes to another thread; what must hold is what a plain sink
// gives: every byte, in order, once; a failure of the target reaches the caller.
#include "error.h"
#include "io/async_sink.h"
#include "support/recording_sink.h"

#include <gtest/gtest.h>

#ifdef __linux__
#include <sched.h>
#endif

#include <condition_variable>
#include <future>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>

namespace inkan::io {
namespace {

using test::random_bytes;
using test::RecordingSink;

TEST(AsyncSink, DeliversEveryByteInOrderWhateverThePieceSizes) {
  for (const std::size_t buffer : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
    const std::string data = random_bytes(100'000, static_cast<unsigned>(buffer));
    RecordingSink target;
    {
      AsyncSink sink(target, buffer);
      std::mt19937 rng(42);
      std::size_t at = 0;
      while (at < data.size()) {  // pieces smaller than, equal to and far larger than the buffer
        const std::size_t n = std::min<std::size_t>(data.size() - at, rng() % (3 * buffer + 10));
        sink.write(std::string_view(data).substr(at, n));
        at += n;
      }
      sink.flush();
    }
    EXPECT_EQ(target.m_bytes, data) << "buffer " << buffer;
    EXPECT_EQ(target.m_flushes, 1);
  }
}

TEST(AsyncSink, FullBuffersAreWrittenOnAnotherThread) {
  RecordingSink target;
  AsyncSink sink(target, 1024);
  sink.write(random_bytes(10 * 1024, 1));
  sink.flush();
  EXPECT_EQ(target.m_bytes.size(), 10u * 1024);
  ASSERT_EQ(target.m_threads.size(), 1u);
  EXPECT_NE(*target.m_threads.begin(), std::this_thread::get_id());
}

TEST(AsyncSink, LessThanABufferNeverStartsAThread) {
  RecordingSink target;
  AsyncSink sink(target, 1024);
  sink.write("a short message");
  sink.flush();
  EXPECT_EQ(target.m_bytes, "a short message");
  ASSERT_EQ(target.m_threads.size(), 1u);
  EXPECT_EQ(*target.m_threads.begin(), std::this_thread::get_id());
}

// A target that holds its first write until released: the caller must still be
// able to hand over buffers while one is being written (with one buffer on each
// side it could not, and two stages fell into waking each other at every buffer).
TEST(AsyncSink, TheCallerRunsSeveralBuffersAheadOfASlowTarget) {
  struct HeldSink final : Sink {
    void write(std::string_view bytes) override {
      std::unique_lock lock(mutex);
      started = true;
      changed.notify_all();
      changed.wait(lock, [this] { return released; });
      got.append(bytes);
    }
    void flush() override {}
    std::mutex mutex;
    std::condition_variable changed;
    bool started = false;
    bool released = false;
    std::string got;
  } target;
  static_assert(AsyncSink::kSlots >= 3);
  constexpr std::size_t kBuffer = 1024;
  const std::string data = random_bytes((AsyncSink::kSlots - 1) * kBuffer + 10, 4);
  AsyncSink sink(target, kBuffer);
  // The first full buffer is held in the target; the next ones queue behind it.
  auto writing = std::async(std::launch::async, [&] { sink.write(data); });
  EXPECT_EQ(writing.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "the caller waited on the held write";
  {
    std::unique_lock lock(target.mutex);
    EXPECT_TRUE(target.changed.wait_for(lock, std::chrono::seconds(10), [&] { return target.started; }));
    EXPECT_TRUE(target.got.empty());
    target.released = true;
  }
  target.changed.notify_all();
  writing.get();
  sink.flush();
  EXPECT_EQ(target.got, data);
}

#ifdef __linux__
// Both sides on one CPU (the thread inherits its creator's affinity): each side
// that waits for the other sleeps at once instead of watching, which must change
// nothing of what arrives. A wait that ended as if the other side were done would
// overwrite or skip buffers here.
TEST(AsyncSink, BothSidesOnOneCpuStillDeliverEveryByteInOrder) {
  const std::string data = random_bytes(1 << 20, 5);
  RecordingSink target;
  std::thread pinned([&] {
    cpu_set_t allowed;
    ASSERT_EQ(::sched_getaffinity(0, sizeof allowed, &allowed), 0);
    std::size_t first = 0;
    while (!CPU_ISSET(first, &allowed)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);
    AsyncSink sink(target, 1000);
    std::mt19937 rng(7);
    for (std::size_t at = 0; at < data.size();) {
      const std::size_t n = std::min<std::size_t>(data.size() - at, rng() % 5000);
      sink.write(std::string_view(data).substr(at, n));
      at += n;
    }
    sink.flush();
  });
  pinned.join();
  EXPECT_EQ(target.m_bytes, data);
  EXPECT_EQ(target.m_flushes, 1);
  ASSERT_EQ(target.m_threads.size(), 1u);
}
#endif

TEST(AsyncSink, TheTargetsFailureReachesTheCallerAndStays) {
  RecordingSink target;
  target.m_fail_at = 3;
  AsyncSink sink(target, 100);
  const std::string data = random_bytes(100 * 100, 2);
  bool thrown = false;
  try {
    for (std::size_t at = 0; at < data.size(); at += 50) sink.write(std::string_view(data).substr(at, 50));
    sink.flush();
  } catch (const Error& e) {
    thrown = true;
    EXPECT_EQ(e.code(), Errc::io_write);
  }
  EXPECT_TRUE(thrown);
  EXPECT_THROW(sink.flush(), Error);  // a later flush cannot pretend all went well
  EXPECT_EQ(target.m_bytes.size(), 200u);  // the two writes before the failure, nothing after it
}

TEST(AsyncSink, DestroyedWithoutFlushStopsWithoutHanging) {
  RecordingSink target;
  {
    AsyncSink sink(target, 64);
    sink.write(random_bytes(64 * 10 + 5, 3));
  }
  EXPECT_LE(target.m_bytes.size(), 64u * 10);  // the unflushed tail is dropped
  EXPECT_EQ(target.m_flushes, 0);
}

}  // namespace
}  // namespace inkan::io
