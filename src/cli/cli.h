#pragma once
// The command line: parses arguments, runs the pipeline (load -> elaborate -> analyse -> emit) and maps
// outcomes to exit codes (driver.h): 0 success, 1 the model has an error, 2 bad command-line usage.
#include <ostream>
#include <string>
#include <vector>

namespace nnscope::cli {

// args excludes the program name. Never throws.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// The nnscope executable calls this before run() because the process ends right after it: the program's
// syntax tree, the graph and the analysis are then left to the operating system instead of being freed
// node by node, which for a million-op model takes seconds. Tests, which call run() many times, do not.
void keep_results_until_exit();

}  // namespace nnscope::cli
