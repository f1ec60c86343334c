// Graphviz DOT, from the report's rows (report::RowSource): ops (or blocks collapsed at --depth) as boxes inside nested
// clusters that follow the path hierarchy, weights as small note boxes, model inputs and outputs as ellipses, edges
// labelled with the tensor shape. Node ids are generated (n0, w0_1, in0, out0), never derived from user text, so only
// labels need escaping.
#include <algorithm>
#include <map>
#include <memory>

#include "emit/emit.h"
#include "emit/format.h"
#include "report/rows.h"

namespace nnscope::emit {
namespace {

using detail::GraphView;

// Inside a double-quoted DOT string only '"' and '\' are special; a line break is written "\n", which
// Graphviz centres.
std::string label(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i) out += "\\n";
    for (char c : lines[i]) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n' || c == '\r') {
        out += ' ';
        continue;
      }
      out += c;
    }
  }
  return out + "\"";
}

// A cluster's label is its path; past kMaxLabelPath bytes, "…" and the path's last kKeptPath bytes, so a path of
// many parts labels its clusters in space linear in its length (each cluster would repeat its whole prefix).
constexpr std::size_t kMaxLabelPath = 160, kKeptPath = 120;
// Blocks nest as clusters this deep at most (an op deeper sits in its 32nd enclosing block's cluster): a cluster
// per part of every path would make a graph of many deep paths hold their parts' count in clusters.
constexpr std::size_t kMaxClusterDepth = 32;

struct Cluster {
  std::string path;  // the path, or its last kKeptPath bytes when `cut`
  bool cut = false;
  std::vector<std::string> statements;  // node definitions, in order
  std::vector<std::unique_ptr<Cluster>> children;
  std::map<std::string, Cluster*> by_name;
};

Cluster& cluster_for(Cluster& root, const std::vector<std::string>& segments, std::size_t count) {
  Cluster* c = &root;
  for (std::size_t k = 0; k < count; ++k) {
    auto it = c->by_name.find(segments[k]);
    if (it == c->by_name.end()) {
      auto child = std::make_unique<Cluster>();
      child->path = (k ? c->path + "." : "") + segments[k];  // built once, when the cluster is made
      child->cut = c->cut;
      if (child->path.size() > kMaxLabelPath) {
        child->path.erase(0, child->path.size() - kKeptPath);
        child->cut = true;
      }
      c->children.push_back(std::move(child));
      it = c->by_name.emplace(segments[k], c->children.back().get()).first;
    }
    c = it->second;
  }
  return *c;
}

void write_cluster(std::string& out, const Cluster& c, std::size_t indent, std::size_t& next_id) {
  std::string pad(indent, ' ');
  for (const std::string& s : c.statements) out += pad + s + "\n";
  for (const auto& child : c.children) {
    out += pad + "subgraph cluster_" + std::to_string(next_id++) + " {\n";
    out += pad + "  label=" + label({(child->cut ? "…" : "") + child->path}) + ";\n";
    out += pad + "  style=\"rounded,dashed\"; color=\"#9a9a9a\"; fontcolor=\"#555555\";\n";
    write_cluster(out, *child, indent + 2, next_id);
    out += pad + "}\n";
  }
}

}  // namespace

