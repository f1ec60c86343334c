#pragma once
// A minimal ZIP archive writer (PKWARE APPNOTE 6.3): stored (uncompressed) entries with their CRC-32, a central
// directory and its end record. Enough for an Office Open XML package (the xlsx format) with no library. Every
// entry carries the same fixed DOS date (1980-01-01 00:00), so the same contents give the same bytes.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace nnscope::emit::zip {

// CRC-32 as ZIP uses it (ISO 3309: reflected polynomial 0xEDB88320, initial and final value 0xFFFFFFFF).
// crc32(b, crc32(a)) is the CRC of a followed by b.
std::uint32_t crc32(std::string_view data, std::uint32_t crc = 0);

class Writer {
 public:
  explicit Writer(std::ostream& out) : out_(out) {}
  // Writes one stored entry. `name` is an ASCII path with '/' separators. Throws std::length_error past the
  // classic format's limits (4 GiB per entry or archive, 65,535 entries): this writer has no ZIP64.
  void add(std::string_view name, std::string_view data) { add(name, std::vector<std::string_view>{data}); }
  // The same for an entry whose contents are the concatenation of `pieces` (written without joining them).
  void add(std::string_view name, const std::vector<std::string_view>& pieces);
  // Writes the central directory and its end record; nothing may be added after.
  void finish();

 private:
  struct Entry {
    std::string name;
    std::uint32_t crc, size, offset;
  };
  std::ostream& out_;
  std::vector<Entry> entries_;
  std::uint64_t offset_ = 0;
};

}  // namespace nnscope::emit::zip
