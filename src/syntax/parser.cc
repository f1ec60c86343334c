#include "syntax/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "syntax/lexer.h"

namespace nnscope::syntax {
namespace {

using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;
using ast::Stmt;
using ast::StmtKind;
using ast::StmtPtr;
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

class Parser {
 public:
  Parser(std::string_view text, FileId file, std::vector<Diagnostic>& diagnostics)
      : text_(text), file_(file), diagnostics_(diagnostics), errors_(diagnostics, kMaxErrors) {}

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
  void parse_body(std::vector<StmtPtr>& out);

  // --- Statements.
  StmtPtr parse_statement();
  void end_of_statement();
  StmtPtr new_stmt(StmtKind kind, Location location);
  StmtPtr parse_input();
  StmtPtr parse_assignment();
  StmtPtr parse_for();
  StmtPtr parse_repeat();
  StmtPtr parse_if_statement();
  StmtPtr parse_assert();
  StmtPtr parse_return();
  StmtPtr parse_scope();
  ast::Pattern parse_pattern();

  // --- Expressions.
  ExprPtr new_expr(ExprKind kind, Location location);
  ExprPtr binary(ExprPtr left, const Token& op, ExprPtr right, ExprKind kind = ExprKind::kBinary);
  ExprPtr parse_expression();
  ExprPtr parse_if_expression();
  ExprPtr parse_or();
  ExprPtr parse_and();
  ExprPtr parse_not();
  ExprPtr parse_comparison();
  ExprPtr parse_range();
  ExprPtr parse_additive();
  ExprPtr parse_multiplicative();
  ExprPtr parse_unary();
  ExprPtr parse_power();
  ExprPtr parse_postfix();
  ExprPtr parse_primary();
  ExprPtr parse_call(ExprPtr callee);
  ExprPtr parse_parenthesised();
  ExprPtr parse_list();
  bool at_label() {
    return (at(TK::kIdentifier) || at(TK::kString)) && peek().kind == TK::kColon &&
           (!peek().newline_before || paren_depth_ + brace_depth_ > 0);
  }
  ExprPtr parse_labeled();
  ExprPtr parse_label();
  ExprPtr parse_string(const Token& token);
  ExprPtr parse_interpolation(std::uint32_t begin, std::uint32_t end);
  ExprPtr name_expr(const Token& token);

