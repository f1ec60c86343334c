// Pins the graph networks of the standard library (gcn_cora, gat_cora, graphsage, rgat) to PyTorch Geometric's
// example configurations: parameters as published (GCN on Cora 23,063, GAT on Cora 92,373), GEMM MACs and the
// element-wise and activation work as closed forms in nodes and edges derived in each test, and output shapes
// at two graph sizes. E' = edges + nodes is the edge count once GCNConv / GATConv add a self-loop per node.
#include <gtest/gtest.h>

#include <sstream>

#include "analysis/analysis.h"
#include "cli/run_util.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;

struct Graph {
  Int nodes, edges;
};
constexpr Graph kCora{2708, 10556};
constexpr Graph kSmall{100, 640};

std::unique_ptr<testing::ModelRun> run(const std::string& model, Graph g) {
  return testing::run_model(model, {{"nodes", g.nodes}, {"edges", g.edges}});
}

const analysis::Layer* layer_at(const testing::ModelRun& r, const std::string& path) {
  for (const analysis::Layer& layer : r.analysis.layers) {
    if (r.graph.ops[layer.op].path == path) return &layer;
  }
  return nullptr;
}

TEST(GnnGcnCora, PygExampleParamsMacsAndWork) {
  // examples/gcn.py: GCNConv(1433, 16), GCNConv(16, 7); each lin [out, in] without bias plus bias [out].
  Int params = (1433 * 16 + 16) + (16 * 7 + 7);
  EXPECT_EQ(params, Int(23'063));
  for (Graph g : {kCora, kSmall}) {
    auto r = run("gcn_cora", g);
    Int n = g.nodes, e = g.edges, loops = e + n;
    EXPECT_EQ(r->analysis.totals.figures.params, params);
    // Only the two linear layers are GEMM work.
    EXPECT_EQ(r->analysis.totals.figures.gemm_macs, n * (1433 * 16 + 16 * 7));
    // Per layer of width c over E' edges: degree scatter E', norm multiply E', message multiply E'·c,
    // scatter-sum E'·c, bias n·c. Widths 16 and 7: 4E' + 2·23·E' + 23n.
    EXPECT_EQ(r->analysis.totals.figures.elementwise_ops, 4 * loops + 46 * loops + 23 * n);
    // rsqrt of each degree in both layers, relu on the 16 hidden features.
    EXPECT_EQ(r->analysis.totals.figures.activation_ops, 2 * n + 16 * n);
    EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{n, 7}));
  }
  auto r = run("gcn_cora", kCora);
  const analysis::Layer* lin = layer_at(*r, "conv1.lin");
  ASSERT_NE(lin, nullptr);
  EXPECT_EQ(lin->figures.params, Int(1433 * 16));
  const analysis::Layer* bias = layer_at(*r, "conv2.bias");
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->figures.params, Int(7));
}

TEST(GnnGatCora, PygExampleParamsMacsAndWork) {
  // examples/gat.py: GATConv(1433, 8, heads=8): lin 1433·64, att_src and att_dst 64 each, bias 64;
  // GATConv(64, 7, heads=1, concat=False): lin 64·7, att_src, att_dst and bias 7 each.
  Int params = (1433 * 64 + 3 * 64) + (64 * 7 + 3 * 7);
  EXPECT_EQ(params, Int(92'373));
  for (Graph g : {kCora, kSmall}) {
    auto r = run("gat_cora", g);
    Int n = g.nodes, e = g.edges, loops = e + n;
    EXPECT_EQ(r->analysis.totals.figures.params, params);
    EXPECT_EQ(r->analysis.totals.figures.gemm_macs, n * (1433 * 64 + 64 * 7));
    // conv1 (8 heads of 8): <h, att> multiplies 2·64n and sums 2·8·7n; the per-edge sum of the two scores 8E';
    // edge softmax 4·8E' - 2·8n; messages 64E'; scatter-sum 64E'; bias 64n.
    Int conv1 = 2 * 64 * n + 2 * 56 * n + 8 * loops + (32 * loops - 16 * n) + 64 * loops + 64 * loops + 64 * n;
    // conv2 (1 head of 7): 2·7n + 2·6n; E'; 4E' - 2n; 7E'; 7E'; mean over the one head 7n; bias 7n.
    Int conv2 = 14 * n + 12 * n + loops + (4 * loops - 2 * n) + 7 * loops + 7 * loops + 7 * n + 7 * n;
    EXPECT_EQ(r->analysis.totals.figures.elementwise_ops, conv1 + conv2);
    // leaky_relu and exp per edge and head (8 + 1 heads), elu on the 64 hidden features.
    EXPECT_EQ(r->analysis.totals.figures.activation_ops, 2 * 8 * loops + 2 * loops + 64 * n);
    EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{n, 7}));
  }
  auto r = run("gat_cora", kCora);
  const analysis::Layer* att = layer_at(*r, "conv1.att_src");
  ASSERT_NE(att, nullptr);
  EXPECT_EQ(att->figures.params, Int(64));
}

