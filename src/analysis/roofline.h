#pragma once
// A per-layer roofline for a hardware profile (--hw): each layer's time is the largest of its GEMM FLOPs on
// the matrix unit, its element-wise ops on the vector unit, its activation ops on the special-function unit
// and its bytes over the memory bandwidth; the unit that sets it bounds the layer. Profiles are written in
// the model language (stdlib_models/hardware/*.nn): a model whose const parameters are the figures.
// docs/cost-model.md ("Roofline") documents the parameter names and the rules.
#include <string>
#include <vector>

#include "analysis/analysis.h"

namespace nnscope::analysis {

struct HardwareProfile {
  std::string name;
  // Matrix-unit peaks (FLOP/s; int8 / int4 in op/s), 0 where the unit lacks the type.
  double matrix_fp32 = 0, matrix_tf32 = 0, matrix_fp16 = 0, matrix_bf16 = 0, matrix_fp8 = 0, matrix_int8 = 0,
         matrix_int4 = 0;
  double vector_ops = 0;        // vector (SIMD) unit, op/s
  double special_ops = 0;       // special-function unit, op/s
  double memory_bandwidth = 0;  // bytes/s
  double on_chip_bytes = 0;     // on-chip memory (caches, scratchpads), bytes
  double memory_capacity = 0;   // device memory, bytes; 0 when the profile does not say
  // Achievable percentages of the peaks (matrix; vector and special units; memory bandwidth), each in (0, 100]; 100
  // (the peak) unless the profile gives a measured figure, which it cites. Percentages because a profile's
  // parameters are integers.
  double matrix_percent = 100, vector_percent = 100, memory_percent = 100;
  bool derated() const { return matrix_percent != 100 || vector_percent != 100 || memory_percent != 100; }
  // Interconnect, optional (0: not given), for --parallel (analysis/parallel.h): bytes/s one device sends while it
  // receives as much, to devices in its node and to other nodes, and the devices a node holds.
  double intra_node_bandwidth = 0, inter_node_bandwidth = 0, devices_per_node = 0;
};

// The parameter names a profile may set; any other name is an error.
const std::vector<std::string>& hardware_parameter_names();
// Builds a profile from (name, value) pairs; throws std::runtime_error naming an unknown parameter, or when
// a profile lacks a matrix peak, vector_ops, special_ops or memory_bandwidth.
HardwareProfile make_profile(const std::string& name, const std::vector<std::pair<std::string, double>>& values);

enum class Unit { kMatrix, kVector, kSpecial, kMemory };
const char* unit_name(Unit unit);

struct RooflineLayer {
  double time_s = 0;
  Unit bound = Unit::kMemory;
  double unit_time_s[4] = {0, 0, 0, 0};  // by Unit
};

struct Roofline {
  std::string hardware;
  std::string matrix_dtype;     // the matrix peak used ("fp16"); may differ from the run's dtype (see note)
  std::string note;             // set when the profile lacked the run's dtype and another peak was used
  std::string kernels;          // the kernel choice the bytes assume (analysis/traffic.h)
  std::string derating;         // set when achievable percentages of peak were applied: which
  double matrix_peak = 0;       // op/s, times matrix_percent / 100
  double memory_bandwidth = 0;  // bytes/s, times memory_percent / 100
  double ridge_point = 0;       // matrix_peak / memory_bandwidth, FLOP per byte
  // The profile's other roofs, for a roofline chart (emit/html): op/s, times vector_percent / 100.
  double vector_peak = 0, special_peak = 0;
  std::vector<RooflineLayer> layers;  // aligned with Analysis::layers
  double time_s = 0;
  double samples_per_s = 0;               // batch / time_s (batch: the model's `batch` parameter, else 1)
  double bound_time_s[4] = {0, 0, 0, 0};  // time of the layers each unit bounds
  bool training = false;                  // forward + backward of one step
};

// The matrix peak for a dtype (before derating) and the name of the type whose peak it is: where the profile lacks
// the dtype, the nearest type the unit has.
std::pair<double, std::string> matrix_peak(const HardwareProfile& profile, DType dtype);

// One op's roofline: its time is the largest of its units' times. `elementwise` counts vector-unit ops,
// `activation` special-function ops; the profile's percentages apply.
RooflineLayer roofline_time(const HardwareProfile& profile, double matrix_peak, double gemm_flops, double elementwise,
                            double activation, double bytes);

// Needs analysis.training set when training; uses the activation dtype to pick the matrix peak.
Roofline analyze_roofline(const Analysis& analysis, const HardwareProfile& profile);

}  // namespace nnscope::analysis
