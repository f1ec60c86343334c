#pragma once
// Typed, located access to the fields of a config.json (hf_config.cc and models.cc): every problem is a
// DiagnosticError at the field's value (or, for a missing field, at the object) that names the key.
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "hfconfig/json.h"

namespace nnscope::hfconfig {

using sym::Int;

constexpr Int kMaxSize = 1'000'000'000;  // widths, vocabularies, expert counts
constexpr Int kMaxLayers = 100'000;      // layers: each becomes some 30 ops

class Fields {
 public:
  Fields(const json::Value& root, std::string model_type) : root_(root), type_(std::move(model_type)) {}

  const std::string& type() const { return type_; }
  // The value of `key`, or null when absent or JSON null.
  const json::Value* get(std::string_view key) const;
  bool present(std::string_view key) const { return get(key) != nullptr; }

  // A required integer in [1, max].
  Int count(std::string_view key, Int max = kMaxSize) const;
  // The same, or `fallback` when the key is absent or null.
  Int count_or(std::string_view key, Int fallback, Int max = kMaxSize) const;
  // An integer in [0, max], or `fallback`.
  Int natural_or(std::string_view key, Int fallback, Int max = kMaxSize) const;
  // A finite number, or `fallback`.
  double number_or(std::string_view key, double fallback) const;
  bool flag_or(std::string_view key, bool fallback) const;
  std::string string_or(std::string_view key, std::string fallback) const;
  // Integers in [0, max] (mlp_only_layers).
  std::vector<Int> naturals_or_empty(std::string_view key, Int max) const;
  // Strings (layer_types).
  std::vector<std::string> strings_or_empty(std::string_view key) const;

  // A field whose value the analysis cannot honour: an error at that value naming the key.
  [[noreturn]] void reject(std::string_view key, const std::string& why) const;
  // Requires `key` (when present) to be one of `allowed`; returns it (or `fallback` when absent).
  std::string one_of(std::string_view key, const std::vector<std::string>& allowed, std::string fallback) const;

 private:
  [[noreturn]] void wrong(std::string_view key, const json::Value& v, const std::string& expected) const;
  const json::Value& root_;
  std::string type_;
};

// Writes a config value into the generated text (std::ostream has no overload for 128-bit integers).
inline std::ostream& operator<<(std::ostream& out, Int value) { return out << sym::to_string(value); }

// A float as a .nn literal: always with a '.' or an exponent, so that it stays a float in the language.
std::string float_literal(double value);

}  // namespace nnscope::hfconfig
