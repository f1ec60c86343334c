#include "cli/options.h"

#include <cstdlib>
#include <optional>
#include <stdexcept>

namespace nnscope::cli {
namespace {

sym::Int parse_value(const std::string& text, const std::string& what) {
  std::string cleaned;
  for (char c : text) {
    if (c != '_') cleaned += c;
  }
  sym::Int value;
  if (cleaned.empty() || !sym::parse_int(cleaned, &value)) {
    driver::usage_error(what + ": '" + text + "' is not an integer");
  }
  return value;
}

// Comma-separated integers (V1,V2,...), each as parse_value reads it.
std::vector<sym::Int> parse_values(const std::string& list, const std::string& what) {
  std::vector<sym::Int> values;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    values.push_back(parse_value(list.substr(start, comma - start), what));
    start = comma + 1;
  }
  return values;
}

}  // namespace

Options parse_options(const std::vector<std::string>& args, const emit::EmitOptions& emit) {
  Options o;
  o.command = args.front();
  o.emit = emit;
  sym::Int global_batch = 0, tokens = 0;  // parts of the --parallel plan, which may come after them
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string inline_value;
    bool has_inline = false;
    if (arg.starts_with("--") && arg.find('=') != std::string::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
      has_inline = true;
    }
    auto value = [&]() -> std::string {
      if (has_inline) return inline_value;
      if (i + 1 >= args.size()) driver::usage_error(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--set") {
      std::string v = value();
      std::size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) driver::usage_error("--set needs NAME=VALUE, got '" + v + "'");
      std::string name = v.substr(0, eq), text = v.substr(eq + 1);
      // A comma makes a list (--set block_config=6,12,48,32; one item: 6,); the last --set of a name wins.
      o.request.elaborate.overrides.erase(name);
      o.request.elaborate.list_overrides.erase(name);
      if (text.find(',') == std::string::npos) {
        o.request.elaborate.overrides[name] = parse_value(text, "--set " + name);
      } else {
        if (text.back() == ',') text.pop_back();
        o.request.elaborate.list_overrides[name] = parse_values(text, "--set " + name);
      }
    } else if (arg == "--sweep") {
      std::string v = value();
      std::size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) driver::usage_error("--sweep needs NAME=V1,V2,..., got '" + v + "'");
      o.request.sweeps.emplace_back(v.substr(0, eq), parse_values(v.substr(eq + 1), "--sweep " + v.substr(0, eq)));
    } else if (arg == "--dtype") {
      o.request.elaborate.weight_dtype = o.request.elaborate.activation_dtype =
          driver::parse_storage_dtype(value(), "--dtype");
      o.request.weight_dtype_given = true;
    } else if (arg == "--weight-dtype") {
      o.request.elaborate.weight_dtype = driver::parse_storage_dtype(value(), "--weight-dtype");
      o.request.weight_dtype_given = true;
    } else if (arg == "--act-dtype") {
      o.request.elaborate.activation_dtype = driver::parse_storage_dtype(value(), "--act-dtype");
    } else if (arg == "--format") {
      std::string name = value();
      o.format = driver::find_format(name);
      if (!o.format) driver::usage_error("--format must be " + driver::format_names() + "; got '" + name + "'");
    } else if (arg == "--out") {
      o.out_dir = value();
    } else if (arg == "-o" || arg == "--output") {
      o.output_file = value();
    } else if (arg == "--limit") {
      std::string v = value();
      std::size_t eq = v.find('=');
      std::string name = v.substr(0, eq);
      sym::Int n = eq == std::string::npos ? -1 : parse_value(v.substr(eq + 1), "--limit " + name);
      driver::set_limit(o.request.elaborate.limits, name, n);
    } else if (arg == "--model") {
      o.request.model_name = value();
    } else if (arg == "--mode") {
      std::string mode = value();
      if (mode != "infer" && mode != "train") driver::usage_error("--mode must be infer or train; got '" + mode + "'");
      o.request.train = mode == "train";
    } else if (arg == "--optimizer") {
      std::string name = value();
      std::optional<analysis::Optimizer> optimizer = analysis::parse_optimizer(name);
      if (!optimizer) driver::usage_error("--optimizer must be sgd, momentum, adam or adamw; got '" + name + "'");
      o.request.train_options.optimizer = *optimizer;
    } else if (arg == "--hw") {
      o.request.hardware = value();
    } else if (arg == "--set-hw") {
      std::string v = value();
      std::size_t eq = v.find('=');
      std::string number = eq == std::string::npos ? "" : v.substr(eq + 1);
      std::erase(number, '_');
      char* end = nullptr;
      double parsed = number.empty() ? -1 : std::strtod(number.c_str(), &end);
      if (eq == 0 || number.empty() || *end != '\0' || !(parsed >= 0) || parsed > 1e30) {
        driver::usage_error("--set-hw needs NAME=VALUE with a non-negative number, got '" + v + "'");
      }
      o.request.hardware_overrides.emplace_back(v.substr(0, eq), parsed);
    } else if (arg == "--parallel") {
      try {
        o.request.parallel = analysis::parse_parallel_plan(value());
      } catch (const std::invalid_argument& error) {
        driver::usage_error(error.what());
      }
    } else if (arg == "--global-batch") {
      global_batch = parse_value(value(), "--global-batch");
      if (global_batch < 1) driver::usage_error("--global-batch must be at least 1");
    } else if (arg == "--tokens") {
      std::string text = value();
      char* end = nullptr;
      double count = std::strtod(text.c_str(), &end);  // 300e9 as well as 300000000000
      if (text.find_first_not_of("0123456789_") != std::string::npos) {
        if (*end != '\0' || !(count >= 1) || count > 1e30)
          driver::usage_error("--tokens: '" + text + "' is not a count");
        tokens = static_cast<sym::Int>(count);
      } else {
        tokens = parse_value(text, "--tokens");
      }
      if (tokens < 1) driver::usage_error("--tokens must be at least 1");
    } else if (arg == "--prompt" || arg == "--generate" || arg == "--batch") {
      sym::Int v = parse_value(value(), arg);
      if (v < 1) driver::usage_error(arg + " must be at least 1");
      (arg == "--prompt" ? o.serve.prompt : arg == "--generate" ? o.serve.generate : o.serve.batch) = v;
    } else if (arg == "--kv-dtype") {
      o.request.elaborate.kv_cache_dtype = driver::parse_storage_dtype(value(), "--kv-dtype");
    } else if (arg == "--kernels") {
      std::string name = value();
      std::optional<analysis::Kernels> kernels = analysis::parse_kernels(name);
      if (!kernels) driver::usage_error("--kernels must be fused or unfused; got '" + name + "'");
      o.request.kernels = *kernels;
    } else if (arg == "--depth") {
      sym::Int d = parse_value(value(), "--depth");
      if (d < 0 || d > 1000) driver::usage_error("--depth must be between 0 and 1000");
      o.emit.depth = static_cast<std::size_t>(d);
      o.emit.auto_depth = false;
      o.per_layer_only = "--depth";
    } else if (arg == "--columns") {
      o.emit.columns.clear();
      std::string list = value();
      for (std::size_t start = 0; start <= list.size();) {
        std::size_t comma = std::min(list.find(',', start), list.size());
        std::string name = list.substr(start, comma - start);
        if (!emit::is_table_column(name)) {
          driver::usage_error("--columns: unknown column '" + name + "' (" + emit::table_column_names() + ")");
        }
        o.emit.columns.push_back(name);
        start = comma + 1;
      }
      o.table_only = o.per_layer_only = "--columns";
    } else if (arg == "--width") {
      sym::Int n = parse_value(value(), "--width");
      if (n < 40 || n > static_cast<sym::Int>(kMaxTableWidth))
        driver::usage_error("--width must be between 40 and " + std::to_string(kMaxTableWidth));
      o.width = static_cast<std::size_t>(n);
      o.table_only = "--width";
    } else if (arg == "--top") {
      sym::Int n = parse_value(value(), "--top");
      if (n < 1 || n > 1'000'000) driver::usage_error("--top must be between 1 and 1000000");
      o.emit.top = static_cast<std::size_t>(n);
      o.table_only = o.per_layer_only = "--top";
    } else if (arg == "--Werror") {
      o.request.werror = true;
    } else if (arg.starts_with("-") && arg != "-") {
      driver::usage_error("unknown option '" + arg + "'");
    } else {
      o.positional.push_back(args[i]);
    }
  }
  if ((global_batch || tokens) && !o.request.parallel)
    driver::usage_error("--global-batch and --tokens need --parallel");
  if (o.request.parallel) {
    o.request.parallel->global_batch = global_batch;
    o.request.parallel->tokens = tokens;
  }
  return o;
}

}  // namespace nnscope::cli
