#pragma once
// The command line's arguments, parsed: what each option sets in the driver's Request and in the output options.
// Parsing only: an option's value is checked for its form (an integer, a known dtype, format or column) here;
// what it means for a model is the driver's.
#include <string>
#include <vector>

#include "driver/driver.h"
#include "driver/formats.h"

namespace nnscope::cli {

constexpr std::size_t kMaxTableWidth = 10'000;  // --width and COLUMNS

struct Options {
  std::string command;
  std::vector<std::string> positional;
  driver::Request request;
  const driver::Format* format = driver::find_format("table");
  std::string out_dir;      // --out DIR
  std::string output_file;  // -o FILE
  emit::EmitOptions emit;
  std::string table_only;        // an option that only the table takes, if given
  std::size_t width = 0;         // --width N; 0: not given
  std::string per_layer_only;    // an option about the layers (--depth, --columns, --top), if given: a sweep has none
  analysis::ServeOptions serve;  // --prompt, --generate, --batch
};

// args[0] is the command. `emit` holds the defaults of the output options (the table's width). Throws
// driver::Failure (usage) for an unknown option or a malformed value.
Options parse_options(const std::vector<std::string>& args, const emit::EmitOptions& emit);

}  // namespace nnscope::cli
