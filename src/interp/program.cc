#include "interp/program.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "interp/builtins.h"
#include "ops/registry.h"
#include "stdlib/embedded.h"
#include "syntax/parser.h"

namespace nnscope::interp {
namespace {

constexpr std::uintmax_t kMaxFileBytes = 64u << 20;
constexpr std::size_t kMaxImportDepth = 64;
constexpr std::string_view kStdlibPrefix = "<stdlib>/";

// Where a module's text came from, so its imports resolve relative to it.
struct Origin {
  bool embedded = false;
  std::string path;  // filesystem path, or the embedded relative path
};

}  // namespace

bool read_source_file(const std::string& path, std::string* text, std::string* problem) {
  std::error_code ec;
  std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    *problem = "no such file";
    return false;
  }
  if (std::filesystem::is_directory(status)) {
    *problem = "it is a directory";
    return false;
  }
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxFileBytes) {
    *problem = "file is larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *problem = "cannot open it";
    return false;
  }
  // Read into a string of the file's size (a 30 MB model copied through a growing stream buffer touches
  // twice the memory); keep reading past it for files whose size is not known in advance (pipes, /proc).
  text->resize(ec ? 0 : static_cast<std::size_t>(std::min<std::uintmax_t>(size, kMaxFileBytes + 1)));
  in.read(text->data(), static_cast<std::streamsize>(text->size()));
  text->resize(static_cast<std::size_t>(in.gcount()));
  char chunk[1 << 16];
  while (in && text->size() <= kMaxFileBytes) {
    in.read(chunk, sizeof chunk);
    text->append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (text->size() > kMaxFileBytes) {
    *problem = "file is larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB";
    return false;
  }
  return true;
}

namespace {

class Loader {
 public:
  explicit Loader(Program& program) : program_(program) {}

  void load(const Origin& origin, std::string shown_name, std::string text, Location imported_at) {
    FileId file = program_.sources.add(std::move(shown_name), std::move(text));
    auto module = std::make_unique<ast::Module>(syntax::parse_module(program_.sources, file, program_.diagnostics));
    ast::Module* raw = module.get();
    program_.modules.push_back(std::move(module));
    (void)imported_at;
    stack_.push_back(key(origin));
    for (const ast::Import& import : raw->imports) resolve_import(origin, import);
    stack_.pop_back();
  }

  void collect_definitions() {
    for (const auto& module : program_.modules) {
      for (const ast::Definition& def : module->definitions) {
        bool reserved = ops::Registry::instance().find(def.name) || is_builtin(def.name);
        if (def.kind == ast::DefinitionKind::kBlock && reserved) {
          error(def.name_location, "'" + def.name + "' is the name of a built-in " +
                                       (is_builtin(def.name) ? "function" : "operator") + "; choose another name");
          continue;
        }
        auto [it, inserted] = program_.definitions.emplace(def.name, &def);
        if (!inserted) {
          Diagnostic d{Severity::kError, def.name_location, "'" + def.name + "' is defined twice", {}};
          d.notes.push_back({it->second->name_location, "first defined here"});
          program_.diagnostics.push_back(std::move(d));
        }
      }
    }
  }

  void error(Location at, std::string message) {
    program_.diagnostics.push_back(Diagnostic{Severity::kError, at, std::move(message), {}});
  }

 private:
  static std::string key(const Origin& origin) { return (origin.embedded ? "embedded:" : "file:") + origin.path; }

  void resolve_import(const Origin& from, const ast::Import& import) {
    Origin target;
    std::string text;
    std::string shown;
    if (import.path.starts_with("std/") || (from.embedded && !import.path.starts_with("/"))) {
      std::string path = import.path;
      if (!import.path.starts_with("std/")) {
        std::filesystem::path base = std::filesystem::path(from.path).parent_path();
        path = (base / import.path).lexically_normal().generic_string();
      }
      const std::string_view* embedded = stdlib::find_file(path);
      if (!embedded) {
        error(import.location, "cannot find '" + import.path + "' in the standard library");
        return;
      }
      target = Origin{true, path};
      text = std::string(*embedded);
      shown = std::string(kStdlibPrefix) + path;
    } else {
      std::filesystem::path base = std::filesystem::path(from.path).parent_path();
      std::filesystem::path path =
          std::filesystem::path(import.path).is_absolute() ? std::filesystem::path(import.path) : base / import.path;
      target = Origin{false, path.lexically_normal().generic_string()};
      shown = target.path;
      std::string problem;
      if (!read_file(target.path, &text, &problem)) {
        error(import.location, "cannot import '" + import.path + "': " + problem);
        return;
      }
    }
    std::string k = key(target);
    if (std::find(stack_.begin(), stack_.end(), k) != stack_.end()) {
      error(import.location, "import cycle: '" + import.path + "' imports itself, directly or through other files");
      return;
    }
    if (!loaded_.insert(k).second) return;  // already loaded through another import
    if (stack_.size() >= kMaxImportDepth) {
      error(import.location, "imports nested too deeply (limit " + std::to_string(kMaxImportDepth) + ")");
      return;
    }
    load(target, shown, std::move(text), import.location);
  }

