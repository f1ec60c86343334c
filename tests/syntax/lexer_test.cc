#include "syntax/lexer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace nnscope::syntax {
namespace {

struct Lexed {
  std::shared_ptr<const std::string> text;  // the tokens view into it
  std::vector<Token> tokens;                // without the final kEnd
  std::vector<Diagnostic> diagnostics;
};

Lexed lex(const std::string& text, std::uint32_t begin = 0, std::uint32_t end = ~std::uint32_t{0}) {
  Lexed out;
  out.text = std::make_shared<const std::string>(text);
  ErrorReporter errors(out.diagnostics);
  Lexer lexer(*out.text, 0, begin, std::min<std::uint32_t>(end, static_cast<std::uint32_t>(text.size())), errors);
  for (int i = 0; i < 100000; ++i) {
    Token token = lexer.next();
    if (token.kind == TokenKind::kEnd) break;
    out.tokens.push_back(token);
  }
  return out;
}

std::vector<TokenKind> kinds(const Lexed& lexed) {
  std::vector<TokenKind> out;
  for (const Token& token : lexed.tokens) out.push_back(token.kind);
  return out;
}

std::vector<std::string> spellings(const Lexed& lexed) {
  std::vector<std::string> out;
  for (const Token& token : lexed.tokens) out.emplace_back(token.text);
  return out;
}

using K = TokenKind;

TEST(Lexer, Punctuation) {
  Lexed lexed = lex("( ) [ ] { } , : = .. == != < <= > >= + - * / // % @ **");
  EXPECT_EQ(kinds(lexed),
            (std::vector<K>{K::kLParen, K::kRParen, K::kLBracket,   K::kRBracket, K::kLBrace, K::kRBrace,
                            K::kComma,  K::kColon,  K::kAssign,     K::kDotDot,   K::kEq,     K::kNe,
                            K::kLt,     K::kLe,     K::kGt,         K::kGe,       K::kPlus,   K::kMinus,
                            K::kStar,   K::kSlash,  K::kSlashSlash, K::kPercent,  K::kAt,     K::kStarStar}));
  EXPECT_TRUE(lexed.diagnostics.empty());
}

TEST(Lexer, OperatorsWithoutSpaces) {
  Lexed lexed = lex("a**-b//c<=d==e..f");
  EXPECT_EQ(spellings(lexed),
            (std::vector<std::string>{"a", "**", "-", "b", "//", "c", "<=", "d", "==", "e", "..", "f"}));
}

TEST(Lexer, KeywordsAndIdentifiers) {
  Lexed lexed =
      lex("model block input import for in repeat if else assert return and or not true false const scope _ _x x1 "
          "models");
  EXPECT_EQ(kinds(lexed),
            (std::vector<K>{K::kModel,      K::kBlock,      K::kInput,      K::kImport,    K::kFor,    K::kIn,
                            K::kRepeat,     K::kIf,         K::kElse,       K::kAssert,    K::kReturn, K::kAnd,
                            K::kOr,         K::kNot,        K::kTrue,       K::kFalse,     K::kConst,  K::kScope,
                            K::kIdentifier, K::kIdentifier, K::kIdentifier, K::kIdentifier}));
}

TEST(Lexer, Locations) {
  Lexed lexed = lex("  conv1 = 64");
  ASSERT_EQ(lexed.tokens.size(), 3u);
  EXPECT_EQ(lexed.tokens[0].location.begin, 2u);
  EXPECT_EQ(lexed.tokens[0].location.end, 7u);
  EXPECT_EQ(lexed.tokens[2].location.begin, 10u);
  EXPECT_EQ(lexed.tokens[2].location.end, 12u);
}

TEST(Lexer, Numbers) {
  Lexed lexed = lex("0 42 1_000_000 0.5 1e-5 3.0e2 2E+3 0..n 1.5..2");
  EXPECT_EQ(kinds(lexed), (std::vector<K>{K::kInt, K::kInt, K::kInt, K::kFloat, K::kFloat, K::kFloat, K::kFloat,
                                          K::kInt, K::kDotDot, K::kIdentifier, K::kFloat, K::kDotDot, K::kInt}));
  EXPECT_TRUE(lexed.diagnostics.empty());
  sym::Int value = 0;
  ASSERT_TRUE(decimal_value("1_000_000", &value));
  EXPECT_TRUE(value == 1000000);
}

TEST(Lexer, IntegerLimits) {
  Lexed fits = lex("170141183460469231731687303715884105727");
  ASSERT_EQ(kinds(fits), std::vector<K>{K::kInt});
  sym::Int value = 0;
  ASSERT_TRUE(decimal_value(fits.tokens[0].text, &value));
  EXPECT_TRUE(value == static_cast<sym::Int>(~static_cast<unsigned __int128>(0) >> 1));

  Lexed too_large = lex("x 170141183460469231731687303715884105728");
  EXPECT_EQ(kinds(too_large), (std::vector<K>{K::kIdentifier, K::kError}));
  ASSERT_EQ(too_large.diagnostics.size(), 1u);
  EXPECT_NE(too_large.diagnostics[0].message.find("integer literal too large"), std::string::npos);
  EXPECT_EQ(too_large.diagnostics[0].location.begin, 2u);

  Lexed huge = lex(std::string(5000, '9'));
  ASSERT_EQ(huge.diagnostics.size(), 1u);
}

TEST(Lexer, BadNumbers) {
  Lexed lexed = lex("2e 12abc 1_0.5 1e999");
  EXPECT_EQ(kinds(lexed), (std::vector<K>{K::kError, K::kError, K::kError, K::kError}));
  ASSERT_EQ(lexed.diagnostics.size(), 4u);
  EXPECT_EQ(lexed.diagnostics[0].message, "invalid number literal '2e'");
  EXPECT_EQ(lexed.diagnostics[1].message, "invalid number literal '12abc'");
  EXPECT_EQ(lexed.diagnostics[2].message, "'_' separators are only allowed in integer literals");
  EXPECT_EQ(lexed.diagnostics[3].message, "floating-point literal out of range");
}

TEST(Lexer, Strings) {
  Lexed lexed = lex(R"("plain" "a\"b" "layer{i + 1}.{j}" "{{x}}" "{f("in{n}")}" "")");
  EXPECT_EQ(spellings(lexed), (std::vector<std::string>{R"("plain")", R"("a\"b")", R"("layer{i + 1}.{j}")",
                                                        R"("{{x}}")", R"("{f("in{n}")}")", R"("")"}));
  EXPECT_TRUE(lexed.diagnostics.empty());
}

