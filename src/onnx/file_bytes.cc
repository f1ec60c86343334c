#include "onnx/file_bytes.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "onnx/importer.h"
#include "onnx/printer.h"

namespace nnscope::onnx {
namespace {

// Files over 2 GiB cannot be protobuf messages; their weights belong in external data files.
constexpr std::uint64_t kMaxModelBytes = std::uint64_t{2} << 30;

class Descriptor {
 public:
  explicit Descriptor(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// An error about `path`: located in the file when it is the model, else naming it in the message.
[[noreturn]] void fail(const std::string& path, bool is_model, const std::string& reason) {
  if (is_model) throw ImportError("cannot read: " + reason, std::nullopt, path);
  throw ImportError("cannot read " + quoted_name(path, 400) + ": " + reason);
}

// Opens `path` as a regular file and returns its size; throws ImportError otherwise.
std::uint64_t regular_file_size(const Descriptor& fd, const std::string& path, bool is_model) {
  if (fd.get() < 0) fail(path, is_model, std::strerror(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) fail(path, is_model, std::strerror(errno));
  if (!S_ISREG(info.st_mode)) fail(path, is_model, "not a regular file");
  return static_cast<std::uint64_t>(info.st_size);
}

void read_fully(int fd, char* out, std::size_t length, std::uint64_t offset, const std::string& path, bool is_model) {
  std::size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, out + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path, is_model, std::strerror(errno));
    if (n == 0) fail(path, is_model, "the file ended early");
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

FileBytes::FileBytes(const std::string& path) {
  Descriptor fd(path);
  std::uint64_t size = regular_file_size(fd, path, true);
  if (size > kMaxModelBytes) throw ImportError("file is larger than 2 GiB", std::nullopt, path);
  size_ = static_cast<std::size_t>(size);
  if (size_ == 0) return;
  void* map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (map != MAP_FAILED) {
    data_ = static_cast<const char*>(map);
    mapped_ = true;
    return;
  }
  copy_.resize(size_);
  read_fully(fd.get(), copy_.data(), size_, 0, path, true);
  data_ = copy_.data();
}

FileBytes::~FileBytes() {
  if (mapped_) ::munmap(const_cast<char*>(data_), size_);
}

std::string read_file_range(const std::string& path, std::uint64_t offset, std::uint64_t length) {
  Descriptor fd(path);
  std::uint64_t size = regular_file_size(fd, path, false);
  if (offset > size || length > size - offset) {
    fail(path, false,
         "it has " + std::to_string(size) + " bytes, fewer than offset " + std::to_string(offset) + " + length " +
             std::to_string(length));
  }
  std::string bytes(static_cast<std::size_t>(length), '\0');
  read_fully(fd.get(), bytes.data(), bytes.size(), offset, path, false);
  return bytes;
}

}  // namespace nnscope::onnx
