#include <gtest/gtest.h>

#include <limits>

#include "emit/emit.h"
#include "emit/format.h"

namespace nnscope::emit {
namespace {

TEST(CsvField, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("plain text"), "plain text");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(csv_field("2x64;2x10"), "2x64;2x10");
}

TEST(JsonString, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(json_string(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(json_string(std::string("nul\0x", 5)), "\"nul\\u0000x\"");
}

TEST(JsonString, KeepsUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json_string("16·batch·seq²"), "\"16·batch·seq²\"");
  EXPECT_EQ(json_string("a\xff"
                        "b"),
            "\"a\\ufffdb\"");
  EXPECT_EQ(json_string("\xc3"), "\"\\ufffd\"");                        // truncated sequence
  EXPECT_EQ(json_string("\xc0\xaf"), "\"\\ufffd\\ufffd\"");             // overlong '/'
  EXPECT_EQ(json_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
}

TEST(ShapeText, JoinsWithX) {
  EXPECT_EQ(shape_text({2, 64, 56, 56}), "2x64x56x56");
  EXPECT_EQ(shape_text({1000}), "1000");
  EXPECT_EQ(shape_text({}), "scalar");
}

TEST(HumanCount, DecimalUnitsWithTheUnitNamed) {
  EXPECT_EQ(human_count(25557032, "params"), "25.56 M params");
  EXPECT_EQ(human_count(4089184256, "MACs"), "4.09 G MACs");
  EXPECT_EQ(human_count(999, "params"), "999 params");
  EXPECT_EQ(human_count(0, "MACs"), "0 MACs");
  EXPECT_EQ(human_count(1000, ""), "1.00 K");
  EXPECT_EQ(human_count(1005, ""), "1.01 K");    // half up
  EXPECT_EQ(human_count(999999, ""), "1.00 M");  // rounding never prints 1000.00 K
  EXPECT_EQ(human_count(999994999, ""), "999.99 M");
  EXPECT_EQ(human_count(1234567890123, "FLOPs"), "1.23 T FLOPs");
  sym::Int big = 1;
  for (int i = 0; i < 24; ++i) big *= 10;
  EXPECT_EQ(human_count(3 * big / 10, "FLOPs"), "300.00 Z FLOPs");  // GPT-3 training scale
  EXPECT_EQ(human_count(big * 5000, ""), "5000.00 Y");              // past the last unit
  EXPECT_EQ(human_count(-1500, ""), "-1.50 K");
}

TEST(HumanBytes, BinaryUnitsWithBinaryLabels) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1024), "1.00 KiB");
  EXPECT_EQ(human_bytes(1536), "1.50 KiB");
  EXPECT_EQ(human_bytes(102228128), "97.49 MiB");  // resnet50 fp32 weights, never "102.23 MB"
  EXPECT_EQ(human_bytes(1048575), "1.00 MiB");
  EXPECT_EQ(human_bytes(sym::Int{1} << 30), "1.00 GiB");
  EXPECT_EQ(human_bytes(sym::Int{3} << 40), "3.00 TiB");
}

TEST(Detail, ThousandsAndDecimal) {
  EXPECT_EQ(detail::thousands(25557032), "25,557,032");
  EXPECT_EQ(detail::thousands(0), "0");
  EXPECT_EQ(detail::thousands(999), "999");
  EXPECT_EQ(detail::thousands(1000), "1,000");
  EXPECT_EQ(detail::thousands(-1234567), "-1,234,567");
  EXPECT_EQ(detail::decimal(0.5), "0.5");
  EXPECT_EQ(detail::decimal(12.0), "12");
  EXPECT_EQ(detail::decimal(1e7), "10000000");
  EXPECT_EQ(detail::decimal(1.0 / 3.0), "0.333333");
  EXPECT_EQ(detail::decimal(std::numeric_limits<double>::infinity()), "0");
  EXPECT_EQ(detail::decimal(std::numeric_limits<double>::quiet_NaN()), "0");
}

TEST(Detail, DisplayWidthCountsGlyphs) {
  EXPECT_EQ(detail::display_width("├─ conv"), 7u);
  EXPECT_EQ(detail::truncate("abcdef", 4), "abc…");
  EXPECT_EQ(detail::truncate("abc", 4), "abc");
  EXPECT_EQ(detail::pad_left("│x", 4), "  │x");
}

TEST(JsonWriter, NestsAndSeparates) {
  detail::JsonWriter w;
  w.begin_object();
  w.key("a").integer(1);
  w.key("shape").begin_array(true);
  w.integer(2);
  w.integer(3);
  w.end_array();
  w.key("empty").begin_array();
  w.end_array();
  w.key("s").string("x\"y");
  w.end_object();
  EXPECT_EQ(w.take(), "{\n  \"a\": 1,\n  \"shape\": [2, 3],\n  \"empty\": [],\n  \"s\": \"x\\\"y\"\n}\n");
}

}  // namespace
}  // namespace nnscope::emit
