#pragma once
// Runs the nnscope binary (or another command) in a shell and captures its stdout, stderr and exit status.
#include <sys/wait.h>

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

inline bool have_tool(const std::string& tool) { return run_shell("command -v " + tool).status == 0; }

}  // namespace nnscope::testing
