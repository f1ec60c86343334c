#include "emit/serving.h"

#include "emit/emit.h"
#include "emit/format.h"

namespace nnscope::emit {
namespace {

using analysis::Serving;
using detail::decimal;
using detail::JsonWriter;
using detail::pad_right;
using detail::thousands;

constexpr std::size_t kLabel = 34;

std::string ms(double seconds) { return decimal(seconds * 1e3, 4) + " ms"; }

std::string capacity_text(const Serving& s) {
  if (s.memory_capacity <= 0) return "the profile gives no memory capacity";
  std::string capacity = human_bytes(static_cast<sym::Int>(s.memory_capacity));
  return s.fits() ? "fits in " + capacity : "does not fit in " + capacity;
}

std::string compute_bound_text(const Serving& s) {
  if (s.compute_bound_batch) return "batch " + thousands(*s.compute_bound_batch);
  return "not up to batch " + thousands(s.batch_search_limit) + " (attention over the cache stays memory-bound)";
}

// "a + b·p" with the coefficients rounded to integers (they are integers for the standard library's models).
std::string linear(double base, double slope) {
  return thousands(static_cast<sym::Int>(base + 0.5)) + " + " + thousands(static_cast<sym::Int>(slope + 0.5)) + "·p";
}

}  // namespace

std::string serving_table(const Serving& s) {
  const analysis::ServeOptions& o = s.options;
  std::string out;
  auto line = [&](const std::string& label, const std::string& value) {
    out += pad_right(label, kLabel) + value + "\n";
  };
  out += "Serving " + s.model + " on " + s.hardware + " (" + s.kernels + " kernels, KV cache " + s.kv_dtype + ")\n";
  line("Prompt, generate, batch", thousands(o.prompt) + " tokens, " + thousands(o.generate) + " tokens, " +
                                      thousands(o.batch) + (o.batch == 1 ? " sequence" : " sequences"));
  out += "\nPrefill (time to first token)\n";
  line("  FLOPs", thousands(s.prefill.flops) + "   " + human_count(s.prefill.flops, "FLOPs"));
  line("  Memory traffic", thousands(s.prefill.traffic_bytes) + "   " + human_bytes(s.prefill.traffic_bytes));
  line("  Time to first token", ms(s.prefill.time_s) + ", " + analysis::unit_name(s.prefill.bound) + "-bound");
  out += "\nDecode (one token per sequence; p = tokens already cached)\n";
  line("  FLOPs per step", linear(s.flops_base, s.flops_per_position));
  line("  Memory traffic per step", linear(s.bytes_base, s.bytes_per_position) + " bytes");
  line("  First step (p = " + thousands(o.prompt) + ")",
       ms(s.decode_first.time_s) + ", " + analysis::unit_name(s.decode_first.bound) + "-bound");
  line("  Last step (p = " + thousands(o.prompt + o.generate - 1) + ")",
       ms(s.decode_last.time_s) + ", " + analysis::unit_name(s.decode_last.bound) + "-bound");
  line("  Time per output token (mean)", ms(s.decode_mean_time_s));
  line("  Tokens/s (batch)", decimal(s.tokens_per_s, 1));
  line("  Compute-bound from", compute_bound_text(s));
  line("Total time", ms(s.total_time_s) + " (prefill + " + thousands(o.generate) + " steps)");
  out += "\nMemory\n";
  line("  Weights", thousands(s.weight_bytes) + "   " + human_bytes(s.weight_bytes));
  line("  KV cache per token", thousands(s.kv_bytes_per_token) + "   " + human_bytes(s.kv_bytes_per_token));
  line("  KV cache at the end", thousands(s.kv_bytes_end) + "   " + human_bytes(s.kv_bytes_end) + "   " +
                                    thousands(o.batch) + " x " + thousands(o.prompt + o.generate) + " tokens");
  line("  Peak", thousands(s.peak_memory_bytes) + "   " + human_bytes(s.peak_memory_bytes) + "   " + capacity_text(s));
  return out;
}

std::string serving_sweep_table(const std::vector<Serving>& points) {
  std::vector<std::vector<std::string>> rows = {{"prompt", "generate", "batch", "TTFT ms", "TPOT ms", "tokens/s",
                                                 "KV end", "peak", "fits", "compute-bound batch"}};
  for (const Serving& s : points) {
    rows.push_back({thousands(s.options.prompt), thousands(s.options.generate), thousands(s.options.batch),
                    decimal(s.prefill.time_s * 1e3, 4), decimal(s.decode_mean_time_s * 1e3, 4),
                    decimal(s.tokens_per_s, 1), human_bytes(s.kv_bytes_end), human_bytes(s.peak_memory_bytes),
                    s.memory_capacity <= 0 ? "?"
                    : s.fits()             ? "yes"
                                           : "no",
                    s.compute_bound_batch ? thousands(*s.compute_bound_batch) : "none"});
  }
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], detail::display_width(row[c]));
  }
  std::string out;
  if (!points.empty()) {
    const Serving& s = points.front();
    out += "Serving " + s.model + " on " + s.hardware + " (" + s.kernels + " kernels, KV cache " + s.kv_dtype + ")\n";
  }
  for (const auto& row : rows) {
    std::string text;
    for (std::size_t c = 0; c < row.size(); ++c) text += (c ? "  " : "") + detail::pad_left(row[c], width[c]);
    out += text + "\n";
  }
  return out;
}

