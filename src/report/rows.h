#pragma once
// The report's rows: what every output format shows of a layer (an op, or a block collapsed at --depth), built
// once here from the analysis so that no emitter computes anything. A row carries its grouping, evaluated shapes
// (of the op, or of the tensors crossing the block's boundary), display attributes, weights with evaluated
// shapes, and, when asked for, its training figures and roofline time with the unit that bounds it.
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/roofline.h"
#include "analysis/training.h"
#include "report/graph_view.h"

namespace nnscope::report {

struct RowWeight {
  std::string_view relative_path;  // the member op's path inside a collapsed block ("" for an op row)
  std::string_view name;           // "weight", "bias", ...
  const std::vector<Int>* shape;   // evaluated
};

// An op's kernel/stride/padding/dilation/groups (ir::DisplayHints) evaluated at the bindings: "7x7", never the
// formula ⌈height/32⌉x⌈width/32⌉ the rule wrote.
struct RowAttributes {
  std::string kernel, stride, padding, dilation;
  bool has_groups = false;
  Int groups = 0;
  std::string misc;  // other attributes as name=value, ';'-separated: "sampling_ratio=2"
};

struct ReportRow {
  const Row* grouped = nullptr;  // the grouping: path, kind ("block" when collapsed), depth, op count, figures
  const analysis::GroupRow& group() const { return grouped->group; }
  const std::vector<std::size_t>& layers() const { return grouped->layers; }  // indices into Analysis::layers
  bool collapsed() const { return grouped->collapsed; }
  bool fully_costed() const { return grouped->fully_costed; }

  const ir::Op* op = nullptr;                            // the op of an op row; null for a collapsed block
  std::vector<const std::vector<Int>*> inputs, outputs;  // evaluated shapes
  const RowAttributes* attributes = nullptr;             // kernel, stride, ... of an op row; may be null
  std::vector<RowWeight> weights;
  bool has_training = false;
  analysis::TrainLayerFigures training;
  bool has_roofline = false;
  double time_s = 0;
  analysis::Unit bound = analysis::Unit::kMemory;  // the unit whose time is largest over the row's ops

  // An op without a cost rule has unknown work, which is not zero work: formats leave it empty (null).
  bool unknown_work() const { return !collapsed() && !fully_costed(); }
};

// Hands out the rows at `depth` (SIZE_MAX: one per op) in execution order, one at a time into the same object,
// so a 1M-op report allocates nothing per row.
class RowSource {
 public:
  RowSource(const analysis::Analysis& analysis, std::size_t depth);
  const GraphView& view() const { return view_; }
  std::size_t depth() const { return depth_; }
  // The deepest row's depth + 1: how many hierarchy levels the rows have, at most kMaxLevelColumns (the path
  // column holds the deeper parts): a level column per part would make a report of deep paths grow with their
  // depth times the number of rows.
  static constexpr std::size_t kMaxLevelColumns = 32;
  std::size_t levels() const;

  template <typename Visit>
  void for_each(Visit&& visit) {
    ReportRow row;
    view_.for_each_row(depth_, [&](const Row& grouped) {
      fill(grouped, row);
      visit(static_cast<const ReportRow&>(row));
    });
  }

 private:
  void fill(const Row& grouped, ReportRow& row);
  const std::vector<std::vector<Int>>& weight_shapes(const ir::OpCosts& costs);
  const RowAttributes& attributes(const ir::DisplayHints& display);

  const analysis::Analysis& analysis_;
  GraphView view_;
  std::size_t depth_;
  // Ops share cost records (ir::CostTable): each distinct record's weight shapes are evaluated once.
  std::unordered_map<const ir::OpCosts*, std::vector<std::vector<Int>>> weight_shapes_;
  // Ops with the same rule answer share display hints: each distinct one is evaluated once.
  std::unordered_map<const ir::DisplayHints*, RowAttributes> attributes_;
};

}  // namespace nnscope::report
