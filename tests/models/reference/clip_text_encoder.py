#!/usr/bin/python3
"""Parameters, GEMM MACs and output shape of Stable Diffusion 2's text encoder, with PyTorch.

Independent of nnscope: a plain-PyTorch re-implementation of the CLIP text transformer (nn.Embedding,
nn.LayerNorm, nn.Linear, nn.GELU), laid out as Hugging Face's CLIPTextModel with the configuration of diffusers'
stabilityai/stable-diffusion-2 text_encoder/config.json (hidden_size 1024, intermediate_size 4096,
num_attention_heads 16, num_hidden_layers 23, max_position_embeddings 77, vocab_size 49408, hidden_act "gelu",
layer_norm_eps 1e-5). That is OpenCLIP ViT-H/14's text tower (open_clip model_configs/ViT-H-14.json text_cfg:
width 1024, heads 16, layers 24, context 77, vocab 49408; nn.GELU, not QuickGELU; causal mask) as SD 2 runs it:
FrozenOpenCLIPEmbedder(layer="penultimate") stops before the last of the 24 residual blocks and applies ln_final
(Stability-AI/stablediffusion and MLCommons' training stable_diffusion, ldm/modules/encoders/modules.py).

The parameters are counted from the modules; the GEMM MACs with forward hooks on every nn.Linear
(rows x in x out, bias excluded) and on the two attention products (q·kᵀ and probs·v, wrapped in a MatMul
module so that a hook sees them), at two sizes. The 24-layer tower with OpenCLIP's text_projection
(1024 x 1024, applied to the pooled token only) is printed as well: open_clip's docs/model_profile.csv publishes
354.03 M text parameters and 47.09 text GFLOPs (torch's FlopCounterMode: 2 per MAC) for ViT-H-14 at 77 tokens.
Its output is what tests/models/diffusion_test.cc pins. Run: /usr/bin/python3 clip_text_encoder.py.
"""
import torch
import torch.nn as nn

SD2_TEXT = dict(vocab=49408, positions=77, hidden=1024, heads=16, intermediate=4096, layers=23)


class MatMul(nn.Module):
    def forward(self, a, b):
        return a @ b


class Attention(nn.Module):  # CLIPAttention: q_proj, k_proj, v_proj, out_proj, all with biases
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.q_proj, self.k_proj = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.v_proj, self.out_proj = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.qk, self.av = MatMul(), MatMul()

    def forward(self, x):
        b, s, d = x.shape
        split = lambda t: t.view(b, s, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        scores = self.qk(q, k.transpose(-1, -2)) * (d // self.heads) ** -0.5
        causal = torch.full((s, s), float("-inf")).triu(1)
        probs = torch.softmax(scores + causal, dim=-1)
        return self.out_proj(self.av(probs, v).transpose(1, 2).reshape(b, s, d))


class EncoderLayer(nn.Module):  # CLIPEncoderLayer: pre-norm attention and MLP, each added back
    def __init__(self, hidden, heads, intermediate):
        super().__init__()
        self.layer_norm1, self.self_attn = nn.LayerNorm(hidden), Attention(hidden, heads)
        self.layer_norm2 = nn.LayerNorm(hidden)
        self.fc1, self.act, self.fc2 = nn.Linear(hidden, intermediate), nn.GELU(), nn.Linear(intermediate, hidden)

    def forward(self, x):
        x = x + self.self_attn(self.layer_norm1(x))
        return x + self.fc2(self.act(self.fc1(self.layer_norm2(x))))


class TextTransformer(nn.Module):  # CLIPTextTransformer without the pooled output (SD 2 does not use it)
    def __init__(self, vocab, positions, hidden, heads, intermediate, layers, projection=0):
        super().__init__()
        self.token_embedding, self.position_embedding = nn.Embedding(vocab, hidden), nn.Embedding(positions, hidden)
        self.layers = nn.ModuleList(EncoderLayer(hidden, heads, intermediate) for _ in range(layers))
        self.final_layer_norm = nn.LayerNorm(hidden)
        # OpenCLIP's text_projection (a bare [width, embed_dim] matrix), on the end-of-text token only.
        self.text_projection = nn.Linear(hidden, projection, bias=False) if projection else None

    def forward(self, ids):
        x = self.token_embedding(ids) + self.position_embedding(torch.arange(ids.shape[1]))
        for layer in self.layers:
            x = layer(x)
        x = self.final_layer_norm(x)
        if self.text_projection is not None:
            self.text_projection(x[:, -1])
        return x


def measure(model, batch, seq):
    macs = [0]

    def linear(m, inputs, out):
        macs[0] += out.numel() * m.in_features

    def matmul(m, inputs, out):
        macs[0] += out.numel() * inputs[0].shape[-1]

    handles = [m.register_forward_hook(linear if isinstance(m, nn.Linear) else matmul)
               for m in model.modules() if isinstance(m, (nn.Linear, MatMul))]
    with torch.no_grad():
        out = model(torch.zeros(batch, seq, dtype=torch.long))
    for h in handles:
        h.remove()
    return macs[0], tuple(out.shape)


def main():
    model = TextTransformer(**SD2_TEXT).eval()
    params = sum(p.numel() for p in model.parameters())
    for batch, seq in ((1, 77), (2, 32)):
        macs, shape = measure(model, batch, seq)
        print(f"stable_diffusion_v2_text_encoder batch={batch} seq={seq}: params {params:,} GEMM MACs {macs:,} "
              f"output {shape}")
    tower = TextTransformer(**dict(SD2_TEXT, layers=24), projection=1024).eval()
    macs, _ = measure(tower, 1, 77)
    print(f"OpenCLIP ViT-H-14 text tower (24 layers, text_projection) batch=1 seq=77: params "
          f"{sum(p.numel() for p in tower.parameters()):,} GEMM MACs {macs:,}")


if __name__ == "__main__":
    main()
