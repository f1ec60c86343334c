#include "interp/program.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "interp/builtins.h"
#include "ops/registry.h"
#include "source/read_file.h"
#include "stdlib/embedded.h"
#include "syntax/parser.h"

namespace nnscope::interp {
namespace {

constexpr std::size_t kMaxFileBytes = 64u << 20;
constexpr std::size_t kMaxImportDepth = 64;
constexpr std::string_view kStdlibPrefix = "<stdlib>/";

// Where a module's text came from, so its imports resolve relative to it.
struct Origin {
  bool embedded = false;
  std::string path;  // filesystem path, or the embedded relative path
};

}  // namespace

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
    ReadResult result = read_regular_file(path, kMaxFileBytes, *text);
    *problem = result.problem;
    return result.status == ReadStatus::kOk;
  }

  std::set<std::string>& loaded() { return loaded_; }

 private:
  Program& program_;
  std::vector<std::string> stack_;
  std::set<std::string> loaded_;
};

}  // namespace

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
