#pragma once
// The abstract syntax tree of a .nn file (grammar/nnscope.ebnf). Every node carries its source Location.
// The parser builds it; the interpreter reads it; nothing else changes it.
//
// The tree is laid out for size, because generated models reach a million statements (25 MB of text) and the
// tree is held while the whole model is elaborated:
// - Every expression and statement node lives in its Module's Arena and is reached by plain `const T*`. Nodes
//   are trivially destructible, so freeing a tree is freeing a few large blocks, not a million nodes.
// - Each kind of expression and statement is its own struct with only the fields that kind uses; `kind` says
//   which one a node is and as<T>() casts to it. Lists of children are spans into the arena.
// - Names, operators and number spellings are views into the source text; they are not copied. The
//   SourceManager keeps every file's text alive and at a fixed address, so a Module must not outlive the
//   SourceManager it was parsed from (interp::Program owns both). Decoded string-literal text, which can
//   differ from the source (escapes), is copied into the arena.
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "source/source.h"
#include "symbolic/rational.h"

namespace nnscope::ast {

// A bump allocator for the nodes of one module. Memory is released all at once when the arena is destroyed;
// nothing allocated in it has a destructor to run (make() and copy() check that).
class Arena {
 public:
  Arena() = default;
  Arena(Arena&& other) noexcept { *this = std::move(other); }
  Arena& operator=(Arena&& other) noexcept;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // A value-initialised T.
  template <typename T>
  T* make() {
    static_assert(std::is_trivially_destructible_v<T>, "arena objects are never destroyed");
    return new (allocate(sizeof(T), alignof(T))) T{};
  }
  // A copy of `items` in the arena (empty spans stay empty and allocate nothing).
  template <typename T>
  std::span<const T> copy(std::span<const T> items) {
    static_assert(std::is_trivially_destructible_v<T> && std::is_trivially_copyable_v<T>);
    if (items.empty()) return {};
    T* out = static_cast<T*>(allocate(items.size_bytes(), alignof(T)));
    std::uninitialized_copy(items.begin(), items.end(), out);
    return {out, items.size()};
  }
  std::string_view copy(std::string_view text);

  // Bytes handed out so far, for tests and measurements.
  std::size_t bytes_used() const { return used_; }

 private:
  void* allocate(std::size_t size, std::size_t align) {
    std::uintptr_t p = (reinterpret_cast<std::uintptr_t>(next_) + (align - 1)) & ~std::uintptr_t{align - 1};
    if (next_ == nullptr || p + size > reinterpret_cast<std::uintptr_t>(end_)) return allocate_slow(size, align);
    next_ = reinterpret_cast<std::byte*>(p + size);
    used_ += size;
    return reinterpret_cast<void*>(p);
  }
  void* allocate_slow(std::size_t size, std::size_t align);

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* next_ = nullptr;  // the free part of the current block: [next_, end_)
  std::byte* end_ = nullptr;
  std::size_t next_block_size_ = 4096;  // blocks grow geometrically, so small files stay small
  std::size_t used_ = 0;
};

// A name in the source, and where it is. The text is the source at `location`, so only its start is stored.
struct Identifier {
  Location location;
  const char* spelling = nullptr;  // null when absent (then the text is empty)

  std::string_view text() const { return spelling ? std::string_view(spelling, location.end - location.begin) : ""; }
};

enum class ExprKind : std::uint8_t {
  kInt,      // IntLiteral
  kFloat,    // FloatLiteral
  kString,   // StringLiteral
  kBool,     // BoolLiteral
  kName,     // Name
  kUnary,    // Unary
  kBinary,   // Binary
  kRange,    // Range
  kCall,     // Call
  kIndex,    // Index
  kList,     // Sequence: [elements...]
  kTuple,    // Sequence: (elements...) with at least one comma
  kIf,       // IfExpr
  kLabeled,  // Labeled
};

// The common part of every expression node; as<T>() gives the node of its kind.
struct Expr {
  ExprKind kind;
  Location location;  // the whole expression

  template <typename T>
  const T& as() const {
    assert(T::has_kind(kind));
    return static_cast<const T&>(*this);
  }
};

using Exprs = std::span<const Expr* const>;

struct IntLiteral : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kInt; }
  sym::Int value;
};

struct FloatLiteral : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kFloat; }
  double value;
  std::string_view spelling;
};

struct BoolLiteral : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kBool; }
  bool value;
};

// A piece of a string literal: literal text, or an interpolated expression written {expr}.
struct StringPart {
  std::string_view text;  // decoded literal text when expr is null
  const Expr* expr = nullptr;
};

struct StringLiteral : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kString; }
  std::span<const StringPart> parts;
};

// A name; its text is the source at its location.
struct Name : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kName; }
  const char* spelling;

  std::string_view text() const { return std::string_view(spelling, location.end - location.begin); }
};

struct Unary : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kUnary; }
  Location operator_location;
  std::string_view op;  // "-", "+" or "not"
  const Expr* operand;
};

struct Binary : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kBinary; }
  Location operator_location;
  // "+", "-", "*", "/", "//", "%", "**", "@", "==", "!=", "<", "<=", ">", ">=", "and" or "or"
  std::string_view op;
  const Expr* left;
  const Expr* right;
};

