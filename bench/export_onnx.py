#!/usr/bin/python3
"""Exports the ONNX files that `nnscope_bench --onnx DIR` times (issue 17's targets; bench/README.md, "ONNX").

    /usr/bin/python3 bench/export_onnx.py [DIR]      # default: $TMPDIR/nnscope_onnx (never the repository)

writes, one model in memory at a time:

- resnet50.onnx (about 102 MB): torchvision's resnet50 with its weights, exported as users export it: eval
  mode, constant folding on (BatchNorm folded into the convolutions), opset 14 (torch 1.13's default), input
  [batch, 3, 224, 224] with a dynamic batch axis;
- resnet50_external.onnx and resnet50_external.data: the same model with every tensor over 1 KiB moved to one
  external data file (onnx.save_model(save_as_external_data=True)), which must give the same figures;
- vgg11_bn.onnx (about 531 MB): torchvision's vgg11_bn, exported the same way.

The weights are random (weights=None, no download), with the BatchNorm statistics and affine parameters drawn
at random too, as a trained model's are: with torchvision's initial ones (mean 0, variance 1, scale 1, shift 0)
every folded convolution bias is zero, torch.onnx merges the identical ones into one initializer per width, and
the file is no longer what users have (nnscope then counts each merged bias once, with an add per convolution).
So the file's size and structure are those of the pretrained model's. Needs Debian's python3-torch, python3-torchvision and
python3-onnx. The files are large: delete DIR when done.
"""
import os
import sys
import tempfile

import onnx
import torch
import torchvision


def export(name: str, path: str) -> None:
    model = getattr(torchvision.models, name)(weights=None).eval()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.normal_(0, 0.1)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.normal_(1, 0.1)
                module.bias.normal_(0, 0.1)
    with torch.no_grad():
        torch.onnx.export(model, torch.zeros(1, 3, 224, 224), path, opset_version=14, do_constant_folding=True,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    del model
    print(f"wrote {path} ({os.path.getsize(path):,} bytes)")


def main() -> int:
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1] if len(sys.argv) == 2 else os.path.join(tempfile.gettempdir(), "nnscope_onnx")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    export("resnet50", os.path.join(out, "resnet50.onnx"))
    model = onnx.load(os.path.join(out, "resnet50.onnx"))
    external = os.path.join(out, "resnet50_external.onnx")
    data = os.path.join(out, "resnet50_external.data")
    if os.path.exists(data):
        os.remove(data)  # onnx.save_model appends to an existing data file
    onnx.save_model(model, external, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="resnet50_external.data", size_threshold=1024)
    del model
    print(f"wrote {external} ({os.path.getsize(external):,} bytes) and resnet50_external.data "
          f"({os.path.getsize(data):,} bytes)")
    export("vgg11_bn", os.path.join(out, "vgg11_bn.onnx"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