TEST(Lexer, StringErrors) {
  Lexed unterminated = lex("x = \"abc");
  EXPECT_EQ(kinds(unterminated), (std::vector<K>{K::kIdentifier, K::kAssign, K::kError}));
  ASSERT_EQ(unterminated.diagnostics.size(), 1u);
  EXPECT_EQ(unterminated.diagnostics[0].message, "unterminated string literal");
  EXPECT_EQ(unterminated.diagnostics[0].location.begin, 4u);

  Lexed newline = lex("\"abc\ny");
  EXPECT_EQ(kinds(newline), (std::vector<K>{K::kError, K::kIdentifier}));
  EXPECT_TRUE(newline.tokens[1].newline_before);
  ASSERT_EQ(newline.diagnostics.size(), 1u);
  EXPECT_EQ(newline.diagnostics[0].message, "newline in string literal (string literals are single-line)");

  Lexed interpolation = lex("\"ab{x\"\n");
  ASSERT_EQ(interpolation.diagnostics.size(), 1u);
  EXPECT_EQ(interpolation.diagnostics[0].message, "unclosed interpolation in string literal: expected '}'");
  EXPECT_EQ(interpolation.diagnostics[0].location.begin, 3u);

  std::string deep = "\"";
  for (int i = 0; i < 100; ++i) deep += "{\"";
  Lexed too_deep = lex(deep);
  ASSERT_EQ(too_deep.diagnostics.size(), 1u);
  EXPECT_EQ(too_deep.diagnostics[0].message, "string literals nested too deeply in interpolations");
}

TEST(Lexer, NewlinesAndComments) {
  Lexed lexed = lex("a # trailing\n\n  # own line\nb c");
  ASSERT_EQ(lexed.tokens.size(), 3u);
  EXPECT_FALSE(lexed.tokens[0].newline_before);
  EXPECT_TRUE(lexed.tokens[1].newline_before);
  EXPECT_FALSE(lexed.tokens[2].newline_before);
}

