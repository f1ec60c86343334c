#include "driver/formats.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <streambuf>

#include "emit/serving.h"

namespace nnscope::driver {
namespace {

template <std::string (*Emit)(const analysis::Analysis&, const emit::EmitOptions&)>
void write_text(std::ostream& out, const analysis::Analysis& a, const emit::EmitOptions& options) {
  out << Emit(a, options);
}

template <std::string (*Emit)(const std::vector<emit::SweepPoint>&)>
void write_sweep_text(std::ostream& out, const std::vector<emit::SweepPoint>& points, const emit::EmitOptions&) {
  out << Emit(points);
}

void sweep_table(std::ostream& out, const std::vector<emit::SweepPoint>& points, const emit::EmitOptions& options) {
  out << emit::sweep_table(points, options.width);
}

void sweep_xlsx(std::ostream& out, const std::vector<emit::SweepPoint>& points, const emit::EmitOptions&) {
  emit::sweep_xlsx(out, points);
}

std::string summary(const analysis::Analysis& a, const emit::EmitOptions&) { return emit::summary_csv(a); }
std::string summary_long(const analysis::Analysis& a, const emit::EmitOptions&) { return emit::summary_long_csv(a); }
void json_streamed(std::ostream& out, const analysis::Analysis& a, const emit::EmitOptions& options) {
  emit::json(out, a, options);  // streamed: a 1M-op report is hundreds of MB
}

// A stream buffer over a file descriptor that remembers the first write error (errno), so the caller can name
// the operating system's reason.
class FileBuffer : public std::streambuf {
 public:
  explicit FileBuffer(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof buffer_); }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (!flush_buffer()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return flush_buffer() ? 0 : -1; }

 private:
  bool flush_buffer() {
    const char* p = pbase();
    while (p < pptr() && error_ == 0) {
      ssize_t n = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) error_ = n < 0 ? errno : EIO;
      if (n > 0) p += n;
    }
    setp(buffer_, buffer_ + sizeof buffer_);
    return error_ == 0;
  }

  int fd_;
  int error_ = 0;
  char buffer_[1 << 16];
};

[[noreturn]] void cannot_write(const std::filesystem::path& path, int error) {
  throw Failure(kExitModelError,
                "nnscope: error: cannot write '" + path.string() + "': " + std::strerror(error) + "\n");
}

// Writes `file` to `fd` and closes it; on any error calls `cleanup` and throws naming the OS's reason.
template <typename Cleanup>
void write_and_close(int fd, const OutputFile& file, Cleanup&& cleanup) {
  FileBuffer buffer(fd);
  std::ostream stream(&buffer);
  try {
    file.write(stream);
  } catch (...) {  // a report that cannot be made (a Failure, or memory): no temporary file is left behind
    ::close(fd);
    cleanup();
    throw;
  }
  stream.flush();
  int error = buffer.error();
  if (error == 0 && stream.fail()) error = EIO;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) {
    cleanup();
    cannot_write(file.path, error);
  }
}

}  // namespace

const std::vector<Format>& formats() {
  static const std::vector<Format> kFormats = {
      {"table", "", write_text<emit::table>, sweep_table},
      {"csv", ".details.csv", write_text<emit::details_csv>, write_sweep_text<emit::sweep_csv>},
      {"summary", ".summary.csv", write_text<summary>, write_sweep_text<emit::sweep_csv>},
      {"summary-long", "", write_text<summary_long>, nullptr},  // stdout only: --out writes the wide summary
      {"json", ".json", json_streamed, write_sweep_text<emit::sweep_json>},
      {"dot", ".dot", write_text<emit::dot>, nullptr},
      {"xlsx", ".xlsx", emit::xlsx, sweep_xlsx},
      {"html", ".html", emit::html, write_sweep_text<emit::sweep_html>},
  };
  return kFormats;
}

const Format* find_format(std::string_view name) {
  for (const Format& format : formats()) {
    if (format.name == name) return &format;
  }
  return nullptr;
}

std::string format_names() {
  std::string names;
  const std::vector<Format>& all = formats();
  for (std::size_t i = 0; i < all.size(); ++i) {
    names += std::string(i == 0 ? "" : i + 1 == all.size() ? " or " : ", ") + std::string(all[i].name);
  }
  return names;
}

void write_report(std::ostream& out, const Report& report, const Format& format, const emit::EmitOptions& options) {
  if (!report.is_sweep()) {
    format.write(out, *report.analysis, options);
  } else if (format.write_sweep) {
    format.write_sweep(out, report.sweep, options);
  } else {
    usage_error("--format " + std::string(format.name) + " has no form for a --sweep");
  }
}

