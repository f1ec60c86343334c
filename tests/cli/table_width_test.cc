// The terminal table as the command line prints it (issue 13, part 3): it fits --width, COLUMNS or the terminal (100
// when written to a file or a pipe), picks a depth that keeps big models readable, and shows time and bound unit per
// row with --hw; the sweep table fits the same width.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <vector>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Terminal columns of a UTF-8 line, counted here in code points (every glyph the table prints is one column).
std::size_t code_points(const std::string& line) {
  std::size_t n = 0;
  for (char c : line) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0;
  for (const std::string& line : lines_of(text)) widest = std::max(widest, code_points(line));
  return widest;
}

CommandResult with_columns(const std::string& columns, const std::string& arguments) {
  return run_shell("env COLUMNS=" + columns + " '" + std::string(NNSCOPE_BINARY) + "' " + arguments);
}

// The cells of a header line: separated by two or more spaces (a title has at most one) or the sweep's "│".
std::vector<std::string> header_cells(std::string line) {
  for (std::size_t at; (at = line.find("│")) != std::string::npos;) line.replace(at, std::string("│").size(), "  ");
  std::vector<std::string> cells;
  std::string cell;
  std::size_t spaces = 0;
  auto flush = [&] {
    if (!cell.empty()) cells.push_back(cell);
    cell.clear();
  };
  for (char c : line) {
    if (c == ' ') {
      ++spaces;
      continue;
    }
    if (spaces >= 2) flush();
    if (spaces == 1 && !cell.empty()) cell += ' ';
    spaces = 0;
    cell += c;
  }
  flush();
  return cells;
}

// "Left out to fit 80 columns: a, b (...)." -> {a, b}
std::vector<std::string> left_out(const std::string& line) {
  std::vector<std::string> names;
  std::size_t start = line.find(": "), end = line.find(" (");
  if (!line.starts_with("Left out to fit") || start == std::string::npos || end == std::string::npos) return names;
  std::string list = line.substr(start + 2, end - start - 2);
  for (std::size_t at = 0; at <= list.size();) {
    std::size_t comma = std::min(list.find(", ", at), list.size());
    names.push_back(list.substr(at, comma - at));
    at = comma + 2;
  }
  return names;
}

TEST(TableWidth, BigModelsFitEightyColumns) {
  for (const char* model : {"bert_large", "llama2_7b", "dlrm", "maskrcnn_resnet50_fpn"}) {
    for (const char* extra : {"", " --hw h100", " --mode train"}) {
      std::string arguments = std::string("analyze ") + model + extra;
      CommandResult r = with_columns("80", arguments);
      ASSERT_EQ(r.status, 0) << arguments << "\n" << r.err;
      std::size_t widest = 0;
      for (const std::string& line : lines_of(r.out)) {
        EXPECT_LE(code_points(line), 80u) << arguments << ": " << line;
        widest = std::max(widest, code_points(line));
      }
      EXPECT_GT(widest, 60u) << arguments << ": the table uses the width it has";
    }
  }
}

