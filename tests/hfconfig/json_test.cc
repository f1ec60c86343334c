// The hand-written JSON reader (src/hfconfig/json.cc): values with their locations, and a located diagnostic for
// every kind of malformed or hostile input.
#include "hfconfig/json.h"

#include <gtest/gtest.h>

#include <string>

namespace nnscope::json {
namespace {

struct Parsed {
  SourceManager sources;
  FileId file = 0;
};

Value parse_text(Parsed& p, std::string text) {
  p.file = p.sources.add("config.json", std::move(text));
  return parse(p.sources, p.file);
}

// The rendered diagnostic of text that must not parse.
std::string error_of(std::string text) {
  Parsed p;
  try {
    parse_text(p, std::move(text));
  } catch (const DiagnosticError& e) {
    return render(e.diagnostic(), p.sources);
  }
  ADD_FAILURE() << "expected an error";
  return "";
}

TEST(Json, ValuesAndLocations) {
  Parsed p;
  Value v = parse_text(p, R"({
  "hidden_size": 4096,
  "rms_norm_eps": 1e-05,
  "tie": false,
  "rope_scaling": null,
  "name": "a\"b\u00e9\ud83d\ude00",
  "list": [1, -2, 3.5]
})");
  ASSERT_EQ(v.kind, Value::Kind::kObject);
  ASSERT_EQ(v.members.size(), 6u);
  EXPECT_EQ(v.find("hidden_size")->integer(), sym::Int(4096));
  EXPECT_FALSE(v.find("rms_norm_eps")->integer().has_value());
  EXPECT_DOUBLE_EQ(*v.find("rms_norm_eps")->number(), 1e-5);
  EXPECT_EQ(v.find("tie")->kind, Value::Kind::kBool);
  EXPECT_FALSE(v.find("tie")->boolean);
  EXPECT_EQ(v.find("rope_scaling")->kind, Value::Kind::kNull);
  EXPECT_EQ(v.find("name")->text, "a\"b\xc3\xa9\xf0\x9f\x98\x80");
  const Value& list = *v.find("list");
  ASSERT_EQ(list.items.size(), 3u);
  EXPECT_EQ(list.items[1].integer(), sym::Int(-2));
  EXPECT_EQ(v.find("missing"), nullptr);
  // "hidden_size" is the key at line 2, column 3; its value 4096 at column 18.
  LineColumn key = p.sources.line_column(p.file, v.members[0].key_location.begin);
  EXPECT_EQ(key.line, 2u);
  EXPECT_EQ(key.column, 3u);
  LineColumn value = p.sources.line_column(p.file, v.members[0].value.location.begin);
  EXPECT_EQ(value.column, 18u);
  EXPECT_EQ(v.members[0].value.location.end - v.members[0].value.location.begin, 4u);
}

TEST(Json, IntegersOnlyWhenExactAndBounded) {
  Parsed p;
  Value v = parse_text(p, R"([12, 1.0, 1e3, 100000000000000000000000000000, 1000000000000000000000000000000, 1e999])");
  EXPECT_EQ(v.items[0].integer(), sym::Int(12));
  EXPECT_FALSE(v.items[1].integer());
  EXPECT_FALSE(v.items[2].integer());
  EXPECT_TRUE(v.items[3].integer());   // 10^29: 30 digits
  EXPECT_FALSE(v.items[4].integer());  // 10^30: 31 digits, too many to be a size
  EXPECT_FALSE(v.items[5].number());   // overflows a double
  EXPECT_DOUBLE_EQ(*v.items[2].number(), 1000.0);
}

TEST(Json, TruncatedInputIsLocated) {
  std::string e = error_of("{\n  \"hidden_size\": 4096,\n  \"vocab\"");
  EXPECT_NE(e.find("config.json:3:10: error: expected ':' after the key 'vocab', found the end of the file"),
            std::string::npos)
      << e;
  EXPECT_NE(error_of("{\"a\": [1, 2").find("expected ',' or ']' in the array, found the end of the file"),
            std::string::npos);
  EXPECT_NE(error_of("").find("config.json:1:1: error: expected a value, found the end of the file"),
            std::string::npos);
  EXPECT_NE(error_of("{\"a\": \"open").find("config.json:1:7: error: unterminated string"), std::string::npos);
}

TEST(Json, MalformedInput) {
  EXPECT_NE(error_of("{\"a\": 1,}").find("expected a key (a string in double quotes), found '}'"), std::string::npos);
  EXPECT_NE(error_of("{\"a\": 01}").find("must not start with a 0"), std::string::npos);
  EXPECT_NE(error_of("{\"a\": NaN}").find("'NaN' is not a JSON number"), std::string::npos);
  EXPECT_NE(error_of("{\"a\": tru}").find("expected a value, found 't'"), std::string::npos);
  EXPECT_NE(error_of("{\"a\": \"x\ty\"}").find("a control character (byte 0x09) in a string"), std::string::npos);
  EXPECT_NE(error_of("{\"a\": \"\\q\"}").find("unknown escape \\'q'"), std::string::npos);
  EXPECT_NE(error_of("{\"a\": \"\\ud800\"}").find("high surrogate"), std::string::npos);
  EXPECT_NE(error_of("{\"a\": 1} x").find("config.json:1:10: error: unexpected text after the JSON value"),
            std::string::npos);
  EXPECT_NE(error_of("{\"a\": 1.}").find("expected digits after the decimal point"), std::string::npos);
  EXPECT_NE(error_of("{\"a\": \xff}").find("found byte 0xff"), std::string::npos);
}

TEST(Json, DuplicateKeysNameBoth) {
  std::string e = error_of("{\"layers\": 1,\n \"layers\": 2}");
  EXPECT_NE(e.find("config.json:2:2: error: key 'layers' appears twice in this object"), std::string::npos) << e;
  EXPECT_NE(e.find("config.json:1:2: note: first here"), std::string::npos) << e;
}

TEST(Json, DeepNestingStopsAtTheLimit) {
  // 10^6 nested arrays: a located error at the first bracket past the limit, in bounded stack.
  std::string deep(1'000'000, '[');
  std::string e = error_of(deep);
  EXPECT_NE(e.find("config.json:1:257: error: arrays and objects nest more than 256 deep"), std::string::npos) << e;
  std::string objects;
  for (int i = 0; i < 300; ++i) objects += "{\"a\": ";
  EXPECT_NE(error_of(objects).find("nest more than 256 deep"), std::string::npos);
  // 256 levels are fine.
  Parsed p;
  EXPECT_NO_THROW(parse_text(p, std::string(256, '[') + std::string(256, ']')));
}

}  // namespace
}  // namespace nnscope::json
