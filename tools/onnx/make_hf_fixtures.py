#!/usr/bin/python3
"""Makes the Hugging Face-style ONNX fixtures in tests/onnx/fixtures/ and their expected figures (run by hand;
CI never runs it). Needs Debian's python3-torch (1.13) and python3-onnx (1.12); there is no transformers
package, so the models are written here in plain torch modules with Hugging Face's layout and forward:

    /usr/bin/python3 tools/onnx/make_hf_fixtures.py

- bert_base.onnx: BertModel as bert-base-uncased (12 layers, 768 hidden, 12 heads, 3072 intermediate,
  30522 x 768 word, 512 x 768 position and 2 x 768 token-type embeddings, the pooler), exported as users
  export it: eval mode, with its weights, constant folding on, opset 14, inputs input_ids and
  attention_mask (token types default to zeros, as BertModel does when none are given). The weights are
  then moved to an external data file that is not kept (nnscope needs only the dims, which each
  TensorProto holds), so the fixture is the graph alone.
- gpt2_past.onnx: a two-layer GPT-2 (GPT2LMHeadModel's forward: Conv1D projections, causal mask from the
  `bias` buffer, lm_head tied to wte) exported for decoding with a cache, as Optimum does: inputs
  input_ids [batch, seq], past_key_values.N.key / .value [batch, heads, past_seq, head_dim] and
  attention_mask [batch, past_seq + seq]; outputs logits and present.N.key / .value. Exported without
  constant folding (see below); its weights are moved out and dropped in the same way.

Expected figures come from PyTorch: parameters are sum(p.numel() for p in model.parameters()) (a tied
parameter counts once; bert-base-uncased's published BertModel figure is 109,482,240), GEMM MACs are the
projections' rows x in x out plus the attention matmuls written out below. They are written to
tests/onnx/fixtures/hf_expected.txt as "FIXTURE METRIC VALUE" with the sizes they hold at.
"""
import math
import os

import sys

import onnx
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import BertSelfAttention as EncoderSelfAttention  # noqa: E402  (query, key, value)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "onnx", "fixtures")


# ---- BERT (transformers' modeling_bert, module names kept so the ONNX node names match an HF export)

class BertEmbeddings(nn.Module):
    def __init__(self, vocab, hidden, positions, types):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, hidden)
        self.position_embeddings = nn.Embedding(positions, hidden)
        self.token_type_embeddings = nn.Embedding(types, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.1)
        self.register_buffer("position_ids", torch.arange(positions).expand((1, -1)))
        self.register_buffer("token_type_ids", torch.zeros((1, positions), dtype=torch.long), persistent=False)

    def forward(self, input_ids):
        batch, seq = input_ids.size()
        position_ids = self.position_ids[:, :seq]
        token_type_ids = self.token_type_ids[:, :seq].expand(batch, seq)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        x = x + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(EncoderSelfAttention):
    """make_fixtures' attention with modeling_bert's additive mask, dropout on the probabilities and views."""

    def __init__(self, hidden, heads):
        super().__init__(hidden, heads)
        self.dropout = nn.Dropout(0.1)

    def split(self, x):
        return x.view(x.size()[:-1] + (self.heads, self.head_dim)).permute(0, 2, 1, 3)

    def forward(self, x, mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask
        probs = self.dropout(nn.functional.softmax(scores, dim=-1))
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return context.view(context.size()[:-2] + (self.heads * self.head_dim,))


class DenseNorm(nn.Module):  # BertSelfOutput / BertOutput
    def __init__(self, inner, hidden):
        super().__init__()
        self.dense = nn.Linear(inner, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class BertAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        setattr(self, "self", BertSelfAttention(hidden, heads))
        self.output = DenseNorm(hidden, hidden)

    def forward(self, x, mask):
        return self.output(getattr(self, "self")(x, mask), x)


class BertIntermediate(nn.Module):
    def __init__(self, hidden, intermediate):
        super().__init__()
        self.dense = nn.Linear(hidden, intermediate)

    def forward(self, x):
        return nn.functional.gelu(self.dense(x))


class BertLayer(nn.Module):
    def __init__(self, hidden, heads, intermediate):
        super().__init__()
        self.attention = BertAttention(hidden, heads)
        self.intermediate = BertIntermediate(hidden, intermediate)
        self.output = DenseNorm(intermediate, hidden)

    def forward(self, x, mask):
        x = self.attention(x, mask)
        return self.output(self.intermediate(x), x)


class BertEncoder(nn.Module):
    def __init__(self, layers, hidden, heads, intermediate):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(hidden, heads, intermediate) for _ in range(layers)])

    def forward(self, x, mask):
        for layer in self.layer:
            x = layer(x, mask)
        return x


