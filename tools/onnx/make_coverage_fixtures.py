#!/usr/bin/python3
"""Makes the ONNX coverage fixtures in tests/onnx/fixtures/ and their expected figures (run by hand; CI never
runs it). Needs Debian's python3-torch (1.13) and python3-onnx (1.12):

    /usr/bin/python3 tools/onnx/make_coverage_fixtures.py

- bert_mlm.onnx: a one-layer BERT for masked-LM as Hugging Face's BertForMaskedLM computes it when the caller
  gives no token types (zeros of the ids' shape: ConstantOfShape in the graph) and with the decoder's weight
  tied to the word embeddings (one table read by a Gather and by the output projection). export_params=False.
- small_cnn.onnx: a small CNN with weights (eval mode), with torch.flip (Slice with negative steps).
- small_cnn_external.onnx: the same model with its larger weights in external data. The data file is not
  kept: nnscope needs only the dims, which the TensorProto holds.

Expected figures come from PyTorch: parameters are sum(p.numel() for p in model.parameters()) (a tied
parameter counts once), GEMM MACs are counted by forward hooks on nn.Linear / nn.Conv2d plus the attention
matmuls written out below. They are written to tests/onnx/fixtures/coverage_expected.txt as
"FIXTURE METRIC VALUE" at batch = 2 (and seq = 16).
"""
import math
import os
import sys

import onnx
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import BertLayer  # noqa: E402  (the same layer as bert_encoder.onnx)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "onnx", "fixtures")
BATCH, SEQ = 2, 16


class BertMLM(nn.Module):
    def __init__(self, vocab=1000, hidden=64, heads=4, intermediate=128, positions=64):
        super().__init__()
        self.heads, self.hidden = heads, hidden
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.position_embeddings = nn.Embedding(positions, hidden)
        self.token_type_embeddings = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.layer = BertLayer(hidden, heads, intermediate)
        self.transform = nn.Linear(hidden, hidden)
        self.transform_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.decoder = nn.Linear(hidden, vocab)
        self.decoder.weight = self.word_embeddings.weight  # tied, as BertForMaskedLM

    def forward(self, input_ids):
        token_type_ids = torch.zeros(input_ids.size(), dtype=torch.long)
        positions = torch.arange(input_ids.size(1)).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        x = self.norm(x + self.position_embeddings(positions))
        x = self.layer(x)
        h = self.transform_norm(nn.functional.gelu(self.transform(x)))
        return self.decoder(h)

    def attention_macs(self, batch, seq):
        # scores = q·kᵀ and context = probs·v: batch·heads·seq·seq·head_dim each.
        return 2 * batch * self.heads * seq * seq * (self.hidden // self.heads)


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.fc = nn.Linear(32, 10)

    def forward(self, image):
        x = torch.relu(self.conv1(image))
        x = torch.flip(x, dims=[3])
        x = torch.relu(self.conv2(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def gemm_macs(model, args):
    """MACs of every nn.Linear and nn.Conv2d call, counted by forward hooks."""
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        if isinstance(module, nn.Linear):
            total += output.numel() * module.in_features
        else:
            kernel = module.kernel_size[0] * module.kernel_size[1]
            total += output.numel() * (module.in_channels // module.groups) * kernel

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    with torch.no_grad():
        model(*args)
    for h in handles:
        h.remove()
    return total


def params(model):
    return sum(p.numel() for p in model.parameters())


def main():
    torch.manual_seed(0)
    expected = []

    bert = BertMLM()
    bert.train()
    ids = torch.randint(0, 1000, (BATCH, SEQ))
    path = os.path.join(OUT, "bert_mlm.onnx")
    torch.onnx.export(bert, (ids,), path, export_params=False, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.TRAINING, opset_version=14, input_names=["input_ids"],
                      output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}})
    bert.eval()
    expected += [("bert_mlm.onnx", "params", params(bert)),
                 ("bert_mlm.onnx", "gemm_macs", gemm_macs(bert, (ids,)) + bert.attention_macs(BATCH, SEQ))]

    cnn = SmallCnn().eval()
    image = torch.randn(BATCH, 3, 32, 32)
    path = os.path.join(OUT, "small_cnn.onnx")
    torch.onnx.export(cnn, (image,), path, opset_version=13, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    external = onnx.load(path)
    onnx.save_model(external, os.path.join(OUT, "small_cnn_external.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="small_cnn_external.data", size_threshold=1024)
    os.remove(os.path.join(OUT, "small_cnn_external.data"))
    for name in ("small_cnn.onnx", "small_cnn_external.onnx"):
        expected += [(name, "params", params(cnn)), (name, "gemm_macs", gemm_macs(cnn, (image,)))]

    with open(os.path.join(OUT, "coverage_expected.txt"), "w") as f:
        f.write("# Made by tools/onnx/make_coverage_fixtures.py from PyTorch at batch = %d, seq = %d.\n" % (BATCH, SEQ))
        for fixture, metric, value in expected:
            f.write("%s %s %d\n" % (fixture, metric, value))
    for fixture in ("bert_mlm.onnx", "small_cnn.onnx", "small_cnn_external.onnx"):
        print("%s: %d bytes" % (fixture, os.path.getsize(os.path.join(OUT, fixture))), file=sys.stderr)


if __name__ == "__main__":
    main()
