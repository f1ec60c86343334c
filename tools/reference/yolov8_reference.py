#!/usr/bin/python3
"""Checks the derivation behind tests/models/yolo_test.cc: a plain-PyTorch replica of Ultralytics YOLOv8n
(ultralytics/cfg/models/v8/yolov8.yaml at scale n: depth 0.33, width 0.25, max_channels 1024; Conv, C2f,
Bottleneck, SPPF and the v8 Detect head as in ultralytics/nn/modules), written from the configuration, not
imported (Ultralytics is not a dependency). It prints the parameters (the published summary says 3,157,200)
with the per-module counts of Ultralytics' model table, and, at 32x32 and 640x640, the conv MACs, the bias
adds and the BatchNorm elements that thop turns into the published 8.9 GFLOPs:
2 * (MACs + bias adds + 4 * BatchNorm elements) / 1e9.

Run it with Debian's interpreter (python3-torch 1.13):

    /usr/bin/python3 tools/reference/yolov8_reference.py

Output (committed in the test's comments): params 3157200; at 640x640 conv MACs 4371456000, bias adds 1209600,
BatchNorm elements 13888000 (the Detect head's raw maps, without the DFL, as in the training-mode summary).
"""
import torch
import torch.nn as nn


class Conv(nn.Module):
    """Conv2d without bias (padding k // 2), BatchNorm2d (eps 0.001), SiLU."""

    def __init__(self, c1, c2, k=1, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, stride, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=1e-3)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    """Two 3x3 Convs (e = 1.0), residual when shortcut and the width is kept."""

    def __init__(self, c1, c2, shortcut):
        super().__init__()
        self.cv1 = Conv(c1, c2, 3)
        self.cv2 = Conv(c2, c2, 3)
        self.add = shortcut and c1 == c2

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    """cv1 to 2c split in two, n bottlenecks on the last piece, all pieces concatenated into cv2."""

    def __init__(self, c1, c2, n, shortcut=False):
        super().__init__()
        self.c = c2 // 2
        self.cv1 = Conv(c1, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, c2, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, self.c, shortcut) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        y.extend(m(y[-1]) for m in self.m)
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    """cv1 to c1 / 2, three chained 5x5 max-poolings, the four maps concatenated into cv2."""

    def __init__(self, c1, c2, k=5):
        super().__init__()
        hidden = c1 // 2
        self.cv1 = Conv(c1, hidden, 1)
        self.cv2 = Conv(hidden * 4, c2, 1)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        y = [self.cv1(x)]
        y.extend(self.m(y[-1]) for _ in range(3))
        return self.cv2(torch.cat(y, 1))


class Detect(nn.Module):
    """The v8 head: per level a box branch (to 4 * 16 bins) and a class branch; DFL's fixed 1x1 convolution.
    forward returns the raw maps, as the training-mode model whose summary Ultralytics prints."""

    def __init__(self, nc, ch):
        super().__init__()
        c2, c3 = max(16, ch[0] // 4, 64), max(ch[0], min(nc, 100))
        self.cv2 = nn.ModuleList(nn.Sequential(Conv(x, c2, 3), Conv(c2, c2, 3), nn.Conv2d(c2, 64, 1)) for x in ch)
        self.cv3 = nn.ModuleList(nn.Sequential(Conv(x, c3, 3), Conv(c3, c3, 3), nn.Conv2d(c3, nc, 1)) for x in ch)
        self.dfl = nn.Conv2d(16, 1, 1, bias=False).requires_grad_(False)

    def forward(self, levels):
        return [torch.cat((box(x), cls(x)), 1) for box, cls, x in zip(self.cv2, self.cv3, levels)]


class YOLOv8n(nn.Module):
    """yolov8.yaml at scale n: modules model.0 ... model.22 (Upsample and Concat have no parameters)."""

    def __init__(self):
        super().__init__()
        up, cat = nn.Upsample(scale_factor=2), nn.Identity()
        self.m = nn.ModuleList([
            Conv(3, 16, 3, 2), Conv(16, 32, 3, 2), C2f(32, 32, 1, True), Conv(32, 64, 3, 2), C2f(64, 64, 2, True),
            Conv(64, 128, 3, 2), C2f(128, 128, 2, True), Conv(128, 256, 3, 2), C2f(256, 256, 1, True), SPPF(256, 256),
            up, cat, C2f(384, 128, 1), up, cat, C2f(192, 64, 1),
            Conv(64, 64, 3, 2), cat, C2f(192, 128, 1), Conv(128, 128, 3, 2), cat, C2f(384, 256, 1),
            Detect(80, (64, 128, 256)),
        ])

    def forward(self, x):
        m, saved = self.m, {}
        for i in range(10):
            x = m[i](x)
            saved[i] = x
        # The head: (upsample or strided Conv, the saved map to concatenate, C2f) for modules 10-21.
        for first, skip, out in ((10, 6, 12), (13, 4, 15), (16, 12, 18), (19, 9, 21)):
            x = m[out](torch.cat([m[first](x), saved[skip]], 1))
            saved[out] = x
        return m[22]([saved[15], saved[18], saved[21]])


def main():
    net = YOLOv8n().eval()
    print("params", sum(p.numel() for p in net.parameters()))
    print("per module", [sum(p.numel() for p in layer.parameters()) for layer in net.m])
    for size in (32, 640):
        macs, bias, bn = [0], [0], [0]

        def conv_hook(mod, inputs, out):
            macs[0] += out.numel() * mod.in_channels // mod.groups * mod.kernel_size[0] * mod.kernel_size[1]
            if mod.bias is not None:
                bias[0] += out.numel()

        def bn_hook(mod, inputs, out):
            bn[0] += out.numel()

        handles = []
        for mod in net.modules():
            if isinstance(mod, nn.Conv2d):
                handles.append(mod.register_forward_hook(conv_hook))
            if isinstance(mod, nn.BatchNorm2d):
                handles.append(mod.register_forward_hook(bn_hook))
        with torch.no_grad():
            out = net(torch.zeros(1, 3, size, size))
        for h in handles:
            h.remove()
        gflops = 2 * (macs[0] + bias[0] + 4 * bn[0]) / 1e9 * (640 / size) ** 2
        print("%dx%d conv MACs %d, bias adds %d, BatchNorm elements %d, thop GFLOPs at 640 %.3f, outputs %s"
              % (size, size, macs[0], bias[0], bn[0], gflops, [tuple(t.shape) for t in out]))


if __name__ == "__main__":
    main()
