#pragma once
// The recursive-descent parser of .nn files (grammar/nnscope.ebnf).
//
// Decisions the grammar leaves open:
// - '**' is right-associative (a ** b ** c is a ** (b ** c)) and binds tighter than unary minus on its left
//   (-a ** 2 is -(a ** 2)); all other binary operators are left-associative. Comparisons and ranges do not
//   chain (a < b < c is an error).
// - 'else' and a body's '{' may start a new line. A parenthesised loop pattern is always a tuple pattern, even
//   with one element.
// - Nesting (expressions, chained operators, bodies) is limited to 256 levels so neither the parser nor the
//   later recursive passes over the tree can overflow the stack; a chain like a + b + ... counts one level
//   per operator because it builds a tree that deep.
// - Module.doc is the comment block at the top of the file; a definition's doc is the comment block directly
//   above it. When the top block sits directly on a definition, both get it.
#include <vector>

#include "source/diagnostic.h"
#include "source/source.h"
#include "syntax/ast.h"

namespace nnscope::syntax {

// The most nested expressions or bodies the parser accepts.
inline constexpr int kMaxNesting = 256;
// Elements of one list, tuple or argument list. Real models use a few dozen; the bound keeps a hostile
// 20 MiB line from building tens of millions of nodes.
inline constexpr std::size_t kMaxElements = 100'000;
// Errors reported per file before the parser gives up with "too many errors; stopping".
inline constexpr std::size_t kMaxErrors = 50;

// Parses one file. Appends diagnostics (errors) to `diagnostics`; returns whatever parsed (a module with the
// definitions that parsed, even when there were errors).
ast::Module parse_module(const SourceManager& sources, FileId file, std::vector<Diagnostic>& diagnostics);

}  // namespace nnscope::syntax
