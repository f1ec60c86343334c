#pragma once
// The output formats, in one table: adding a format is one entry here plus its emitter (src/emit/). Each format
// writes a report to a stream; --out DIR writes the formats that have a file suffix, all or none (write_files).
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "driver/driver.h"

namespace nnscope::driver {

struct Format {
  std::string_view name;        // --format NAME
  std::string_view out_suffix;  // the file --out DIR writes: DIR/MODEL<suffix>; empty: none
  void (*write)(std::ostream& out, const analysis::Analysis& analysis, const emit::EmitOptions& options);
  // null: no sweep form. `options`: the table's width; the other sweep forms show every total.
  void (*write_sweep)(std::ostream& out, const std::vector<emit::SweepPoint>& points, const emit::EmitOptions& options);
};

const std::vector<Format>& formats();
const Format* find_format(std::string_view name);  // nullptr when unknown
std::string format_names();                        // "table, csv, summary, json or dot", for messages

// Writes the report (one analysis or a sweep) in `format`. Throws Failure (usage) for a sweep in a format
// that has none.
void write_report(std::ostream& out, const Report& report, const Format& format, const emit::EmitOptions& options);

// Files written together: each goes to a new temporary file in its directory (created exclusively, so no
// symbolic link is followed) and is renamed over its target only when every file was written, flushed and
// closed; otherwise none is and the temporaries are removed. Throws Failure (kExitModelError) naming the file
// and the operating system's reason.
struct OutputFile {
  std::filesystem::path path;
  std::function<void(std::ostream&)> write;
};
void write_files(const std::vector<OutputFile>& files);

// --out DIR: the directory (created if needed) and every format with a suffix, all or none.
void write_out_dir(const std::string& dir, const Report& report, const emit::EmitOptions& options);

// -o FILE: `write` to `file` as write_files does, or to `out` when no file is named.
void write_to(std::ostream& out, const std::string& file, const std::function<void(std::ostream&)>& write);

// `nnscope serve`'s formats: "table" (one point, or one row per point of a sweep) and "json". Throws Failure
// (usage) for another format.
void write_serving(std::ostream& out, const std::vector<analysis::Serving>& points, bool swept,
                   std::string_view format);

}  // namespace nnscope::driver
