#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  nnscope::cli::keep_results_until_exit();
  std::vector<std::string> args(argv + 1, argv + argc);
  int code = nnscope::cli::run(args, std::cout, std::cerr);
  std::cout.flush();
  return code;
}