 public:
  static bool read_file(const std::string& path, std::string* text, std::string* problem) {
    return read_source_file(path, text, problem);
  }

  std::set<std::string>& loaded() { return loaded_; }

 private:
  Program& program_;
  std::vector<std::string> stack_;
  std::set<std::string> loaded_;
};

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
// neighbours ("rleu" is one edit from "relu"), the typos people make.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string closest_name(const std::string& word, const std::vector<std::string>& candidates) {
  // Names that long are not typos of anything; comparing them would only cost time (hostile input).
  if (word.size() > 128) return "";
  std::string best;
  std::size_t best_distance = ~std::size_t{0};
  for (const std::string& c : candidates) {
    if (c.size() > 128) continue;
    std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // Close enough to be a plausible typo: at most a third of the word (at least 2 edits), or a prefix.
  std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
  if (best_distance <= allowed) return best;
  // Or one is an abbreviation of the other ("bert" for "bert_base", "sequence" for "seq").
  for (const std::string& c : candidates) {
    if (!word.empty() && !c.empty() && (c.starts_with(word) || word.starts_with(c))) return c;
  }
  return "";
}

const ast::Definition* Program::select_model(const std::string& name) {
  std::vector<const ast::Definition*> models;
  for (const ast::Definition& def : main().definitions) {
    if (def.kind == ast::DefinitionKind::kModel) models.push_back(&def);
  }
  Location file_start{main().file, 0, 0};
  if (!name.empty()) {
    for (const auto* m : models) {
      if (m->name == name) return m;
    }
    std::vector<std::string> names;
    for (const auto* m : models) names.push_back(m->name);
    std::string hint = closest_name(name, names);
    diagnostics.push_back(
        {Severity::kError,
         file_start,
         "no model named '" + name + "' in this file" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"),
         {}});
    return nullptr;
  }
  if (models.size() == 1) return models.front();
  std::string stem = std::filesystem::path(sources.file(main().file).name).stem().string();
  for (const auto* m : models) {
    if (m->name == stem) return m;
  }
  if (models.empty()) {
    diagnostics.push_back({Severity::kError, file_start, "this file defines no model", {}});
  } else {
    std::string list;
    for (const auto* m : models) list += (list.empty() ? "" : ", ") + m->name;
    diagnostics.push_back(
        {Severity::kError, file_start, "this file defines several models (" + list + "); choose one with --model", {}});
  }
  return nullptr;
}

std::unique_ptr<Program> load_program(const std::string& target, bool* found) {
  auto program = std::make_unique<Program>();
  Loader loader(*program);
  *found = true;
  std::error_code ec;
  bool is_path =
      target.ends_with(".nn") || target.find('/') != std::string::npos || std::filesystem::exists(target, ec);
  if (is_path) {
    std::string text, problem;
    if (!Loader::read_file(target, &text, &problem)) {
      program->diagnostics.push_back(
          {Severity::kError, Location::none(), "cannot read '" + target + "': " + problem, {}});
      *found = problem != "no such file";
      return program;
    }
    Origin origin{false, std::filesystem::path(target).lexically_normal().generic_string()};
    loader.loaded().insert("file:" + origin.path);
    loader.load(origin, target, std::move(text), Location::none());
  } else {
    std::string path = target + ".nn";
    const std::string_view* text = stdlib::find_file(path);
    if (!text) {
      *found = false;
      program->diagnostics.push_back(
          {Severity::kError, Location::none(), "'" + target + "' is neither a file nor a standard-library model", {}});
      return program;
    }
    loader.loaded().insert("embedded:" + path);
    loader.load(Origin{true, path}, std::string(kStdlibPrefix) + path, std::string(*text), Location::none());
  }
  loader.collect_definitions();
  return program;
}

std::unique_ptr<Program> load_program_from_text(const std::string& name, std::string text) {
  auto program = std::make_unique<Program>();
  Loader loader(*program);
  loader.load(Origin{false, name}, name, std::move(text), Location::none());
  loader.collect_definitions();
  return program;
}

}  // namespace nnscope::interp
