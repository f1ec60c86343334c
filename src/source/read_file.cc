#include "source/read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace nnscope {
namespace {

ReadResult problem(std::string why) { return {ReadStatus::kProblem, std::move(why)}; }

std::string size_limit(std::size_t max_bytes) {
  return max_bytes >= (std::size_t{1} << 20) ? std::to_string(max_bytes >> 20) + " MiB"
                                             : std::to_string(max_bytes) + " bytes";
}

// Closes the descriptor on every return path.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

ReadResult read_regular_file(const std::string& path, std::size_t max_bytes, std::string& text) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. Regular files ignore it.
  Descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (file.fd < 0) {
    int error = errno;
    if (error == ENOENT || error == ENOTDIR) return {ReadStatus::kNotFound, "no such file"};
    if (error == ELOOP) return problem("a symbolic link loop (too many levels of symbolic links)");
    if (error == EISDIR) return problem("it is a directory");
    return problem(std::strerror(error));
  }
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) return problem(std::strerror(errno));
  if (S_ISDIR(info.st_mode)) return problem("it is a directory");
  if (!S_ISREG(info.st_mode)) {
    const char* kind = S_ISFIFO(info.st_mode)   ? "a pipe or FIFO"
                       : S_ISCHR(info.st_mode)  ? "a character device"
                       : S_ISBLK(info.st_mode)  ? "a block device"
                       : S_ISSOCK(info.st_mode) ? "a socket"
                                                : "not a regular file";
    return problem(std::string("it is ") + kind + "; models are read from regular files only");
  }
  auto size = static_cast<std::size_t>(info.st_size);
  if (size > max_bytes) return problem("file is larger than " + size_limit(max_bytes));
  // Read what is there, up to one byte past the limit in case the file grows meanwhile.
  text.assign(size, '\0');
  std::size_t got = 0;
  for (;;) {
    if (got == text.size()) {
      if (text.size() > max_bytes) break;
      text.resize(std::min(max_bytes + 1, text.size() + (std::size_t{1} << 16)));
    }
    ssize_t n = ::read(file.fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return problem(std::string("read error: ") + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  if (got > max_bytes) return problem("file is larger than " + size_limit(max_bytes));
  return {};
}

}  // namespace nnscope
