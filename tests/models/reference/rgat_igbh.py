#!/usr/bin/python3
"""Parameters, GEMM MACs and output shape of MLPerf's R-GAT on IGBH-full, with plain PyTorch.

Independent of nnscope and of PyTorch Geometric (not installed here): a re-implementation of the parameter layout
and forward pass of MLCommons' reference model, mlcommons/training graph_neural_network/rgnn.py (since Training
v6.0 retired_benchmarks/rgat/rgnn.py; the same file as graphlearn-for-pytorch examples/igbh/rgnn.py):

    RGNN(etypes, in_dim=1024, h_dim=512, out_dim=2983, num_layers=3, dropout=0.2, model='rgat', heads=4,
         node_type='paper')
    convs[i] = HeteroConv({etype: GATConv(in_dim if i == 0 else 512, 512 // 4, heads=4, add_self_loops=False)})
    between layers leaky_relu (slope 0.01) and dropout; then lin = Linear(512, 2983) on the paper nodes.

train_rgnn_multi_gpu.py's defaults: --hidden_channels 512, --num_layers 3, --num_heads 4, --num_classes 2983,
--fan_out 15,10,5, --train_batch_size 1024; the features are 1024 wide for every node type and IGBH-full has
the 11 relations of graphlearn-for-pytorch examples/igbh/dataset.py (edge_dict, 'large'/'full').

PyG's GATConv with an int in_channels holds one Linear(in, heads·out, bias=False) (lin_src = lin_dst in
torch_geometric 2.4.0, which MLCommons' Dockerfile pins; `lin` in later releases: one tensor either way) applied
to the source and, for a bipartite relation, the destination features; att_src and att_dst [1, heads, out];
bias [heads·out] (concat). HeteroConv (aggr "sum") keys its
ModuleDict by "src__rel__dst" and calls a relation whose source and destination types agree with x_dict[src]
alone, so paper-cites-paper projects the papers once. The parameters are counted from these modules; the GEMM
MACs with forward hooks on every nn.Linear (rows x in x out), over a random graph with the given node counts per
type (the edge counts change only the edge softmax and the scatters, which are not MACs). The first `batch`
paper nodes are the seeds, whose logits are the output. Its output is what tests/models/gnn_test.cc pins.
Run: /usr/bin/python3 rgat_igbh.py.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

TYPES = ["paper", "author", "institute", "fos", "journal", "conference"]
RELATIONS = [("paper", "cites", "paper"), ("paper", "written_by", "author"),
             ("author", "affiliated_to", "institute"), ("paper", "topic", "fos"),
             ("author", "rev_written_by", "paper"), ("institute", "rev_affiliated_to", "author"),
             ("fos", "rev_topic", "paper"), ("paper", "published", "journal"),
             ("paper", "venue", "conference"), ("journal", "rev_published", "paper"),
             ("conference", "rev_venue", "paper")]


class GATConv(nn.Module):
    def __init__(self, in_channels, out_channels, heads, negative_slope=0.2):
        super().__init__()
        self.heads, self.out, self.negative_slope = heads, out_channels, negative_slope
        self.lin = nn.Linear(in_channels, heads * out_channels, bias=False)
        self.att_src = nn.Parameter(torch.randn(1, heads, out_channels))
        self.att_dst = nn.Parameter(torch.randn(1, heads, out_channels))
        self.bias = nn.Parameter(torch.zeros(heads * out_channels))

    def forward(self, x_src, x_dst, edge_index):
        h, c = self.heads, self.out
        xs = self.lin(x_src).view(-1, h, c)
        xd = xs if x_dst is None else self.lin(x_dst).view(-1, h, c)
        src, dst = edge_index
        alpha = F.leaky_relu((xs * self.att_src).sum(-1)[src] + (xd * self.att_dst).sum(-1)[dst], self.negative_slope)
        # Softmax over each destination's incoming edges.
        peak = torch.full((xd.shape[0], h), float("-inf")).scatter_reduce(0, dst[:, None].expand(-1, h), alpha, "amax")
        alpha = (alpha - peak[dst]).exp()
        alpha = alpha / torch.zeros(xd.shape[0], h).index_add(0, dst, alpha)[dst]
        out = torch.zeros(xd.shape[0], h, c).index_add(0, dst, xs[src] * alpha[..., None])
        return out.view(-1, h * c) + self.bias


class RGNN(nn.Module):
    def __init__(self, in_dim=1024, h_dim=512, out_dim=2983, num_layers=3, heads=4):
        super().__init__()
        self.lin = nn.Linear(h_dim, out_dim)
        self.convs = nn.ModuleList()
        for i in range(num_layers):
            conv = nn.Module()  # HeteroConv
            conv.convs = nn.ModuleDict({"__".join(r): GATConv(in_dim if i == 0 else h_dim, h_dim // heads, heads)
                                        for r in RELATIONS})
            self.convs.append(conv)

    def forward(self, x, edges):
        for i, conv in enumerate(self.convs):
            out = {}
            for r in RELATIONS:
                src, _, dst = r
                y = conv.convs["__".join(r)](x[src], None if src == dst else x[dst], edges[r])
                out[dst] = y if dst not in out else out[dst] + y
            x = out
            if i != len(self.convs) - 1:
                x = {t: F.leaky_relu(v) for t, v in x.items()}  # dropout: identity at inference
        return self.lin(x["paper"])


def sampled_upper_bound(batch, fanouts=(15, 10, 5)):
    """Node counts when every node draws `fanout` new in-neighbours along each relation into its type, per hop."""
    frontier = dict.fromkeys(TYPES, 0)
    frontier["paper"] = batch
    total = dict(frontier)
    for f in fanouts:
        new = dict.fromkeys(TYPES, 0)
        for src, _, dst in RELATIONS:
            new[src] += f * frontier[dst]
        frontier = new
        total = {t: total[t] + frontier[t] for t in TYPES}
    return total


def measure(model, batch, nodes, edges_per_relation=2000):
    torch.manual_seed(0)
    macs = [0]

    def hook(m, inputs, out):
        macs[0] += out.numel() * m.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Linear)]
    x = {t: torch.zeros(nodes[t], 1024) for t in TYPES}
    edges = {r: torch.stack([torch.randint(nodes[r[0]], (edges_per_relation,)),
                             torch.randint(nodes[r[2]], (edges_per_relation,))]) for r in RELATIONS}
    with torch.no_grad():
        out = model(x, edges)[:batch]
    for h in handles:
        h.remove()
    return macs[0], tuple(out.shape)


def main():
    model = RGNN().eval()
    params = sum(p.numel() for p in model.parameters())
    names = [n for n, _ in model.named_parameters()]
    print(f"rgat: params {params:,} in {len(names)} tensors, e.g. {names[0]}, {names[3]}, {names[-1]}")
    bound = sampled_upper_bound(1)
    print("sampler bound per seed:", ", ".join(f"{t} {n:,}" for t, n in bound.items()))
    measured = dict(paper=5000, author=3000, institute=700, fos=900, journal=40, conference=30)
    for batch, nodes in ((1, bound), (1024, measured)):
        macs, shape = measure(model, batch, nodes)
        print(f"rgat batch={batch} nodes {nodes}: GEMM MACs {macs:,} output {shape}")


if __name__ == "__main__":
    main()
