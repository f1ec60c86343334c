#include "syntax/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "syntax/lexer.h"

namespace nnscope::syntax {
namespace {

using ast::Expr;
using ast::ExprKind;
using ast::Stmt;
using ast::StmtKind;
using TK = TokenKind;

// Thrown after an error has been reported; it unwinds to the statement (or definition) being parsed, which
// then skips ahead to a point where parsing can resume without cascading errors.
struct ParseError {};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// "# text" lines -> "text" lines joined with '\n'.
std::string comment_text(std::string_view block) {
  std::string out;
  std::size_t pos = 0;
  while (pos < block.size()) {
    std::size_t end = block.find('\n', pos);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(pos, end - pos);
    while (!line.empty() && is_space(line.front())) line.remove_prefix(1);
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() == '#') line.remove_prefix(1);
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (!out.empty() || pos > 0) out += '\n';
    out += line;
    pos = end + 1;
  }
  return out;
}

// Collects the children of one node (a body's statements, a call's arguments, a list's elements) on a stack
// shared by every level of nesting, then copies them into the arena in one piece. A nested list is finished
// before the enclosing one grows again, so once the stack has grown, building a list allocates nothing but
// the arena copy. The destructor drops what a ParseError left behind.
template <typename T>
class ListBuilder {
 public:
  explicit ListBuilder(std::vector<T>& stack) : stack_(stack), base_(stack.size()) {}
  ~ListBuilder() { stack_.erase(stack_.begin() + static_cast<std::ptrdiff_t>(base_), stack_.end()); }
  ListBuilder(const ListBuilder&) = delete;
  ListBuilder& operator=(const ListBuilder&) = delete;

  void push(const T& item) { stack_.push_back(item); }
  std::size_t size() const { return stack_.size() - base_; }
  std::span<const T> finish(ast::Arena& arena) const {
    return arena.copy(std::span<const T>(stack_.data() + base_, size()));
  }

 private:
  std::vector<T>& stack_;
  std::size_t base_;
};

class Parser {
 public:
  Parser(std::string_view text, FileId file, std::vector<Diagnostic>& diagnostics)
      : text_(text), file_(file), diagnostics_(diagnostics), errors_(diagnostics, kMaxErrors) {}
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  ast::Module parse();

 private:
  // The token stream being parsed: the file, or the inside of a string interpolation.
  struct Cursor {
    Lexer* lexer = nullptr;
    Token current;
    Token ahead;
    bool has_ahead = false;
    std::uint32_t previous_end = 0;  // end of the last consumed token
    bool interpolation = false;
  };

  // Increments a depth counter for a scope; restores it on exit, including when a ParseError unwinds.
  class DepthGuard {
   public:
    explicit DepthGuard(int& depth, int amount = 1) : depth_(depth), amount_(amount) { depth_ += amount_; }
    ~DepthGuard() { depth_ -= amount_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    void add() {
      ++depth_;
      ++amount_;
    }

   private:
    int& depth_;
    int amount_;
  };

  // --- Tokens.
  const Token& cur() const { return cursor_.current; }
  bool at(TK kind) const { return cursor_.current.kind == kind; }
  const Token& peek() {
    if (!cursor_.has_ahead) {
      cursor_.ahead = cursor_.lexer->next();
      cursor_.has_ahead = true;
    }
    return cursor_.ahead;
  }
  Token advance() {
    Token token = cursor_.current;
    cursor_.previous_end = token.location.end;
    if (cursor_.has_ahead) {
      cursor_.current = cursor_.ahead;
      cursor_.has_ahead = false;
    } else {
      cursor_.current = cursor_.lexer->next();
    }
    return token;
  }
  // Whether the current token may continue the expression before it: a line break ends an expression unless
  // it is inside (), [] or the braces of an if-expression.
  bool continues() const { return !cur().newline_before || paren_depth_ + brace_depth_ > 0; }
  Location loc(std::uint32_t begin, std::uint32_t end) const { return Location{file_, begin, end}; }
  Location since(const Location& start) const { return Location{file_, start.begin, cursor_.previous_end}; }

  // --- Errors.
  std::string describe(const Token& token) const;
  void check_element_count(std::size_t count, const char* what);
  [[noreturn]] void fail(Location location, std::string message, std::vector<DiagnosticNote> notes = {});
  [[noreturn]] void fail_at(const Token& token, std::string message, std::vector<DiagnosticNote> notes = {});
  [[noreturn]] void fail_expected(const std::string& what) {
    fail_at(cur(), "expected " + what + ", found " + describe(cur()));
  }
  Token expect(TK kind, const char* what) {
    if (!at(kind)) fail_expected(what);
    return advance();
  }
  Token expect_closing(TK kind, const Token& open, const char* what);
  void check_nesting(Location location, const char* what);
  void synchronize(std::uint32_t start);

  // --- Top level.
  void parse_top_level(ast::Module& module);
  ast::Import parse_import();
  void parse_definition(ast::Module& module);
  ast::Body parse_body();

