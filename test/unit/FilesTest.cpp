//===- FilesTest.cpp - Tests of how the runtime reads and writes files ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file tests the file handling every reader and writer shares: outputs
// are replaced atomically (a failed write leaves an existing file as it was
// and no temporary file behind), FIFOs, devices and descriptor paths are
// written in place and never removed, symbolic links are written through,
// new files get the umask's permissions, and readers refuse what is not a
// regular file without blocking.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <future>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace rnnrt_test;
namespace fs = std::filesystem;

/// How long a call that must not block may take.
constexpr auto kPromptly = std::chrono::seconds(10);

class FilesTest : public TempDirTest {
protected:
  void SetUp() override {
    TempDirTest::SetUp();
    for (int i = 0; i < kCount; ++i)
      data[i] = 0.5f * static_cast<float>(i);
    table[0] = {"w", 1, {kCount, 0, 0, 0}, 0, kCount, RNNC_INIT_UNIFORM, 0.5f};
  }

  /// Writes the test array as .npy to `p`.
  rnnrt_status_t writeNpy(const std::string &p) {
    int64_t shape[1] = {kCount};
    return rnnrt_npy_write(p.c_str(), RNNRT_DTYPE_FLOAT32, shape, 1, data);
  }
  /// Writes the test array as safetensors to `p`.
  rnnrt_status_t writeSafetensors(const std::string &p) {
    return rnnrt_params_save_safetensors(p.c_str(), table, 1, data, kCount);
  }
  /// The bytes that writeNpy() (`npy`) or writeSafetensors() produce.
  std::string expectedBytes(bool npy) {
    std::string p = path(npy ? "expected.npy" : "expected.safetensors");
    EXPECT_EQ(npy ? writeNpy(p) : writeSafetensors(p), RNNRT_OK)
        << rnnrt_last_error_message();
    std::string bytes = readFile(p);
    fs::remove(p);
    return bytes;
  }

