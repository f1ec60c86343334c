// Shell completions (completions/): bash's completion function run in a bash subprocess, zsh's and fish's
// files checked by those shells where installed, and every command and option of `nnscope --help` offered
// by all three.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "package/help_text.h"

namespace nnscope::testing {
namespace {

const std::string kCompletions = std::string(NNSCOPE_SOURCE_DIR) + "/completions/";
using Words = std::set<std::string>;

std::string shell_quoted(const std::string& word) {
  std::string q = "'";
  for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The candidates bash's _nnscope offers for a command line whose last word is being completed (run from the
// source directory, with the built nnscope first on PATH as `nnscope`).
Words complete_bash(const std::vector<std::string>& words) {
  std::string script = temp_path("complete.bash");
  std::ofstream out(script);
  out << "source " << shell_quoted(kCompletions + "nnscope.bash") << "\nCOMP_WORDS=(";
  for (const std::string& w : words) out << shell_quoted(w) << " ";
  out << ")\nCOMP_CWORD=" << words.size() - 1 << "\n_nnscope\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
  out.close();
  std::string bin_dir = std::filesystem::path(NNSCOPE_BINARY).parent_path().string();
  CommandResult r =
      run_shell("PATH=" + shell_quoted(bin_dir) + ":\"$PATH\" bash --norc --noprofile " + shell_quoted(script));
  std::remove(script.c_str());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  Words result;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) result.insert(line);
  }
  return result;
}

// Names of the .nn files directly in a folder of stdlib_models/, without the extension.
Words stdlib_names(const std::string& folder, const std::string& prefix = "") {
  Words names;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(NNSCOPE_SOURCE_DIR) + "/" + folder)) {
    std::string name = entry.path().stem().string();
    if (entry.path().extension() == ".nn" && name.starts_with(prefix)) names.insert(name);
  }
  return names;
}

TEST(Completion, EveryShellOffersEveryCommandAndOption) {
  HelpText help = help_text();
  ASSERT_GE(help.options.size(), 15u);
  for (const char* file : {"nnscope.bash", "_nnscope", "nnscope.fish"}) {
    std::string text = read_text(kCompletions + file);
    ASSERT_FALSE(text.empty()) << file;
    for (const std::string& command : help.commands) EXPECT_TRUE(has_word(text, command)) << file << ": " << command;
    for (const std::string& option : help.options) {
      // fish spells long options without their dashes: `-l set`, `-s o`.
      std::string fish = option.starts_with("--") ? "-l " + option.substr(2) : "-s " + option.substr(1);
      EXPECT_TRUE(has_word(text, option) || (std::string(file) == "nnscope.fish" && has_word(text, fish)))
          << file << ": " << option;
    }
  }
}

TEST(Completion, BashCommandsAndOptions) {
  HelpText help = help_text();
  Words first = help.commands;
  first.insert({"--help", "--version"});
  EXPECT_EQ(complete_bash({"nnscope", ""}), first);
  EXPECT_EQ(complete_bash({"nnscope", "an"}), Words{"analyze"});
  EXPECT_EQ(complete_bash({"nnscope", "analyze", "resnet50", "--fo"}), Words{"--format"});
  EXPECT_EQ(complete_bash({"nnscope", "analyze", "resnet50", "--we"}), Words{"--weight-dtype"});
}

TEST(Completion, BashOptionValues) {
  EXPECT_EQ(complete_bash({"nnscope", "analyze", "resnet50", "--format", ""}),
            (Words{"table", "csv", "summary", "summary-long", "json", "dot", "xlsx", "html"}));
  EXPECT_EQ(complete_bash({"nnscope", "analyze", "resnet50", "--mode", ""}), (Words{"infer", "train"}));
  EXPECT_EQ(complete_bash({"nnscope", "analyze", "resnet50", "--dtype", ""}),
            (Words{"fp32", "tf32", "fp16", "bf16", "fp8", "int8", "int4"}));
  EXPECT_EQ(complete_bash({"nnscope", "analyze", "resnet50", "--act-dtype", "b"}), Words{"bf16"});
  // The built-in hardware profiles are the files of stdlib_models/hardware/ (directories are offered too, for a
  // profile file of one's own).
  Words profiles;
  for (const std::string& word : complete_bash({"nnscope", "analyze", "resnet50", "--hw", ""})) {
    if (!std::filesystem::is_directory(std::string(NNSCOPE_SOURCE_DIR) + "/" + word)) profiles.insert(word);
  }
  EXPECT_EQ(profiles, stdlib_names("stdlib_models/hardware"));
}

TEST(Completion, BashModelNamesAndFiles) {
  // Standard-library names come from `nnscope list`; they are the files of stdlib_models/.
  Words models = stdlib_names("stdlib_models");
  ASSERT_GE(models.size(), 40u);
  EXPECT_EQ(complete_bash({"nnscope", "show", ""}), models);
  EXPECT_EQ(complete_bash({"nnscope", "analyze", "resnet"}), stdlib_names("stdlib_models", "resnet"));
  EXPECT_EQ(complete_bash({"nnscope", "dot", "gpt"}), stdlib_names("stdlib_models", "gpt"));
  // Files: .nn (and .onnx) files and directories, from the current directory.
  EXPECT_EQ(complete_bash({"nnscope", "analyze", "examples/ml"}), Words{"examples/mlp.nn"});
  EXPECT_EQ(complete_bash({"nnscope", "check", "examples/len"}), Words{"examples/lenet5.nn"});
}

TEST(Completion, ZshFileParsesAndRegisters) {
  if (!have_tool("zsh")) GTEST_SKIP() << "zsh is not installed";
  CommandResult syntax = run_shell("zsh -n " + shell_quoted(kCompletions + "_nnscope"));
  EXPECT_EQ(syntax.status, 0) << syntax.err;
  // compinit reads the #compdef line: the function must be registered for the nnscope command.
  CommandResult r = run_shell("zsh -f -c 'fpath=(" + kCompletions +
                              " $fpath); autoload -U compinit; compinit -u -D; print -r -- $_comps[nnscope]'");
  EXPECT_EQ(r.out, "_nnscope\n") << r.err;
}

TEST(Completion, FishCompletes) {
  if (!have_tool("fish")) GTEST_SKIP() << "fish is not installed";
  std::string bin_dir = std::filesystem::path(NNSCOPE_BINARY).parent_path().string();
  auto complete = [&](const std::string& line) {
    CommandResult r =
        run_shell("PATH=" + shell_quoted(bin_dir) + ":\"$PATH\" fish --no-config -c " +
                  shell_quoted("source " + kCompletions + "nnscope.fish; complete -C " + shell_quoted(line)));
    EXPECT_EQ(r.status, 0) << r.err;
    Words words;
    std::istringstream lines(r.out);
    for (std::string l; std::getline(lines, l);) words.insert(l.substr(0, l.find('\t')));
    return words;
  };
  EXPECT_EQ(complete("nnscope an"), Words{"analyze"});
  EXPECT_EQ(complete("nnscope analyze x --format "),
            (Words{"table", "csv", "summary", "summary-long", "json", "dot", "xlsx", "html"}));
  EXPECT_EQ(complete("nnscope analyze resnet"), stdlib_names("stdlib_models", "resnet"));
}

}  // namespace
}  // namespace nnscope::testing
