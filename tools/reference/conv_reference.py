#!/usr/bin/python3
"""Prints PyTorch's output shape and parameter count for the convolutions of tests/ops/conv_test.cc, which
writes them as closed forms; run once to cross-check those forms (it is never run by the build or CI):

    /usr/bin/python3 tools/reference/conv_reference.py

GEMM MACs are not measured here: they follow from the shapes (docs/cost-model.md §7.1).
"""
import torch
from torch import nn

CASES = [
    # name, module, input shape
    ("conv1d", nn.Conv1d(3, 4, 3), (2, 3, 10)),
    ("conv2d_padding", nn.Conv2d(3, 4, 3, padding=1), (2, 3, 8, 8)),
    ("resnet_stem", nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False), (1, 3, 224, 224)),
    ("resnet_stem_odd", nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False), (1, 3, 225, 225)),
    ("conv3d", nn.Conv3d(2, 4, 3), (1, 2, 5, 6, 7)),
    ("conv3d_anisotropic", nn.Conv3d(2, 4, (1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1)), (1, 2, 4, 9, 9)),
    ("depthwise", nn.Conv2d(32, 32, 3, padding=1, groups=32), (1, 32, 14, 14)),
    ("resnext_grouped", nn.Conv2d(128, 128, 3, padding=1, groups=32, bias=False), (1, 128, 56, 56)),
    ("dilated", nn.Conv2d(1, 1, 3, dilation=2), (1, 1, 10, 10)),
    ("same_stride1", nn.Conv2d(3, 8, 3, padding="same"), (1, 3, 7, 7)),
    ("same_dilated", nn.Conv2d(3, 8, 3, padding="same", dilation=2), (1, 3, 7, 7)),
    ("valid", nn.Conv2d(3, 8, 3, padding="valid"), (1, 3, 7, 7)),
    ("transpose2d", nn.ConvTranspose2d(8, 4, 2, stride=2), (2, 8, 3, 3)),
    ("transpose2d_output_padding", nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1), (1, 16, 5, 5)),
    ("transpose2d_groups", nn.ConvTranspose2d(8, 4, 3, groups=2), (1, 8, 4, 4)),
    ("transpose1d_dilated", nn.ConvTranspose1d(2, 3, 3, stride=2, dilation=2), (1, 2, 5)),
    ("transpose3d", nn.ConvTranspose3d(4, 2, 2, stride=2), (1, 4, 2, 3, 4)),
]

for name, module, shape in CASES:
    out = module(torch.zeros(shape))
    params = sum(p.numel() for p in module.parameters())
    print(f"{name}: out {list(out.shape)}, params {params}, weight {list(module.weight.shape)}")
