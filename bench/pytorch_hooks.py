#!/usr/bin/python3
"""The usual framework way to answer nnscope's question, for comparison in nnscope_bench --pytorch.

What torchinfo-style summaries do: build the model, hook every leaf module to record its output shape and
parameter count, and run one forward pass on a 1x3x224x224 zero tensor under torch.no_grad(). Timed as a whole
process by nnscope_bench (interpreter start-up and `import torch` included), because that is what a user waits
for.

Optional: needs Debian's python3-torch / python3-torchvision (run it with /usr/bin/python3, not a pyenv
python without torch). Nothing in the build or the tests depends on it.

Threading is left at PyTorch's default, as a user would run it; the thread count is printed because it changes
the forward pass's time (nnscope uses one thread). Debian's 1.13 build picked 1 thread on the 2-core bench VM.

    /usr/bin/python3 bench/pytorch_hooks.py resnet50|resnet152
"""
import sys

import torch
import torchvision

# Checked so the timing is known to be of the right model, not of a different torchvision variant.
EXPECTED_PARAMS = {"resnet50": 25_557_032, "resnet152": 60_192_808}


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1] not in EXPECTED_PARAMS:
        print(f"usage: {sys.argv[0]} {'|'.join(EXPECTED_PARAMS)}", file=sys.stderr)
        return 2
    name = sys.argv[1]
    model = getattr(torchvision.models, name)(weights=None).eval()

    layers = []

    def record(module, inputs, output):
        params = sum(p.numel() for p in module.parameters(recurse=False))
        layers.append((type(module).__name__, tuple(output.shape), params))

    for module in model.modules():
        if not any(module.children()):
            module.register_forward_hook(record)

    with torch.no_grad():
        output = model(torch.zeros(1, 3, 224, 224))

    hooked_params = sum(params for _, _, params in layers)
    total_params = sum(p.numel() for p in model.parameters())
    print(f"{name}: {len(layers)} hooked layer calls, output {tuple(output.shape)}, "
          f"params {total_params:,} (in hooked layers {hooked_params:,}), torch threads {torch.get_num_threads()}")
    if total_params != EXPECTED_PARAMS[name]:
        print(f"{name}: expected {EXPECTED_PARAMS[name]:,} params, got {total_params:,}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
