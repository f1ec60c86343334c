#pragma once
// Runs the nnscope binary on a hostile input as a separate process, the way a user would, under a cap on its
// address space (setrlimit RLIMIT_AS in the child, 1 GiB unless told otherwise), optionally a stack limit,
// and a kill timeout; and checks what issue 18 asks of every such input: exit status 1, a located diagnostic
// (file:line:col), no std::bad_alloc (or other "std::") text, and an answer within seconds.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli/run_util.h"

namespace nnscope::testing {

struct Capped {
  std::size_t address_space = std::size_t{1} << 30;  // RLIMIT_AS; 0 = no cap
  std::size_t stack = 0;                             // RLIMIT_STACK; 0 = leave it
  bool stdin_open_pipe = false;  // stdin is a pipe nobody writes to or closes (an `import "/dev/stdin"`)
  std::string stdout_path;       // where stdout goes (e.g. /dev/full); empty: captured into TimedResult::out
  double kill_after_seconds = 30;
};

struct TimedResult {
  int status = -1;  // the exit status; 128 + the signal when killed (137: killed at the timeout)
  std::string out, err;
  double seconds = 0;
  long peak_rss_kib = 0;  // the child's peak resident memory (getrusage's ru_maxrss)
};

#ifdef NNSCOPE_SANITIZED
// The sanitizers reserve terabytes of shadow memory, so the address-space cap is left off, and they slow the
// binary several times over.
constexpr bool kCapAddressSpace = false;
constexpr double kTimeScale = 6;
constexpr bool kMeasureMemory = false;  // AddressSanitizer's shadow and quarantine are most of the resident memory
#else
constexpr bool kCapAddressSpace = true;
constexpr double kTimeScale = 1;
constexpr bool kMeasureMemory = true;
#endif

// Runs NNSCOPE_BINARY with `args` (no shell), from the source directory.
inline TimedResult run_capped(const std::vector<std::string>& args, const Capped& caps = {}) {
  std::string out_path = temp_path("capped_out"), err_path = temp_path("capped_err");
  int stdin_pipe[2] = {-1, -1};
  if (caps.stdin_open_pipe && ::pipe(stdin_pipe) != 0) return {};
  auto start = std::chrono::steady_clock::now();
  pid_t child = ::fork();
  if (child == 0) {
    if (::chdir(NNSCOPE_SOURCE_DIR) != 0) ::_exit(126);
    const std::string& stdout_to = caps.stdout_path.empty() ? out_path : caps.stdout_path;
    int out = ::open(stdout_to.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0 || err < 0) ::_exit(126);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (caps.stdin_open_pipe) {
      ::dup2(stdin_pipe[0], 0);
      ::close(stdin_pipe[1]);
    } else {
      int null = ::open("/dev/null", O_RDONLY);
      ::dup2(null, 0);
    }
    if (kCapAddressSpace && caps.address_space) {
      rlimit limit{caps.address_space, caps.address_space};
      ::setrlimit(RLIMIT_AS, &limit);
    }
    if (caps.stack) {
      rlimit limit{caps.stack, caps.stack};
      ::setrlimit(RLIMIT_STACK, &limit);
    }
    std::vector<char*> argv;
    std::string binary = NNSCOPE_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copies = args;
    for (std::string& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  TimedResult r;
  int raw = 0;
  rusage usage{};
  for (;;) {
    pid_t done = ::wait4(child, &raw, WNOHANG, &usage);
    if (done == child) break;
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > caps.kill_after_seconds * kTimeScale) {
      ::kill(child, SIGKILL);
      ::wait4(child, &raw, 0, &usage);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (caps.stdin_open_pipe) {
    ::close(stdin_pipe[0]);
    ::close(stdin_pipe[1]);
  }
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  r.peak_rss_kib = usage.ru_maxrss;
  r.out = read_text(out_path);
  r.err = read_text(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return r;
}

// Writes `content` to a temporary file named after `file_name` (removed at the end of the scope).
class TempFile {
 public:
  TempFile(const std::string& file_name, const std::string& content) : path_(temp_path(file_name)) {
    std::ofstream(path_, std::ios::binary) << content;
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A temporary .nn file.
class TempModel : public TempFile {
 public:
  TempModel(const std::string& name, const std::string& content) : TempFile(name + ".nn", content) {}
};

// A fresh empty directory, removed at the end of the scope.
class TempDir {
 public:
  explicit TempDir(const std::string& name) : path_(temp_path(name)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Bytes a terminal would act on (escape sequences, carriage returns, bells): none may come from an input.
inline bool has_control_bytes(const std::string& text) {
  for (char c : text) {
    auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && c != '\n' && c != '\t') || b == 0x7f) return true;
  }
  return false;
}

// No std::bad_alloc or other library exception text ("std::length_error", "std::out_of_range") in either
// stream: an input that exhausts memory or trips a library check is not handled, whatever the exit status.
inline void expect_no_library_exception(const TimedResult& r) {
  for (const std::string* stream : {&r.out, &r.err}) {
    EXPECT_EQ(stream->find("bad_alloc"), std::string::npos) << "ran out of memory instead of a limit:\n"
                                                            << stream->substr(0, 2000);
    EXPECT_EQ(stream->find("std::"), std::string::npos) << stream->substr(0, 2000);
  }
}

// An input that may be legitimate: exit 0 (a result) or 1 (a diagnostic), within `seconds` (scaled under the
// sanitizers); never a crash, a kill or a library exception.
inline void expect_answered_in_time(const TimedResult& r, double seconds = 5) {
  EXPECT_TRUE(r.status == 0 || r.status == 1)
      << "status " << r.status << " (137 = killed at the timeout or for memory)\n"
      << r.err.substr(0, 2000);
  if (r.status == 1) {
    EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err.substr(0, 2000);
  }
  expect_no_library_exception(r);
  EXPECT_LT(r.seconds, seconds * kTimeScale) << r.err.substr(0, 2000);
}

// What every hostile input must get: exit 1 with an error message, never a library exception, within `seconds`
// (scaled under the sanitizers).
inline void expect_rejected_in_time(const TimedResult& r, double seconds = 5) {
  EXPECT_EQ(r.status, 1) << "status " << r.status << " (137 = killed at the timeout or for memory)\n"
                         << r.err.substr(0, 2000);
  EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err.substr(0, 2000);
  expect_no_library_exception(r);
  EXPECT_LT(r.seconds, seconds * kTimeScale) << r.err.substr(0, 2000);
}

// As expect_rejected_in_time, with the diagnostic located at file:line:col of `file` and saying `words`.
inline void expect_located(const TimedResult& r, const std::string& file, const std::string& words,
                           double seconds = 5) {
  expect_rejected_in_time(r, seconds);
  std::regex located(std::regex_replace(file, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") + R"(:\d+:\d+: error: )");
  EXPECT_TRUE(std::regex_search(r.err, located)) << "not located in " << file << ":\n" << r.err.substr(0, 2000);
  EXPECT_NE(r.err.find(words), std::string::npos) << r.err.substr(0, 2000);
}

}  // namespace nnscope::testing
