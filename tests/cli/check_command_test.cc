// The static checker behind `nnscope check` and `nnscope analyze`: warnings are shown and do not fail unless
// --Werror; an error stops before elaboration, so no report is printed.
#include <gtest/gtest.h>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

constexpr const char* kWarns =
    "model m(batch = 1) {\n"
    "    input x: f32[batch, 4]\n"
    "    unused = relu(x)\n"
    "    return linear(x, 2)\n"
    "}\n";

constexpr const char* kUntakenTypo =
    "model m(batch = 1, const deep = false) {\n"
    "    input x: f32[batch, 4]\n"
    "    if deep {\n"
    "        x = lineer(x, 4)\n"
    "    }\n"
    "    return linear(x, 2)\n"
    "}\n";

struct TempModel {
  explicit TempModel(const char* text) : path(temp_path("model.nn")) { std::ofstream(path) << text; }
  ~TempModel() { std::remove(path.c_str()); }
  std::string path;
};

TEST(CheckCommand, WarningsAreShownAndFailOnlyWithWerror) {
  TempModel model(kWarns);
  CommandResult check = run_nnscope("check '" + model.path + "'");
  EXPECT_EQ(check.status, 0) << check.err;
  EXPECT_NE(check.err.find(model.path + ":3:5: warning: variable 'unused' is assigned but never used"),
            std::string::npos)
      << check.err;
  EXPECT_EQ(run_nnscope("check --Werror '" + model.path + "'").status, 1);

  CommandResult analyze = run_nnscope("analyze '" + model.path + "'");
  EXPECT_EQ(analyze.status, 0) << analyze.err;
  EXPECT_NE(analyze.err.find("warning: variable 'unused'"), std::string::npos) << analyze.err;
  EXPECT_NE(analyze.out.find("linear"), std::string::npos) << "the report is still printed";
  CommandResult strict = run_nnscope("analyze --Werror '" + model.path + "'");
  EXPECT_EQ(strict.status, 1);
  EXPECT_TRUE(strict.out.empty());
}

TEST(CheckCommand, AnErrorInCodeThatNeverRunsStopsAnalyze) {
  TempModel model(kUntakenTypo);
  for (const char* command : {"check", "analyze", "dot"}) {
    CommandResult r = run_nnscope(std::string(command) + " '" + model.path + "'");
    EXPECT_EQ(r.status, 1) << command;
    EXPECT_EQ(r.err, model.path +
                         ":4:13: error: unknown operator or block 'lineer'; did you mean 'linear'?\n"
                         "            x = lineer(x, 4)\n"
                         "                ^~~~~~\n")
        << command;
    EXPECT_TRUE(r.out.empty()) << command;
  }
}

TEST(CheckCommand, StandardLibraryModelsAnalyseWithoutWarnings) {
  for (const char* name : {"resnet50", "bert_base", "ssd300_vgg16", "llama2_7b"}) {
    CommandResult r = run_nnscope(std::string("analyze --Werror --format summary ") + name);
    EXPECT_EQ(r.status, 0) << name << "\n" << r.err;
    EXPECT_TRUE(r.err.empty()) << name << "\n" << r.err;
  }
}

}  // namespace
}  // namespace nnscope::testing
