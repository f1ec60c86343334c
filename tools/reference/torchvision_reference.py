#!/usr/bin/python3
"""Writes tests/models/reference/torchvision.txt: torchvision's parameter counts, GEMM MACs and the output
shape of every convolution and linear layer, for the torchvision models of nnscope's standard library, at
two input sizes each (batch 1 at the default size and batch 3 at another size).

Run it with Debian's interpreter, which has python3-torch and python3-torchvision (1.13 / 0.14):

    /usr/bin/python3 tools/reference/torchvision_reference.py [--out FILE] [MODEL...]

It is never run by the build or CI: its output is committed, and tests/models/reference_test.cc compares
nnscope's figures and paths with it.

How the figures are counted (nnscope's convention, the one of torchvision's published "GFLOPS"):
  - params: sum of numel() over model.parameters() (buffers such as BatchNorm running statistics excluded).
  - GEMM MACs, from forward hooks:
      Conv2d           N * Cout * prod(out spatial) * (Cin / groups) * prod(kernel)
      ConvTranspose2d  N * Cin * prod(in spatial) * (Cout / groups) * prod(kernel)
      Linear           prod(leading dims of the input) * in_features * out_features
    Bias is not GEMM work. Matrix products that no hooked module makes are caught as function calls (a
    TorchFunctionMode, active while no Linear or MultiheadAttention module runs, so nothing counts twice):
      F.linear         prod(leading dims of the input) * in_features * out_features
      matmul / @ / bmm prod(broadcast batch dims) * n * k * m
    Swin's ShiftedWindowAttention applies its qkv and proj weights with F.linear and computes its attention
    with Tensor.matmul; those calls are counted this way. nn.MultiheadAttention (ViT) computes its input
    projections from in_proj_weight, its attention matmuls and its output projection functionally, so hooks on
    its submodules never fire; its hook adds them by hand: 3*B*S*E*E (q, k, v) + 2*B*S*S*E (Q@K^T and P@V over all heads)
    + B*S*E*E (out_proj).
  - shapes: the output shape of every Conv2d / ConvTranspose2d / Linear call, keyed by the module's path
    as model.named_modules() gives it. For nn.MultiheadAttention the output shape is recorded under its
    (never called) out_proj module, "<path>.out_proj", which is the projection that produces it.
    An F.linear call on the weight of a Linear module that was not called (Swin's attn.qkv and attn.proj)
    is recorded under that module's path, the nnscope op that computes it.
    A module called more than once per forward (none of the listed models does so for a conv or linear)
    is recorded once, at its first call; every call counts towards gemm_macs.

File format (line oriented, parsed without a JSON library):
    # comment
    model <torchvision name> nnscope=<standard-library name> batch=<N> height=<H> width=<W>
    params <integer>
    gemm_macs <integer>
    shape <module path> <d0>x<d1>x...      (one per conv/linear call, in execution order)
    output <d0>x<d1>x...                   (the model's output)
    end
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torchvision
from torch.overrides import TorchFunctionMode

# (torchvision name, nnscope name, constructor kwargs, [(batch, height, width[, extra constructor kwargs]), ...])
DEFAULT = [(1, 224, 224), (3, 320, 256)]
MODELS = [
    ("resnet18", "resnet18", {}, DEFAULT),
    ("resnet34", "resnet34", {}, DEFAULT),
    ("resnet50", "resnet50", {}, DEFAULT),
    ("resnet101", "resnet101", {}, DEFAULT),
    ("resnet152", "resnet152", {}, DEFAULT),
    ("resnext50_32x4d", "resnext50_32x4d", {}, DEFAULT),
    ("vgg11", "vgg11", {"init_weights": False}, DEFAULT),
    ("vgg16", "vgg16", {"init_weights": False}, DEFAULT),
    ("vgg19", "vgg19", {"init_weights": False}, DEFAULT),
    ("vgg16_bn", "vgg16_bn", {"init_weights": False}, DEFAULT),
    ("vgg19_bn", "vgg19_bn", {"init_weights": False}, DEFAULT),
    ("alexnet", "alexnet", {}, DEFAULT),
    ("densenet121", "densenet121", {}, DEFAULT),
    ("densenet169", "densenet169", {}, DEFAULT),
    ("mobilenet_v2", "mobilenet_v2", {}, DEFAULT),
    ("mobilenet_v3_large", "mobilenet_v3_large", {}, DEFAULT),
    ("efficientnet_b0", "efficientnet_b0", {}, DEFAULT),
    ("googlenet", "googlenet", {"aux_logits": False, "init_weights": False}, DEFAULT),
    ("inception_v3", "inception_v3", {"aux_logits": False, "init_weights": False}, [(1, 299, 299), (3, 331, 299)]),
    ("squeezenet1_0", "squeezenet1_0", {}, DEFAULT),
    ("shufflenet_v2_x1_0", "shufflenet_v2_x1_0", {}, DEFAULT),
    ("convnext_tiny", "convnext_tiny", {}, DEFAULT),
    # The learned position embedding fixes the image size (224x224: 196 patches + the class token).
    ("vit_b_16", "vit_b_16", {}, [(1, 224, 224), (3, 224, 224)]),
    # Issue 15: the rest of the torchvision classification zoo.
    ("vgg13", "vgg13", {"init_weights": False}, DEFAULT),
    ("vgg11_bn", "vgg11_bn", {"init_weights": False}, DEFAULT),
    ("squeezenet1_1", "squeezenet1_1", {}, DEFAULT),
    ("wide_resnet50_2", "wide_resnet50_2", {}, DEFAULT),
    ("resnext101_32x8d", "resnext101_32x8d", {}, DEFAULT),
    ("densenet161", "densenet161", {}, DEFAULT),
    ("densenet201", "densenet201", {}, DEFAULT),
    ("mnasnet1_0", "mnasnet1_0", {}, DEFAULT),
    # EfficientNet B1-B7 at the paper's resolutions (torchvision's crop sizes but for B2) and batch 2 at 256x288.
    ("efficientnet_b1", "efficientnet_b1", {}, [(1, 240, 240), (2, 256, 288)]),
    # B2's paper resolution is 260; torchvision's weights (and its published GFLOPS) use 288.
    ("efficientnet_b2", "efficientnet_b2", {}, [(1, 260, 260), (2, 256, 288), (1, 288, 288)]),
    ("efficientnet_b3", "efficientnet_b3", {}, [(1, 300, 300), (2, 256, 288)]),
    ("efficientnet_b4", "efficientnet_b4", {}, [(1, 380, 380), (2, 256, 288)]),
    ("efficientnet_b5", "efficientnet_b5", {}, [(1, 456, 456), (2, 256, 288)]),
    ("efficientnet_b6", "efficientnet_b6", {}, [(1, 528, 528), (2, 256, 288)]),
    ("efficientnet_b7", "efficientnet_b7", {}, [(1, 600, 600), (2, 256, 288)]),
    # ViT's image size is a constructor argument (it sizes the position embedding): 224, and 384 at batch 2.
    ("vit_l_16", "vit_l_16", {}, [(1, 224, 224), (2, 384, 384, {"image_size": 384})]),
    # At 320x256 every stage is padded to a multiple of the 7x7 window and the last stage (10x8, padded to
    # 14x14) is shifted too; at 224x224 the last stage (7x7, one window) is not shifted.
    ("swin_t", "swin_t", {}, DEFAULT),
]


def shape_string(t):
    return "x".join(str(int(d)) for d in t.shape)


def matmul_macs(a, b):
    """GEMM MACs of torch.matmul(a, b) (a @ b, bmm): batch dims broadcast, vectors promoted as matmul does."""
    a_shape, b_shape = list(a.shape), list(b.shape)
    if len(a_shape) == 1:
        a_shape = [1] + a_shape
    if len(b_shape) == 1:
        b_shape = b_shape + [1]
    batch = torch.broadcast_shapes(tuple(a_shape[:-2]), tuple(b_shape[:-2]))
    n = 1
    for d in batch:
        n *= d
    return n * a_shape[-2] * a_shape[-1] * b_shape[-1]


class FunctionalMatmuls(TorchFunctionMode):
    """Counts the matrix products made as function calls outside any hooked Linear or MultiheadAttention module
    (whose hooks count them), and records the output shape of an F.linear call on the weight of a Linear module
    under that module's path."""

    MATMULS = ("matmul", "__matmul__", "bmm")

    def __init__(self, macs, record, weight_paths, depth):
        super().__init__()
        self.macs, self.record, self.weight_paths, self.depth = macs, record, weight_paths, depth

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        if self.depth[0] == 0:
            name = getattr(func, "__name__", "")
            if name == "linear":
                x, weight = args[0], args[1] if len(args) > 1 else kwargs["weight"]
                self.macs[0] += (x.numel() // x.shape[-1]) * weight.shape[1] * weight.shape[0]
                if id(weight) in self.weight_paths:
                    self.record(self.weight_paths[id(weight)], out)
            elif name in self.MATMULS:
                self.macs[0] += matmul_macs(args[0], args[1])
        return out


def measure(model, batch, height, width):
    """Returns (gemm_macs, [(path, shape string)], output shape string) for one forward pass."""
    macs = [0]
    shapes = []
    seen = set()
    handles = []
    depth = [0]  # how many hooked Linear / MultiheadAttention modules are running

    def record(path, out):
        if path not in seen:
            seen.add(path)
            shapes.append((path, shape_string(out)))

    def conv_hook(path):
        def hook(m, inputs, out):
            x = inputs[0]
            k = 1
            for d in m.kernel_size:
                k *= d
            if isinstance(m, nn.ConvTranspose2d):
                macs[0] += x.numel() * (m.out_channels // m.groups) * k
            else:
                macs[0] += out.numel() * (m.in_channels // m.groups) * k
            record(path, out)
        return hook

    def linear_hook(path):
        def hook(m, inputs, out):
            x = inputs[0]
            macs[0] += (x.numel() // x.shape[-1]) * m.in_features * m.out_features
            record(path, out)
            depth[0] -= 1
        return hook

    def mha_hook(path):
        def hook(m, inputs, out):
            # Called with keyword arguments (query=x, key=x, value=x), which hooks do not see; self-attention
            # keeps the query's shape, so the output gives B, S and E.
            assert m.batch_first and m._qkv_same_embed_dim, path
            b, s, e = out[0].shape
            macs[0] += 3 * b * s * e * e + 2 * b * s * s * e + b * s * e * e
            record(path + ".out_proj", out[0])
            depth[0] -= 1
        return hook

    def enter(m, inputs):
        depth[0] += 1

    weight_paths = {}
    for path, m in model.named_modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            handles.append(m.register_forward_hook(conv_hook(path)))
        elif isinstance(m, nn.MultiheadAttention):
            handles.append(m.register_forward_pre_hook(enter))
            handles.append(m.register_forward_hook(mha_hook(path)))
        elif isinstance(m, nn.Linear):
            weight_paths[id(m.weight)] = path
            handles.append(m.register_forward_pre_hook(enter))
            handles.append(m.register_forward_hook(linear_hook(path)))
    with torch.no_grad(), FunctionalMatmuls(macs, record, weight_paths, depth):
        out = model(torch.zeros(batch, 3, height, width))
    for h in handles:
        h.remove()
    assert depth[0] == 0
    return macs[0], shapes, shape_string(out)


def read_blocks(path):
    """The lines of each model's blocks in an existing output file, by torchvision name."""
    blocks, name = {}, None
    with open(path) as f:
        for line in f.read().splitlines():
            if line.startswith("model "):
                name = line.split()[1]
            if name is not None:
                blocks.setdefault(name, []).append(line)
            if line == "end":
                name = None
    return blocks


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(root, "tests", "models", "reference", "torchvision.txt"))
    parser.add_argument("models", nargs="*",
                        help="torchvision names to measure again (default: all); the others keep their blocks of --out")
    args = parser.parse_args()
    torch.manual_seed(0)
    kept = read_blocks(args.out) if args.models and os.path.exists(args.out) else {}
    lines = [
        "# Generated by tools/reference/torchvision_reference.py with torch %s, torchvision %s; do not edit."
        % (torch.__version__, torchvision.__version__),
        "# params, GEMM MACs (conv + linear + attention matmuls, no bias), the output shape of every conv/linear",
        "# (keyed by torchvision's module paths) and of the model; compared with nnscope by",
        "# tests/models/reference_test.cc.",
    ]
    for tv_name, nn_name, kwargs, sizes in MODELS:
        if args.models and tv_name not in args.models:
            lines.extend(kept.get(tv_name, []))
            continue
        for size in sizes:
            batch, height, width = size[:3]
            extra = dict(kwargs, **(size[3] if len(size) > 3 else {}))
            model = getattr(torchvision.models, tv_name)(weights=None, **extra).eval()
            # Parameters only: buffers (BatchNorm statistics, Swin's relative_position_index) are not counted.
            params = sum(p.numel() for p in model.parameters())
            macs, shapes, output = measure(model, batch, height, width)
            lines.append("model %s nnscope=%s batch=%d height=%d width=%d" % (tv_name, nn_name, batch, height, width))
            lines.append("params %d" % params)
            lines.append("gemm_macs %d" % macs)
            lines.extend("shape %s %s" % (p, s) for p, s in shapes)
            lines.append("output %s" % output)
            lines.append("end")
            print("%-20s batch=%d %dx%d params %d gemm_macs %d (%d shapes)"
                  % (tv_name, batch, height, width, params, macs, len(shapes)), file=sys.stderr)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
