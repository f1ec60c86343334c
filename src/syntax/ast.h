#pragma once
// The abstract syntax tree of a .nn file (grammar/nnscope.ebnf). Every node carries its source Location.
// The parser builds it; the interpreter reads it; nothing else changes it.
#include <memory>
#include <string>
#include <vector>

#include "source/source.h"
#include "symbolic/rational.h"

namespace nnscope::ast {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;

enum class ExprKind {
  kInt,      // int_value
  kFloat,    // float_value, text holds the spelling
  kString,   // parts (literal text and {interpolated} expressions)
  kBool,     // bool_value
  kName,     // text
  kUnary,    // text is the operator ("-", "+", "not"); operands[0]
  kBinary,   // text is the operator ("+", "-", "*", "/", "//", "%", "**", "@", "==", "!=", "<", "<=", ">",
             // ">=", "and", "or"); operands[0], operands[1]; operator_location is the operator's span
  kRange,    // operands[0] .. operands[1] (end exclusive)
  kCall,     // text is the callee's name (an operator, a block or a built-in function); arguments
  kIndex,    // operands[0][operands[1]]
  kList,     // [operands...]
  kTuple,    // (operands...) with at least one comma
  kIf,       // if operands[0] { operands[1] } else { operands[2] }
  kLabeled,  // label: operands[0]; label holds the label (a kName or kString expression)
};

struct Argument {
  std::string name;        // empty for a positional argument
  Location name_location;  // the name's span, for named arguments
  ExprPtr value;
};

// A piece of a string literal: literal text, or an interpolated expression written {expr}.
struct StringPart {
  std::string text;  // decoded literal text when expr is null
  ExprPtr expr;
};

struct Expr {
  ExprKind kind;
  Location location;           // the whole expression
  Location operator_location;  // binary and unary operators: the operator token
  std::string text;
  sym::Int int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  std::vector<ExprPtr> operands;
  std::vector<Argument> arguments;  // kCall
  std::vector<StringPart> parts;    // kString
  ExprPtr label;                    // kLabeled
};

// Loop variables: a name, or a parenthesised tuple of patterns that destructures a list or tuple element.
struct Pattern {
  Location location;
  std::string name;               // set for a plain name ("_" discards)
  std::vector<Pattern> elements;  // set for a tuple pattern
};

enum class StmtKind {
  kInput,   // input name: dtype[dims]
  kAssign,  // targets = value
  kFor,     // for [index,] pattern in value { body }
  kRepeat,  // repeat value { body }
  kIf,      // if conditions[i] { branches[i] } ... [else { else_body }]
  kAssert,  // assert value [, message]
  kReturn,  // return values...
  kExpr,    // value (evaluated for its ops)
  kScope,   // scope label { body }: prefixes the paths of the ops inside
};

struct Stmt {
  StmtKind kind;
  Location location;

  // kInput
  std::string name;
  Location name_location;
  std::string dtype;
  Location dtype_location;
  std::vector<ExprPtr> dims;

  // kAssign: target names ("_" discards); kFor: index_name (optional) and pattern
  std::vector<std::string> targets;
  std::vector<Location> target_locations;
  std::string index_name;  // kFor with "for i, pattern in ..."
  Location index_location;
  Pattern pattern;

  ExprPtr value;                    // kAssign, kFor (the iterable), kRepeat (the count), kAssert, kExpr
  ExprPtr message;                  // kAssert (a string expression), may be null
  ExprPtr label;                    // kScope
  std::vector<ExprPtr> values;      // kReturn
  std::vector<StmtPtr> body;        // kFor, kRepeat, kScope
  std::vector<ExprPtr> conditions;  // kIf: one per branch
  std::vector<std::vector<StmtPtr>> branches;
  std::vector<StmtPtr> else_body;
  bool has_else = false;
};

struct Parameter {
  std::string name;
  Location location;
  ExprPtr default_value;  // may be null for block parameters (then required)
  bool is_const = false;  // model parameters only: a concrete hyper-parameter rather than a size symbol
};

enum class DefinitionKind { kBlock, kModel };

struct Definition {
  DefinitionKind kind;
  std::string name;
  Location location;       // the whole definition
  Location name_location;  // its name
  std::vector<Parameter> parameters;
  std::vector<StmtPtr> body;
  std::string doc;  // the comment lines directly above the definition, without '#'
};

struct Import {
  std::string path;
  Location location;
};

struct Module {
  FileId file = 0;
  std::string doc;  // the comment block at the top of the file (a model's description and sources)
  std::vector<Import> imports;
  std::vector<Definition> definitions;
};

}  // namespace nnscope::ast