class BertPooler(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)

    def forward(self, x):
        return torch.tanh(self.dense(x[:, 0]))


class BertModel(nn.Module):
    def __init__(self, layers=12, hidden=768, heads=12, intermediate=3072, vocab=30522, positions=512, types=2):
        super().__init__()
        self.layers, self.hidden, self.heads, self.intermediate = layers, hidden, heads, intermediate
        self.embeddings = BertEmbeddings(vocab, hidden, positions, types)
        self.encoder = BertEncoder(layers, hidden, heads, intermediate)
        self.pooler = BertPooler(hidden)

    def forward(self, input_ids, attention_mask):
        # get_extended_attention_mask: 0 where attended, the dtype's minimum where masked.
        mask = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
        x = self.encoder(self.embeddings(input_ids), mask)
        return x, self.pooler(x)

    def gemm_macs(self, batch, seq):
        h, i = self.hidden, self.intermediate
        per_token = 4 * h * h + 2 * h * i  # query, key, value, attention output; intermediate, output
        attention = 2 * batch * seq * seq * h  # q·kᵀ and probs·v over all heads
        return self.layers * (batch * seq * per_token + attention) + batch * h * h  # + the pooler


# ---- GPT-2 (transformers' modeling_gpt2 for GPT2LMHeadModel, with the key/value cache)

class Conv1D(nn.Module):  # transformers.pytorch_utils.Conv1D: weight [in, out], addmm
    def __init__(self, out_features, in_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_features, out_features) * 0.02)
        self.bias = nn.Parameter(torch.zeros(out_features))

    def forward(self, x):
        size_out = x.size()[:-1] + (self.weight.size(-1),)
        return torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight).view(size_out)


class GPT2Attention(nn.Module):
    def __init__(self, hidden, heads, positions):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.register_buffer("bias", torch.tril(torch.ones((positions, positions), dtype=torch.bool))
                             .view(1, 1, positions, positions), persistent=False)
        self.c_attn = Conv1D(3 * hidden, hidden)
        self.c_proj = Conv1D(hidden, hidden)

    def split(self, x):
        return x.view(x.size()[:-1] + (self.heads, self.head_dim)).permute(0, 2, 1, 3)

    def forward(self, x, past, mask):
        q, k, v = self.c_attn(x).split(self.heads * self.head_dim, dim=2)
        q, k, v = self.split(q), self.split(k), self.split(v)
        k = torch.cat((past[0], k), dim=-2)
        v = torch.cat((past[1], v), dim=-2)
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        query_length, key_length = q.size(-2), k.size(-2)
        causal = self.bias[:, :, key_length - query_length:key_length, :key_length]
        w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype)) + mask
        context = torch.matmul(nn.functional.softmax(w, dim=-1), v).permute(0, 2, 1, 3).contiguous()
        context = context.view(context.size()[:-2] + (self.heads * self.head_dim,))
        return self.c_proj(context), (k, v)


class GPT2MLP(nn.Module):
    def __init__(self, hidden, inner):
        super().__init__()
        self.c_fc = Conv1D(inner, hidden)
        self.c_proj = Conv1D(hidden, inner)

    def forward(self, x):
        return self.c_proj(nn.functional.gelu(self.c_fc(x), approximate="tanh"))


class GPT2Block(nn.Module):
    def __init__(self, hidden, heads, positions):
        super().__init__()
        self.ln_1 = nn.LayerNorm(hidden, eps=1e-5)
        self.attn = GPT2Attention(hidden, heads, positions)
        self.ln_2 = nn.LayerNorm(hidden, eps=1e-5)
        self.mlp = GPT2MLP(hidden, 4 * hidden)

    def forward(self, x, past, mask):
        a, present = self.attn(self.ln_1(x), past, mask)
        x = x + a
        return x + self.mlp(self.ln_2(x)), present