// A sweep's two tables (human units, exact integers) fit the width: each shows its swept parameters and as many totals
// as fit, and names every other total in its footer. The titles of the totals are docs/table.md's ("Sweeps").
TEST(TableWidth, SweepTablesFitTheWidth) {
  const std::vector<std::string> always = {"params",  "MACs",        "elem ops",  "act ops", "FLOPs",
                                           "weights", "activations", "peak act.", "traffic"};
  const std::vector<std::string> train = {"bwd MACs", "train FLOPs", "train mem."}, hw = {"est. time", "samples/s"};
  struct Sweep {
    std::string arguments;
    std::vector<std::string> swept;
    bool train, hw;
  };
  const std::vector<Sweep> sweeps = {
      {"bert_base --sweep seq=128,256,512", {"seq"}, false, false},
      {"bert_large --sweep seq=128,256,512 --sweep batch=1,8", {"seq", "batch"}, false, false},
      {"llama2_7b --sweep seq=512,4096 --hw h100 --mode train", {"seq"}, true, true},
      {"resnet50 --sweep batch=1,2,64 --mode train --hw a100", {"batch"}, true, true},
      {"gpt2 --sweep seq=16,1024 --dtype fp16 --hw a100", {"seq"}, false, true},
  };
  for (const Sweep& sweep : sweeps) {
    std::vector<std::string> titles = always;
    if (sweep.train) titles.insert(titles.end(), train.begin(), train.end());
    if (sweep.hw) titles.insert(titles.end(), hw.begin(), hw.end());
    for (const char* columns : {"60", "80", "250"}) {
      std::string what = std::string("COLUMNS=") + columns + " analyze " + sweep.arguments;
      CommandResult r = with_columns(columns, "analyze " + sweep.arguments);
      ASSERT_EQ(r.status, 0) << what << "\n" << r.err;
      std::vector<std::string> lines = lines_of(r.out);
      std::size_t width = std::stoul(columns);
      for (const std::string& line : lines) EXPECT_LE(code_points(line), width) << what << ": " << line;
      // Each table: a header line above a rule of "─", rows, then perhaps a footer naming the totals left out.
      std::size_t tables = 0, left_out_total = 0;
      for (std::size_t i = 1; i < lines.size(); ++i) {
        if (!lines[i].starts_with("─")) continue;
        ++tables;
        std::vector<std::string> shown = header_cells(lines[i - 1]);
        ASSERT_GE(shown.size(), sweep.swept.size()) << what;
        auto first_total = shown.begin() + static_cast<std::ptrdiff_t>(sweep.swept.size());
        EXPECT_EQ(std::vector<std::string>(shown.begin(), first_total), sweep.swept) << what;
        shown.erase(shown.begin(), first_total);
        EXPECT_FALSE(shown.empty()) << what << ": a table with no total";
        std::size_t footer = i + 1;
        while (footer < lines.size() && !lines[footer].empty() && !lines[footer].starts_with("Left out")) ++footer;
        std::string note = footer < lines.size() ? lines[footer] : "";
        for (std::size_t more = footer + 1; !note.empty() && more < lines.size() && lines[more].starts_with("  ");)
          note += " " + lines[more++].substr(2);  // the footer wraps, continuations indented by two
        std::vector<std::string> omitted = left_out(note);
        left_out_total += omitted.size();
        std::multiset<std::string> seen(shown.begin(), shown.end());
        seen.insert(omitted.begin(), omitted.end());
        EXPECT_EQ(seen, std::multiset<std::string>(titles.begin(), titles.end()))
            << what << ": every total is shown or named as left out, once\n"
            << r.out;
        // The work is the last to go.
        EXPECT_NE(std::find(shown.begin(), shown.end(), "MACs"), shown.end()) << what << "\n" << r.out;
        EXPECT_NE(lines[i - 1].find("│"), std::string::npos) << what << ": the divider stays";
        if (width < 250) {
          EXPECT_GT(code_points(lines[i]), width - 25) << what << ": the table uses the width it has";
        }
      }
      EXPECT_EQ(tables, 2u) << what << "\n" << r.out;
      if (width == 250) {
        EXPECT_EQ(left_out_total, 0u) << what << ": a wide terminal shows every total\n" << r.out;
      } else {
        EXPECT_GT(left_out_total, 0u) << what << "\n" << r.out;
      }
    }
  }
}

TEST(TableWidth, NotATerminalMeansOneHundredColumns) {
  CommandResult r = run_nnscope("analyze llama2_7b --hw h100 --columns params,macs,flops,elementwise,bytes,time,bound");
  ASSERT_EQ(r.status, 0) << r.err;
  std::size_t widest = 0;
  for (const std::string& line : lines_of(r.out)) widest = std::max(widest, code_points(line));
  EXPECT_LE(widest, 100u);
  EXPECT_GT(widest, 80u);
  CommandResult wide = with_columns("160", "analyze llama2_7b --hw h100");
  widest = 0;
  for (const std::string& line : lines_of(wide.out)) widest = std::max(widest, code_points(line));
  EXPECT_GT(widest, 100u) << "COLUMNS widens it";
}

