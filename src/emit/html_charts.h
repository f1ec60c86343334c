#pragma once
// Internal to the HTML report (emit/html.cc): its charts, each an inline <svg> drawn with emit/svg.h from the
// report's rows. Every per-row chart puts exactly one element per row in its <g class="bars"> (a <rect>, or a
// <g> of stacked segments), in execution order, so a reader (and the browser test) can match bars to rows.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/roofline.h"
#include "analysis/training.h"

namespace nnscope::emit::charts {

// What the charts read of one report row (report::ReportRow), copied since RowSource hands rows out one at a time.
struct ChartRow {
  std::string path, kind;
  bool unknown_work = false;
  analysis::LayerFigures figures;
  analysis::TrainLayerFigures training;
  double time_s = 0;
  analysis::Unit bound = analysis::Unit::kMemory;
};

// One series of a stacked bar chart: its legend name, CSS class and value per row.
struct Series {
  std::string_view name, css_class;
  double (*get)(const ChartRow& row);
};

// Bars per row in execution order, segments stacked; the `label_count` heaviest rows are labelled.
std::string row_bars(const std::vector<ChartRow>& rows, std::string_view chart_key, std::string_view title,
                     std::string_view unit, const std::vector<Series>& series, std::size_t label_count = 5);
// Roofline time per row, each bar coloured by the unit that bounds it.
std::string time_bars(const std::vector<ChartRow>& rows);
// The profile's roofs per unit (log axes) and one point per row at its arithmetic intensity.
std::string roofline_chart(const std::vector<ChartRow>& rows, const analysis::Roofline& roofline, bool training);
// Horizontal bars of FLOPs per op type, heaviest first.
std::string op_type_chart(const std::vector<analysis::OpTypeTotal>& types);
// One horizontal stacked bar of a training step's memory.
std::string training_memory_chart(const analysis::TrainTotals& totals);

// The model at a shallow depth: boxes in execution order, top to bottom, with the edges between them (from, to)
// drawn as straight links between neighbours and side arcs for skips.
struct StructureBox {
  std::string path, kind, shape;
  std::size_t ops = 0;
};
std::string structure_diagram(const std::vector<StructureBox>& boxes,
                              const std::vector<std::pair<std::size_t, std::size_t>>& edges, std::size_t depth);

// One line chart of a total against the swept parameter (x: its values, or the point's index when several
// parameters are swept); log axes where the range spans decades.
std::string sweep_chart(std::string_view key, std::string_view title, std::string_view x_title,
                        const std::vector<double>& xs, const std::vector<double>& ys,
                        const std::vector<std::string>& point_labels);

}  // namespace nnscope::emit::charts