// lower .. upper (end exclusive).
struct Range : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kRange; }
  const Expr* lower;
  const Expr* upper;
};

struct Argument {
  const Expr* value = nullptr;
  const Identifier* name = nullptr;  // null for a positional argument

  std::string_view name_text() const { return name ? name->text() : ""; }
};

// callee(arguments...): an operator, a block or a built-in function. Fields are packed by hand (calls are
// most of a model's nodes); use the accessors.
struct Call : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kCall; }
  std::uint32_t callee_size;
  std::uint32_t argument_count;
  const char* callee_spelling;  // the callee's name starts the call's location
  const Argument* argument_list;

  // The callee's name ("" when something other than a name was called, which evaluates to an error).
  std::string_view callee() const { return std::string_view(callee_spelling, callee_size); }
  Location callee_location() const { return Location{location.file, location.begin, location.begin + callee_size}; }
  std::span<const Argument> arguments() const { return {argument_list, argument_count}; }
};

// base[index]
struct Index : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kIndex; }
  const Expr* base;
  const Expr* index;
};

// A list or a tuple.
struct Sequence : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kList || k == ExprKind::kTuple; }
  Exprs elements;
};

// if condition { then_value } else { else_value }
struct IfExpr : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kIf; }
  const Expr* condition;
  const Expr* then_value;
  const Expr* else_value;
};

// label: operand; the label is a Name or a StringLiteral.
struct Labeled : Expr {
  static bool has_kind(ExprKind k) { return k == ExprKind::kLabeled; }
  const Expr* label;
  const Expr* operand;
};

// Loop variables: a name, or a parenthesised tuple of patterns that destructures a list or tuple element.
struct Pattern {
  Location location;
  std::string_view name;              // set for a plain name ("_" discards)
  std::span<const Pattern> elements;  // set for a tuple pattern
};

enum class StmtKind : std::uint8_t {
  kInput,   // InputStmt: input name: dtype[dims]
  kAssign,  // AssignStmt: targets = value
  kFor,     // ForStmt: for [index,] pattern in iterable { body }
  kRepeat,  // RepeatStmt: repeat count { body }
  kIf,      // IfStmt: if branches[i].condition { branches[i].body } ... [else { else_body }]
  kAssert,  // AssertStmt: assert condition [, message]
  kReturn,  // ReturnStmt: return values...
  kExpr,    // ExprStmt: value (evaluated for its ops)
  kScope,   // ScopeStmt: scope label { body }: prefixes the paths of the ops inside
};

// The common part of every statement node; as<T>() gives the node of its kind.
struct Stmt {
  StmtKind kind;
  Location location;

  template <typename T>
  const T& as() const {
    assert(T::has_kind(kind));
    return static_cast<const T&>(*this);
  }
};

using Body = std::span<const Stmt* const>;

struct InputStmt : Stmt {
  static bool has_kind(StmtKind k) { return k == StmtKind::kInput; }
  Identifier name;
  Identifier dtype;
  Exprs dims;
};

struct AssignStmt : Stmt {
  static bool has_kind(StmtKind k) { return k == StmtKind::kAssign; }
  std::span<const Identifier> targets;  // "_" discards
  const Expr* value;
};

struct ForStmt : Stmt {
  static bool has_kind(StmtKind k) { return k == StmtKind::kFor; }
  Identifier index;  // "for i, pattern in ...": i; its text is empty without one
  Pattern pattern;
  const Expr* iterable;
  Body body;
};

struct RepeatStmt : Stmt {
  static bool has_kind(StmtKind k) { return k == StmtKind::kRepeat; }
  const Expr* count;
  Body body;
};

struct IfBranch {
  const Expr* condition;
  Body body;
};

struct IfStmt : Stmt {
  static bool has_kind(StmtKind k) { return k == StmtKind::kIf; }
  bool has_else;
  std::span<const IfBranch> branches;  // if and else-if, in order
  Body else_body;
};

struct AssertStmt : Stmt {
  static bool has_kind(StmtKind k) { return k == StmtKind::kAssert; }
  const Expr* condition;
  const Expr* message;  // a string expression, may be null
};

struct ReturnStmt : Stmt {
  static bool has_kind(StmtKind k) { return k == StmtKind::kReturn; }
  Exprs values;
};

struct ExprStmt : Stmt {
  static bool has_kind(StmtKind k) { return k == StmtKind::kExpr; }
  const Expr* value;
};

struct ScopeStmt : Stmt {
  static bool has_kind(StmtKind k) { return k == StmtKind::kScope; }
  const Expr* label;  // a Name or a StringLiteral
  Body body;
};

// Definitions and imports are few, so they own ordinary strings; only their bodies point into the arena.
struct Parameter {
  std::string name;
  Location location;
  const Expr* default_value = nullptr;  // may be null for block parameters (then required)
  bool is_const = false;                // model parameters only: a concrete hyper-parameter rather than a size symbol
};

enum class DefinitionKind { kBlock, kModel };

struct Definition {
  DefinitionKind kind;
  std::string name;
  Location location;       // the whole definition
  Location name_location;  // its name
  std::vector<Parameter> parameters;
  Body body;
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
  Arena arena;  // every node of the definitions' bodies and parameter defaults
};

}  // namespace nnscope::ast
