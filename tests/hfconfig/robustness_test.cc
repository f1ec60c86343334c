// Mutated config.json files (truncated, bytes flipped, spans duplicated or inserted) never crash the reader or the
// translator: each either translates to source that loads and elaborates (or stops at a limit), or fails with a
// diagnostic located inside the file. A
// deterministic stand-in for the fuzz_hfconfig target (tests/fuzz), seeded with the same corpus.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "hfconfig/hf_config.h"
#include "interp/interpreter.h"
#include "interp/program.h"

namespace nnscope {
namespace {

std::vector<std::string> corpus() {
  std::vector<std::string> texts;
  for (const auto& entry : std::filesystem::directory_iterator(NNSCOPE_SOURCE_DIR "/tests/fuzz/hfconfig_corpus")) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    texts.push_back(text.str());
  }
  return texts;
}

std::string mutate(std::string text, std::mt19937& rng) {
  auto at = [&](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
  switch (rng() % 5) {
    case 0:  // truncate
      text.resize(at(text.size() + 1));
      break;
    case 1:  // flip bytes
      for (int i = 0; i < 3 && !text.empty(); ++i) text[at(text.size())] = static_cast<char>(rng());
      break;
    case 2: {  // insert structural characters
      static const char* pieces[] = {"[", "{", "\"", ",", ":", "1e999", "-0", "null", "\\u", "99999999999999999"};
      text.insert(at(text.size() + 1), pieces[rng() % 10]);
      break;
    }
    case 3: {  // duplicate a span (repeats keys, nests deeper)
      std::size_t begin = at(text.size() + 1), length = at(text.size() - begin + 1);
      text.insert(at(text.size() + 1), text.substr(begin, length));
      break;
    }
    default:  // change a digit, so sizes become 0, huge or inconsistent
      for (char& c : text) {
        if (c >= '0' && c <= '9' && rng() % 7 == 0) c = static_cast<char>('0' + rng() % 10);
      }
  }
  return text;
}

TEST(HfConfigRobustness, MutatedConfigsNeverCrash) {
  std::vector<std::string> seeds = corpus();
  ASSERT_GE(seeds.size(), 10u);
  std::mt19937 rng(20240611);
  int translated = 0, rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = mutate(seeds[rng() % seeds.size()], rng);
    if (round % 3 == 0) text = mutate(text, rng);
    SourceManager sources;
    FileId file = sources.add("config.json", text);
    try {
      hfconfig::Imported imported = hfconfig::translate(sources, file, "m");
      auto program = interp::load_program_from_text("m.nn", imported.text);
      ASSERT_TRUE(program->ok()) << render_all(program->diagnostics, program->sources) << "\n" << text;
      ++translated;
      // Elaborating it (with a small op limit) ends in a graph or a diagnostic, never a crash.
      interp::ElaborateOptions options;
      options.limits.max_ops = 20'000;
      try {
        interp::elaborate(*program, *program->select_model(""), options);
      } catch (const DiagnosticError&) {
      }
    } catch (const DiagnosticError& e) {
      const Location& where = e.diagnostic().location;
      ASSERT_EQ(where.file, file) << e.what();
      ASSERT_LE(where.begin, text.size()) << e.what();
      ASSERT_LE(where.end, text.size()) << e.what();
      ASSERT_FALSE(render(e.diagnostic(), sources).empty());
      ++rejected;
    }
  }
  // Both outcomes occur: the mutations are neither all harmless nor all fatal.
  EXPECT_GT(translated, 100);
  EXPECT_GT(rejected, 100);
}

}  // namespace
}  // namespace nnscope
