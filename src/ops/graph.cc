// Graph operators (message passing, as PyTorch Geometric does it): gather_rows, scatter, edge_softmax.
//
// A graph is a node-feature tensor [nodes, ...] and edge-index tensors i64[edges] (the source or the
// destination node of each edge); nodes and edges are size symbols. Gathers and scatters do no GEMM work:
// what they cost is memory traffic, reported as gathered_elements (like an embedding's rows read), the
// elements moved by index. Only the reductions do arithmetic, on the vector unit:
// - gather_rows(x [N, F...], index [E]) -> [E, F...]: no arithmetic; gathers E·F elements.
// - scatter(src [E, F...], index [E], nodes, reduce) -> [nodes, F...]: scatters E·F elements; sum adds
//   each one (E·F adds), mean adds the same and divides each output element once (+ nodes·F), max compares
//   each one (E·F).
// - edge_softmax(scores [E, H], index [E], nodes): a softmax over the edges of each destination node, counted
//   as the softmax rule counts rows: with E·H elements in R = nodes·H rows, element-wise 4·E·H - 2·R (max,
//   subtract, sum, divide), activation E·H (exp); it reads the per-node max and sum back for each edge
//   (gathered 2·E·H). Every node is assumed to have an incoming edge (GCN and GAT add self-loops).
//
// Backward (no gradient for the index, which is kept): gather_rows' input gradient is a scatter-add of the
// output gradient, one add per gathered element (E·F). scatter-sum's is a gather (no arithmetic); mean's
// divides the output gradient once per output element and gathers it (nodes·F); max's routes each output
// gradient to the winning edge, kept as an int64 index per output element (no arithmetic). edge_softmax's is
// the softmax rule's: dx = y·(dy - sum(dy·y)) per destination, element-wise 4·E·H - R, keeping y.
#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

// The index names one node per edge: an integer vector with one entry per row (edge) of the tensor `values`.
void require_edge_index(const OpArgs& args, const Expr& edges, const std::string& values, OpContext& context,
                        const std::string& op) {
  require_rank(args, "index", 1, op);
  const TensorType& index = args.tensor("index");
  if (is_floating(index.dtype) || index.dtype == DType::kBool) {
    throw OpError(op + " index must be an integer tensor, got " + std::string(dtype_name(index.dtype)) + " " +
                      shape_string(index.shape),
                  "index");
  }
  if (!context.same_size(index.shape[0], edges)) {
    throw OpError(op + " index has " + index.shape[0].to_string() + " entries but " + values + " has " +
                      edges.to_string() + " rows (one index entry per edge)",
                  "index");
  }
}

// Elements per row: the product of every axis after the first.
Expr row_elements(const TensorType& x) { return product(x.shape, 1, x.shape.size()); }

// The arguments of a reduction from edges into nodes: `values` [edges, ...] (rank >= 1), the index naming each
// edge's destination and the node count.
struct IntoNodes {
  const TensorType& values;
  Expr edges, nodes;
};

IntoNodes into_nodes(const OpArgs& args, const std::string& values, OpContext& context, const std::string& op) {
  require_min_rank(args, values, 1, op);
  const TensorType& tensor = args.tensor(values);
  Expr edges = tensor.shape[0];
  require_edge_index(args, edges, values, context, op);
  const Expr& nodes = args.integer("nodes");
  require_at_least({nodes}, 1, context, "nodes");
  return {tensor, edges, nodes};
}

OpResult gather_rows(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "x", 1, "gather_rows");
  const TensorType& x = args.tensor("x");
  require_rank(args, "index", 1, "gather_rows");  // before reading its length
  Expr edges = args.tensor("index").shape[0];
  require_edge_index(args, edges, "index", context, "gather_rows");
  Shape out = x.shape;
  out[0] = edges;
  OpResult result;
  result.outputs.push_back(TensorType{std::move(out), x.dtype});
  result.gathered_elements = edges * row_elements(x);
  result.gathered_dtype = x.dtype;
  result.backward.input = {Cost{{}, result.gathered_elements, {}}, Cost{}};
  result.backward.saves_input = {false, true};
  return result;
}

