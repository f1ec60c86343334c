// The ZIP writer behind --format xlsx: CRC-32 against published check values, and archives that Python's zipfile
// (an independent reader) opens, verifies and reads back.
#include "emit/zip.h"

#include <gtest/gtest.h>

#include <sstream>

#include "emit/emit_test_util.h"

namespace nnscope::emit {
namespace {

TEST(Zip, Crc32KnownVectors) {
  // The CRC catalogue's check value for CRC-32/ISO-HDLC, and the values zlib.crc32 gives.
  EXPECT_EQ(zip::crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(zip::crc32(""), 0u);
  EXPECT_EQ(zip::crc32("a"), 0xE8B7BE43u);
  EXPECT_EQ(zip::crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
  // Continued over pieces, it is the CRC of their concatenation.
  EXPECT_EQ(zip::crc32("6789", zip::crc32("12345")), 0xCBF43926u);
}

std::string archive() {
  std::ostringstream out;
  zip::Writer writer(out);
  writer.add("empty.txt", "");
  writer.add("dir/hello.txt", "hello, world\n");
  writer.add("dir/binary.bin", std::string("\0\1\2\xff\xfe", 5));
  writer.add("pieces.txt", {"123", "456", "789"});
  writer.finish();
  return out.str();
}

TEST(Zip, PythonZipfileReadsItBack) {
  if (!testing::have_python()) GTEST_SKIP() << "python3 is not installed";
  testing::expect_python_accepts(
      "import sys, zipfile\n"
      "z = zipfile.ZipFile(sys.argv[1])\n"
      "assert z.testzip() is None, 'bad CRC'\n"
      "assert z.namelist() == ['empty.txt', 'dir/hello.txt', 'dir/binary.bin', 'pieces.txt'], z.namelist()\n"
      "assert z.read('empty.txt') == b''\n"
      "assert z.read('dir/hello.txt') == b'hello, world\\n'\n"
      "assert z.read('dir/binary.bin') == b'\\x00\\x01\\x02\\xff\\xfe'\n"
      "assert z.read('pieces.txt') == b'123456789'\n"
      "for info in z.infolist():\n"
      "    assert info.compress_type == zipfile.ZIP_STORED, info\n"
      "    assert info.date_time == (1980, 1, 1, 0, 0, 0), info.date_time\n"
      "assert z.getinfo('pieces.txt').CRC == 0xCBF43926\n",
      "test.zip", archive());
}

TEST(Zip, SameContentsSameBytes) {
  EXPECT_EQ(archive(), archive());  // no clock in any header
  std::string bytes = archive();
  ASSERT_GE(bytes.size(), 22u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("PK\3\4"));
  EXPECT_EQ(bytes.substr(bytes.size() - 22, 4), std::string("PK\5\6"));  // the end record, with no comment
}

}  // namespace
}  // namespace nnscope::emit
