// Hostile inputs through the real binary, as a user would run it: every one must end with exit status 1
// and a diagnostic, quickly, under a 1 GiB address-space limit — never a crash, a hang or memory
// exhaustion, and never a std::bad_alloc message (an exit 1 after exhausting memory is not "handled").
// Each runs under robustness_util.h's caps: RLIMIT_AS of 1 GiB in the child and a kill timeout.
// (Speed targets live in bench/; the generous timeout here only separates "answers" from "hangs".)
#include <filesystem>
#include <sstream>

#include "robustness/robustness_util.h"

namespace nnscope::testing {
namespace {

// Writes `content` to a temporary .nn file and runs `nnscope check` on it under the caps of robustness_util.h.
TimedResult check_hostile(const std::string& name, const std::string& content) {
  TempModel model(name, content);
  return run_capped({"check", model.path()});
}

// Exit 1 with an error and no library exception, within 20 seconds (these inputs are megabytes long).
void expect_rejected(const TimedResult& r) { expect_rejected_in_time(r, 20); }

const std::string kHeader = "model m(batch = 1) {\n    input x: f32[batch, 4]\n";

TEST(Hostile, GarbageBytes) {
  std::string bytes;
  std::uint32_t state = 12345;
  for (int i = 0; i < 1 << 20; ++i) {
    state = state * 1103515245u + 12345u;
    bytes += static_cast<char>(state >> 24);
  }
  expect_rejected(check_hostile("garbage", bytes));
}

TEST(Hostile, TwoHundredThousandNestedParentheses) {
  expect_rejected(check_hostile("parens", kHeader + "    y = " + std::string(200000, '(') + "1" +
                                              std::string(200000, ')') + "\n    return x\n}\n"));
}

TEST(Hostile, TwentyMebibyteLines) {
  const std::size_t n = 20u << 20;
  std::string list = "    y = [";
  while (list.size() < n) list += "1, ";
  expect_rejected(check_hostile("long_list", kHeader + list + "1]\n    return x\n}\n"));
  std::string sum = "    y = 1";
  while (sum.size() < n) sum += " + 1";
  expect_rejected(check_hostile("long_sum", kHeader + sum + "\n    return x\n}\n"));
  expect_rejected(check_hostile("long_name", kHeader + "    return " + std::string(n, 'a') + "\n}\n"));
  expect_rejected(check_hostile("long_string", kHeader + "    assert false, \"" + std::string(n, 's') + "\"\n}\n"));
  std::string comment = kHeader + "    # " + std::string(n, 'c') + "\n    return x\n";  // no closing brace
  expect_rejected(check_hostile("long_comment", comment));
}

TEST(Hostile, SelfImport) {
  std::string dir = temp_path("imports");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/self.nn") << "import \"self.nn\"\n" << kHeader << "    return x\n}\n";
  std::ofstream(dir + "/a.nn") << "import \"b.nn\"\n" << kHeader << "    return x\n}\n";
  std::ofstream(dir + "/b.nn") << "import \"a.nn\"\n";
  for (const char* f : {"self.nn", "a.nn"}) {
    TimedResult r = run_capped({"check", dir + "/" + f});
    expect_rejected(r);
    EXPECT_NE(r.err.find("import cycle"), std::string::npos) << r.err;
  }
  std::filesystem::remove_all(dir);
}

TEST(Hostile, SelfRecursiveBlockAndHugeLoops) {
  expect_rejected(
      check_hostile("recursive", "block b(x) {\n    return b(relu(x))\n}\n" + kHeader + "    return b(x)\n}\n"));
  expect_rejected(check_hostile("loop", kHeader + "    for i in 0..1000000000000 {\n        x = relu(x)\n    }\n"
                                                  "    return x\n}\n"));
  expect_rejected(check_hostile("repeat", kHeader + "    repeat 10 ** 12 {\n        x = relu(x)\n    }\n"
                                                    "    return x\n}\n"));
  expect_rejected(check_hostile("nested_loops", kHeader + "    for i in 0..10000000 {\n        for j in 0..10000000 {"
                                                          "\n            y = 1\n        }\n    }\n    return x\n}\n"));
}

TEST(Hostile, ExponentialShapesAndHugeGraphs) {
  // Doubling a dimension 200 times overflows 128 bits: an error, not a wrapped number.
  expect_rejected(check_hostile("doubling", kHeader + "    for i in 0..200 {\n        x = concat([x, x], axis = 1)\n"
                                                      "    }\n    return x\n}\n"));
  // A symbolic dimension that grows a term per step hits the expression-size limit.
  expect_rejected(check_hostile("growing",
                                "model m(batch = 1, n = 2) {\n    input x: f32[batch, n]\n"
                                "    for i in 0..100000 {\n        x = pad(x, [0, n // (i + 2)])\n"
                                "    }\n    return x\n}\n"));
}

TEST(Hostile, EveryBadFileIsRejectedWithinLimits) {
  for (const auto& entry : std::filesystem::directory_iterator(NNSCOPE_SOURCE_DIR "/tests/bad")) {
    if (entry.path().extension() != ".nn") continue;
    std::istringstream args(
        read_text(entry.path().parent_path().string() + "/" + entry.path().stem().string() + ".args"));
    std::vector<std::string> command = {"check", entry.path().string()};
    for (std::string arg; args >> arg;) command.push_back(arg);
    TimedResult r = run_capped(command);
    SCOPED_TRACE(entry.path().filename().string());
    if (command.size() == 2) {
      expect_rejected(r);
    } else {  // options wrong for the model (an unknown --set name): a command-line error
      EXPECT_EQ(r.status, 2) << r.err.substr(0, 2000);
    }
  }
}

TEST(Hostile, FuzzerFindingsStayFixed) {
  // Inputs that once crashed a fuzz target; they may be valid or not, but must end in 0 or 1.
  for (const auto& entry : std::filesystem::directory_iterator(NNSCOPE_SOURCE_DIR "/tests/fuzz/regressions")) {
    TimedResult r = run_capped({"check", entry.path().string()});
    SCOPED_TRACE(entry.path().filename().string());
    expect_answered_in_time(r, 20);
  }
}

TEST(Hostile, MissingFileAndDirectoryExitNonZero) {
  TimedResult missing = run_capped({"check", "/nonexistent/model.nn"});
  EXPECT_NE(missing.status, 0);
  EXPECT_FALSE(missing.err.empty());
  TimedResult directory = run_capped({"check", "/tmp"});
  EXPECT_NE(directory.status, 0);
  EXPECT_FALSE(directory.err.empty());
}

}  // namespace
}  // namespace nnscope::testing
