#pragma once
// Reading model files without copying them and without blocking: a file is mapped (or read at its size when
// mapping fails), and only regular files are opened, so a FIFO or a device is refused instead of waited on.
#include <cstdint>
#include <string>
#include <string_view>

namespace nnscope::onnx {

// The bytes of a regular file, mapped read-only: pages the decoder skips (weight payloads) are never read.
class FileBytes {
 public:
  // Throws ImportError ("PATH: cannot read: REASON") when `path` is not a readable regular file.
  explicit FileBytes(const std::string& path);
  ~FileBytes();
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  std::string_view bytes() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  bool mapped_ = false;
  std::string copy_;  // when mapping is not possible
};

// `length` bytes at `offset` of the regular file `path` (external data). Throws ImportError naming the file
// and the reason (missing, not a regular file, shorter than offset + length).
std::string read_file_range(const std::string& path, std::uint64_t offset, std::uint64_t length);

}  // namespace nnscope::onnx