OpResult scatter(const OpArgs& args, OpContext& context) {
  IntoNodes g = into_nodes(args, "src", context, "scatter");
  const TensorType& src = g.values;
  const std::string& reduce = args.string("reduce");
  if (reduce != "sum" && reduce != "mean" && reduce != "max") {
    throw OpError("scatter reduce must be \"sum\", \"mean\" or \"max\", got \"" + reduce + "\"", "reduce");
  }
  Shape out = src.shape;
  out[0] = g.nodes;
  Expr moved = g.edges * row_elements(src);
  Expr out_elements = g.nodes * row_elements(src);
  OpResult result;
  result.outputs.push_back(TensorType{std::move(out), src.dtype});
  result.gathered_elements = moved;
  result.gathered_dtype = src.dtype;
  result.forward.elementwise = moved;
  Cost src_gradient;
  if (reduce == "mean") {
    result.forward.elementwise += out_elements;
    src_gradient.elementwise = out_elements;
  }
  if (reduce == "max") result.backward.saved_bytes = out_elements * 8;
  result.backward.input = {src_gradient, Cost{}};
  result.backward.saves_input = {false, true};
  return result;
}

OpResult edge_softmax(const OpArgs& args, OpContext& context) {
  IntoNodes g = into_nodes(args, "scores", context, "edge_softmax");
  const TensorType& scores = g.values;
  Expr elements = numel(scores);
  Expr rows = g.nodes * row_elements(scores);
  OpResult result;
  result.outputs.push_back(scores);
  result.forward.elementwise = 4 * elements - 2 * rows;
  result.forward.activation = elements;
  result.gathered_elements = 2 * elements;
  result.gathered_dtype = scores.dtype;
  result.backward.input = {Cost{{}, 4 * elements - rows, {}}, Cost{}};
  result.backward.saves_input = {false, true};
  result.backward.saves_output = true;
  return result;
}

}  // namespace

void register_graph_ops(Registry& registry) {
  registry.add({.name = "gather_rows",
                .summary = "rows of x picked by an edge index: x [nodes, ...], index i64[edges] -> [edges, ...]",
                .args = {ArgSpec::tensor("x").describe("Node features [N, F...]."),
                         ArgSpec::tensor("index").describe("An integer vector [E]: the row each edge reads.")},
                .apply = gather_rows,
                .doc = {"[E, F...] (x's dtype)", "",
                        "none: a gather (its E·F gathered elements are reported as bytes, like an embedding)",
                        "a scatter-add of the gradient into x's rows, element-wise E·F. Keeps the index."}});
  registry.add(
      {.name = "scatter",
       .summary = "edge rows reduced (sum, mean or max) into their nodes: src [edges, ...], index i64[edges] -> "
                  "[nodes, ...]",
       .args = {ArgSpec::tensor("src").describe("Edge rows [E, F...]."),
                ArgSpec::tensor("index").describe("An integer vector [E]: the destination node of each row."),
                ArgSpec::integer("nodes").describe("The number of nodes N (a size symbol)."),
                ArgSpec::string("reduce", "sum").describe("\"sum\", \"mean\" or \"max\".")},
       .apply = scatter,
       .doc = {"[nodes, F...]", "",
               "element-wise: sum E·F adds; mean E·F + nodes·F (a divide per output element); max E·F compares",
               "sum: a gather of the gradient (no arithmetic); mean nodes·F; max keeps 8 bytes per output element "
               "(the winning edge)."}});
  registry.add({.name = "edge_softmax",
                .summary = "softmax of edge scores [edges, ...] over the edges of each destination node (index "
                           "i64[edges])",
                .args = {ArgSpec::tensor("scores").describe("Edge scores [E, H...]."),
                         ArgSpec::tensor("index").describe("An integer vector [E]: the destination node of each edge."),
                         ArgSpec::integer("nodes").describe("The number of nodes N (a size symbol).")},
                .apply = edge_softmax,
                .doc = {"scores' shape", "",
                        "element-wise 4e − 2R, activation e (the exp), with e = E·H elements in R = nodes·H rows",
                        "element-wise 4e − R. Keeps the output and the index."}});
}

}  // namespace nnscope::ops