  // --- Statements.
  const Stmt* parse_statement();
  void end_of_statement();
  // A statement or expression node of type T (with `kind`), allocated in the module's arena.
  template <typename T, typename Kind>
  T* new_node(Kind kind, Location location) {
    T* node = arena_->make<T>();
    node->kind = kind;
    node->location = location;
    return node;
  }
  const Stmt* parse_input();
  const Stmt* parse_assignment();
  const Stmt* parse_for();
  const Stmt* parse_repeat();
  const Stmt* parse_if_statement();
  const Stmt* parse_assert();
  const Stmt* parse_return();
  const Stmt* parse_scope();
  ast::Pattern parse_pattern();
  static ast::Identifier identifier(const Token& token) { return ast::Identifier{token.location, token.text.data()}; }

  // --- Expressions.
  const Expr* binary(const Expr* left, const Token& op, const Expr* right);
  const Expr* parse_expression();
  const Expr* parse_condition();
  const Expr* parse_if_expression();
  const Expr* parse_or();
  const Expr* parse_and();
  const Expr* parse_not();
  const Expr* parse_comparison();
  const Expr* parse_range();
  const Expr* parse_additive();
  const Expr* parse_multiplicative();
  const Expr* parse_unary();
  const Expr* parse_power();
  const Expr* parse_postfix();
  const Expr* parse_primary();
  const Expr* parse_call(Location callee_location, std::string_view callee);
  const Expr* parse_parenthesised();
  const Expr* parse_list();
  bool at_label() {
    return (at(TK::kIdentifier) || at(TK::kString)) && peek().kind == TK::kColon &&
           (!peek().newline_before || paren_depth_ + brace_depth_ > 0);
  }
  const Expr* parse_labeled();
  const Expr* parse_label();
  const Expr* parse_string(const Token& token);
  const Expr* parse_interpolation(std::uint32_t begin, std::uint32_t end);
  const Expr* name_expr(const Token& token);