  /// The sorted names in `directory` (the test directory by default).
  std::vector<std::string> list(const std::string &directory = "") const {
    std::vector<std::string> names;
    for (const auto &entry :
         fs::directory_iterator(directory.empty() ? dir : directory))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  /// The lstat() mode of `p` (0 if it does not exist).
  static mode_t lmode(const std::string &p) {
    struct stat info;
    return ::lstat(p.c_str(), &info) == 0 ? info.st_mode : 0;
  }

  static constexpr int kCount = 2000;
  float data[kCount];
  rnnc_param_info_t table[1];
};

/// Runs `body` in a forked child; returns its exit status (or -1 if it did
/// not exit normally). Used for process-wide settings (rlimits, stdout).
int inChild(const std::function<int()> &body) {
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = ::fork();
  if (pid == 0)
    ::_exit(body());
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid)
    return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Runs `call` on another thread; fails the test, unblocks a FIFO opener of
/// `fifo` and returns `fallback` if it takes longer than kPromptly.
rnnrt_status_t promptly(const std::string &fifo,
                        const std::function<rnnrt_status_t()> &call,
                        std::string &message) {
  auto result = std::async(std::launch::async, [&] {
    rnnrt_status_t status = call();
    message = rnnrt_last_error_message();
    return status;
  });
  if (result.wait_for(kPromptly) != std::future_status::ready) {
    ADD_FAILURE() << "the call blocked on " << fifo;
    // O_RDWR never blocks on a FIFO and satisfies a blocked open either way.
    int fd = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (fd >= 0)
      ::close(fd);
  }
  return result.get();
}

//===----------------------------------------------------------------------===//
// Regular files: atomic replacement
//===----------------------------------------------------------------------===//

/// A new file gets 0666 & ~umask, as fopen() would give it (not mkstemp's
/// 0600); a replaced file keeps its permission bits.
TEST_F(FilesTest, PermissionsOfNewAndReplacedFiles) {
  mode_t old = ::umask(027);
  EXPECT_EQ(writeNpy(path("new.npy")), RNNRT_OK);
  EXPECT_EQ(writeSafetensors(path("new.safetensors")), RNNRT_OK);
  ::umask(077);
  EXPECT_EQ(writeNpy(path("private.npy")), RNNRT_OK);
  ::umask(old);
  EXPECT_EQ(lmode(path("new.npy")) & 07777, 0640u);
  EXPECT_EQ(lmode(path("new.safetensors")) & 07777, 0640u);
  EXPECT_EQ(lmode(path("private.npy")) & 07777, 0600u);

  std::string p = writeFile("kept.npy", "old");
  ASSERT_EQ(::chmod(p.c_str(), 0604), 0);
  ASSERT_EQ(writeNpy(p), RNNRT_OK);
  EXPECT_EQ(lmode(p) & 07777, 0604u);
  EXPECT_EQ(readFile(p), expectedBytes(true));
  EXPECT_EQ(list(),
            (std::vector<std::string>{"kept.npy", "new.npy", "new.safetensors",
                                      "private.npy"}));
}

/// A write that fails part way (here: past RLIMIT_FSIZE, EFBIG) leaves the
/// existing file as it was and removes its temporary file. The old code
/// truncated the file first and then removed it.
TEST_F(FilesTest, FailedWriteLeavesExistingFileUntouched) {
  for (bool npy : {true, false}) {
    SCOPED_TRACE(npy ? "npy" : "safetensors");
    std::string p = writeFile(npy ? "precious.npy" : "precious.safetensors",
                              "precious contents");
    int code = inChild([&] {
      std::signal(SIGXFSZ, SIG_IGN);
      struct rlimit limit = {1024, 1024};
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
        return 2;
      rnnrt_status_t status = npy ? writeNpy(p) : writeSafetensors(p);
      std::string message = rnnrt_last_error_message();
      if (status != RNNRT_RESOURCE_EXHAUSTED ||
          message.find(p + ": write failed: File too large") ==
              std::string::npos) {
        std::fprintf(stderr, "status %s: %s\n", rnnrt_status_string(status),
                     message.c_str());
        return 1;
      }
      return 0;
    });
    EXPECT_EQ(code, 0);
    EXPECT_EQ(readFile(p), "precious contents");
    EXPECT_EQ(list().size(), 1u) << "a temporary file was left behind";
    fs::remove(p);
  }
}

/// Many threads writing one path: every write succeeds, and the file is one
/// whole result, never a mix.
TEST_F(FilesTest, ConcurrentWritersToOnePath) {
  std::string p = path("shared.npy");
  std::vector<std::thread> writers;
  std::vector<rnnrt_status_t> statuses(8, RNNRT_UNKNOWN);
  for (int t = 0; t < 8; ++t)
    writers.emplace_back([&, t] {
      std::vector<int64_t> values(5000, t);
      int64_t shape[1] = {5000};
      statuses[t] = rnnrt_npy_write(p.c_str(), RNNRT_DTYPE_INT64, shape, 1,
                                    values.data());
    });
  for (std::thread &writer : writers)
    writer.join();
  for (rnnrt_status_t status : statuses)
    EXPECT_EQ(status, RNNRT_OK);
  rnnrt_array_t *array = nullptr;
  ASSERT_EQ(rnnrt_npy_read(p.c_str(), &array), RNNRT_OK)
      << rnnrt_last_error_message();
  const auto *values = static_cast<const int64_t *>(rnnrt_array_data(array));
  ASSERT_EQ(rnnrt_array_numel(array), 5000);
  EXPECT_EQ(std::count(values, values + 5000, values[0]), 5000);
  rnnrt_array_destroy(array);
  EXPECT_EQ(list(), std::vector<std::string>{"shared.npy"});
}

TEST_F(FilesTest, DirectoriesAndMissingDirectories) {
  fs::create_directory(path("sub"));
  EXPECT_STATUS(RNNRT_FAILED_PRECONDITION, writeNpy(path("sub")),
                "sub: cannot create: Is a directory");
  EXPECT_STATUS(RNNRT_FAILED_PRECONDITION, writeSafetensors(path("sub")),
                "Is a directory");
  EXPECT_TRUE(fs::is_directory(path("sub")));
  EXPECT_STATUS(RNNRT_NOT_FOUND, writeNpy(path("none/x.npy")),
                "none/x.npy: cannot create: No such file or directory");
  EXPECT_EQ(list(), std::vector<std::string>{"sub"});
  EXPECT_TRUE(list(path("sub")).empty());
}

//===----------------------------------------------------------------------===//
// Symbolic links
//===----------------------------------------------------------------------===//

/// A link to a regular file (also a relative chain of them) is written
/// through: the file it resolves to is replaced, the links stay links. A
/// dangling link creates its target.
TEST_F(FilesTest, SymbolicLinksAreWrittenThrough) {
  std::string real = writeFile("real.npy", "old");
  fs::create_symlink("real.npy", path("link.npy"));
  fs::create_directory(path("sub"));
  fs::create_symlink("../link.npy", path("sub/chain.npy"));
  ASSERT_EQ(writeNpy(path("sub/chain.npy")), RNNRT_OK)
      << rnnrt_last_error_message();
  EXPECT_EQ(readFile(real), expectedBytes(true));
  EXPECT_TRUE(S_ISLNK(lmode(path("link.npy"))));
  EXPECT_TRUE(S_ISLNK(lmode(path("sub/chain.npy"))));
  EXPECT_EQ(fs::read_symlink(path("sub/chain.npy")), "../link.npy");

  fs::create_symlink(path("created.safetensors"), path("dangling"));
  ASSERT_EQ(writeSafetensors(path("dangling")), RNNRT_OK)
      << rnnrt_last_error_message();
  EXPECT_TRUE(S_ISLNK(lmode(path("dangling"))));
  EXPECT_EQ(readFile(path("created.safetensors")), expectedBytes(false));

  fs::create_symlink("loop", path("loop"));
  EXPECT_STATUS(RNNRT_UNKNOWN, writeNpy(path("loop")),
                "Too many levels of symbolic links");
  EXPECT_EQ(list(),
            (std::vector<std::string>{"created.safetensors", "dangling",
                                      "link.npy", "loop", "real.npy", "sub"}));
  EXPECT_EQ(list(path("sub")), std::vector<std::string>{"chain.npy"});
}

//===----------------------------------------------------------------------===//
// Special files: written in place, never removed
//===----------------------------------------------------------------------===//

/// A copy of /dev/full (a character device made with mknod, so root only):
/// the write fails with ENOSPC, which is reported, and the node is still
/// there. The old code removed the path after a failed write.
TEST_F(FilesTest, FailedWriteToDeviceKeepsTheDevice) {
  std::string full = path("full");
  if (::mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0)
    GTEST_SKIP() << "mknod: " << std::strerror(errno) << " (needs root)";
  EXPECT_STATUS(RNNRT_RESOURCE_EXHAUSTED, writeNpy(full),
                full + ": write failed: No space left on device");
  EXPECT_TRUE(S_ISCHR(lmode(full)));
  EXPECT_STATUS(RNNRT_RESOURCE_EXHAUSTED, writeSafetensors(full),
                "No space left on device");
  EXPECT_TRUE(S_ISCHR(lmode(full)));
  // Through a link too.
  fs::create_symlink("full", path("full-link"));
  EXPECT_STATUS(RNNRT_RESOURCE_EXHAUSTED, writeNpy(path("full-link")),
                "No space left on device");
  EXPECT_TRUE(S_ISCHR(lmode(full)));
  EXPECT_TRUE(S_ISLNK(lmode(path("full-link"))));
  EXPECT_EQ(list(), (std::vector<std::string>{"full", "full-link"}));
}

TEST_F(FilesTest, DevNullIsWrittenInPlace) {
  EXPECT_EQ(writeNpy("/dev/null"), RNNRT_OK) << rnnrt_last_error_message();
  EXPECT_EQ(writeSafetensors("/dev/null"), RNNRT_OK);
  EXPECT_TRUE(S_ISCHR(lmode("/dev/null")));
  fs::create_symlink("/dev/null", path("null"));
  EXPECT_EQ(writeNpy(path("null")), RNNRT_OK) << rnnrt_last_error_message();
  EXPECT_TRUE(S_ISLNK(lmode(path("null"))));
  EXPECT_TRUE(S_ISCHR(lmode("/dev/null")));
  EXPECT_EQ(list(), std::vector<std::string>{"null"});
}

/// A FIFO is written in place, with a reader on the other end, and stays a
/// FIFO.
TEST_F(FilesTest, FifoIsWrittenInPlace) {
  for (bool npy : {true, false}) {
    SCOPED_TRACE(npy ? "npy" : "safetensors");
    std::string expected = expectedBytes(npy);
    std::string fifo = path("pipe");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
    std::string received;
    std::thread reader([&] {
      int fd = ::open(fifo.c_str(), O_RDONLY);
      if (fd < 0)
        return;
      char buffer[4096];
      ssize_t n;
      while ((n = ::read(fd, buffer, sizeof(buffer))) > 0)
        received.append(buffer, static_cast<size_t>(n));
      ::close(fd);
    });
    std::string message;
    rnnrt_status_t status = promptly(
        fifo, [&] { return npy ? writeNpy(fifo) : writeSafetensors(fifo); },
        message);
    reader.join();
    EXPECT_EQ(status, RNNRT_OK) << message;
    EXPECT_EQ(received, expected);
    EXPECT_TRUE(S_ISFIFO(lmode(fifo)));
    EXPECT_EQ(list(), std::vector<std::string>{"pipe"});
    fs::remove(fifo);
  }
}

/// /dev/stdout (and /proc/self/fd/N) name a descriptor: written in place
/// even when it is a regular file (a shell's `> out`), so that the process's
/// own descriptor still sees the file afterwards.
TEST_F(FilesTest, DescriptorPathsAreWrittenInPlace) {
  std::string expected = expectedBytes(true);
  for (const char *name : {"/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"}) {
    SCOPED_TRACE(name);
    std::string out = writeFile("stdout.bin", "stale contents, longer");
    int code = inChild([&] {
      int fd = ::open(out.c_str(), O_WRONLY);
      if (fd < 0 || ::dup2(fd, 1) != 1)
        return 2;
      if (writeNpy(name) != RNNRT_OK) {
        std::fprintf(stderr, "%s\n", rnnrt_last_error_message());
        return 1;
      }
      // Appended through the same descriptor: lands in the same file.
      if (::lseek(1, 0, SEEK_END) < 0 || ::write(1, "TAIL", 4) != 4)
        return 3;
      return 0;
    });
    EXPECT_EQ(code, 0);
    EXPECT_EQ(readFile(out), expected + "TAIL");
    EXPECT_EQ(list(), std::vector<std::string>{"stdout.bin"});
    fs::remove(out);
  }
}

//===----------------------------------------------------------------------===//
// Readers
//===----------------------------------------------------------------------===//

/// Opening a FIFO for reading would wait for a writer forever: every reader
/// refuses it at once.
TEST_F(FilesTest, ReadersRefuseFifosWithoutBlocking) {
  std::string fifo = path("input.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  const std::string expected = "'" + fifo + "' is not a regular file (a FIFO)";
  std::string message;
  EXPECT_EQ(promptly(
                fifo,
                [&] {
                  rnnrt_array_t *array = nullptr;
                  return rnnrt_npy_read(fifo.c_str(), &array);
                },
                message),
            RNNRT_INVALID_ARGUMENT);
  EXPECT_NE(message.find(expected), std::string::npos) << message;
  float params[kCount];
  EXPECT_EQ(promptly(
                fifo,
                [&] {
                  return rnnrt_params_load_safetensors(fifo.c_str(), table, 1,
                                                       params, kCount);
                },
                message),
            RNNRT_INVALID_ARGUMENT);
  EXPECT_NE(message.find(expected), std::string::npos) << message;
  EXPECT_EQ(promptly(
                fifo,
                [&] {
                  rnnrt_tensor_file_t *file = nullptr;
                  return rnnrt_tensor_file_open(fifo.c_str(), &file);
                },
                message),
            RNNRT_INVALID_ARGUMENT);
  EXPECT_NE(message.find(expected), std::string::npos) << message;
  EXPECT_TRUE(S_ISFIFO(lmode(fifo)));
}

/// /dev/zero would be an endless read; a directory is not data.
TEST_F(FilesTest, ReadersRefuseDevicesAndDirectories) {
  rnnrt_array_t *array = nullptr;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_npy_read("/dev/zero", &array),
                "'/dev/zero' is not a regular file (a character device)");
  EXPECT_EQ(array, nullptr);
  float params[kCount];
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      rnnrt_params_load_safetensors("/dev/zero", table, 1, params, kCount),
      "'/dev/zero' is not a regular file (a character device)");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_npy_read(dir.c_str(), &array),
                "'" + dir + "' is not a regular file (a directory)");
  fs::create_symlink("/dev/zero", path("zero-link"));
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_npy_read(path("zero-link").c_str(), &array),
                "zero-link' is not a regular file (a character device)");
}

/// A link to a regular file is read as the file.
TEST_F(FilesTest, ReadersFollowSymbolicLinks) {
  ASSERT_EQ(writeNpy(path("a.npy")), RNNRT_OK);
  ASSERT_EQ(writeSafetensors(path("a.safetensors")), RNNRT_OK);
  fs::create_symlink("a.npy", path("l.npy"));
  fs::create_symlink("a.safetensors", path("l.safetensors"));
  rnnrt_array_t *array = nullptr;
  ASSERT_EQ(rnnrt_npy_read(path("l.npy").c_str(), &array), RNNRT_OK);
  EXPECT_EQ(rnnrt_array_numel(array), kCount);
  rnnrt_array_destroy(array);
  std::vector<float> params(kCount);
  EXPECT_EQ(rnnrt_params_load_safetensors(path("l.safetensors").c_str(), table,
                                          1, params.data(), kCount),
            RNNRT_OK);
  EXPECT_EQ(params[kCount - 1], data[kCount - 1]);
}

} // namespace
