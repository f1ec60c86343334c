#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <sstream>

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

TEST(Detail, WrapLinesBreaksBeforeOperatorsAndIndents) {
  std::string formula = "                              = 4608·batch·seq² + 2777088·batch·seq + 16384·batch + 4112·seq";
  std::string wrapped = detail::wrap_lines("short\n" + formula + "\n", 70);
  std::vector<std::string> all;
  std::istringstream in(wrapped);
  for (std::string l; std::getline(in, l);) all.push_back(l);
  ASSERT_GE(all.size(), 3u) << wrapped;
  EXPECT_EQ(all[0], "short");
  for (const std::string& l : all) EXPECT_LE(detail::display_width(l), 70u) << l;
  EXPECT_EQ(all[2].find_first_not_of(' '), 32u) << "continuations indented past the line's own indent";
  EXPECT_EQ(all[2][32], '+') << "broken before an operator";
  std::string joined;
  for (std::size_t i = 1; i < all.size(); ++i) joined += all[i].substr(all[i].find_first_not_of(' ')) + " ";
  EXPECT_EQ(joined, formula.substr(30) + " ");
  // A word longer than the width is cut rather than left long.
  for (const std::string& l : std::vector<std::string>{detail::wrap_lines(std::string(50, 'x') + "\n", 20)}) {
    EXPECT_EQ(l, std::string(20, 'x') + "\n  " + std::string(18, 'x') + "\n  " + std::string(12, 'x') + "\n");
  }
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

// decimal() formats in integer arithmetic where it can: it must match printf's "%.*f" (correctly rounded,
// ties to even), trailing zeros and "-0" aside, for every double.
TEST(Detail, DecimalMatchesPrintf) {
  auto reference = [](double value, int decimals) {
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    std::string text = buffer;
    if (text.find('.') != std::string::npos) {
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text.pop_back();
    }
    return text == "-0" ? std::string("0") : text;
  };
  std::vector<double> values = {0.0,
                                -0.0,
                                0.5,
                                1.5,
                                2.5,
                                0.0078125,
                                0.0234375,
                                -0.0078125,
                                1e-7,
                                5e-7,
                                4.9999995e-7,
                                9.9999995,
                                0.9999995,
                                123456.7890125,
                                9007199254740991.0,
                                9007199254740992.0,
                                1e300,
                                -1e22,
                                std::numeric_limits<double>::denorm_min(),
                                std::numeric_limits<double>::min(),
                                std::numeric_limits<double>::max()};
  std::mt19937_64 random(42);
  for (int i = 0; i < 100000; ++i) {
    // Any sign and mantissa, exponents from subnormal to beyond 2^53.
    std::uint64_t bits = random();
    std::uint64_t exponent = random() % 1100;
    bits = (bits & 0x800fffffffffffff) | (exponent << 52);
    values.push_back(std::bit_cast<double>(bits));
    // Exact ties at 6 and 12 places: odd multiples of 2^-k.
    values.push_back(static_cast<double>(random() % 100000 * 2 + 1) / static_cast<double>(1 << (1 + random() % 20)));
    values.push_back(static_cast<double>(random() % 1000000) / 1e6);
  }
  for (double v : values) {
    for (int decimals : {0, 1, 2, 6, 12}) ASSERT_EQ(detail::decimal(v, decimals), reference(v, decimals)) << v;
  }
}

// The streaming writer flushes as its buffer fills; what reaches the stream is what take() returns.
TEST(JsonWriter, StreamsWhatItWouldReturn) {
  auto write = [](detail::JsonWriter& w) {
    w.begin_object();
    w.key("deep");
    for (int i = 0; i < 40; ++i) w.begin_array(i == 35);  // deeper than the ready-made indentation
    for (int i = 0; i < 40; ++i) {
      w.integer(i);
      w.end_array();
    }
    w.key("long").string(std::string(100000, 'x') + "\"\n\xff" + std::string(70000, '\x01'));
    w.key(std::string("caf\xc3\xa9 \"q\"")).integer(-(sym::Int{1} << 100));
    w.key("rows").begin_array();
    for (int i = 0; i < 20000; ++i) {
      w.begin_object(true);
      w.key("name").string("layer" + std::to_string(i));
      w.key("v").number(i / 7.0);
      w.key("ok").boolean(i % 2);
      w.key("n").null();
      w.end_object();
    }
    w.end_array();
    w.end_object();
  };
  detail::JsonWriter to_string;
  write(to_string);
  std::string text = to_string.take();
  std::ostringstream stream;
  detail::JsonWriter to_stream(stream);
  write(to_stream);
  EXPECT_EQ(to_stream.take(), "");
  EXPECT_EQ(stream.str(), text);
  std::string indent(72, ' ');
  EXPECT_NE(text.find("\n" + indent + "[[[[[0], 1], 2], 3], 4],\n" + indent + "5\n" + std::string(70, ' ') + "],\n"),
            std::string::npos);
  EXPECT_NE(text.find("\"caf\xc3\xa9 \\\"q\\\"\": -1267650600228229401496703205376,"), std::string::npos);
  EXPECT_NE(text.find("x\\\"\\n\\ufffd\\u0001"), std::string::npos);
  EXPECT_NE(text.find("\n    {\"name\": \"layer7\", \"v\": 1, \"ok\": true, \"n\": null},\n"), std::string::npos);
}

}  // namespace
}  // namespace nnscope::emit
