#!/usr/bin/python3
"""Makes the ONNX test fixtures in tests/onnx/fixtures/ (run by hand; CI never runs it).

Needs Debian's python3-torch (1.13) and python3-torchvision (0.14), installed into the system interpreter:

    /usr/bin/python3 tools/onnx/make_fixtures.py

Every model is exported with export_params=False (weights become graph inputs with shapes, so the files
stay at kilobytes), in training mode with do_constant_folding=False (eval-mode export folds BatchNorm into
the convolution before it, and nn.MultiheadAttention's fused fast path cannot be exported; see
shared/reference/README.md), with the batch (and sequence) axes dynamic and named `batch` / `seq`.
Dropout probabilities do not change shapes or costs.
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torchvision

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "onnx", "fixtures")


def export(model, args, name, input_names, output_names, dynamic_axes, opset):
    path = os.path.join(OUT, name + ".onnx")
    model.train()
    torch.onnx.export(model, args, path, export_params=False, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.TRAINING, opset_version=opset,
                      input_names=input_names, output_names=output_names, dynamic_axes=dynamic_axes)
    print(f"{path}: {os.path.getsize(path)} bytes", file=sys.stderr)


# A BERT encoder as Hugging Face's BertModel computes it (embeddings with word, position and token-type
# tables, post-norm layers with separate query/key/value projections, exact GELU, the pooler), 768 hidden,
# 12 heads, 3072 intermediate; compared with the standard library's bert_base at --set layers=2.
class BertSelfAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)

    def split(self, x):
        b, s, _ = x.size()
        return x.view(b, s, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        probs = torch.softmax(scores, dim=-1)
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        b, s = context.size(0), context.size(1)
        return context.view(b, s, self.heads * self.head_dim)


class BertLayer(nn.Module):
    def __init__(self, hidden, heads, intermediate):
        super().__init__()
        self.attention = BertSelfAttention(hidden, heads)
        self.attention_dense = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.intermediate = nn.Linear(hidden, intermediate)
        self.output = nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x):
        x = self.attention_norm(self.dropout(self.attention_dense(self.attention(x))) + x)
        h = nn.functional.gelu(self.intermediate(x))
        return self.output_norm(self.dropout(self.output(h)) + x)


class Bert(nn.Module):
    def __init__(self, layers=2, hidden=768, heads=12, intermediate=3072, vocab=30522, positions=512):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.position_embeddings = nn.Embedding(positions, hidden)
        self.token_type_embeddings = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList([BertLayer(hidden, heads, intermediate) for _ in range(layers)])
        self.pooler = nn.Linear(hidden, hidden)

    def forward(self, input_ids, token_type_ids):
        positions = torch.arange(input_ids.size(1)).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        x = self.norm(x + self.position_embeddings(positions))
        for layer in self.layers:
            x = layer(x)
        return x, torch.tanh(self.pooler(x[:, 0]))


# The standard library's lstm: PyTorch's word_language_model RNNModel (embedding 32x300, 2-layer LSTM 512,
# decoder 512 -> 32), sequence-first.
class LstmLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Embedding(32, 300)
        self.rnn = nn.LSTM(300, 512, 2)
        self.decoder = nn.Linear(512, 32)
        self.drop = nn.Dropout(0.2)

    def forward(self, tokens):
        output, (h_n, c_n) = self.rnn(self.drop(self.encoder(tokens)))
        return self.decoder(self.drop(output)), h_n, c_n


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    image = torch.randn(1, 3, 224, 224)
    batch = {"image": {0: "batch"}, "logits": {0: "batch"}}
    export(torchvision.models.resnet50(), (image,), "resnet50", ["image"], ["logits"], batch, 14)
    export(torchvision.models.mobilenet_v2(), (image,), "mobilenet_v2", ["image"], ["logits"], batch, 13)
    export(torchvision.models.vit_b_16(), (image,), "vit_b_16", ["image"], ["logits"], batch, 14)
    ids = torch.randint(0, 30522, (2, 16))
    types = torch.zeros(2, 16, dtype=torch.long)
    seq = {0: "batch", 1: "seq"}
    export(Bert(), (ids, types), "bert_encoder", ["input_ids", "token_type_ids"],
           ["last_hidden_state", "pooler_output"],
           {"input_ids": seq, "token_type_ids": seq, "last_hidden_state": seq, "pooler_output": {0: "batch"}}, 17)
    tokens = torch.randint(0, 32, (35, 2))
    sb = {0: "seq", 1: "batch"}
    export(LstmLM(), (tokens,), "lstm", ["tokens"], ["logits", "h_n", "c_n"],
           {"tokens": sb, "logits": sb, "h_n": {1: "batch"}, "c_n": {1: "batch"}}, 11)


if __name__ == "__main__":
    main()