// A table written to a file has the width of a file whatever terminal the command ran in: 100 columns, the same
// bytes as standard output redirected, unless COLUMNS or --width says otherwise; on the terminal itself it fits the
// terminal.
TEST(TableWidth, FileOutputDoesNotTakeTheTerminalsWidth) {
  const std::string arguments = "analyze llama2_7b --hw h100 --columns params,macs,flops,elementwise,bytes,time,bound";
  const std::string binary = std::string("'") + NNSCOPE_BINARY + "' ";
  CommandResult shown = run_in_terminal(60, binary + arguments);
  if (shown.status == -1) GTEST_SKIP() << "no pseudo-terminal to run in";
  ASSERT_EQ(shown.status, 0) << shown.out;
  EXPECT_LE(widest_line(shown.out), 60u) << "on a 60-column terminal\n" << shown.out;
  EXPECT_GT(widest_line(shown.out), 45u) << shown.out;

  CommandResult redirected = run_nnscope(arguments);
  ASSERT_EQ(redirected.status, 0) << redirected.err;
  for (const char* flag : {"-o", "--output"}) {
    std::string file = temp_path("table.txt");
    CommandResult r = run_in_terminal(60, binary + arguments + " " + flag + " '" + file + "'");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(r.out, "") << "the table goes to the file";
    std::string text = read_text(file);
    EXPECT_EQ(text, redirected.out) << flag << " FILE writes what a redirected standard output gets";
    EXPECT_GT(widest_line(text), 80u) << text;
    EXPECT_LE(widest_line(text), 100u) << text;
    std::remove(file.c_str());
  }
  // A sweep's table too.
  const std::string sweep = "analyze bert_base --sweep seq=128,256,512 --hw a100";
  std::string file = temp_path("sweep.txt");
  ASSERT_EQ(run_in_terminal(60, binary + sweep + " -o '" + file + "'").status, 0);
  std::string sweep_text = read_text(file);
  EXPECT_EQ(sweep_text, run_nnscope(sweep).out);
  EXPECT_GT(widest_line(sweep_text), 80u) << sweep_text;
  EXPECT_LE(widest_line(sweep_text), 100u) << sweep_text;

  // COLUMNS and --width say otherwise; --width wins over COLUMNS.
  ASSERT_EQ(run_in_terminal(60, "COLUMNS=70 " + binary + arguments + " -o '" + file + "'").status, 0);
  EXPECT_LE(widest_line(read_text(file)), 70u);
  EXPECT_GT(widest_line(read_text(file)), 55u);
  ASSERT_EQ(run_in_terminal(60, "COLUMNS=70 " + binary + arguments + " --width 130 -o '" + file + "'").status, 0);
  EXPECT_GT(widest_line(read_text(file)), 100u);
  EXPECT_LE(widest_line(read_text(file)), 130u);
  CommandResult narrow = run_in_terminal(60, binary + sweep + " --width 72");
  EXPECT_LE(widest_line(narrow.out), 72u) << narrow.out;
  EXPECT_GT(widest_line(narrow.out), 60u) << "--width wins over the terminal\n" << narrow.out;
  std::remove(file.c_str());

  EXPECT_EQ(run_nnscope("analyze resnet50 --width 39").status, 2);
  EXPECT_EQ(run_nnscope("analyze resnet50 --width 100 --format csv").status, 2) << "--width is the table's";
}

// With --hw every row of the table, at 80 columns, shows the row's roofline time and the unit that bounds it
// (matrix, vector, special or memory; "-" for a row that takes no time), on each of the four big models.
TEST(TableWidth, HardwareShowsTimeAndBoundOnEveryRowOfTheBigModels) {
  struct Model {
    const char* name;
    std::size_t timed_rows;  // at least: bert_large's 24 encoder layers, llama2_7b's 32 decoder layers
  };
  // dlrm: the model, bot_l, emb_l, interaction and top_l (its sparse_ids only reshape: they take no time).
  for (const Model& model :
       {Model{"bert_large", 24}, Model{"llama2_7b", 32}, Model{"dlrm", 5}, Model{"maskrcnn_resnet50_fpn", 10}}) {
    std::string arguments = std::string("analyze ") + model.name + " --hw h100";
    CommandResult r = with_columns("80", arguments);
    ASSERT_EQ(r.status, 0) << arguments << "\n" << r.err;
    std::vector<std::string> lines = lines_of(r.out);
    std::size_t header = 0;
    while (header < lines.size() && !lines[header].starts_with("layer")) ++header;
    ASSERT_LT(header + 2, lines.size()) << r.out;
    std::vector<std::string> titles = header_cells(lines[header]);
    ASSERT_GE(titles.size(), 2u);
    EXPECT_EQ(titles[titles.size() - 2], "time") << arguments << ": " << lines[header];
    EXPECT_EQ(titles.back(), "bound") << arguments << ": " << lines[header];
    ASSERT_TRUE(lines[header + 1].starts_with("─"));
    std::size_t rows = 0, timed = 0;
    for (std::size_t i = header + 2; i < lines.size() && !lines[i].starts_with("─"); ++i, ++rows) {
      std::istringstream words(lines[i]);
      std::vector<std::string> tokens;
      for (std::string w; words >> w;) tokens.push_back(w);
      ASSERT_GE(tokens.size(), 3u) << lines[i];
      const std::string& bound = tokens.back();
      const std::string& unit = tokens[tokens.size() - 2];
      if (bound == "-") {
        EXPECT_EQ(unit, "-") << arguments << ": a row without a bound unit takes no time: " << lines[i];
        continue;
      }
      EXPECT_TRUE(bound == "matrix" || bound == "vector" || bound == "special" || bound == "memory")
          << arguments << ": " << lines[i];
      EXPECT_TRUE(unit == "ns" || unit == "µs" || unit == "ms" || unit == "s") << arguments << ": " << lines[i];
      EXPECT_GT(std::stod(tokens[tokens.size() - 3]), 0.0) << lines[i];
      ++timed;
    }
    EXPECT_GE(timed, model.timed_rows) << arguments << "\n" << r.out;
    EXPECT_GE(rows, timed);
  }
}

