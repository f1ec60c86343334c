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
    Bias is not GEMM work. nn.MultiheadAttention (ViT) computes its input projections from in_proj_weight,
    its attention matmuls and its output projection functionally, so hooks on its submodules never fire;
    its hook adds them by hand: 3*B*S*E*E (q, k, v) + 2*B*S*S*E (Q@K^T and P@V over all heads)
    + B*S*E*E (out_proj).
  - shapes: the output shape of every Conv2d / ConvTranspose2d / Linear call, keyed by the module's path
    as model.named_modules() gives it. For nn.MultiheadAttention the output shape is recorded under its
    (never called) out_proj module, "<path>.out_proj", which is the projection that produces it.
    A module called more than once per forward (none of the listed models does so for a conv or linear)
    is recorded once, at its first call; every call counts towards gemm_macs.

File format (line oriented, parsed without a JSON library):
    # comment
    model <torchvision name> nnscope=<standard-library name> batch=<N> height=<H> width=<W>
    params <integer>
    gemm_macs <integer>
    shape <module path> <d0>x<d1>x...      (one per conv/linear call, in execution order)
    end
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torchvision

# (torchvision name, nnscope name, constructor kwargs, [(batch, height, width), ...])
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
]


def shape_string(t):
    return "x".join(str(int(d)) for d in t.shape)


def measure(model, batch, height, width):
    """Returns (gemm_macs, [(path, shape string)]) for one forward pass."""
    macs = [0]
    shapes = []
    seen = set()
    handles = []

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
        return hook

    def mha_hook(path):
        def hook(m, inputs, out):
            # Called with keyword arguments (query=x, key=x, value=x), which hooks do not see; self-attention
            # keeps the query's shape, so the output gives B, S and E.
            assert m.batch_first and m._qkv_same_embed_dim, path
            b, s, e = out[0].shape
            macs[0] += 3 * b * s * e * e + 2 * b * s * s * e + b * s * e * e
            record(path + ".out_proj", out[0])
        return hook

    for path, m in model.named_modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            handles.append(m.register_forward_hook(conv_hook(path)))
        elif isinstance(m, nn.MultiheadAttention):
            handles.append(m.register_forward_hook(mha_hook(path)))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(linear_hook(path)))
    with torch.no_grad():
        model(torch.zeros(batch, 3, height, width))
    for h in handles:
        h.remove()
    return macs[0], shapes


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(root, "tests", "models", "reference", "torchvision.txt"))
    parser.add_argument("models", nargs="*", help="torchvision names (default: all)")
    args = parser.parse_args()
    torch.manual_seed(0)
    lines = [
        "# Generated by tools/reference/torchvision_reference.py with torch %s, torchvision %s; do not edit."
        % (torch.__version__, torchvision.__version__),
        "# params, GEMM MACs (conv + linear + attention matmuls, no bias) and every conv/linear output shape,",
        "# keyed by torchvision's module paths; compared with nnscope by tests/models/reference_test.cc.",
    ]
    for tv_name, nn_name, kwargs, sizes in MODELS:
        if args.models and tv_name not in args.models:
            continue
        model = getattr(torchvision.models, tv_name)(weights=None, **kwargs).eval()
        params = sum(p.numel() for p in model.parameters())
        for batch, height, width in sizes:
            macs, shapes = measure(model, batch, height, width)
            lines.append("model %s nnscope=%s batch=%d height=%d width=%d" % (tv_name, nn_name, batch, height, width))
            lines.append("params %d" % params)
            lines.append("gemm_macs %d" % macs)
            lines.extend("shape %s %s" % (p, s) for p, s in shapes)
            lines.append("end")
            print("%-20s batch=%d %dx%d params %d gemm_macs %d (%d shapes)"
                  % (tv_name, batch, height, width, params, macs, len(shapes)), file=sys.stderr)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
