// `cmake --install` into a temporary prefix gives the files README's "Install" lists, and examples/library builds
// against that prefix with find_package(nnscope) and prints resnet50's parameters.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

namespace fs = std::filesystem;

TEST(Install, InstallsEveryFileAndTheLibraryExampleBuildsAgainstIt) {
#if defined(NNSCOPE_SANITIZED)
  GTEST_SKIP() << "the installed library is built with the sanitizers here; the release build runs this test";
#endif
  if (!have_tool("cmake")) GTEST_SKIP() << "cmake is not on PATH";
  fs::path build = fs::path(NNSCOPE_BINARY).parent_path();
  fs::path work = temp_path("install");
  fs::remove_all(work);
  fs::path prefix = work / "prefix";
  CommandResult install = run_shell("cmake --install '" + build.string() + "' --prefix '" + prefix.string() + "'");
  ASSERT_EQ(install.status, 0) << install.out << install.err;

  for (const char* file : {"bin/nnscope", "share/man/man1/nnscope.1", "share/bash-completion/completions/nnscope",
                           "share/zsh/site-functions/_nnscope", "share/fish/vendor_completions.d/nnscope.fish",
                           "include/nnscope/nnscope.h"}) {
    EXPECT_TRUE(fs::is_regular_file(prefix / file)) << file;
  }
  // The library directory is lib/ or, by GNUInstallDirs, lib64/ or lib/<multiarch>/: look for the package file.
  bool found_config = false;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(prefix)) {
    found_config |= entry.path().filename() == "nnscopeConfigVersion.cmake";
  }
  EXPECT_TRUE(found_config);
  CommandResult installed = run_shell("'" + (prefix / "bin/nnscope").string() + "' --version");
  EXPECT_EQ(installed.status, 0);
  EXPECT_EQ(installed.out.rfind("nnscope ", 0), 0u);

  // The example sees only the prefix: the installed header must include no internal header.
  fs::path example_build = work / "example";
  CommandResult configure =
      run_shell("cmake -S examples/library -B '" + example_build.string() +
                "' -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER='" NNSCOPE_CXX_COMPILER "' -DCMAKE_PREFIX_PATH='" +
                prefix.string() + "'");
  ASSERT_EQ(configure.status, 0) << configure.out << configure.err;
  CommandResult compile = run_shell("cmake --build '" + example_build.string() + "'");
  ASSERT_EQ(compile.status, 0) << compile.out << compile.err;
  CommandResult run = run_shell("'" + (example_build / "model_params").string() + "' resnet50");
  EXPECT_EQ(run.status, 0) << run.err;
  // torchvision's resnet50 has 25,557,032 parameters.
  EXPECT_NE(run.out.find("resnet50: 25557032 parameters"), std::string::npos) << run.out;
  fs::remove_all(work);
}

}  // namespace
}  // namespace nnscope::testing
