#include "emit/zip.h"

#include <array>
#include <limits>
#include <stdexcept>

namespace nnscope::emit::zip {
namespace {

constexpr std::uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEndOfCentralDirectory = 0x06054b50;
constexpr std::uint16_t kVersion = 20;            // 2.0: the version that defines stored entries and directories
constexpr std::uint16_t kDosTime = 0;             // 00:00:00
constexpr std::uint16_t kDosDate = (1 << 5) | 1;  // 1980-01-01: (year - 1980) << 9 | month << 5 | day
constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();

std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

// Little-endian fields, as every ZIP header stores them.
void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>(v >> 8);
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v & 0xFFFF));
  put16(out, static_cast<std::uint16_t>(v >> 16));
}

// The fields a local header and a central directory header share, from "version needed" to "extra length".
void put_common(std::string& out, std::uint32_t crc, std::uint32_t size, std::size_t name_length) {
  put16(out, kVersion);  // version needed to extract
  put16(out, 0);         // flags: none (names are ASCII, sizes known in advance)
  put16(out, 0);         // method: stored
  put16(out, kDosTime);
  put16(out, kDosDate);
  put32(out, crc);
  put32(out, size);  // compressed size: stored, so the same
  put32(out, size);
  put16(out, static_cast<std::uint16_t>(name_length));
  put16(out, 0);  // extra field length
}

}  // namespace

std::uint32_t crc32(std::string_view data, std::uint32_t crc) {
  static const std::array<std::uint32_t, 256> kTable = make_table();
  std::uint32_t c = crc ^ 0xFFFFFFFFu;
  for (char byte : data) c = kTable[(c ^ static_cast<unsigned char>(byte)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void Writer::add(std::string_view name, const std::vector<std::string_view>& pieces) {
  std::uint64_t size = 0;
  std::uint32_t crc = 0;
  for (std::string_view piece : pieces) {
    size += piece.size();
    crc = crc32(piece, crc);
  }
  if (size > kMax32 || offset_ + 30 + name.size() + size > kMax32 || entries_.size() >= 0xFFFF ||
      name.size() > 0xFFFF) {
    throw std::length_error("zip: entry '" + std::string(name) + "' does not fit a ZIP archive without ZIP64");
  }
  Entry entry{std::string(name), crc, static_cast<std::uint32_t>(size), static_cast<std::uint32_t>(offset_)};
  std::string header;
  put32(header, kLocalHeader);
  put_common(header, entry.crc, entry.size, name.size());
  header += name;
  out_.write(header.data(), static_cast<std::streamsize>(header.size()));
  for (std::string_view piece : pieces) out_.write(piece.data(), static_cast<std::streamsize>(piece.size()));
  offset_ += header.size() + size;
  entries_.push_back(std::move(entry));
}

void Writer::finish() {
  std::string directory;
  for (const Entry& e : entries_) {
    put32(directory, kCentralHeader);
    put16(directory, kVersion);  // version made by (0: MS-DOS attributes, which are all zero here)
    put_common(directory, e.crc, e.size, e.name.size());
    put16(directory, 0);  // comment length
    put16(directory, 0);  // disk number
    put16(directory, 0);  // internal attributes
    put32(directory, 0);  // external attributes
    put32(directory, e.offset);
    directory += e.name;
  }
  if (offset_ + directory.size() > kMax32) throw std::length_error("zip: archive does not fit without ZIP64");
  std::string end;
  put32(end, kEndOfCentralDirectory);
  put16(end, 0);  // this disk
  put16(end, 0);  // the disk where the directory starts
  put16(end, static_cast<std::uint16_t>(entries_.size()));
  put16(end, static_cast<std::uint16_t>(entries_.size()));
  put32(end, static_cast<std::uint32_t>(directory.size()));
  put32(end, static_cast<std::uint32_t>(offset_));
  put16(end, 0);  // comment length
  out_.write(directory.data(), static_cast<std::streamsize>(directory.size()));
  out_.write(end.data(), static_cast<std::streamsize>(end.size()));
  offset_ += directory.size() + end.size();
}

}  // namespace nnscope::emit::zip