  std::string_view text_;
  FileId file_;
  std::vector<Diagnostic>& diagnostics_;
  ErrorReporter errors_;
  Cursor cursor_;
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
  ExprPtr literal = parse_string(path);
  ast::Import import;
  import.location = since(keyword.location);
  for (const ast::StringPart& part : literal->parts) {
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
  parse_body(definition.body);
  definition.location = since(keyword.location);
  module.definitions.push_back(std::move(definition));
}

void Parser::parse_body(std::vector<StmtPtr>& out) {
  if (!at(TK::kLBrace)) fail_expected("'{'");
  check_nesting(cur().location, "statements");
  DepthGuard nesting(nesting_);
  Token open = advance();
  while (true) {
    if (at(TK::kRBrace)) {
      advance();
      return;
    }
    if (at(TK::kEnd) || ((at(TK::kModel) || at(TK::kBlock) || at(TK::kImport)) && cur().newline_before)) {
      // Every body left open here ends at this token; report it once rather than once per level.
      if (unclosed_reported_at_ != cur().location.begin) {
        unclosed_reported_at_ = cur().location.begin;
        errors_.error(cur().location, "expected '}' to close '{', found " + describe(cur()),
                      {DiagnosticNote{open.location, "'{' opened here"}});
      }
      return;
    }
    std::uint32_t start = cur().location.begin;
    try {
      out.push_back(parse_statement());
      end_of_statement();
    } catch (const ParseError&) {
      synchronize(start);
    }
  }
}

// ----------------------------------------------------------------------------------------------------------
// Statements.

StmtPtr Parser::new_stmt(StmtKind kind, Location location) {
  auto stmt = std::make_unique<Stmt>();
  stmt->kind = kind;
  stmt->location = location;
  return stmt;
}

void Parser::end_of_statement() {
  if (at(TK::kEnd) || at(TK::kRBrace) || cur().newline_before) return;
  fail_expected("a new line after the statement");
}

StmtPtr Parser::parse_statement() {
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
  ExprPtr value = parse_expression();
  if (at(TK::kAssign)) fail_at(cur(), "only names can be assigned to");
  auto stmt = new_stmt(StmtKind::kExpr, value->location);
  stmt->value = std::move(value);
  return stmt;
}

StmtPtr Parser::parse_input() {
  Token keyword = advance();
  auto stmt = new_stmt(StmtKind::kInput, keyword.location);
  if (!at(TK::kIdentifier)) fail_expected("the input's name after 'input'");
  Token name = advance();
  stmt->name = std::string(name.text);
  stmt->name_location = name.location;
  expect(TK::kColon, "':' after the input's name");
  if (!at(TK::kIdentifier)) fail_expected("the input's element type (e.g. f32)");
  Token dtype = advance();
  stmt->dtype = std::string(dtype.text);
  stmt->dtype_location = dtype.location;
  if (!at(TK::kLBracket) || !continues()) fail_expected("'[' and the input's dimensions after the element type");
  Token open = advance();
  DepthGuard parens(paren_depth_);
  if (!at(TK::kRBracket)) {
    stmt->dims.push_back(parse_expression());
    while (at(TK::kComma)) {
      advance();
      stmt->dims.push_back(parse_expression());
    }
  }
  expect_closing(TK::kRBracket, open, "']'");
  stmt->location = since(keyword.location);
  return stmt;
}

StmtPtr Parser::parse_assignment() {
  Token first = cur();
  auto stmt = new_stmt(StmtKind::kAssign, first.location);
  while (true) {
    if (!at(TK::kIdentifier)) fail_expected("a name to assign to");
    Token target = advance();
    stmt->targets.emplace_back(target.text);
    stmt->target_locations.push_back(target.location);
    if (!at(TK::kComma)) break;
    advance();
  }
  expect(TK::kAssign, "'=' after the assignment's targets");
  stmt->value = parse_expression();
  stmt->location = since(first.location);
  return stmt;
}

ast::Pattern Parser::parse_pattern() {
  ast::Pattern pattern;
  if (at(TK::kIdentifier)) {
    Token name = advance();
    pattern.name = std::string(name.text);
    pattern.location = name.location;
    return pattern;
  }
  if (!at(TK::kLParen)) fail_expected("a loop variable or '('");
  check_nesting(cur().location, "loop pattern");
  DepthGuard nesting(nesting_);
  DepthGuard parens(paren_depth_);
  Token open = advance();
  pattern.elements.push_back(parse_pattern());
  while (at(TK::kComma)) {
    advance();
    pattern.elements.push_back(parse_pattern());
  }
  expect_closing(TK::kRParen, open, "')'");
  pattern.location = since(open.location);
  return pattern;
}

StmtPtr Parser::parse_for() {
  Token keyword = advance();
  auto stmt = new_stmt(StmtKind::kFor, keyword.location);
  if (at(TK::kIdentifier) && peek().kind == TK::kComma) {
    Token index = advance();
    stmt->index_name = std::string(index.text);
    stmt->index_location = index.location;
    advance();
  }
  stmt->pattern = parse_pattern();
  expect(TK::kIn, "'in' after the loop variables");
  stmt->value = parse_expression();
  parse_body(stmt->body);
  stmt->location = since(keyword.location);
  return stmt;
}

StmtPtr Parser::parse_repeat() {
  Token keyword = advance();
  auto stmt = new_stmt(StmtKind::kRepeat, keyword.location);
  stmt->value = parse_expression();
  parse_body(stmt->body);
  stmt->location = since(keyword.location);
  return stmt;
}

StmtPtr Parser::parse_if_statement() {
  Token keyword = advance();
  auto stmt = new_stmt(StmtKind::kIf, keyword.location);
  while (true) {
    stmt->conditions.push_back(parse_expression());
    stmt->branches.emplace_back();
    parse_body(stmt->branches.back());
    if (!at(TK::kElse)) break;
    advance();
    if (at(TK::kIf)) {
      advance();
      continue;
    }
    stmt->has_else = true;
    parse_body(stmt->else_body);
    break;
  }
  stmt->location = since(keyword.location);
  return stmt;
}

StmtPtr Parser::parse_assert() {
  Token keyword = advance();
  auto stmt = new_stmt(StmtKind::kAssert, keyword.location);
  stmt->value = parse_expression();
  if (at(TK::kComma)) {
    advance();
    stmt->message = parse_expression();
  }
  stmt->location = since(keyword.location);
  return stmt;
}

StmtPtr Parser::parse_return() {
  Token keyword = advance();
  auto stmt = new_stmt(StmtKind::kReturn, keyword.location);
  stmt->values.push_back(parse_expression());
  while (at(TK::kComma)) {
    advance();
    stmt->values.push_back(parse_expression());
  }
  stmt->location = since(keyword.location);
  return stmt;
}

StmtPtr Parser::parse_scope() {
  Token keyword = advance();
  auto stmt = new_stmt(StmtKind::kScope, keyword.location);
  if (!at(TK::kIdentifier) && !at(TK::kString)) {
    // A keyword is a natural path segment (ConvNeXt's "block"); say how to write it.
    if (cur().text.size() > 0 && std::isalpha(static_cast<unsigned char>(cur().text[0]))) {
      Token keyword = advance();  // consumed, so recovery does not read it as the start of a definition
      fail(keyword.location, "'" + std::string(keyword.text) +
                                 "' is a keyword; write the scope's name as a string: scope \"" +
                                 std::string(keyword.text) + "\" { ... }");
    }
    fail_expected("a name or string after 'scope'");
  }
  stmt->label = parse_label();
  parse_body(stmt->body);
  stmt->location = since(keyword.location);
  return stmt;
}

// ----------------------------------------------------------------------------------------------------------
// Expressions.

ExprPtr Parser::new_expr(ExprKind kind, Location location) {
  auto expr = std::make_unique<Expr>();
  expr->kind = kind;
  expr->location = location;
  return expr;
}

ExprPtr Parser::binary(ExprPtr left, const Token& op, ExprPtr right, ExprKind kind) {
  auto expr = new_expr(kind, Location::span(left->location, right->location));
  expr->text = std::string(op.text);
  expr->operator_location = op.location;
  expr->operands.push_back(std::move(left));
  expr->operands.push_back(std::move(right));
  return expr;
}

ExprPtr Parser::name_expr(const Token& token) {
  auto expr = new_expr(ExprKind::kName, token.location);
  expr->text = std::string(token.text);
  return expr;
}

ExprPtr Parser::parse_expression() {
  check_nesting(cur().location, "expression");
  DepthGuard nesting(nesting_);
  // A label is parsed as a primary, so "a: x + 1" is (a: x) + 1 rather than a label followed by junk.
  if (at(TK::kIf)) return parse_if_expression();
  return parse_or();
}

ExprPtr Parser::parse_if_expression() {
  Token keyword = advance();
  auto expr = new_expr(ExprKind::kIf, keyword.location);
  expr->operands.push_back(parse_expression());
  auto braced = [&](const char* where) {
    if (!at(TK::kLBrace)) fail_expected(std::string("'{' ") + where);
    Token open = advance();
    DepthGuard braces(brace_depth_);
    ExprPtr value = parse_expression();
    expect_closing(TK::kRBrace, open, "'}'");
    return value;
  };
  expr->operands.push_back(braced("after the if-expression's condition"));
  if (!at(TK::kElse)) fail_expected("'else' (an if-expression needs an else branch)");
  advance();
  if (at(TK::kIf)) {
    check_nesting(cur().location, "expression");
    DepthGuard nesting(nesting_);
    expr->operands.push_back(parse_if_expression());
  } else {
    expr->operands.push_back(braced("after 'else'"));
  }
  expr->location = since(keyword.location);
  return expr;
}

ExprPtr Parser::parse_or() {
  ExprPtr left = parse_and();
  DepthGuard chain(nesting_, 0);
  while (at(TK::kOr) && continues()) {
    check_nesting(cur().location, "expression");
    chain.add();
    Token op = advance();
    left = binary(std::move(left), op, parse_and());
  }
  return left;
}

ExprPtr Parser::parse_and() {
  ExprPtr left = parse_not();
  DepthGuard chain(nesting_, 0);
  while (at(TK::kAnd) && continues()) {
    check_nesting(cur().location, "expression");
    chain.add();
    Token op = advance();
    left = binary(std::move(left), op, parse_not());
  }
  return left;
}

ExprPtr Parser::parse_not() {
  if (!at(TK::kNot)) return parse_comparison();
  check_nesting(cur().location, "expression");
  DepthGuard nesting(nesting_);
  Token op = advance();
  ExprPtr operand = parse_not();
  auto expr = new_expr(ExprKind::kUnary, Location::span(op.location, operand->location));
  expr->text = "not";
  expr->operator_location = op.location;
  expr->operands.push_back(std::move(operand));
  return expr;
}

bool is_comparison(TK kind) {
  return kind == TK::kEq || kind == TK::kNe || kind == TK::kLt || kind == TK::kLe || kind == TK::kGt || kind == TK::kGe;
}

ExprPtr Parser::parse_comparison() {
  ExprPtr left = parse_range();
  if (!is_comparison(cur().kind) || !continues()) return left;
  Token op = advance();
  ExprPtr result = binary(std::move(left), op, parse_range());
  if (is_comparison(cur().kind) && continues()) {
    fail_at(cur(), "comparison operators cannot be chained; combine comparisons with 'and'");
  }
  return result;
}

ExprPtr Parser::parse_range() {
  ExprPtr left = parse_additive();
  if (!at(TK::kDotDot) || !continues()) return left;
  Token op = advance();
  ExprPtr result = binary(std::move(left), op, parse_additive(), ExprKind::kRange);
  result->text.clear();
  if (at(TK::kDotDot) && continues()) fail_at(cur(), "ranges cannot be chained");
  return result;
}

ExprPtr Parser::parse_additive() {
  ExprPtr left = parse_multiplicative();
  DepthGuard chain(nesting_, 0);
  while ((at(TK::kPlus) || at(TK::kMinus)) && continues()) {
    check_nesting(cur().location, "expression");
    chain.add();
    Token op = advance();
    left = binary(std::move(left), op, parse_multiplicative());
  }
  return left;
}

ExprPtr Parser::parse_multiplicative() {
  ExprPtr left = parse_unary();
  DepthGuard chain(nesting_, 0);
  while ((at(TK::kStar) || at(TK::kSlash) || at(TK::kSlashSlash) || at(TK::kPercent) || at(TK::kAt)) && continues()) {
    check_nesting(cur().location, "expression");
    chain.add();
    Token op = advance();
    left = binary(std::move(left), op, parse_unary());
  }
  return left;
}

ExprPtr Parser::parse_unary() {
  if (!at(TK::kMinus) && !at(TK::kPlus)) return parse_power();
  check_nesting(cur().location, "expression");
  DepthGuard nesting(nesting_);
  Token op = advance();
  ExprPtr operand = parse_unary();
  auto expr = new_expr(ExprKind::kUnary, Location::span(op.location, operand->location));
  expr->text = std::string(op.text);
  expr->operator_location = op.location;
  expr->operands.push_back(std::move(operand));
  return expr;
}

ExprPtr Parser::parse_power() {
  ExprPtr base = parse_postfix();
  if (!at(TK::kStarStar) || !continues()) return base;
  check_nesting(cur().location, "expression");
  DepthGuard nesting(nesting_);
  Token op = advance();
  return binary(std::move(base), op, parse_unary());
}

ExprPtr Parser::parse_postfix() {
  bool callable = at(TK::kIdentifier) && !at_label();
  ExprPtr expr = parse_primary();
  DepthGuard chain(nesting_, 0);
  while ((at(TK::kLParen) || at(TK::kLBracket)) && continues()) {
    check_nesting(cur().location, "expression");
    chain.add();
    if (at(TK::kLParen)) {
      if (!callable) fail_at(cur(), "only names can be called");
      callable = false;
      expr = parse_call(std::move(expr));
    } else {
      Token open = advance();
      DepthGuard parens(paren_depth_);
      ExprPtr index = parse_expression();
      expect_closing(TK::kRBracket, open, "']'");
      auto indexed = new_expr(ExprKind::kIndex, since(expr->location));
      indexed->operands.push_back(std::move(expr));
      indexed->operands.push_back(std::move(index));
      expr = std::move(indexed);
    }
  }
  return expr;
}

ExprPtr Parser::parse_call(ExprPtr callee) {
  Token open = advance();
  DepthGuard parens(paren_depth_);
  auto call = new_expr(ExprKind::kCall, callee->location);
  call->text = std::move(callee->text);
  bool seen_named = false;
  while (!at(TK::kRParen)) {
    ast::Argument argument;
    if (at(TK::kIdentifier) && peek().kind == TK::kAssign) {
      Token name = advance();
      advance();
      argument.name = std::string(name.text);
      argument.name_location = name.location;
      argument.value = parse_expression();
      seen_named = true;
    } else {
      argument.value = parse_expression();
      if (seen_named) {
        // Not a structural error: the rest of the call still parses, so report it and go on.
        errors_.error(argument.value->location, "positional argument follows a named argument");
      }
    }
    call->arguments.push_back(std::move(argument));
    check_element_count(call->arguments.size(), "arguments in one call");
    if (!at(TK::kComma)) break;
    advance();
  }
  expect_closing(TK::kRParen, open, "')'");
  call->location = since(call->location);
  return call;
}

ExprPtr Parser::parse_primary() {
  const Token& token = cur();
  switch (token.kind) {
    case TK::kInt: {
      auto expr = new_expr(ExprKind::kInt, token.location);
      decimal_value(token.text, &expr->int_value);  // the lexer has checked that it fits
      advance();
      return expr;
    }
    case TK::kFloat: {
      auto expr = new_expr(ExprKind::kFloat, token.location);
      expr->text = std::string(token.text);
      std::from_chars(token.text.data(), token.text.data() + token.text.size(), expr->float_value);
      advance();
      return expr;
    }
    case TK::kTrue:
    case TK::kFalse: {
      auto expr = new_expr(ExprKind::kBool, token.location);
      expr->bool_value = token.kind == TK::kTrue;
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

ExprPtr Parser::parse_labeled() {
  ExprPtr label = parse_label();
  advance();  // ':'
  ExprPtr operand = parse_postfix();
  auto expr = new_expr(ExprKind::kLabeled, Location::span(label->location, operand->location));
  expr->label = std::move(label);
  expr->operands.push_back(std::move(operand));
  return expr;
}

ExprPtr Parser::parse_label() {
  Token token = advance();
  return token.kind == TK::kString ? parse_string(token) : name_expr(token);
}

ExprPtr Parser::parse_parenthesised() {
  Token open = advance();
  DepthGuard parens(paren_depth_);
  if (at(TK::kRParen)) {
    advance();
    return new_expr(ExprKind::kTuple, since(open.location));
  }
  ExprPtr first = parse_expression();
  if (!at(TK::kComma)) {
    expect_closing(TK::kRParen, open, "')'");
    return first;
  }
  auto tuple = new_expr(ExprKind::kTuple, open.location);
  tuple->operands.push_back(std::move(first));
  while (at(TK::kComma)) {
    advance();
    if (at(TK::kRParen)) break;
    tuple->operands.push_back(parse_expression());
    check_element_count(tuple->operands.size(), "elements in one tuple");
  }
  expect_closing(TK::kRParen, open, "')'");
  tuple->location = since(open.location);
  return tuple;
}

ExprPtr Parser::parse_list() {
  Token open = advance();
  DepthGuard parens(paren_depth_);
  auto list = new_expr(ExprKind::kList, open.location);
  while (!at(TK::kRBracket)) {
    list->operands.push_back(parse_expression());
    check_element_count(list->operands.size(), "elements in one list");
    if (!at(TK::kComma)) break;
    advance();
  }
  expect_closing(TK::kRBracket, open, "']'");
  list->location = since(open.location);
  return list;
}

ExprPtr Parser::parse_string(const Token& token) {
  auto expr = new_expr(ExprKind::kString, token.location);
  std::string literal;
  auto flush = [&] {
    if (literal.empty()) return;
    expr->parts.push_back(ast::StringPart{std::move(literal), nullptr});
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
      expr->parts.push_back(ast::StringPart{std::string(), parse_interpolation(i + 1, j)});
      i = j + 1;
    }
  }
  flush();
  return expr;
}

ExprPtr Parser::parse_interpolation(std::uint32_t begin, std::uint32_t end) {
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
    ExprPtr expr = parse_expression();
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
