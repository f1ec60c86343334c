// docs/cost-model.md against the schema: every signature the document writes (`conv2d(x, out_channels, ...)`,
// in code blocks, headings and tables) must be the one `nnscope ops NAME` prints, defaults included, and
// every operator must have one. A default changed in the code, or an argument added, fails here until the
// document says so too.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "ops/doc.h"

namespace nnscope::ops {
namespace {

std::string read_document() {
  std::ifstream in(NNSCOPE_SOURCE_DIR "/docs/cost-model.md", std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The pieces of the document that may hold a signature: each code block with comments dropped and lines
// joined while a parenthesis is open (a signature may span lines), and every `code span` of the prose.
std::vector<std::string> code_pieces(const std::string& document) {
  std::vector<std::string> pieces;
  std::istringstream lines(document);
  std::string line;
  bool in_block = false;
  std::string pending;
  int depth = 0;
  while (std::getline(lines, line)) {
    if (line.starts_with("```")) {
      in_block = !in_block;
      continue;
    }
    if (in_block) {
      line = line.substr(0, line.find('#'));
      pending += (pending.empty() ? "" : " ") + line;
      for (char c : line) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (depth <= 0) {
        pieces.push_back(pending);
        pending.clear();
        depth = 0;
      }
      continue;
    }
    for (std::size_t open = line.find('`'); open != std::string::npos; open = line.find('`', open)) {
      std::size_t close = line.find('`', open + 1);
      if (close == std::string::npos) break;
      pieces.push_back(line.substr(open + 1, close - open - 1));
      open = close + 1;
    }
  }
  return pieces;
}

// "conv1d/2d/3d" -> conv1d, conv2d, conv3d: each later part replaces as many trailing characters of the first.
std::vector<std::string> expand_names(const std::string& written) {
  std::vector<std::string> names;
  std::size_t slash = written.find('/');
  std::string first = written.substr(0, slash);
  names.push_back(first);
  while (slash != std::string::npos) {
    std::size_t next = written.find('/', slash + 1);
    std::string part = written.substr(slash + 1, next == std::string::npos ? std::string::npos : next - slash - 1);
    if (part.size() <= first.size()) names.push_back(first.substr(0, first.size() - part.size()) + part);
    slash = next;
  }
  return names;
}

std::vector<std::string> split_arguments(const std::string& text) {
  std::vector<std::string> out;
  int depth = 0;
  std::string current;
  for (char c : text) {
    if (c == ',' && depth == 0) {
      out.push_back(current);
      current.clear();
      continue;
    }
    depth += (c == '(' || c == '[') ? 1 : (c == ')' || c == ']') ? -1 : 0;
    current += c;
  }
  out.push_back(current);
  for (std::string& a : out) {
    a.erase(0, a.find_first_not_of(' '));
    a.erase(a.find_last_not_of(' ') + 1);
  }
  return out;
}

// A written call is a signature (rather than an example call such as `conv2d(x: [2, 3, 8, 8], 4, kernel = 3)`)
// when its first argument is the operator's first parameter and every argument is a parameter name, alone,
// with `?` or with `= default`.
bool is_signature(const OpDef& def, const std::vector<std::string>& arguments) {
  static const std::regex argument(R"(([a-z_][a-z_0-9]*)(\?| = .+)?)");
  if (def.args.empty() || arguments.empty() || arguments[0] != def.args[0].name) return false;
  for (const std::string& a : arguments) {
    std::smatch m;
    if (!std::regex_match(a, m, argument)) return false;
    bool known = false;
    for (const ArgSpec& spec : def.args) known |= spec.name == m[1].str();
    if (!known) return false;
  }
  return true;
}

struct Claim {
  std::string op;
  std::string written;
};

std::vector<Claim> signature_claims(const std::string& document) {
  static const std::regex call(R"((^|[^A-Za-z0-9_.])([a-z_][a-z_0-9]*(?:/[a-z_0-9]+)*) *\()");
  std::vector<Claim> claims;
  for (const std::string& piece : code_pieces(document)) {
    for (auto it = std::sregex_iterator(piece.begin(), piece.end(), call); it != std::sregex_iterator(); ++it) {
      std::size_t open = static_cast<std::size_t>(it->position(0) + it->length(0)) - 1;
      int depth = 0;
      std::size_t close = open;
      for (; close < piece.size(); ++close) {
        depth += piece[close] == '(' ? 1 : piece[close] == ')' ? -1 : 0;
        if (depth == 0) break;
      }
      if (close >= piece.size()) continue;
      std::string inner = piece.substr(open + 1, close - open - 1);
      std::string collapsed;
      for (char c : inner) {
        if (c != ' ' || (!collapsed.empty() && collapsed.back() != ' ')) collapsed += c;
      }
      std::vector<std::string> arguments = split_arguments(collapsed);
      for (const std::string& name : expand_names((*it)[2].str())) {
        const OpDef* def = Registry::instance().find(name);
        if (!def || !is_signature(*def, arguments)) continue;
        std::string written = name + "(";
        for (std::size_t i = 0; i < arguments.size(); ++i) written += (i ? ", " : "") + arguments[i];
        claims.push_back({name, written + ")"});
      }
    }
  }
  return claims;
}

TEST(CostModelDoc, EverySignatureWrittenIsTheSchemas) {
  std::vector<Claim> claims = signature_claims(read_document());
  ASSERT_GT(claims.size(), 90u) << "the document's signatures were not found";
  for (const Claim& claim : claims) {
    EXPECT_EQ(claim.written, signature(*Registry::instance().find(claim.op)))
        << "docs/cost-model.md writes this signature of " << claim.op << " (nnscope ops " << claim.op << ")";
  }
}

TEST(CostModelDoc, EveryOperatorHasItsSignatureWritten) {
  std::set<std::string> written;
  for (const Claim& claim : signature_claims(read_document())) written.insert(claim.op);
  for (const OpDef& def : Registry::instance().all()) {
    EXPECT_TRUE(written.count(def.name)) << "docs/cost-model.md §7 does not write the signature of " << def.name << ": "
                                         << signature(def);
  }
}

TEST(CostModelDoc, RecognisesSignaturesAndNotExampleCalls) {
  const OpDef& conv = *Registry::instance().find("conv2d");
  EXPECT_TRUE(is_signature(conv, split_arguments("x, out_channels, kernel, stride = 1")));
  EXPECT_FALSE(is_signature(conv, split_arguments("x: [2, 3, 8, 8], 4, kernel = 3, padding = 1")));
  EXPECT_FALSE(is_signature(conv, split_arguments("image, 64, kernel = 7")));
  EXPECT_EQ(expand_names("adaptive_maxpool1d/2d/3d"),
            (std::vector<std::string>{"adaptive_maxpool1d", "adaptive_maxpool2d", "adaptive_maxpool3d"}));
  std::vector<Claim> claims = signature_claims(
      "```\nrnn (x, hidden_size,\n     bias = true)  # note\n```\n"
      "The `softmax(x, axis = -1)` and `softmax(scores, axis = -1)`.\n");
  ASSERT_EQ(claims.size(), 2u);
  EXPECT_EQ(claims[0].written, "rnn(x, hidden_size, bias = true)");
  EXPECT_EQ(claims[1].written, "softmax(x, axis = -1)");
}

}  // namespace
}  // namespace nnscope::ops
