// The hand-written man page (man/nnscope.1) against the executable: every command and option of `nnscope --help`
// is documented, the version is the executable's, and groff (or man) renders it without a warning.
#include <gtest/gtest.h>

#include <regex>

#include "package/help_text.h"

namespace nnscope::testing {
namespace {

const std::string kManPage = std::string(NNSCOPE_SOURCE_DIR) + "/man/nnscope.1";

// The page's text with roff's escapes for '-' and font changes removed: "\fB\-\-set\fR" reads "--set".
std::string plain_text() {
  std::string text = read_text(kManPage);
  text = std::regex_replace(text, std::regex(R"(\\-)"), "-");
  text = std::regex_replace(text, std::regex(R"(\\f[BIRP]|\\&)"), "");
  return text;
}

TEST(ManPage, DocumentsEveryCommandAndOption) {
  HelpText help = help_text();
  ASSERT_GE(help.commands.size(), 7u);  // analyze check list show dot import ops
  ASSERT_GE(help.options.size(), 15u);
  std::string text = plain_text();
  for (const std::string& command : help.commands) {
    EXPECT_TRUE(has_word(text, command)) << "man/nnscope.1 does not mention the command " << command;
    EXPECT_NE(text.find("nnscope " + command), std::string::npos) << "no synopsis line for " << command;
  }
  for (const std::string& option : help.options) {
    EXPECT_TRUE(has_word(text, option)) << "man/nnscope.1 does not document " << option;
  }
}

TEST(ManPage, VersionIsTheExecutables) {
  CommandResult version = run_nnscope("--version");  // "nnscope 0.1.0"
  ASSERT_EQ(version.status, 0);
  std::smatch th;
  std::string text = read_text(kManPage);
  ASSERT_TRUE(std::regex_search(text, th, std::regex("\n\\.TH NNSCOPE 1 \"[^\"]*\" \"([^\"]*)\"")));
  EXPECT_EQ(th[1].str() + "\n", version.out);
}

TEST(ManPage, RendersWithoutWarnings) {
  CommandResult r;
  if (have_tool("groff")) {
    r = run_shell("groff -man -Tutf8 -ww '" + kManPage + "'");
  } else if (have_tool("man")) {
    r = run_shell("MANWIDTH=80 man --warnings -l '" + kManPage + "'");
  } else {
    GTEST_SKIP() << "neither groff nor man is installed (apt-get install groff-base man-db)";
  }
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "") << "warnings rendering man/nnscope.1";
  // Rendered, the escapes are gone and the sections are there.
  std::string out = std::regex_replace(r.out, std::regex(".\b"), "");  // overstrike bold/underline, if any
  for (const char* expected : {"NAME", "SYNOPSIS", "OPTIONS", "EXIT STATUS", "nnscope analyze MODEL", "--sweep"}) {
    EXPECT_NE(out.find(expected), std::string::npos) << expected;
  }
}

}  // namespace
}  // namespace nnscope::testing