void write_files(const std::vector<OutputFile>& files) {
  std::vector<std::filesystem::path> temporaries;
  auto remove_temporaries = [&] {
    for (const std::filesystem::path& t : temporaries) {
      if (!t.empty()) ::unlink(t.c_str());
    }
  };
  for (const OutputFile& file : files) {
    // A device or a pipe (-o /dev/stdout) is written where it is: it cannot be replaced, only written to.
    struct stat target {};
    if (::stat(file.path.c_str(), &target) == 0 && !S_ISREG(target.st_mode) && !S_ISDIR(target.st_mode)) {
      int fd = ::open(file.path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) cannot_write(file.path, errno);
      write_and_close(fd, file, remove_temporaries);
      temporaries.emplace_back();  // nothing to rename
      continue;
    }
    std::filesystem::path directory = file.path.parent_path();
    std::filesystem::path temporary = (directory.empty() ? std::filesystem::path(".") : directory) /
                                      ("." + file.path.filename().string() + ".tmp" + std::to_string(::getpid()));
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
      int error = errno;
      remove_temporaries();
      cannot_write(file.path, error);
    }
    temporaries.push_back(temporary);
    write_and_close(fd, file, remove_temporaries);
  }
  // Every file is written; now each replaces its target. A target rename() cannot replace (a directory) is
  // found before any file is renamed. Should a rename fail all the same (a sticky directory, a mount point), the
  // files renamed before it get their old content back from hard links made here, so the set is all old or all
  // new, never mixed.
  std::vector<std::filesystem::path> backups(files.size());
  std::vector<bool> existed(files.size(), false);
  auto remove_backups = [&] {
    for (const std::filesystem::path& b : backups) {
      if (!b.empty()) ::unlink(b.c_str());
    }
  };
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (temporaries[i].empty()) continue;
    struct stat existing {};
    if (::lstat(files[i].path.c_str(), &existing) != 0) continue;  // a new file: nothing to keep
    existed[i] = true;
    if (S_ISDIR(existing.st_mode)) {
      remove_temporaries();
      remove_backups();
      cannot_write(files[i].path, EISDIR);
    }
    std::filesystem::path backup = temporaries[i];
    backup += ".old";
    // link() makes a second name for the file, or for a symbolic link itself: it follows none.
    if (::link(files[i].path.c_str(), backup.c_str()) == 0) backups[i] = backup;
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (temporaries[i].empty()) continue;
    // rename() replaces a symbolic link at the target rather than following it.
    if (::rename(temporaries[i].c_str(), files[i].path.c_str()) != 0) {
      int error = errno;
      for (std::size_t k = 0; k < i; ++k) {
        if (temporaries[k].empty()) continue;
        if (!existed[k]) {
          ::unlink(files[k].path.c_str());
        } else if (!backups[k].empty() && ::rename(backups[k].c_str(), files[k].path.c_str()) == 0) {
          backups[k].clear();
        }
      }
      remove_temporaries();
      remove_backups();
      cannot_write(files[i].path, error);
    }
  }
  remove_backups();
}

void write_out_dir(const std::string& dir, const Report& report, const emit::EmitOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw Failure(kExitModelError, "nnscope: error: cannot create directory '" + dir + "': " + ec.message() + "\n");
  std::vector<OutputFile> files;
  for (const Format& format : formats()) {
    // A sweep writes the formats that have a sweep form.
    if (format.out_suffix.empty() || (report.is_sweep() && !format.write_sweep)) continue;
    files.push_back({std::filesystem::path(dir) / (report.graph->model_name + std::string(format.out_suffix)),
                     [&report, &format, &options](std::ostream& out) { write_report(out, report, format, options); }});
  }
  write_files(files);
}

void write_to(std::ostream& out, const std::string& file, const std::function<void(std::ostream&)>& write) {
  if (file.empty()) {
    write(out);
  } else {
    write_files({{file, write}});
  }
}

void write_serving(std::ostream& out, const std::vector<analysis::Serving>& points, bool swept,
                   std::string_view format) {
  if (format == "json") {
    out << emit::serving_json(points);
  } else if (format == "table") {
    out << (swept ? emit::serving_sweep_table(points) : emit::serving_table(points.front()));
  } else {
    usage_error("serve --format must be table or json");
  }
}

}  // namespace nnscope::driver
