#pragma once
// Reading an input file (a model, an import, an ONNX file) safely: regular files only, so that a FIFO or
// /dev/stdin named as a model cannot block the run, and never more than a size limit.
#include <cstddef>
#include <string>

namespace nnscope {

enum class ReadStatus { kOk, kNotFound, kProblem };

struct ReadResult {
  ReadStatus status = ReadStatus::kOk;
  std::string problem;  // why not, for "cannot read 'x': <problem>"; empty when kOk
};

// Reads the whole of `path` into `text` when it is a regular file of at most `max_bytes` bytes. Otherwise
// kNotFound ("no such file") or kProblem with the reason: a directory, not a regular file (a FIFO, a device,
// a socket), a symbolic-link loop, permission denied, larger than the limit, or a read error.
ReadResult read_regular_file(const std::string& path, std::size_t max_bytes, std::string& text);

}  // namespace nnscope
