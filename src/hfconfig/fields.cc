#include "hfconfig/fields.h"

#include <charconv>

namespace nnscope::hfconfig {

const json::Value* Fields::get(std::string_view key) const {
  const json::Value* v = root_.find(key);
  return v && v->kind != json::Value::Kind::kNull ? v : nullptr;
}

void Fields::wrong(std::string_view key, const json::Value& v, const std::string& expected) const {
  std::string got = v.kind == json::Value::Kind::kNumber ? v.text : v.kind_name();
  throw DiagnosticError(v.location, "'" + std::string(key) + "' must be " + expected + ", got " + got);
}

void Fields::reject(std::string_view key, const std::string& why) const {
  const json::Value* v = root_.find(key);
  throw DiagnosticError(v ? v->location : root_.location, "'" + std::string(key) + "': " + why);
}

Int Fields::count(std::string_view key, Int max) const {
  const json::Value* v = get(key);
  if (!v) {
    Location at{root_.location.file, root_.location.begin, root_.location.begin + 1};
    throw DiagnosticError(at, "missing '" + std::string(key) + "' (model_type " + type_ + " needs it)");
  }
  return count_or(key, 0, max);
}

Int Fields::count_or(std::string_view key, Int fallback, Int max) const {
  const json::Value* v = get(key);
  if (!v) return fallback;
  std::optional<Int> n = v->integer();
  if (!n || *n < 1 || *n > max) wrong(key, *v, "an integer from 1 to " + sym::to_string(max));
  return *n;
}

Int Fields::natural_or(std::string_view key, Int fallback, Int max) const {
  const json::Value* v = get(key);
  if (!v) return fallback;
  std::optional<Int> n = v->integer();
  if (!n || *n < 0 || *n > max) wrong(key, *v, "an integer from 0 to " + sym::to_string(max));
  return *n;
}

double Fields::number_or(std::string_view key, double fallback) const {
  const json::Value* v = get(key);
  if (!v) return fallback;
  std::optional<double> x = v->number();
  if (!x || *x < 0 || *x > 1e12) wrong(key, *v, "a number from 0 to 1e12");
  return *x;
}

bool Fields::flag_or(std::string_view key, bool fallback) const {
  const json::Value* v = get(key);
  if (!v) return fallback;
  if (v->kind != json::Value::Kind::kBool) wrong(key, *v, "true or false");
  return v->boolean;
}

std::string Fields::string_or(std::string_view key, std::string fallback) const {
  const json::Value* v = get(key);
  if (!v) return fallback;
  if (v->kind != json::Value::Kind::kString) wrong(key, *v, "a string");
  return v->text;
}

std::vector<Int> Fields::naturals_or_empty(std::string_view key, Int max) const {
  std::vector<Int> out;
  const json::Value* v = get(key);
  if (!v) return out;
  if (v->kind != json::Value::Kind::kArray) wrong(key, *v, "an array of integers");
  for (const json::Value& item : v->items) {
    std::optional<Int> n = item.integer();
    if (!n || *n < 0 || *n > max) wrong(key, item, "an array of integers from 0 to " + sym::to_string(max));
    out.push_back(*n);
  }
  return out;
}

std::vector<std::string> Fields::strings_or_empty(std::string_view key) const {
  std::vector<std::string> out;
  const json::Value* v = get(key);
  if (!v) return out;
  if (v->kind != json::Value::Kind::kArray) wrong(key, *v, "an array of strings");
  for (const json::Value& item : v->items) {
    if (item.kind != json::Value::Kind::kString) wrong(key, item, "an array of strings");
    out.push_back(item.text);
  }
  return out;
}

std::string Fields::one_of(std::string_view key, const std::vector<std::string>& allowed, std::string fallback) const {
  if (!present(key)) return fallback;
  std::string value = string_or(key, "");
  for (const std::string& a : allowed) {
    if (a == value) return value;
  }
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
  reject(key, json::quoted(value) + " is not supported for model_type " + type_ + " (supported: " + list + ")");
}

std::string float_literal(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, error == std::errc() ? end : buffer);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

}  // namespace nnscope::hfconfig
