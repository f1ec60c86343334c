#pragma once
// Runs the nnscope binary (or another command) in a shell and captures its stdout, stderr and exit status.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace nnscope::testing {

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/nnscope_test_" + std::to_string(::getpid()) + "_" + name;
}

// `command` is run by /bin/sh from the source directory.
inline CommandResult run_shell(const std::string& command) {
  std::string out = temp_path("out"), err = temp_path("err");
  std::string full = "cd '" NNSCOPE_SOURCE_DIR "' && " + command + " >'" + out + "' 2>'" + err + "'";
  int raw = std::system(full.c_str());
  CommandResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  r.out = read_text(out);
  r.err = read_text(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

// Without COLUMNS, so the terminal table is 100 columns wide (stdout is a file, not a terminal) whatever the
// environment the tests run in: golden outputs stay byte-identical. A test of the width sets COLUMNS itself
// through run_shell.
inline CommandResult run_nnscope(const std::string& arguments) {
  return run_shell(std::string("env -u COLUMNS '") + NNSCOPE_BINARY + "' " + arguments);
}

// `command` run by /bin/sh from the source directory with standard output (and error) on a pseudo-terminal `columns`
// wide and COLUMNS unset, as a user at a terminal of that width runs it. Returns what the terminal received (its
// "\r\n" line ends made "\n" again); status -1 when no pseudo-terminal could be had.
inline CommandResult run_in_terminal(unsigned short columns, const std::string& command) {
  CommandResult r;
  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
    if (master >= 0) ::close(master);
    return r;
  }
  std::string terminal = ::ptsname(master);
  pid_t child = ::fork();
  if (child < 0) {
    ::close(master);
    return r;
  }
  if (child == 0) {
    ::setsid();
    int slave = ::open(terminal.c_str(), O_RDWR);
    if (slave < 0) ::_exit(127);
    struct winsize size {};
    size.ws_col = columns;
    size.ws_row = 50;
    ::ioctl(slave, TIOCSWINSZ, &size);
    ::dup2(slave, STDOUT_FILENO);
    ::dup2(slave, STDERR_FILENO);
    ::close(master);
    ::unsetenv("COLUMNS");
    std::string full = "cd '" NNSCOPE_SOURCE_DIR "' && " + command;
    ::execl("/bin/sh", "sh", "-c", full.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  char buffer[4096];
  for (;;) {  // until the terminal's last writer closes it (EIO on Linux)
    ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buffer[i] != '\r') r.out += buffer[i];
    }
  }
  ::close(master);
  int raw = 0;
  ::waitpid(child, &raw, 0);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  return r;
}

inline bool have_tool(const std::string& tool) { return run_shell("command -v " + tool).status == 0; }

}  // namespace nnscope::testing
