// Golden tests for diagnostics: every NAME.nn in tests/golden/diagnostics/ and tests/bad/ is checked with
// `nnscope check` (plus the options in NAME.args, if any); the exit status and stderr must equal
// NAME.expected.
// To review a change in wording, run the test with NNSCOPE_UPDATE_GOLDEN=1 and read the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

// Paths relative to the source directory, without ".nn".
std::vector<std::string> golden_cases() {
  std::vector<std::string> names;
  for (const char* dir : {"tests/golden/diagnostics", "tests/bad"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(NNSCOPE_SOURCE_DIR) + "/" + dir)) {
      if (entry.path().extension() == ".nn") names.push_back(std::string(dir) + "/" + entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, DiagnosticMatches) {
  const std::string& base = GetParam();
  std::string args = read_text(NNSCOPE_SOURCE_DIR "/" + base + ".args");
  while (!args.empty() && args.back() == '\n') args.pop_back();
  CommandResult r = run_nnscope("check " + base + ".nn " + args);
  std::string actual = "exit " + std::to_string(r.status) + "\n" + r.err;
  std::string expected_path = std::string(NNSCOPE_SOURCE_DIR) + "/" + base + ".expected";
  if (std::getenv("NNSCOPE_UPDATE_GOLDEN")) std::ofstream(expected_path, std::ios::binary) << actual;
  EXPECT_EQ(actual, read_text(expected_path));
  // A bad model exits with 1; a case whose .args are wrong for the model (an unknown --set name) is a
  // command-line error, 2.
  bool has_args = std::filesystem::exists(NNSCOPE_SOURCE_DIR "/" + base + ".args");
  EXPECT_EQ(r.status, has_args && r.err.find("--set ") != std::string::npos ? 2 : 1)
      << "a bad model must exit with status 1";
  EXPECT_TRUE(r.out.empty());
}

INSTANTIATE_TEST_SUITE_P(Diagnostics, Golden, ::testing::ValuesIn(golden_cases()),
                         [](const ::testing::TestParamInfo<std::string>& case_info) {
                           std::string name = case_info.param.substr(case_info.param.find('/') + 1);
                           std::replace(name.begin(), name.end(), '/', '_');
                           return name;
                         });

}  // namespace
}  // namespace nnscope::testing
