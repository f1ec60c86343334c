#!/usr/bin/env python3
"""Parameters and GEMM MACs of diffusers' UNet2DConditionModel from its config.json, by closed forms.

Independent of nnscope: it walks the constructor of diffusers' UNet2DConditionModel (unet_2d_condition.py,
unet_2d_blocks.py get_down_block / get_up_block, resnet.py ResnetBlock2D, transformer_2d.py, attention.py
BasicTransformerBlock with GEGLU, embeddings.py TimestepEmbedding) over the published configs of
stabilityai/stable-diffusion-2-1 (the same U-Net as stable-diffusion-2-base and MLCommons' SD v2 reference)
and stabilityai/stable-diffusion-xl-base-1.0, counting each module's parameters and the multiply-accumulates of
every convolution, linear layer and attention product (bias adds excluded). Run: python3 diffusion_unet.py.
Its output is what tests/models/diffusion_test.cc pins, next to the published parameter counts
(865,910,724 and 2,567,463,684).
"""

SD2 = dict(block_out_channels=[320, 640, 1280, 1280], cross=[True, True, True, False], heads=[5, 10, 20, 20],
           transformer_layers=[1, 1, 1, 1], layers_per_block=2, cross_attention_dim=1024, addition=None)
SDXL = dict(block_out_channels=[320, 640, 1280], cross=[False, True, True], heads=[5, 10, 20],
            transformer_layers=[1, 2, 10], layers_per_block=2, cross_attention_dim=2048,
            addition=dict(addition_time_embed_dim=256, projection_class_embeddings_input_dim=2816))


class Counter:
    def __init__(self):
        self.params = 0
        self.macs = 0

    def linear(self, tokens, n_in, n_out, bias=True):
        self.params += n_in * n_out + (n_out if bias else 0)
        self.macs += tokens * n_in * n_out

    def conv(self, batch, h_out, w_out, c_in, c_out, k):
        self.params += c_in * c_out * k * k + c_out
        self.macs += batch * h_out * w_out * c_out * c_in * k * k

    def norm(self, c):  # GroupNorm / LayerNorm with weight and bias
        self.params += 2 * c


def resnet(n, b, h, w, c_in, c_out, temb=1280):
    n.norm(c_in)
    n.conv(b, h, w, c_in, c_out, 3)
    n.linear(b, temb, c_out)  # time_emb_proj
    n.norm(c_out)
    n.conv(b, h, w, c_out, c_out, 3)
    if c_in != c_out:
        n.conv(b, h, w, c_in, c_out, 1)  # conv_shortcut


def transformer(n, b, h, w, c, heads, layers, ctx_dim, ctx_len):
    s = b * h * w  # tokens
    n.norm(c)
    n.linear(s, c, c)  # proj_in (use_linear_projection)
    for _ in range(layers):
        n.norm(c)  # norm1, attn1: self-attention
        n.linear(s, c, c, bias=False)
        n.linear(s, c, c, bias=False)
        n.linear(s, c, c, bias=False)
        n.macs += 2 * b * (h * w) * (h * w) * c  # q·kᵀ and probs·v over all heads
        n.linear(s, c, c)  # to_out.0
        n.norm(c)  # norm2, attn2: cross-attention to the text
        n.linear(s, c, c, bias=False)
        n.linear(b * ctx_len, ctx_dim, c, bias=False)
        n.linear(b * ctx_len, ctx_dim, c, bias=False)
        n.macs += 2 * b * (h * w) * ctx_len * c
        n.linear(s, c, c)
        n.norm(c)  # norm3, ff: GEGLU
        n.linear(s, c, 8 * c)
        n.linear(s, 4 * c, c)
    n.linear(s, c, c)  # proj_out


def unet(cfg, batch, height, width, ctx_len):
    n = Counter()
    b, h, w = batch, height, width
    ch = cfg["block_out_channels"]
    n.conv(b, h, w, 4, ch[0], 3)  # conv_in
    n.linear(b, ch[0], 4 * ch[0])  # time_embedding.linear_1
    n.linear(b, 4 * ch[0], 4 * ch[0])  # time_embedding.linear_2
    if cfg["addition"]:
        n.linear(b, cfg["addition"]["projection_class_embeddings_input_dim"], 4 * ch[0])  # add_embedding
        n.linear(b, 4 * ch[0], 4 * ch[0])
    skips = [ch[0]]
    c = ch[0]
    levels = len(ch)
    for i in range(levels):
        for _ in range(cfg["layers_per_block"]):
            resnet(n, b, h, w, c, ch[i])
            c = ch[i]
            if cfg["cross"][i]:
                transformer(n, b, h, w, c, cfg["heads"][i], cfg["transformer_layers"][i],
                            cfg["cross_attention_dim"], ctx_len)
            skips.append(c)
        if i < levels - 1:
            h, w = (h + 1) // 2, (w + 1) // 2
            n.conv(b, h, w, c, c, 3)  # downsamplers.0.conv, stride 2
            skips.append(c)
    resnet(n, b, h, w, c, c)  # mid_block
    transformer(n, b, h, w, c, cfg["heads"][-1], cfg["transformer_layers"][-1], cfg["cross_attention_dim"], ctx_len)
    resnet(n, b, h, w, c, c)
    for i in reversed(range(levels)):
        for _ in range(cfg["layers_per_block"] + 1):
            resnet(n, b, h, w, c + skips.pop(), ch[i])
            c = ch[i]
            if cfg["cross"][i]:
                transformer(n, b, h, w, c, cfg["heads"][i], cfg["transformer_layers"][i],
                            cfg["cross_attention_dim"], ctx_len)
        if i > 0:
            h, w = 2 * h, 2 * w
            n.conv(b, h, w, c, c, 3)  # upsamplers.0.conv after nearest ×2
    n.norm(c)  # conv_norm_out
    n.conv(b, h, w, c, 4, 3)  # conv_out
    assert not skips
    return n


if __name__ == "__main__":
    for name, cfg, sizes in [("stable_diffusion_v2", SD2, [(1, 64, 64, 77), (2, 96, 96, 77)]),
                             ("stable_diffusion_xl", SDXL, [(1, 128, 128, 77), (2, 64, 96, 154)])]:
        for batch, height, width, ctx in sizes:
            n = unet(cfg, batch, height, width, ctx)
            print(f"{name} batch={batch} latent={height}x{width} text_len={ctx}: params {n.params:,} "
                  f"GEMM MACs {n.macs:,}")