TEST(GnnGraphSage, PygRedditExampleParamsMacsAndWork) {
  // examples/reddit.py: SAGE(602, 256, 41), SAGEConv = lin_l [out, in] + bias and lin_r [out, in].
  Int params = (2 * 602 * 256 + 256) + (2 * 256 * 41 + 41);
  EXPECT_EQ(params, Int(329'513));
  auto whole = testing::run_model("graphsage");
  EXPECT_EQ(whole->analysis.totals.figures.params, params);
  EXPECT_EQ(whole->analysis.output_shapes[0], (std::vector<Int>{232'965, 41}));  // PyG's Reddit: 232,965 nodes
  for (Graph g : {kCora, kSmall}) {
    auto r = run("graphsage", g);
    Int n = g.nodes, e = g.edges;
    EXPECT_EQ(r->analysis.totals.figures.gemm_macs, 2 * n * (602 * 256 + 256 * 41));
    // Mean of the gathered neighbours (E·c adds, n·c divides), lin_l's bias and the sum of the two linears.
    EXPECT_EQ(r->analysis.totals.figures.elementwise_ops,
              (602 * e + 602 * n + 2 * 256 * n) + (256 * e + 256 * n + 2 * 41 * n));
    EXPECT_EQ(r->analysis.totals.figures.activation_ops, 256 * n);
    EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{n, 41}));
  }
}

// MLPerf's R-GAT on IGBH-full (mlcommons/training graph_neural_network, since Training v6.0
// retired_benchmarks/rgat/rgnn.py; graphlearn-for-pytorch examples/igbh/rgnn.py): 3 HeteroConv layers of
// GATConv(in, 128, heads = 4, add_self_loops = False) over the 11 relations, lin 512 -> 2983 on the paper nodes.
// tests/models/reference/rgat_igbh.py re-implements that layout and forward pass in plain PyTorch (PyTorch
// Geometric is not needed) and prints 13,115,303 parameters in 134 tensors, 128,493,946,880 GEMM MACs (hooks on
// every nn.Linear) for the sampler's bound from one seed and 70,907,555,840 for the measured-size sample below.
struct IgbhSample {
  Int papers, authors, institutes, fos, journals, conferences;
};

// The neighbour sampler's upper bound for fanout 15, 10, 5 from `batch` seed papers, hop by hop: each node draws
// f in-neighbours along every relation into its type (5 into paper, 2 into author, 1 into each other type).
IgbhSample sampled_upper_bound(Int batch) {
  // Frontiers per hop: hop 0 = the seeds; hop k's new nodes come from hop k-1's frontier.
  Int paper = batch, author = 0, institute = 0, fos = 0, journal = 0, conference = 0;
  IgbhSample total{batch, 0, 0, 0, 0, 0};
  for (Int f : {Int(15), Int(10), Int(5)}) {
    // Into paper: cites (paper), rev_written_by (author), rev_topic (fos), rev_published, rev_venue.
    // Into author: written_by (paper), rev_affiliated_to (institute). Into institute: affiliated_to (author).
    // Into fos / journal / conference: topic / published / venue (paper).
    Int new_paper = f * (paper + author + fos + journal + conference);
    Int new_author = f * (paper + institute);
    Int new_institute = f * author;
    Int new_fos = f * paper, new_journal = f * paper, new_conference = f * paper;
    paper = new_paper, author = new_author, institute = new_institute;
    fos = new_fos, journal = new_journal, conference = new_conference;
    total.papers += paper, total.authors += author, total.institutes += institute;
    total.fos += fos, total.journals += journal, total.conferences += conference;
  }
  return total;
}

TEST(GnnRgat, MlperfIgbhFullParamsAndMacs) {
  // PyG GATConv(in, 128, heads = 4): lin [512, in] (no bias, one weight for source and destination), att_src
  // [1, 4, 128], att_dst [1, 4, 128], bias [512]; 11 relations per layer.
  const Int conv0 = 1024 * 512 + 3 * 512, conv = 512 * 512 + 3 * 512;
  const Int params = 11 * conv0 + 2 * 11 * conv + (512 * 2983 + 2983);
  EXPECT_EQ(params, Int(13'115'303));
  // Each relation projects its source and its destination nodes (the paper-cites-paper relation its papers once):
  // papers 9 times per layer, authors 4, every other type 2.
  auto macs = [](const IgbhSample& n) {
    Int projected = 9 * n.papers + 4 * n.authors + 2 * (n.institutes + n.fos + n.journals + n.conferences);
    return (1024 + 512 + 512) * 512 * projected + n.papers * 512 * 2983;
  };
  // The reference script's figures: the sampler's bound from one seed (7,516 papers, 4,665 authors, 900
  // institutes, 3,915 each of fields of study, journals and conferences) and the measured sample.
  auto one = testing::run_model("rgat", {{"batch", 1}});
  EXPECT_EQ(testing::params(*one), Int(13'115'303));
  EXPECT_EQ(testing::macs(*one), Int(128'493'946'880));
  EXPECT_EQ(macs(sampled_upper_bound(1)), Int(128'493'946'880));
  EXPECT_EQ(one->analysis.output_shapes[0], (std::vector<Int>{1, 2983}));
  EXPECT_EQ(macs(IgbhSample{5000, 3000, 700, 900, 40, 30}), Int(70'907'555'840));
  for (Int batch : {Int(1024), Int(8)}) {
    IgbhSample n = sampled_upper_bound(batch);
    EXPECT_EQ(n.papers, 7516 * batch);  // 1 + 15 + 750 + 6750 per seed
    auto r = testing::run_model("rgat", {{"batch", batch}});
    EXPECT_EQ(testing::params(*r), params);
    EXPECT_EQ(testing::macs(*r), macs(n)) << sym::to_string(batch);
    EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{batch, 2983}));
  }
  // Measured counts through --set: the formula is in the per-type node counts.
  auto r = testing::run_model("rgat");
  IgbhSample measured{5000, 3000, 700, 900, 40, 30};
  EXPECT_EQ(testing::macs_at(*r, {{"papers", 5000},
                                  {"authors", 3000},
                                  {"institutes", 700},
                                  {"fos", 900},
                                  {"journals", 40},
                                  {"conferences", 30}}),
            macs(measured));
  // Edge work (edge softmax, messages, scatter) is a formula in each relation's edge count; GEMM work is not.
  EXPECT_EQ(r->analysis.formulas.elementwise_ops.degree("cites"), 1);
  EXPECT_EQ(r->analysis.formulas.gemm_macs.degree("cites"), 0);
  for (const char* path :
       {"convs.0.convs.paper__cites__paper.lin", "convs.2.convs.conference__rev_venue__paper.att_dst",
        "convs.1.convs.author__affiliated_to__institute.bias", "lin"}) {
    EXPECT_TRUE(testing::has_path(*r, path)) << path;
  }
  const analysis::Layer* lin = layer_at(*r, "convs.0.convs.paper__written_by__author.lin");
  ASSERT_NE(lin, nullptr);
  EXPECT_EQ(lin->figures.params, Int(1024 * 512));
}

TEST(GnnFormulas, InNodesAndEdges) {
  auto r = testing::run_model("gcn_cora");
  const sym::Expr nodes = sym::Expr::symbol("nodes");
  EXPECT_EQ(r->analysis.formulas.gemm_macs, 23'040 * nodes);
  // 50·(edges + nodes) + 23·nodes, as derived in GnnGcnCora.
  EXPECT_EQ(r->analysis.formulas.elementwise_ops, 50 * sym::Expr::symbol("edges") + 73 * nodes);
}

// The binary sweeps the edge count: element-wise work grows by 50 per edge, GEMM work not at all.
TEST(GnnSweep, EdgesThroughTheBinary) {
  testing::CommandResult r = testing::run_nnscope("analyze gcn_cora --sweep edges=1000,10556,20000 --format csv");
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::vector<std::vector<std::string>> rows;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::stringstream cells_in(line);
    std::string cell;
    while (std::getline(cells_in, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  ASSERT_EQ(rows.size(), 4u) << r.out;
  auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < rows[0].size(); ++i)
      if (rows[0][i] == name) return i;
    ADD_FAILURE() << "no column " << name << " in " << r.out;
    return std::size_t{0};
  };
  std::size_t edges = column("edges"), macs = column("gemm_macs"), elementwise = column("elementwise_ops");
  const Int expected_edges[] = {1000, 10556, 20000};
  for (std::size_t i = 0; i < 3; ++i) {
    const std::vector<std::string>& row = rows[i + 1];
    Int e = expected_edges[i];
    EXPECT_EQ(row.at(edges), std::to_string(static_cast<long long>(e)));
    EXPECT_EQ(row.at(macs), std::to_string(23'040LL * 2708));
    EXPECT_EQ(row.at(elementwise), std::to_string(static_cast<long long>(50 * e + 73 * 2708)));
  }
}

}  // namespace
}  // namespace nnscope