TEST(Lexer, DocComments) {
  std::string text = "x # not a doc\n# one\n# two\nblock\n# detached\n\nmodel";
  Lexed lexed = lex(text);
  ASSERT_EQ(lexed.tokens.size(), 3u);
  const Token& block = lexed.tokens[1];
  EXPECT_EQ(text.substr(block.doc_begin, block.doc_end - block.doc_begin), "# one\n# two");
  const Token& model = lexed.tokens[2];
  EXPECT_EQ(model.doc_begin, model.doc_end);
}

TEST(Lexer, UnexpectedCharacters) {
  std::string text = std::string("a $$$ b ") + '\0' + '\0' + " c \x01 d \xC3\xA9\xC3\xA9 e \xFF\xFE f . g ! h";
  Lexed lexed = lex(text);
  EXPECT_EQ(spellings(lexed)[0], "a");
  std::vector<std::string> messages;
  for (const Diagnostic& d : lexed.diagnostics) messages.push_back(d.message);
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "unexpected character '$'",
                          "unexpected character: NUL byte",
                          "unexpected character: control character 0x01",
                          "unexpected character U+00E9; only ASCII is allowed outside string literals and comments",
                          "unexpected character: invalid UTF-8 byte 0xFF (source files must be UTF-8)",
                          "unexpected character '.'",
                          "unexpected character '!'",
                      }));
  // One token and one error per run of bad bytes.
  EXPECT_EQ(lexed.tokens[1].kind, K::kError);
  EXPECT_EQ(lexed.tokens[1].text, "$$$");
}

TEST(Lexer, InvalidUtf8InComment) {
  Lexed lexed = lex("a # caf\xC3\xA9 ok \xC3 bad \xFF\nb");
  EXPECT_EQ(spellings(lexed), (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(lexed.diagnostics.size(), 1u);
  EXPECT_EQ(lexed.diagnostics[0].message, "invalid UTF-8 in comment (source files must be UTF-8)");
  EXPECT_EQ(lexed.diagnostics[0].location.begin, 13u);
}

TEST(Lexer, SubRangeStopsAtItsEnd) {
  std::string text = "xx{i + 1}yy";
  Lexed lexed = lex(text, 3, 8);
  EXPECT_EQ(spellings(lexed), (std::vector<std::string>{"i", "+", "1"}));
  EXPECT_EQ(lexed.tokens[0].location.begin, 3u);

  // A string or number cut by the range end must not look past it.
  Lexed cut = lex("\"abc\"", 0, 3);
  EXPECT_EQ(kinds(cut), std::vector<K>{K::kError});
  Lexed dots = lex("1..", 0, 2);
  EXPECT_EQ(kinds(dots), (std::vector<K>{K::kInt, K::kError}));
  Lexed exponent = lex("1e5", 0, 2);
  EXPECT_EQ(kinds(exponent), std::vector<K>{K::kError});
}

TEST(Lexer, Utf8Validation) {
  EXPECT_EQ(utf8_sequence_length("\xE2\x82\xAC", 0, 3), 3);
  EXPECT_EQ(utf8_sequence_length("\xE2\x82\xAC", 0, 2), 0);
  EXPECT_EQ(utf8_sequence_length("\xC0\x80", 0, 2), 0);          // overlong
  EXPECT_EQ(utf8_sequence_length("\xED\xA0\x80", 0, 3), 0);      // surrogate
  EXPECT_EQ(utf8_sequence_length("\xF0\x9F\x98\x80", 0, 4), 4);  // emoji
  EXPECT_EQ(utf8_sequence_length("\xF4\x90\x80\x80", 0, 4), 0);  // beyond U+10FFFF
}

TEST(Lexer, TooManyErrors) {
  std::vector<Diagnostic> diagnostics;
  ErrorReporter errors(diagnostics, 3);
  std::string text = "$ a $ a $ a $ a $";
  Lexer lexer(text, 0, 0, static_cast<std::uint32_t>(text.size()), errors);
  EXPECT_THROW(
      {
        while (lexer.next().kind != TokenKind::kEnd) {
        }
      },
      ErrorReporter::TooManyErrors);
  ASSERT_EQ(diagnostics.size(), 4u);
  EXPECT_EQ(diagnostics.back().message, "too many errors; stopping");
}

}  // namespace
}  // namespace nnscope::syntax