std::string dot(const analysis::Analysis& analysis, const EmitOptions& options) {
  report::RowSource rows(analysis, options.depth);
  const GraphView& view = rows.view();
  const ir::Graph& graph = view.graph();

  std::map<ir::TensorId, std::string> input_node;
  for (std::size_t k = 0; k < graph.inputs.size(); ++k) input_node[graph.inputs[k]] = "in" + std::to_string(k);

  Cluster root;
  for (ir::TensorId t : graph.inputs) {
    root.statements.push_back(input_node[t] + " [shape=ellipse, style=filled, fillcolor=\"#e8f0fe\", label=" +
                              label({graph.tensors[t].name, shape_text(view.shape(t))}) + "];");
  }
  // Each op's node: its own, or that of the block it is collapsed into. Filled by the rows, read by the edges.
  std::vector<std::string> op_node(graph.ops.size());
  std::size_t r = 0;
  rows.for_each([&](const report::ReportRow& row) {
    std::string id = "n" + std::to_string(r);
    for (std::size_t i : row.layers()) op_node[analysis.layers[i].op] = id;
    std::vector<std::string> segments = detail::split_path(row.group().path);
    Cluster& c = cluster_for(root, segments, std::min(segments.size() - 1, kMaxClusterDepth));
    std::vector<std::string> lines = {segments.back()};
    std::string attributes;
    const analysis::LayerFigures& f = row.group().figures;
    if (row.collapsed()) {
      lines.push_back("block (" + std::to_string(row.group().op_count) + " ops)");
      attributes = ", style=\"rounded,filled,bold\", fillcolor=\"#f3f3f3\"";
    } else {
      lines.emplace_back(row.group().kind);
    }
    lines.push_back(detail::join_shapes(row.outputs));
    if (f.gemm_macs != 0) lines.push_back(human_count(f.gemm_macs, "MACs"));
    if (!row.fully_costed()) {
      lines.push_back(row.collapsed() ? "(has ops not costed)" : "(not costed)");
      attributes += ", color=\"#c0392b\", fontcolor=\"#c0392b\"";
    }
    c.statements.push_back(id + " [label=" + label(lines) + attributes + "];");

    // Weights sit in their op's cluster, next to it. A collapsed block gets one box for all of its own.
    if (row.collapsed()) {
      if (!row.weights.empty()) {
        std::string w = "w" + std::to_string(r);
        c.statements.push_back(
            w + " [shape=note, style=filled, fillcolor=\"#fff8dc\", fontsize=8, label=" +
            label({"weights ×" + std::to_string(row.weights.size()), human_count(f.params, "params")}) + "];");
        c.statements.push_back(w + " -> " + id + " [style=dashed, arrowsize=0.5];");
      }
    } else {
      for (std::size_t k = 0; k < row.weights.size(); ++k) {
        std::string w = "w" + std::to_string(r) + "_" + std::to_string(k);
        c.statements.push_back(w + " [shape=note, style=filled, fillcolor=\"#fff8dc\", fontsize=8, label=" +
                               label({std::string(row.weights[k].name) + " " + shape_text(*row.weights[k].shape)}) +
                               "];");
        c.statements.push_back(w + " -> " + id + " [style=dashed, arrowsize=0.5];");
      }
    }
    ++r;
  });
  auto source_of = [&](ir::TensorId t) -> std::string {
    std::size_t producer = graph.tensors[t].producer;
    if (producer != ir::kNoOp) return op_node[producer];
    auto it = input_node.find(t);
    return it == input_node.end() ? std::string() : it->second;
  };
  for (std::size_t k = 0; k < graph.outputs.size(); ++k) {
    root.statements.push_back("out" + std::to_string(k) +
                              " [shape=ellipse, style=filled, fillcolor=\"#e6f4ea\", label=" +
                              label({graph.outputs[k].name, shape_text(view.shape(graph.outputs[k].tensor))}) + "];");
  }

  // One edge per (source, target) pair: a collapsed block fed several tensors by one producer shows
  // one edge listing the distinct shapes.
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> shapes;
  auto connect = [&](const std::string& from, const std::string& to, const std::string& shape) {
    if (from.empty() || from == to) return;
    auto key = std::pair{from, to};
    auto [it, inserted] = shapes.try_emplace(key);
    if (inserted) order.push_back(key);
    if (std::find(it->second.begin(), it->second.end(), shape) == it->second.end()) it->second.push_back(shape);
  };
  // The rows cover the ops in execution order, so the edges come in the order the rows had them.
  for (const analysis::Layer& layer : analysis.layers) {
    const ir::Op& op = graph.ops[layer.op];
    for (ir::TensorId t : op.inputs) connect(source_of(t), op_node[layer.op], shape_text(view.shape(t)));
  }
  for (std::size_t k = 0; k < graph.outputs.size(); ++k) {
    ir::TensorId t = graph.outputs[k].tensor;
    connect(source_of(t), "out" + std::to_string(k), shape_text(view.shape(t)));
  }

  std::string out = "digraph " + label({graph.model_name}) + " {\n";
  out += "  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=11, labelloc=t, label=" +
         label({detail::model_title(analysis)}) + "];\n";
  out += "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\"];\n";
  std::size_t next_id = 0;
  write_cluster(out, root, 2, next_id);
  for (const auto& key : order) {
    std::string text;
    for (const std::string& s : shapes[key]) text += (text.empty() ? "" : ", ") + s;
    out += "  " + key.first + " -> " + key.second + " [label=" + label({text}) + "];\n";
  }
  out += "}\n";
  return out;
}

}  // namespace nnscope::emit
