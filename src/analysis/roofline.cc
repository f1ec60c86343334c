#include "analysis/roofline.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "analysis/training.h"

namespace nnscope::analysis {
namespace {

struct Field {
  const char* name;
  double HardwareProfile::*member;
};

constexpr Field kFields[] = {
    {"matrix_fp32_flops", &HardwareProfile::matrix_fp32}, {"matrix_tf32_flops", &HardwareProfile::matrix_tf32},
    {"matrix_fp16_flops", &HardwareProfile::matrix_fp16}, {"matrix_bf16_flops", &HardwareProfile::matrix_bf16},
    {"matrix_fp8_flops", &HardwareProfile::matrix_fp8},   {"matrix_int8_ops", &HardwareProfile::matrix_int8},
    {"matrix_int4_ops", &HardwareProfile::matrix_int4},   {"vector_ops", &HardwareProfile::vector_ops},
    {"special_ops", &HardwareProfile::special_ops},       {"memory_bandwidth", &HardwareProfile::memory_bandwidth},
    {"on_chip_bytes", &HardwareProfile::on_chip_bytes},   {"memory_capacity", &HardwareProfile::memory_capacity},
    {"matrix_percent", &HardwareProfile::matrix_percent}, {"vector_percent", &HardwareProfile::vector_percent},
    {"memory_percent", &HardwareProfile::memory_percent},
};

// Interconnect, optional: read by --parallel (analysis/parallel.h).
constexpr Field kInterconnectFields[] = {
    {"intra_node_bandwidth", &HardwareProfile::intra_node_bandwidth},
    {"inter_node_bandwidth", &HardwareProfile::inter_node_bandwidth},
    {"devices_per_node", &HardwareProfile::devices_per_node},
};

const std::vector<Field>& all_fields() {
  static const std::vector<Field> fields = [] {
    std::vector<Field> v(std::begin(kFields), std::end(kFields));
    v.insert(v.end(), std::begin(kInterconnectFields), std::end(kInterconnectFields));
    return v;
  }();
  return fields;
}

double d(Int v) { return static_cast<double>(v); }

// The matrix peak for the run's dtype, and its name. Where the profile lacks it, the nearest type the unit
// has: wider float types fall back to narrower ones (fp32 -> tf32 -> bf16 -> fp16 -> fp8 -> int8), narrower
// ones to wider ones.
}  // namespace

std::pair<double, std::string> matrix_peak(const HardwareProfile& p, DType dtype) {
  std::vector<std::pair<double, const char*>> order;
  switch (dtype) {
    case DType::kF32:
      order = {{p.matrix_fp32, "fp32"}, {p.matrix_tf32, "tf32"}, {p.matrix_bf16, "bf16"}, {p.matrix_fp16, "fp16"}};
      break;
    case DType::kTF32:
      order = {{p.matrix_tf32, "tf32"}, {p.matrix_fp32, "fp32"}, {p.matrix_bf16, "bf16"}, {p.matrix_fp16, "fp16"}};
      break;
    case DType::kBF16:
      order = {{p.matrix_bf16, "bf16"}, {p.matrix_fp16, "fp16"}, {p.matrix_tf32, "tf32"}, {p.matrix_fp32, "fp32"}};
      break;
    case DType::kFP8:
      order = {{p.matrix_fp8, "fp8"}, {p.matrix_int8, "int8"}, {p.matrix_fp16, "fp16"}, {p.matrix_bf16, "bf16"}};
      break;
    case DType::kI8:
      order = {{p.matrix_int8, "int8"}, {p.matrix_fp8, "fp8"}, {p.matrix_fp16, "fp16"}, {p.matrix_bf16, "bf16"}};
      break;
    case DType::kI4:
      order = {{p.matrix_int4, "int4"}, {p.matrix_int8, "int8"}, {p.matrix_fp8, "fp8"}, {p.matrix_fp16, "fp16"}};
      break;
    default:  // fp16 (and the index types, which are not compute types)
      order = {{p.matrix_fp16, "fp16"}, {p.matrix_bf16, "bf16"}, {p.matrix_tf32, "tf32"}, {p.matrix_fp32, "fp32"}};
      break;
  }
  order.push_back({p.matrix_int8, "int8"});
  for (const auto& [peak, name] : order) {
    if (peak > 0) return {peak, name};
  }
  return {0, ""};
}

const std::vector<std::string>& hardware_parameter_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Field& f : all_fields()) v.emplace_back(f.name);
    return v;
  }();
  return names;
}

