// Golden outputs: every case in tests/golden/outputs.txt (one `nnscope` command line per line) must print
// exactly what it printed when the manifest was made: the same exit status and the same stdout, compared by
// length and 64-bit FNV-1a hash. The manifest guards refactorings that must leave every report byte-identical
// (every standard-library model in every format, with --depth, --mode train, --hw, --dtype and sweeps).
//
// A change that alters output on purpose (a fix) regenerates the hashes with NNSCOPE_UPDATE_GOLDEN=1 and names
// the fix in its commit; `tools/golden_outputs.sh OLD NEW` shows the differences between two executables.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

constexpr const char* kManifest = NNSCOPE_SOURCE_DIR "/tests/golden/outputs.txt";

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

struct Case {
  std::string hash;  // 16 hex digits
  std::string bytes;
  std::string status;
  std::string arguments;
};

// Lines: HASH BYTES STATUS ARGUMENTS...; '#' starts a comment line.
std::vector<Case> read_manifest(std::vector<std::string>* comments) {
  std::vector<Case> cases;
  std::istringstream in(read_text(kManifest));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      if (comments) comments->push_back(line);
      continue;
    }
    std::istringstream fields(line);
    Case c;
    fields >> c.hash >> c.bytes >> c.status;
    std::getline(fields >> std::ws, c.arguments);
    cases.push_back(c);
  }
  return cases;
}

std::string hex(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

TEST(GoldenOutputs, EveryCaseIsByteIdentical) {
  std::vector<std::string> comments;
  std::vector<Case> cases = read_manifest(&comments);
  ASSERT_GT(cases.size(), 200u) << "the manifest " << kManifest << " is missing or short";
  bool update = std::getenv("NNSCOPE_UPDATE_GOLDEN") != nullptr;
  std::size_t differ = 0;
  for (Case& c : cases) {
    CommandResult r = run_nnscope(c.arguments);
    std::string hash = hex(fnv1a(r.out)), bytes = std::to_string(r.out.size()), status = std::to_string(r.status);
    if (hash != c.hash || bytes != c.bytes || status != c.status) {
      ++differ;
      ADD_FAILURE() << "nnscope " << c.arguments << "\n  expected exit " << c.status << ", " << c.bytes
                    << " bytes, hash " << c.hash << "\n  got      exit " << status << ", " << bytes << " bytes, hash "
                    << hash << (r.err.empty() ? "" : "\n  stderr: " + r.err.substr(0, 400));
    }
    c = {hash, bytes, status, c.arguments};
  }
  if (update && differ > 0) {
    std::ofstream out(kManifest, std::ios::binary);
    for (const std::string& comment : comments) out << comment << "\n";
    for (const Case& c : cases) out << c.hash << " " << c.bytes << " " << c.status << " " << c.arguments << "\n";
  }
}

}  // namespace
}  // namespace nnscope::testing