class GPT2Model(nn.Module):
    def __init__(self, layers, hidden, heads, vocab, positions):
        super().__init__()
        self.wte = nn.Embedding(vocab, hidden)
        self.wpe = nn.Embedding(positions, hidden)
        self.h = nn.ModuleList([GPT2Block(hidden, heads, positions) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(hidden, eps=1e-5)


class GPT2LMHeadModel(nn.Module):
    def __init__(self, layers=2, hidden=64, heads=4, vocab=1000, positions=128):
        super().__init__()
        self.layers, self.hidden, self.heads, self.vocab = layers, hidden, heads, vocab
        self.transformer = GPT2Model(layers, hidden, heads, vocab, positions)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied, as GPT-2

    def forward(self, input_ids, attention_mask, *past_flat):
        t = self.transformer
        past_length = past_flat[0].size(-2)
        position_ids = torch.arange(past_length, input_ids.size(-1) + past_length, dtype=torch.long).unsqueeze(0)
        mask = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
        x = t.wte(input_ids) + t.wpe(position_ids)
        presents = []
        for i, block in enumerate(t.h):
            x, present = block(x, (past_flat[2 * i], past_flat[2 * i + 1]), mask)
            presents += list(present)
        return (self.lm_head(t.ln_f(x)), *presents)

    def gemm_macs(self, batch, seq, past):
        h = self.hidden
        per_token = 3 * h * h + h * h + 2 * 4 * h * h  # c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj
        attention = 2 * batch * seq * (past + seq) * h  # q·kᵀ and probs·v over all heads
        return self.layers * (batch * seq * per_token + attention) + batch * seq * h * self.vocab  # + lm_head


def randomize(model):
    """Trained-looking weights: torch.onnx merges initializers with equal contents (every LayerNorm's ones and
    zeros of an untrained model would become one tensor), which a real checkpoint never has."""
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.02)
    return model


def params(model):
    return sum(p.numel() for p in model.parameters())


def externalize_float_weights(path, data_name):
    """Moves every floating-point initializer over 1 KiB to data_name, then removes that file."""
    model = onnx.load(path)
    for t in model.graph.initializer:
        if t.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16) and len(t.raw_data) > 1024:
            onnx.external_data_helper.set_external_data(t, data_name)
    onnx.save_model(model, path)  # writes the marked tensors' data to data_name beside the model
    os.remove(os.path.join(OUT, data_name))


def main():
    torch.manual_seed(0)
    expected = []

    bert = randomize(BertModel().eval())
    assert params(bert) == 109_482_240, params(bert)  # bert-base-uncased's BertModel, as published
    batch, seq = 2, 16
    ids = torch.randint(0, 30522, (batch, seq))
    mask = torch.ones(batch, seq, dtype=torch.long)
    path = os.path.join(OUT, "bert_base.onnx")
    axes = {0: "batch", 1: "seq"}
    torch.onnx.export(bert, (ids, mask), path, opset_version=14, input_names=["input_ids", "attention_mask"],
                      output_names=["last_hidden_state", "pooler_output"],
                      dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes,
                                    "pooler_output": {0: "batch"}})
    externalize_float_weights(path, "bert_base.data")
    expected += [("bert_base.onnx", "params", params(bert)),
                 ("bert_base.onnx", "gemm_macs", bert.gemm_macs(batch, seq))]

    gpt2 = randomize(GPT2LMHeadModel().eval())
    batch, seq, past = 2, 1, 15
    head_dim = gpt2.hidden // gpt2.heads
    ids = torch.randint(0, gpt2.vocab, (batch, seq))
    mask = torch.ones(batch, past + seq, dtype=torch.long)
    past_flat = [torch.randn(batch, gpt2.heads, past, head_dim) for _ in range(2 * gpt2.layers)]
    past_names = ["past_key_values.%d.%s" % (i, kv) for i in range(gpt2.layers) for kv in ("key", "value")]
    present_names = ["present.%d.%s" % (i, kv) for i in range(gpt2.layers) for kv in ("key", "value")]
    axes = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "past_seq + seq"},
            "logits": {0: "batch", 1: "seq"}}
    axes.update({n: {0: "batch", 2: "past_seq"} for n in past_names})
    axes.update({n: {0: "batch", 2: "past_seq + seq"} for n in present_names})
    path = os.path.join(OUT, "gpt2_past.onnx")
    # Without constant folding: folding turns the tied lm_head's Transpose(wte) into a second, transposed copy of
    # the table, and the file would hold (and nnscope count) it twice.
    torch.onnx.export(gpt2, (ids, mask, *past_flat), path, opset_version=14, do_constant_folding=False,
                      input_names=["input_ids", "attention_mask"] + past_names,
                      output_names=["logits"] + present_names, dynamic_axes=axes)
    externalize_float_weights(path, "gpt2_past.data")
    expected += [("gpt2_past.onnx", "params", params(gpt2)),
                 ("gpt2_past.onnx", "gemm_macs", gpt2.gemm_macs(batch, seq, past))]

    with open(os.path.join(OUT, "hf_expected.txt"), "w") as f:
        f.write("# Made by tools/onnx/make_hf_fixtures.py from PyTorch; FIXTURE METRIC VALUE at the sizes of\n")
        f.write("# tests/onnx/hf_export_test.cc (bert_base: batch 2, seq 16; gpt2_past: batch 2, seq 1, past_seq 15).\n")
        for fixture, metric, value in expected:
            f.write("%s %s %d\n" % (fixture, metric, value))
    for fixture in ("bert_base.onnx", "gpt2_past.onnx"):
        print("%s: %d bytes" % (fixture, os.path.getsize(os.path.join(OUT, fixture))))


if __name__ == "__main__":
    main()