// bert_large (Devlin et al. 2019): 24 encoder layers; the default depth shows them as 24 rows.
TEST(TableWidth, DefaultDepthShowsBertLargesTwentyFourLayers) {
  CommandResult r = run_nnscope("analyze bert_large");
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines = lines_of(r.out);
  std::size_t layer_rows = 0;
  for (const std::string& line : lines) {
    for (int i = 0; i < 24; ++i) {
      std::string label = (i == 23 ? "└─ " : "├─ ") + std::to_string(i) + " ";
      if (line.find(label) != std::string::npos) {
        ++layer_rows;
        break;
      }
    }
  }
  EXPECT_EQ(layer_rows, 24u) << r.out;
  EXPECT_LT(lines.size(), 150u) << "not 815 lines";
  std::string tree = r.out.substr(0, r.out.find("\nModel "));  // the summary names the peak's op
  EXPECT_EQ(tree.find("attention"), std::string::npos) << "the layers are collapsed";
  CommandResult deep = run_nnscope("analyze bert_large --depth 4");
  EXPECT_NE(deep.out.find("attention"), std::string::npos) << "--depth overrides";
  EXPECT_GT(lines_of(deep.out).size(), 300u);
}

TEST(TableWidth, HardwareAddsTimeAndBoundPerRow) {
  CommandResult r = with_columns("80", "analyze bert_large --hw h100");
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines = lines_of(r.out);
  bool header = false;
  std::size_t bounded_layers = 0;
  for (const std::string& line : lines) {
    if (line.starts_with("layer") && line.find("time") != std::string::npos && line.find("bound") != std::string::npos)
      header = true;
    bool is_layer = line.find("─ 1 ") != std::string::npos || line.find("─ 17 ") != std::string::npos;
    // A transformer layer at seq 512 is dominated by its GEMMs: matrix-bound on an H100.
    if (is_layer && line.find(" µs") != std::string::npos && line.ends_with("matrix")) ++bounded_layers;
  }
  EXPECT_TRUE(header) << r.out;
  EXPECT_EQ(bounded_layers, 2u) << r.out;
}

TEST(TableWidth, TrainModeAddsBackwardMacs) {
  CommandResult r = run_nnscope("analyze resnet18 --mode train");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("bwd MACs"), std::string::npos) << r.out;
}

TEST(TableWidth, TopAndColumns) {
  CommandResult r = run_nnscope("analyze resnet50 --top 3 --columns flops");
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines = lines_of(r.out);
  std::size_t ranked = 0;
  for (const std::string& line : lines) ranked += line.ends_with("%") && line.find("conv") != std::string::npos;
  EXPECT_EQ(ranked, 3u) << r.out;
  EXPECT_NE(r.out.find("heaviest ops by FLOPs"), std::string::npos);
  EXPECT_EQ(run_nnscope("analyze resnet50 --columns params,mac").status, 2);
  EXPECT_EQ(run_nnscope("analyze resnet50 --top 3 --format csv").status, 2);
  EXPECT_EQ(run_nnscope("analyze resnet50 --top 0").status, 2);
  // A sweep has no layers: the options about them are usage errors, not silently ignored.
  for (const char* option : {"--top 3", "--columns flops", "--depth 1", "--depth 1 --format csv"}) {
    CommandResult sweep = run_nnscope(std::string("analyze bert_base --sweep seq=128,256 ") + option);
    EXPECT_EQ(sweep.status, 2) << option;
    EXPECT_NE(sweep.err.find("a --sweep reports one row of totals per point"), std::string::npos) << sweep.err;
  }
}

}  // namespace
}  // namespace nnscope::testing
