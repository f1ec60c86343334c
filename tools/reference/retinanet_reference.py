#!/usr/bin/python3
"""Prints the reference figures of tests/models/detection_test.cc's RetinaNet tests: parameters, GEMM MACs
(forward hooks on every Conv2d: N * Cout * Hout * Wout * Cin/groups * kh * kw, bias excluded) and the head's
output shapes of

  - torchvision's retinanet_resnet50_fpn (91 classes), with the FrozenBatchNorm2d backbone that its published
    weights use (torchvision builds nn.BatchNorm2d when no weights are given, which adds parameters);
  - MLCommons' RetinaNet (mlcommons/training single_stage_detector: retinanet_resnext50_32x4d_fpn, 264 classes),
    built from the same torchvision 0.14 modules with its configuration: resnext50_32x4d with FrozenBatchNorm2d,
    returned layers 2-4, LastLevelP6P7(256, 256), the default 9 anchors per location. Its own module names
    differ (no Conv2dNormActivation wrappers), its parameters and convolutions do not.

Backbone and head run on a fixed-size tensor, as after MLCommons' resize to 800x800 (torchvision's transform
and post-processing are left out: they hold no parameters and no convolutions). `_resnet_fpn_extractor(body, 3)`
freezes conv1 and layer1 (requires_grad False) as MLCommons' resnet_fpn_backbone does with its default
--trainable-backbone-layers 3 ("of the five convolution stages, only the last three are trained", its README);
the trainable parameters and the backward convolution MACs (weight and input gradients, each as many as the
forward MACs of the convolutions that have them) are printed for nnscope's --mode train. Run it with Debian's
interpreter (python3-torch 1.13, python3-torchvision 0.14):

    /usr/bin/python3 tools/reference/retinanet_reference.py
"""
import torch
import torch.nn as nn
import torchvision
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.models.detection.retinanet import RetinaNet
from torchvision.ops import misc as misc_nn_ops
from torchvision.ops.feature_pyramid_network import LastLevelP6P7


def build(arch, classes):
    body = getattr(torchvision.models, arch)(weights=None, norm_layer=misc_nn_ops.FrozenBatchNorm2d)
    backbone = _resnet_fpn_extractor(body, 3, returned_layers=[2, 3, 4], extra_blocks=LastLevelP6P7(256, 256))
    return RetinaNet(backbone, classes).eval()


def main():
    for arch, classes in (("resnet50", 91), ("resnext50_32x4d", 264)):
        model = build(arch, classes)
        params = sum(p.numel() for p in model.parameters())
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        # Which convolutions' inputs need a gradient in training (the trunk's conv1 and layer1 are frozen, as
        # MLCommons' trainable_backbone_layers = 3 and torchvision's default for pretrained backbones leave them,
        # and the image needs none): a small forward pass with autograd on tells.
        needs_input_grad = set()

        def flag(m, inputs, out):
            if inputs[0].requires_grad:
                needs_input_grad.add(m)

        convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
        handles = [m.register_forward_hook(flag) for m in convs]
        model.head(list(model.backbone(torch.zeros(1, 3, 64, 64)).values()))
        for h in handles:
            h.remove()
        for batch, height, width in ((1, 800, 800), (2, 512, 640)):
            macs = {"forward": 0, "wgrad": 0, "dgrad": 0}

            def hook(m, inputs, out):
                n = out.numel() * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
                macs["forward"] += n
                macs["wgrad"] += n if m.weight.requires_grad else 0  # the weight gradient: as forward
                macs["dgrad"] += n if m in needs_input_grad else 0  # the input gradient: as forward

            handles = [m.register_forward_hook(hook) for m in convs]
            with torch.no_grad():
                levels = list(model.backbone(torch.zeros(batch, 3, height, width)).values())
                out = model.head(levels)
            for h in handles:
                h.remove()
            print("%s classes=%d batch=%d %dx%d: params %d (trainable %d), GEMM MACs %d (backward: wgrad %d, "
                  "dgrad %d), cls_logits %s, bbox_regression %s, levels %s"
                  % (arch, classes, batch, height, width, params, trainable, macs["forward"], macs["wgrad"],
                     macs["dgrad"], tuple(out["cls_logits"].shape), tuple(out["bbox_regression"].shape),
                     [tuple(f.shape[2:]) for f in levels]))


if __name__ == "__main__":
    main()