HardwareProfile make_profile(const std::string& name, const std::vector<std::pair<std::string, double>>& values) {
  HardwareProfile p;
  p.name = name;
  for (const auto& [key, value] : values) {
    const Field* field = nullptr;
    for (const Field& f : all_fields()) {
      if (key == f.name) field = &f;
    }
    if (!field) {
      std::string known;
      for (const Field& f : all_fields()) known += std::string(known.empty() ? "" : ", ") + f.name;
      throw std::runtime_error("hardware profile '" + name + "': unknown parameter '" + key + "' (known: " + known +
                               ")");
    }
    if (!(value >= 0)) throw std::runtime_error("hardware profile '" + name + "': '" + key + "' is negative");
    p.*(field->member) = value;
  }
  bool has_matrix = p.matrix_fp32 > 0 || p.matrix_tf32 > 0 || p.matrix_fp16 > 0 || p.matrix_bf16 > 0 ||
                    p.matrix_fp8 > 0 || p.matrix_int8 > 0 || p.matrix_int4 > 0;
  if (!has_matrix) throw std::runtime_error("hardware profile '" + name + "' has no matrix_*_flops peak");
  for (auto [key, value] : {std::pair{"vector_ops", p.vector_ops}, std::pair{"special_ops", p.special_ops},
                            std::pair{"memory_bandwidth", p.memory_bandwidth}}) {
    if (!(value > 0)) throw std::runtime_error("hardware profile '" + name + "' needs a positive '" + key + "'");
  }
  for (auto [key, value] :
       {std::pair{"matrix_percent", p.matrix_percent}, std::pair{"vector_percent", p.vector_percent},
        std::pair{"memory_percent", p.memory_percent}}) {
    if (!(value > 0 && value <= 100)) {
      throw std::runtime_error("hardware profile '" + name + "': '" + key + "' must be in (0, 100]");
    }
  }
  return p;
}

const char* unit_name(Unit unit) {
  switch (unit) {
    case Unit::kMatrix:
      return "matrix";
    case Unit::kVector:
      return "vector";
    case Unit::kSpecial:
      return "special";
    case Unit::kMemory:
      return "memory";
  }
  return "memory";
}

RooflineLayer roofline_time(const HardwareProfile& profile, double matrix_peak, double gemm_flops, double elementwise,
                            double activation, double bytes) {
  RooflineLayer out;
  double matrix = matrix_peak * profile.matrix_percent / 100;
  out.unit_time_s[0] = matrix > 0 ? gemm_flops / matrix : 0;
  out.unit_time_s[1] = elementwise / (profile.vector_ops * profile.vector_percent / 100);
  out.unit_time_s[2] = activation / (profile.special_ops * profile.vector_percent / 100);
  out.unit_time_s[3] = bytes / (profile.memory_bandwidth * profile.memory_percent / 100);
  std::size_t best = 3;
  for (std::size_t u = 0; u < 4; ++u) {
    if (out.unit_time_s[u] > out.unit_time_s[best]) best = u;
  }
  out.bound = static_cast<Unit>(best);
  out.time_s = out.unit_time_s[best];
  return out;
}

Roofline analyze_roofline(const Analysis& analysis, const HardwareProfile& profile) {
  const ir::Graph& graph = *analysis.graph;
  Roofline r;
  r.hardware = profile.name;
  r.kernels = kernels_name(analysis.kernels);
  auto [peak, dtype] = matrix_peak(profile, graph.activation_dtype);
  r.matrix_peak = peak * profile.matrix_percent / 100;
  r.memory_bandwidth = profile.memory_bandwidth * profile.memory_percent / 100;
  if (profile.derated()) {
    std::ostringstream text;
    text << "achievable share of peak applied: matrix " << profile.matrix_percent << "%, vector "
         << profile.vector_percent << "%, memory " << profile.memory_percent << "%";
    r.derating = text.str();
  }
  r.matrix_dtype = dtype;
  std::string run_dtype(dtype_name(graph.activation_dtype));
  if (dtype != run_dtype) {
    r.note = profile.name + " has no " + run_dtype + " matrix peak; the " + dtype + " peak is used";
  }
  r.ridge_point = r.matrix_peak / r.memory_bandwidth;
  r.vector_peak = profile.vector_ops * profile.vector_percent / 100;
  r.special_peak = profile.special_ops * profile.vector_percent / 100;
  const Training* training = analysis.training.get();
  r.training = training != nullptr;
  r.layers.resize(analysis.layers.size());
  for (std::size_t i = 0; i < analysis.layers.size(); ++i) {
    const Layer& layer = analysis.layers[i];
    // An op without a cost rule (nms) has no time: its work is unknown, and like its counts it is left out of
    // the totals (the table shows n/c, CSV and JSON null).
    if (!graph.ops[layer.op].costs().costed) continue;
    const LayerFigures& f = layer.figures;
    double gemm_flops = 2 * d(f.gemm_macs), elementwise = d(f.elementwise_ops), activation = d(f.activation_ops);
    // The kernel's traffic (analysis/traffic.h): a view moves nothing, an embedding reads the rows it gathers.
    double weights = f.gathered_bytes > 0 ? d(f.gathered_bytes) : d(f.weight_bytes);
    double moved = d(f.traffic_bytes);
    if (training && training->layers[i].active) {
      const TrainLayerFigures& t = training->layers[i];
      gemm_flops += 2 * d(t.gemm_macs());
      elementwise += d(t.elementwise_ops);
      activation += d(t.activation_ops);
      // Backward reads the output gradient and what it kept, writes the input gradient, reads the weights
      // and writes their gradients: twice the forward traffic, as a rule of thumb.
      if (f.traffic_bytes > 0) moved += d(f.traffic_bytes) + weights;
    }
    RooflineLayer& out = r.layers[i];
    out = roofline_time(profile, peak, gemm_flops, elementwise, activation, moved);
    r.time_s += out.time_s;
    r.bound_time_s[static_cast<std::size_t>(out.bound)] += out.time_s;
  }
  double batch = 1;
  if (const Int* b = analysis.bindings.find("batch")) batch = d(*b);
  r.samples_per_s = r.time_s > 0 ? batch / r.time_s : 0;
  return r;
}

}  // namespace nnscope::analysis