std::string serving_json(const std::vector<Serving>& points) {
  JsonWriter json;
  json.begin_object();
  json.key("schema_version").integer(1);
  json.key("command").string("serve");
  json.key("points").begin_array();
  for (const Serving& s : points) {
    json.begin_object();
    json.key("model").string(s.model);
    json.key("hardware").string(s.hardware);
    json.key("kernels").string(s.kernels);
    json.key("kv_dtype").string(s.kv_dtype);
    json.key("prompt").integer(s.options.prompt);
    json.key("generate").integer(s.options.generate);
    json.key("batch").integer(s.options.batch);
    auto phase = [&](const analysis::ServePhase& p) {
      json.begin_object(true);
      json.key("flops").integer(p.flops);
      json.key("traffic_bytes").integer(p.traffic_bytes);
      json.key("peak_activation_bytes").integer(p.peak_activation_bytes);
      json.key("time_s").number(p.time_s, 12);
      json.key("bound").string(analysis::unit_name(p.bound));
      json.end_object();
    };
    json.key("prefill");
    phase(s.prefill);
    json.key("decode_first");
    phase(s.decode_first);
    json.key("decode_last");
    phase(s.decode_last);
    json.key("decode_flops_base").number(s.flops_base, 0);
    json.key("decode_flops_per_position").number(s.flops_per_position, 0);
    json.key("decode_bytes_base").number(s.bytes_base, 0);
    json.key("decode_bytes_per_position").number(s.bytes_per_position, 0);
    json.key("time_to_first_token_s").number(s.prefill.time_s, 12);
    json.key("time_per_output_token_s").number(s.decode_mean_time_s, 12);
    json.key("tokens_per_s").number(s.tokens_per_s);
    json.key("total_time_s").number(s.total_time_s, 12);
    json.key("kv_bytes_per_token").integer(s.kv_bytes_per_token);
    json.key("kv_bytes_end").integer(s.kv_bytes_end);
    json.key("weight_bytes").integer(s.weight_bytes);
    json.key("peak_memory_bytes").integer(s.peak_memory_bytes);
    json.key("memory_capacity").number(s.memory_capacity, 0);
    if (s.memory_capacity > 0) {
      json.key("fits").boolean(s.fits());
    } else {
      json.key("fits").null();
    }
    json.key("compute_bound_batch");
    if (s.compute_bound_batch) {
      json.integer(*s.compute_bound_batch);
    } else {
      json.null();
    }
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return json.take() + "\n";
}

}  // namespace nnscope::emit
