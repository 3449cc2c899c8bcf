// io::Output: a result appears complete under its name or not at all, whatever
// happens to the writer; the previous file of that name survives until then.
#include "error.h"
#include "io/sink.h"
#include "support/files.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace {

using inkan::test::TempDir;

// Whether the folder's file system makes files without a name (tmpfs, ext4, xfs, btrfs do).
bool has_unnamed_files(const std::string& dir) {
#ifdef O_TMPFILE
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  ::close(fd);
  return true;
#else
  (void)dir;
  return false;
#endif
}

// Runs `writer` in a child, which kills itself with SIGKILL where `writer` says (no
// destructor, no exit handler runs after that).
void killed_while_writing(const std::function<void()>& writer) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    writer();
    ::_exit(3);  // the writer did not kill itself
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
}

TEST(Output, AWriterKilledBeforeCommitLeavesNothingAndKeepsThePreviousFile) {
  TempDir dir;
  if (!has_unnamed_files(dir.path().string())) GTEST_SKIP() << "no O_TMPFILE on this file system: a named temporary file is used";
  const std::string target = dir.put("out.eml", "the previous message\r\n");
  killed_while_writing([&] {
    inkan::io::Output out(target, 0600, inkan::io::Durability::relaxed);
    const std::string plaintext(1 << 20, 'p');
    out.sink().write(plaintext);
    out.sink().flush();  // on disk, in a file without a name
    ::raise(SIGKILL);    // while the output is open
  });
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.eml"});
  EXPECT_EQ(inkan::test::read_file(target), "the previous message\r\n");
}

TEST(Output, NothingHasANameBeforeCommitAndTheBytesCanBeReadBack) {
  TempDir dir;
  if (!has_unnamed_files(dir.path().string())) GTEST_SKIP() << "no O_TMPFILE on this file system: a named temporary file is used";
  const std::string target = dir.file("out.eml").string();
  inkan::io::Output out(target, 0600, inkan::io::Durability::relaxed);
  out.sink().write("Subject: read back\r\n\r\nbody\r\n");
  EXPECT_TRUE(dir.entries().empty());
  const auto src = out.sink().to_source();
  EXPECT_EQ(inkan::io::read_range(*src, 0, src->size(), 1 << 20), "Subject: read back\r\n\r\nbody\r\n");
  out.commit();
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.eml"});
}

TEST(Output, CommitReplacesThePreviousFileWithTheWholeResultAndItsMode) {
  TempDir dir;
  const std::string target = dir.put("out.eml", "old");
  ASSERT_EQ(::chmod(target.c_str(), 0644), 0);
  for (const auto durability : {inkan::io::Durability::relaxed, inkan::io::Durability::synced}) {
    const std::string body(300000, durability == inkan::io::Durability::synced ? 's' : 'r');
    {
      inkan::io::Output out(target, 0600, durability);
      out.sink().write(body);
      out.commit();
    }
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.eml"});
    EXPECT_EQ(inkan::test::read_file(target), body);
    struct stat st {};
    ASSERT_EQ(::stat(target.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
}

// A writer whose bet did not hold starts again (smime/encrypt_ahead.h): nothing of
// the first try may remain, whether it was buffered, written, or read back.
TEST(Output, RestartThrowsAwayEverythingWrittenSoFar) {
  TempDir dir;
  const std::string target = dir.put("out.eml", "the previous message\r\n");
  inkan::io::Output out(target, 0600, inkan::io::Durability::relaxed);
  out.sink().write(std::string(300000, 'x'));  // beyond the buffer: on disk
  out.sink().write("buffered");
  out.sink().restart();
  EXPECT_EQ(out.sink().to_source()->size(), 0U);
  out.sink().write("second try\r\n");
  const auto src = out.sink().to_source();
  EXPECT_EQ(inkan::io::read_range(*src, 0, src->size(), 1 << 20), "second try\r\n");
  out.commit();
  EXPECT_EQ(inkan::test::read_file(target), "second try\r\n");
}

TEST(SpoolSink, RestartThrowsAwayEverythingWrittenSoFar) {
  inkan::io::SpoolSink spool;
  spool.write(std::string(100000, 'x'));  // a large piece goes to the file at once
  spool.write("buffered");
  spool.restart();
  EXPECT_EQ(spool.size(), 0U);
  spool.write("second ");
  spool.write(std::string(70000, 'y'));
  std::string copied;
  inkan::io::StringSink sink(copied);
  spool.copy_to(sink);
  EXPECT_EQ(copied, "second " + std::string(70000, 'y'));
  const auto src = spool.to_source();
  EXPECT_EQ(src->size(), copied.size());
}

TEST(Output, DroppedWithoutCommitLeavesNothing) {
  TempDir dir;
  const std::string target = dir.put("out.eml", "kept");
  {
    inkan::io::Output out(target, 0600, inkan::io::Durability::relaxed);
    out.sink().write("half a messa");
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.eml"});
  EXPECT_EQ(inkan::test::read_file(target), "kept");
}

TEST(Output, AFolderThatDoesNotExistIsAWriteError) {
  TempDir dir;
  try {
    inkan::io::Output out(dir.file("missing/out.eml").string(), 0600, inkan::io::Durability::relaxed);
    FAIL() << "opened an output in a missing folder";
  } catch (const inkan::Error& e) {
    EXPECT_EQ(e.code(), inkan::Errc::io_write);
    EXPECT_NE(e.detail().find("missing/out.eml"), std::string::npos) << e.detail();
  }
}

}  // namespace