  std::string_view text_;
  FileId file_;
  std::vector<Diagnostic>& diagnostics_;
  ErrorReporter errors_;
  Cursor cursor_;
  ast::Arena* arena_ = nullptr;  // the arena of the module being parsed
  // The stacks the ListBuilders share (see ListBuilder).
  std::vector<const Stmt*> stmt_stack_;
  std::vector<const Expr*> expr_stack_;
  std::vector<ast::Argument> argument_stack_;
  std::vector<ast::Identifier> identifier_stack_;
  std::vector<ast::Pattern> pattern_stack_;
  std::vector<ast::IfBranch> branch_stack_;
  std::vector<ast::StringPart> part_stack_;
  int nesting_ = 0;      // expressions and bodies being parsed, for the depth limit
  int paren_depth_ = 0;  // open '(' and '[' around the current token
  int brace_depth_ = 0;  // open if-expression braces around the current token
  // The depths where the last ParseError was thrown, so synchronize() knows which closers are still due.
  int error_paren_depth_ = 0;
  int error_brace_depth_ = 0;
  // Where an unclosed body was last reported, so nested unclosed bodies report it once.
  std::uint32_t unclosed_reported_at_ = std::numeric_limits<std::uint32_t>::max();
};

// ----------------------------------------------------------------------------------------------------------
// Errors and recovery.

std::string Parser::describe(const Token& token) const {
  switch (token.kind) {
    case TK::kEnd:
      return cursor_.interpolation ? "end of interpolation" : "end of file";
    case TK::kString:
      return "string literal";
    case TK::kError:
      return "invalid token";
    default:
      break;
  }
  constexpr std::size_t kMaxShown = 32;
  if (token.text.size() > kMaxShown) return "'" + std::string(token.text.substr(0, kMaxShown)) + "...'";
  return "'" + std::string(token.text) + "'";
}

void Parser::check_element_count(std::size_t count, const char* what) {
  if (count > kMaxElements) fail(cur().location, "more than " + std::to_string(kMaxElements) + " " + what);
}

void Parser::fail(Location location, std::string message, std::vector<DiagnosticNote> notes) {
  errors_.error(location, std::move(message), std::move(notes));
  error_paren_depth_ = paren_depth_;
  error_brace_depth_ = brace_depth_;
  throw ParseError{};
}

void Parser::fail_at(const Token& token, std::string message, std::vector<DiagnosticNote> notes) {
  if (token.kind == TK::kError) {
    // The lexer has reported this token already; a second error about it would be a cascade.
    error_paren_depth_ = paren_depth_;
    error_brace_depth_ = brace_depth_;
    throw ParseError{};
  }
  fail(token.location, std::move(message), std::move(notes));
}

Token Parser::expect_closing(TK kind, const Token& open, const char* what) {
  if (!at(kind)) {
    fail_at(cur(),
            std::string("expected ") + what + " to close " + token_kind_name(open.kind) + ", found " + describe(cur()),
            {DiagnosticNote{open.location, std::string(token_kind_name(open.kind)) + " opened here"}});
  }
  return advance();
}

void Parser::check_nesting(Location location, const char* what) {
  if (nesting_ >= kMaxNesting)
    fail(location, std::string(what) + " nested too deeply (limit " + std::to_string(kMaxNesting) + ")");
}

// Skips to the next statement start: a line break outside brackets, a '}' that closes the current body, or a
// statement keyword at the start of a line. The brackets that were open where the error happened still have
// to close, so that a newline inside them does not count as a statement start.
void Parser::synchronize(std::uint32_t start) {
  int parens = error_paren_depth_;
  int braces = error_brace_depth_;
  auto skip = [&] {
    switch (cur().kind) {
      case TK::kLParen:
      case TK::kLBracket:
        ++parens;
        break;
      case TK::kRParen:
      case TK::kRBracket:
        parens = std::max(0, parens - 1);
        break;
      case TK::kLBrace:
        ++braces;
        break;
      case TK::kRBrace:
        braces = std::max(0, braces - 1);
        break;
      default:
        break;
    }
    advance();
  };
  // A statement that failed on its first token must still make progress.
  if (!at(TK::kEnd) && cur().location.begin == start) skip();
  while (!at(TK::kEnd)) {
    const Token& token = cur();
    if (token.kind == TK::kRBrace && braces == 0) return;
    if (token.kind == TK::kModel || token.kind == TK::kBlock || token.kind == TK::kImport) return;
    if (token.newline_before && braces == 0) {
      switch (token.kind) {
        case TK::kFor:
        case TK::kRepeat:
        case TK::kAssert:
        case TK::kReturn:
        case TK::kInput:
        case TK::kScope:
          return;
        default:
          if (parens == 0) return;
      }
    }
    skip();
  }
}

// ----------------------------------------------------------------------------------------------------------
// Files and definitions.

ast::Module Parser::parse() {
  ast::Module module;
  module.file = file_;
  arena_ = &module.arena;
  std::size_t first_diagnostic = diagnostics_.size();
  if (text_.size() >= std::numeric_limits<std::uint32_t>::max()) {
    diagnostics_.push_back(
        Diagnostic{Severity::kError, Location{file_, 0, 0}, "file too large (the limit is 4 GiB)", {}});
    return module;
  }
  auto size = static_cast<std::uint32_t>(text_.size());
  std::uint32_t begin = text_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // a UTF-8 byte order mark

  // The module's doc: the comment lines at the very top, up to a blank or non-comment line.
  std::uint32_t doc_end = begin;
  for (std::uint32_t pos = begin; pos < size;) {
    std::uint32_t p = pos;
    while (p < size && is_space(text_[p])) ++p;
    if (p >= size || text_[p] != '#') break;
    std::size_t newline = text_.find('\n', p);
    doc_end = newline == std::string_view::npos ? size : static_cast<std::uint32_t>(newline);
    pos = doc_end + 1;
  }
  if (doc_end > begin) module.doc = comment_text(text_.substr(begin, doc_end - begin));

  Lexer lexer(text_, file_, begin, size, errors_);
  cursor_.lexer = &lexer;
  cursor_.previous_end = begin;
  try {
    cursor_.current = lexer.next();
    while (!at(TK::kEnd)) parse_top_level(module);
  } catch (const ErrorReporter::TooManyErrors&) {
    // The final "too many errors" diagnostic is recorded; return what parsed.
  }
  // The lexer runs a token ahead of the parser, so its errors can be recorded before the parser's error about
  // an earlier token; present them in source order. The "too many errors" line stays last.
  auto end = diagnostics_.end();
  if (errors_.count() > kMaxErrors) --end;
  std::stable_sort(diagnostics_.begin() + static_cast<std::ptrdiff_t>(first_diagnostic), end,
                   [](const Diagnostic& a, const Diagnostic& b) { return a.location.begin < b.location.begin; });
  return module;
}

void Parser::parse_top_level(ast::Module& module) {
  std::uint32_t start = cur().location.begin;
  try {
    switch (cur().kind) {
      case TK::kImport:
        module.imports.push_back(parse_import());
        break;
      case TK::kBlock:
      case TK::kModel:
        parse_definition(module);
        break;
      default:
        fail_expected("'model', 'block' or 'import'");
    }
  } catch (const ParseError&) {
    // An error outside a body (or in a definition's header): resume at the next definition or import.
    if (!at(TK::kEnd) && cur().location.begin == start) advance();
    while (!at(TK::kEnd) && !at(TK::kModel) && !at(TK::kBlock) && !at(TK::kImport)) advance();
  }
}

ast::Import Parser::parse_import() {
  Token keyword = advance();
  if (!at(TK::kString)) fail_expected("a string with the imported path after 'import'");
  Token path = advance();
  const Expr* literal = parse_string(path);
  ast::Import import;
  import.location = since(keyword.location);
  for (const ast::StringPart& part : literal->as<ast::StringLiteral>().parts) {
    if (part.expr) fail(path.location, "an import path cannot contain interpolations");
    import.path += part.text;
  }
  return import;
}

void Parser::parse_definition(ast::Module& module) {
  Token keyword = advance();
  ast::Definition definition;
  bool is_model = keyword.kind == TK::kModel;
  definition.kind = is_model ? ast::DefinitionKind::kModel : ast::DefinitionKind::kBlock;
  if (keyword.doc_end > keyword.doc_begin) {
    definition.doc = comment_text(text_.substr(keyword.doc_begin, keyword.doc_end - keyword.doc_begin));
  }
  if (!at(TK::kIdentifier)) fail_expected(std::string("a name after ") + token_kind_name(keyword.kind));
  Token name = advance();
  definition.name = std::string(name.text);
  definition.name_location = name.location;
  if (!at(TK::kLParen)) fail_expected("'(' after the " + std::string(is_model ? "model" : "block") + " name");
  Token open = advance();
  {
    DepthGuard parens(paren_depth_);
    bool seen_default = false;
    while (!at(TK::kRParen)) {
      ast::Parameter parameter;
      if (at(TK::kConst)) {
        Token const_token = advance();
        if (!is_model) errors_.error(const_token.location, "'const' is only allowed on model parameters");
        parameter.is_const = true;
      }
      if (!at(TK::kIdentifier)) fail_expected("a parameter name");
      Token parameter_name = advance();
      parameter.name = std::string(parameter_name.text);
      parameter.location = parameter_name.location;
      if (at(TK::kAssign)) {
        advance();
        parameter.default_value = parse_expression();
        seen_default = true;
      } else if (is_model) {
        errors_.error(parameter.location, "model parameter '" + parameter.name + "' needs a default value");
      } else if (seen_default) {
        errors_.error(parameter.location,
                      "parameter '" + parameter.name + "' without a default follows a parameter with a default");
      }
      definition.parameters.push_back(std::move(parameter));
      if (at(TK::kComma)) {
        advance();
      } else if (!at(TK::kRParen)) {
        expect_closing(TK::kRParen, open, "',' or ')'");
      }
    }
    advance();
  }
  definition.body = parse_body();
  definition.location = since(keyword.location);
  module.definitions.push_back(std::move(definition));
}

ast::Body Parser::parse_body() {
  if (!at(TK::kLBrace)) fail_expected("'{'");
  check_nesting(cur().location, "statements");
  DepthGuard nesting(nesting_);
  Token open = advance();
  ListBuilder<const Stmt*> statements(stmt_stack_);
  while (true) {
    if (at(TK::kRBrace)) {
      advance();
      return statements.finish(*arena_);
    }
    if (at(TK::kEnd) || ((at(TK::kModel) || at(TK::kBlock) || at(TK::kImport)) && cur().newline_before)) {
      // Every body left open here ends at this token; report it once rather than once per level.
      if (unclosed_reported_at_ != cur().location.begin) {
        unclosed_reported_at_ = cur().location.begin;
        errors_.error(cur().location, "expected '}' to close '{', found " + describe(cur()),
                      {DiagnosticNote{open.location, "'{' opened here"}});
      }
      return statements.finish(*arena_);
    }
    std::uint32_t start = cur().location.begin;
    try {
      statements.push(parse_statement());
      end_of_statement();
    } catch (const ParseError&) {
      synchronize(start);
    }
  }
}

// ----------------------------------------------------------------------------------------------------------
// Statements.

void Parser::end_of_statement() {
  if (at(TK::kEnd) || at(TK::kRBrace) || cur().newline_before) return;
  fail_expected("a new line after the statement");
}

const Stmt* Parser::parse_statement() {
  switch (cur().kind) {
    case TK::kInput:
      return parse_input();
    case TK::kFor:
      return parse_for();
    case TK::kRepeat:
      return parse_repeat();
    case TK::kIf:
      return parse_if_statement();
    case TK::kAssert:
      return parse_assert();
    case TK::kReturn:
      return parse_return();
    case TK::kScope:
      return parse_scope();
    case TK::kIdentifier:
      if (peek().kind == TK::kAssign || peek().kind == TK::kComma) return parse_assignment();
      break;
    default:
      break;
  }
  const Expr* value = parse_expression();
  if (at(TK::kAssign)) fail_at(cur(), "only names can be assigned to");
  auto* stmt = new_node<ast::ExprStmt>(StmtKind::kExpr, value->location);
  stmt->value = value;
  return stmt;
}

const Stmt* Parser::parse_input() {
  Token keyword = advance();
  auto* stmt = new_node<ast::InputStmt>(StmtKind::kInput, keyword.location);
  if (!at(TK::kIdentifier)) fail_expected("the input's name after 'input'");
  stmt->name = identifier(advance());
  expect(TK::kColon, "':' after the input's name");
  if (!at(TK::kIdentifier)) fail_expected("the input's element type (e.g. f32)");
  stmt->dtype = identifier(advance());
  if (!at(TK::kLBracket) || !continues()) fail_expected("'[' and the input's dimensions after the element type");
  Token open = advance();
  DepthGuard parens(paren_depth_);
  ListBuilder<const Expr*> dims(expr_stack_);
  if (!at(TK::kRBracket)) {
    dims.push(parse_expression());
    while (at(TK::kComma)) {
      advance();
      dims.push(parse_expression());
    }
  }
  expect_closing(TK::kRBracket, open, "']'");
  stmt->dims = dims.finish(*arena_);
  stmt->location = since(keyword.location);
  return stmt;
}

const Stmt* Parser::parse_assignment() {
  Token first = cur();
  auto* stmt = new_node<ast::AssignStmt>(StmtKind::kAssign, first.location);
  ListBuilder<ast::Identifier> targets(identifier_stack_);
  while (true) {
    if (!at(TK::kIdentifier)) fail_expected("a name to assign to");
    targets.push(identifier(advance()));
    if (!at(TK::kComma)) break;
    advance();
  }
  expect(TK::kAssign, "'=' after the assignment's targets");
  stmt->targets = targets.finish(*arena_);
  stmt->value = parse_expression();
  stmt->location = since(first.location);
  return stmt;
}

ast::Pattern Parser::parse_pattern() {
  ast::Pattern pattern;
  if (at(TK::kIdentifier)) {
    Token name = advance();
    pattern.name = name.text;
    pattern.location = name.location;
    return pattern;
  }
  if (!at(TK::kLParen)) fail_expected("a loop variable or '('");
  check_nesting(cur().location, "loop pattern");
  DepthGuard nesting(nesting_);
  DepthGuard parens(paren_depth_);
  Token open = advance();
  ListBuilder<ast::Pattern> elements(pattern_stack_);
  elements.push(parse_pattern());
  while (at(TK::kComma)) {
    advance();
    elements.push(parse_pattern());
  }
  expect_closing(TK::kRParen, open, "')'");
  pattern.elements = elements.finish(*arena_);
  pattern.location = since(open.location);
  return pattern;
}

const Stmt* Parser::parse_for() {
  Token keyword = advance();
  auto* stmt = new_node<ast::ForStmt>(StmtKind::kFor, keyword.location);
  if (at(TK::kIdentifier) && peek().kind == TK::kComma) {
    stmt->index = identifier(advance());
    advance();
  }
  stmt->pattern = parse_pattern();
  expect(TK::kIn, "'in' after the loop variables");
  stmt->iterable = parse_expression();
  stmt->body = parse_body();
  stmt->location = since(keyword.location);
  return stmt;
}

const Stmt* Parser::parse_repeat() {
  Token keyword = advance();
  auto* stmt = new_node<ast::RepeatStmt>(StmtKind::kRepeat, keyword.location);
  stmt->count = parse_expression();
  stmt->body = parse_body();
  stmt->location = since(keyword.location);
  return stmt;
}

const Stmt* Parser::parse_if_statement() {
  Token keyword = advance();
  auto* stmt = new_node<ast::IfStmt>(StmtKind::kIf, keyword.location);
  ListBuilder<ast::IfBranch> branches(branch_stack_);
  while (true) {
    const Expr* condition = parse_condition();
    branches.push(ast::IfBranch{condition, parse_body()});
    if (!at(TK::kElse)) break;
    advance();
    if (at(TK::kIf)) {
      advance();
      continue;
    }
    stmt->has_else = true;
    stmt->else_body = parse_body();
    break;
  }
  stmt->branches = branches.finish(*arena_);
  stmt->location = since(keyword.location);
  return stmt;
}

const Stmt* Parser::parse_assert() {
  Token keyword = advance();
  auto* stmt = new_node<ast::AssertStmt>(StmtKind::kAssert, keyword.location);
  stmt->condition = parse_condition();
  if (at(TK::kComma)) {
    advance();
    stmt->message = parse_expression();
  }
  stmt->location = since(keyword.location);
  return stmt;
}

const Stmt* Parser::parse_return() {
  Token keyword = advance();
  auto* stmt = new_node<ast::ReturnStmt>(StmtKind::kReturn, keyword.location);
  ListBuilder<const Expr*> values(expr_stack_);
  values.push(parse_expression());
  while (at(TK::kComma)) {
    advance();
    values.push(parse_expression());
  }
  stmt->values = values.finish(*arena_);
  stmt->location = since(keyword.location);
  return stmt;
}

const Stmt* Parser::parse_scope() {
  Token keyword = advance();
  auto* stmt = new_node<ast::ScopeStmt>(StmtKind::kScope, keyword.location);
  if (!at(TK::kIdentifier) && !at(TK::kString)) {
    // A keyword is a natural path segment (ConvNeXt's "block"); say how to write it.
    if (cur().text.size() > 0 && std::isalpha(static_cast<unsigned char>(cur().text[0]))) {
      Token name = advance();  // consumed, so recovery does not read it as the start of a definition
      fail(name.location, "'" + std::string(name.text) +
                              "' is a keyword; write the scope's name as a string: scope \"" + std::string(name.text) +
                              "\" { ... }");
    }
    fail_expected("a name or string after 'scope'");
  }
  stmt->label = parse_label();
  stmt->body = parse_body();
  stmt->location = since(keyword.location);
  return stmt;
}

// ----------------------------------------------------------------------------------------------------------
// Expressions.

const Expr* Parser::binary(const Expr* left, const Token& op, const Expr* right) {
  auto* expr = new_node<ast::Binary>(ExprKind::kBinary, Location::span(left->location, right->location));
  expr->operator_location = op.location;
  expr->op = op.text;
  expr->left = left;
  expr->right = right;
  return expr;
}

const Expr* Parser::name_expr(const Token& token) {
  auto* expr = new_node<ast::Name>(ExprKind::kName, token.location);
  expr->spelling = token.text.data();
  return expr;
}

const Expr* Parser::parse_expression() {
  check_nesting(cur().location, "expression");
  DepthGuard nesting(nesting_);
  // A label is parsed as a primary, so "a: x + 1" is (a: x) + 1 rather than a label followed by junk.
  if (at(TK::kIf)) return parse_if_expression();
  return parse_or();
}

// The condition of an if statement, an if-expression or an assert. `if x = 1` is almost always a comparison
// written with one '=': it is reported with that suggestion and read as `x == 1`, so parsing goes on without
// a cascade of errors about the rest of the line.
const Expr* Parser::parse_condition() {
  const Expr* condition = parse_expression();
  if (!at(TK::kAssign) || !continues()) return condition;
  Token assign = advance();
  errors_.error(assign.location, "'=' assigns a value and cannot be part of a condition; did you mean '=='?");
  Token equals = assign;
  equals.text = "==";
  return binary(condition, equals, parse_or());
}

const Expr* Parser::parse_if_expression() {
  Token keyword = advance();
  auto* expr = new_node<ast::IfExpr>(ExprKind::kIf, keyword.location);
  expr->condition = parse_condition();
  auto braced = [&](const char* where) {
    if (!at(TK::kLBrace)) fail_expected(std::string("'{' ") + where);
    Token open = advance();
    DepthGuard braces(brace_depth_);
    const Expr* value = parse_expression();
    expect_closing(TK::kRBrace, open, "'}'");
    return value;
  };
  expr->then_value = braced("after the if-expression's condition");
  if (!at(TK::kElse)) fail_expected("'else' (an if-expression needs an else branch)");
  advance();
  if (at(TK::kIf)) {
    check_nesting(cur().location, "expression");
    DepthGuard nesting(nesting_);
    expr->else_value = parse_if_expression();
  } else {
    expr->else_value = braced("after 'else'");
  }
  expr->location = since(keyword.location);
  return expr;
}

const Expr* Parser::parse_or() {
  const Expr* left = parse_and();
  DepthGuard chain(nesting_, 0);
  while (at(TK::kOr) && continues()) {
    check_nesting(cur().location, "expression");
    chain.add();
    Token op = advance();
    left = binary(left, op, parse_and());
  }
  return left;
}

const Expr* Parser::parse_and() {
  const Expr* left = parse_not();
  DepthGuard chain(nesting_, 0);
  while (at(TK::kAnd) && continues()) {
    check_nesting(cur().location, "expression");
    chain.add();
    Token op = advance();
    left = binary(left, op, parse_not());
  }
  return left;
}

const Expr* Parser::parse_not() {
  if (!at(TK::kNot)) return parse_comparison();
  check_nesting(cur().location, "expression");
  DepthGuard nesting(nesting_);
  Token op = advance();
  const Expr* operand = parse_not();
  auto* expr = new_node<ast::Unary>(ExprKind::kUnary, Location::span(op.location, operand->location));
  expr->operator_location = op.location;
  expr->op = op.text;  // "not"
  expr->operand = operand;
  return expr;
}

bool is_comparison(TK kind) {
  return kind == TK::kEq || kind == TK::kNe || kind == TK::kLt || kind == TK::kLe || kind == TK::kGt || kind == TK::kGe;
}

const Expr* Parser::parse_comparison() {
  const Expr* left = parse_range();
  if (!is_comparison(cur().kind) || !continues()) return left;
  Token op = advance();
  const Expr* result = binary(left, op, parse_range());
  if (is_comparison(cur().kind) && continues()) {
    fail_at(cur(), "comparison operators cannot be chained; combine comparisons with 'and'");
  }
  return result;
}

const Expr* Parser::parse_range() {
  const Expr* left = parse_additive();
  if (!at(TK::kDotDot) || !continues()) return left;
  advance();
  const Expr* right = parse_additive();
  auto* range = new_node<ast::Range>(ExprKind::kRange, Location::span(left->location, right->location));
  range->lower = left;
  range->upper = right;
  if (at(TK::kDotDot) && continues()) fail_at(cur(), "ranges cannot be chained");
  return range;
}

const Expr* Parser::parse_additive() {
  const Expr* left = parse_multiplicative();
  DepthGuard chain(nesting_, 0);
  while ((at(TK::kPlus) || at(TK::kMinus)) && continues()) {
    check_nesting(cur().location, "expression");
    chain.add();
    Token op = advance();
    left = binary(left, op, parse_multiplicative());
  }
  return left;
}

const Expr* Parser::parse_multiplicative() {
  const Expr* left = parse_unary();
  DepthGuard chain(nesting_, 0);
  while ((at(TK::kStar) || at(TK::kSlash) || at(TK::kSlashSlash) || at(TK::kPercent) || at(TK::kAt)) && continues()) {
    check_nesting(cur().location, "expression");
    chain.add();
    Token op = advance();
    left = binary(left, op, parse_unary());
  }
  return left;
}

const Expr* Parser::parse_unary() {
  if (!at(TK::kMinus) && !at(TK::kPlus)) return parse_power();
  check_nesting(cur().location, "expression");
  DepthGuard nesting(nesting_);
  Token op = advance();
  const Expr* operand = parse_unary();
  auto* expr = new_node<ast::Unary>(ExprKind::kUnary, Location::span(op.location, operand->location));
  expr->operator_location = op.location;
  expr->op = op.text;
  expr->operand = operand;
  return expr;
}

const Expr* Parser::parse_power() {
  const Expr* base = parse_postfix();
  if (!at(TK::kStarStar) || !continues()) return base;
  check_nesting(cur().location, "expression");
  DepthGuard nesting(nesting_);
  Token op = advance();
  return binary(base, op, parse_unary());
}

const Expr* Parser::parse_postfix() {
  // A name that is called becomes part of its Call node, so it is kept as a token and gets a Name node only
  // when it is used otherwise (most names in a model are called).
  bool callable = at(TK::kIdentifier) && !at_label();
  Token name;
  const Expr* expr = nullptr;
  if (callable) {
    name = advance();
  } else {
    expr = parse_primary();
  }
  DepthGuard chain(nesting_, 0);
  while ((at(TK::kLParen) || at(TK::kLBracket)) && continues()) {
    check_nesting(cur().location, "expression");
    chain.add();
    if (at(TK::kLParen)) {
      if (!callable) fail_at(cur(), "only names can be called");
      callable = false;
      // An indexed name (f[0](x)) is called with an empty callee, which evaluation reports as unknown.
      expr = expr ? parse_call(expr->location, std::string_view()) : parse_call(name.location, name.text);
    } else {
      if (!expr) expr = name_expr(name);
      Token open = advance();
      DepthGuard parens(paren_depth_);
      const Expr* index = parse_expression();
      expect_closing(TK::kRBracket, open, "']'");
      auto* indexed = new_node<ast::Index>(ExprKind::kIndex, since(expr->location));
      indexed->base = expr;
      indexed->index = index;
      expr = indexed;
    }
  }
  return expr ? expr : name_expr(name);
}

const Expr* Parser::parse_call(Location callee_location, std::string_view callee) {
  Token open = advance();
  DepthGuard parens(paren_depth_);
  ListBuilder<ast::Argument> arguments(argument_stack_);
  bool seen_named = false;
  while (!at(TK::kRParen)) {
    ast::Argument argument;
    if (at(TK::kIdentifier) && peek().kind == TK::kAssign) {
      Token name = advance();
      advance();
      auto* identifier_node = arena_->make<ast::Identifier>();
      *identifier_node = identifier(name);
      argument.name = identifier_node;
      argument.value = parse_expression();
      seen_named = true;
    } else {
      argument.value = parse_expression();
      if (seen_named) {
        // Not a structural error: the rest of the call still parses, so report it and go on.
        errors_.error(argument.value->location, "positional argument follows a named argument");
      }
    }
    arguments.push(argument);
    check_element_count(arguments.size(), "arguments in one call");
    if (!at(TK::kComma)) break;
    advance();
  }
  expect_closing(TK::kRParen, open, "')'");
  auto* call = new_node<ast::Call>(ExprKind::kCall, since(callee_location));
  call->callee_size = static_cast<std::uint32_t>(callee.size());
  call->callee_spelling = callee.data();
  std::span<const ast::Argument> list = arguments.finish(*arena_);
  call->argument_count = static_cast<std::uint32_t>(list.size());
  call->argument_list = list.data();
  return call;
}

const Expr* Parser::parse_primary() {
  const Token& token = cur();
  switch (token.kind) {
    case TK::kInt: {
      auto* expr = new_node<ast::IntLiteral>(ExprKind::kInt, token.location);
      decimal_value(token.text, &expr->value);  // the lexer has checked that it fits
      advance();
      return expr;
    }
    case TK::kFloat: {
      auto* expr = new_node<ast::FloatLiteral>(ExprKind::kFloat, token.location);
      expr->spelling = token.text;
      std::from_chars(token.text.data(), token.text.data() + token.text.size(), expr->value);
      advance();
      return expr;
    }
    case TK::kTrue:
    case TK::kFalse: {
      auto* expr = new_node<ast::BoolLiteral>(ExprKind::kBool, token.location);
      expr->value = token.kind == TK::kTrue;
      advance();
      return expr;
    }
    case TK::kIdentifier:
    case TK::kString:
      if (at_label()) {
        check_nesting(token.location, "expression");
        DepthGuard nesting(nesting_);
        return parse_labeled();
      }
      if (token.kind == TK::kString) return parse_string(advance());
      return name_expr(advance());
    case TK::kLParen:
      return parse_parenthesised();
    case TK::kLBracket:
      return parse_list();
    case TK::kIf:
      fail_at(token, "an if-expression cannot be an operand here; put it in parentheses");
    default:
      fail_expected("expression");
  }
}

const Expr* Parser::parse_labeled() {
  const Expr* label = parse_label();
  advance();  // ':'
  const Expr* operand = parse_postfix();
  auto* expr = new_node<ast::Labeled>(ExprKind::kLabeled, Location::span(label->location, operand->location));
  expr->label = label;
  expr->operand = operand;
  return expr;
}

const Expr* Parser::parse_label() {
  Token token = advance();
  if (token.kind != TK::kString) return name_expr(token);
  const Expr* label = parse_string(token);
  // Known before running: a part of the label's literal text that starts with '-' ("-2-3", "a.-b"), which a
  // spreadsheet opening the report would read as a formula. Interpolated text is checked when it runs.
  const auto& parts = label->as<ast::StringLiteral>().parts;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view text = parts[i].text;
    if (parts[i].expr) continue;
    for (std::size_t k = 0; k < text.size(); ++k) {
      bool part_start = k == 0 ? i == 0 : text[k - 1] == '.';
      if (text[k] == '-' && part_start) {
        fail(token.location,
             "a label may not start a part with '-' (a spreadsheet would read the report's cell as a "
             "formula); use a letter, a digit or '_'");
      }
    }
  }
  return label;
}

const Expr* Parser::parse_parenthesised() {
  Token open = advance();
  DepthGuard parens(paren_depth_);
  if (at(TK::kRParen)) {
    advance();
    return new_node<ast::Sequence>(ExprKind::kTuple, since(open.location));
  }
  const Expr* first = parse_expression();
  if (!at(TK::kComma)) {
    expect_closing(TK::kRParen, open, "')'");
    return first;
  }
  ListBuilder<const Expr*> elements(expr_stack_);
  elements.push(first);
  while (at(TK::kComma)) {
    advance();
    if (at(TK::kRParen)) break;
    elements.push(parse_expression());
    check_element_count(elements.size(), "elements in one tuple");
  }
  expect_closing(TK::kRParen, open, "')'");
  auto* tuple = new_node<ast::Sequence>(ExprKind::kTuple, since(open.location));
  tuple->elements = elements.finish(*arena_);
  return tuple;
}

const Expr* Parser::parse_list() {
  Token open = advance();
  DepthGuard parens(paren_depth_);
  ListBuilder<const Expr*> elements(expr_stack_);
  while (!at(TK::kRBracket)) {
    elements.push(parse_expression());
    check_element_count(elements.size(), "elements in one list");
    if (!at(TK::kComma)) break;
    advance();
  }
  expect_closing(TK::kRBracket, open, "']'");
  auto* list = new_node<ast::Sequence>(ExprKind::kList, since(open.location));
  list->elements = elements.finish(*arena_);
  return list;
}

const Expr* Parser::parse_string(const Token& token) {
  ListBuilder<ast::StringPart> parts(part_stack_);
  std::string literal;
  auto flush = [&] {
    if (literal.empty()) return;
    parts.push(ast::StringPart{arena_->copy(literal), nullptr});
    literal.clear();
  };
  std::uint32_t close = token.location.end - 1;  // the closing quote
  std::uint32_t i = token.location.begin + 1;
  while (i < close) {
    std::uint32_t run = i;
    while (run < close) {
      char c = text_[run];
      if (c == '\\' || c == '{' || c == '}' || static_cast<unsigned char>(c) >= 0x80) break;
      ++run;
    }
    literal.append(text_.substr(i, run - i));
    i = run;
    if (i >= close) break;
    char c = text_[i];
    char next = i + 1 < close ? text_[i + 1] : '\0';
    if (static_cast<unsigned char>(c) >= 0x80) {
      int length = utf8_sequence_length(text_, i, close);
      if (length == 0) fail(loc(i, i + 1), "invalid UTF-8 in string literal (source files must be UTF-8)");
      literal.append(text_.substr(i, static_cast<std::uint32_t>(length)));
      i += static_cast<std::uint32_t>(length);
    } else if (c == '\\') {
      char decoded = 0;
      switch (next) {
        case '"':
        case '\\':
        case '{':
        case '}':
          decoded = next;
          break;
        case 'n':
          decoded = '\n';
          break;
        case 't':
          decoded = '\t';
          break;
        default: {
          int length = std::max(1, utf8_sequence_length(text_, i + 1, close));
          fail(loc(i, i + 1 + static_cast<std::uint32_t>(length)),
               "invalid escape sequence '" + std::string(text_.substr(i, 1 + static_cast<std::uint32_t>(length))) +
                   "' in string literal (valid: \\\" \\\\ \\n \\t \\{ \\})");
        }
      }
      literal += decoded;
      i += 2;
    } else if (next == c) {  // "{{" or "}}"
      literal += c;
      i += 2;
    } else if (c == '}') {
      fail(loc(i, i + 1), "unmatched '}' in string literal (write '}}' for a literal brace)");
    } else {
      StringScan scan = scan_string(text_, i + 1, close, true);
      if (scan.status != StringScan::kClosed)
        fail(loc(i, i + 1), "unclosed interpolation in string literal: expected '}'");
      std::uint32_t j = scan.stop;
      std::uint32_t k = i + 1;
      while (k < j && is_space(text_[k])) ++k;
      if (k == j) fail(loc(i, j + 1), "empty interpolation in string literal (write '{{' for a literal brace)");
      flush();
      parts.push(ast::StringPart{std::string_view(), parse_interpolation(i + 1, j)});
      i = j + 1;
    }
  }
  flush();
  auto* expr = new_node<ast::StringLiteral>(ExprKind::kString, token.location);
  expr->parts = parts.finish(*arena_);
  return expr;
}

const Expr* Parser::parse_interpolation(std::uint32_t begin, std::uint32_t end) {
  check_nesting(loc(begin, end), "expression");
  DepthGuard nesting(nesting_);
  Lexer lexer(text_, file_, begin, end, errors_);
  struct Restore {
    Parser& parser;
    Cursor saved;
    ~Restore() { parser.cursor_ = saved; }
  } restore{*this, cursor_};
  cursor_ = Cursor{};
  cursor_.lexer = &lexer;
  cursor_.previous_end = begin;
  cursor_.interpolation = true;
  try {
    cursor_.current = lexer.next();
    const Expr* expr = parse_expression();
    if (!at(TK::kEnd)) fail_expected("'}' to end the interpolation");
    return expr;
  } catch (const ParseError&) {
    // Brackets opened inside the interpolation do not exist in the enclosing token stream.
    error_paren_depth_ = paren_depth_;
    error_brace_depth_ = brace_depth_;
    throw;
  }
}

}  // namespace

ast::Module parse_module(const SourceManager& sources, FileId file, std::vector<Diagnostic>& diagnostics) {
  Parser parser(sources.file(file).text, file, diagnostics);
  return parser.parse();
}

}  // namespace nnscope::syntax
