#!/usr/bin/python3
"""Exports torchvision classification models to ONNX and checks nnscope's figures against the file's own.

    /usr/bin/python3 tests/onnx/reference/torchvision_onnx_sweep.py --nnscope build/nnscope resnet18 ...
    /usr/bin/python3 tests/onnx/reference/torchvision_onnx_sweep.py --nnscope build/nnscope --all --markdown

For each model (a builder of torchvision.models' classification list, torchvision.models.list_models in 0.14):
build it with weights=None (torchvision's random initialisation: the same graph and tensor shapes as the trained
model), export it in eval mode as users export it (torch.onnx.export, constant folding on, so BatchNorm is folded
into the convolutions; opset 14, torch 1.13's default; batch 1 and the model's default input size, fixed), then
compute two figures from the ONNX file alone, with the `onnx` package and nothing of nnscope:

- params: the element count of every floating-point initializer that some node reads, each initializer counted
  once however many nodes read it (the exporter merges identical initializers, e.g. an untrained model's
  LayerNorm weights, all ones, into one tensor read by every LayerNorm) and whatever name it is read under
  (an Identity of an initializer is the same tensor: an alias); a BatchNormalization's running mean and variance
  are statistics, not parameters (PyTorch's parameters() and Keras' trainable count leave them out; a model
  exported in eval mode has them only where BatchNorm could not be folded, as in DenseNet's BN-ReLU-Conv);
- GEMM MACs: Conv (prod(output shape) x prod(weight shape[1:])), Gemm (M x N x K), MatMul (broadcast batch x
  M x N x K) and two-operand Einsum (the product of every index's size), with the shapes onnx.shape_inference
  gives;

then runs `nnscope analyze FILE --format json` and compares totals.params and totals.gemm_macs, and requires
nothing not costed (the JSON's not_costed list empty). The file (and its external data, which torch writes for
models over 2 GB) is deleted after each model. The model's default input size is its DEFAULT weights' crop size
(efficientnet_b7: 600, inception_v3: 299, swin_v2_*: 256), except where the untrained model is built for a fixed
size (the ViTs' image_size: vit_h_14 is 224 with weights=None, 518 only for its SWAG weights).

Exit status: 0 when every model agrees, 1 when one differs or fails, 77 when torch, torchvision or onnx cannot be
imported (ctest reports the test as skipped).
"""
import argparse
import gc
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    import onnx
    from onnx import numpy_helper
    import onnx.shape_inference
    import torch
    import torchvision
except ImportError as error:  # optional: the ctest skips without them
    print(f"SKIPPED: {error} (needs Debian's python3-torch, python3-torchvision and python3-onnx)")
    sys.exit(77)

FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE, onnx.TensorProto.BFLOAT16}


def default_input_size(name, model):
    image_size = getattr(model, "image_size", None)
    if isinstance(image_size, int):
        return image_size
    weights = torchvision.models.get_model_weights(name).DEFAULT
    crop = weights.transforms().crop_size
    return crop[0] if isinstance(crop, (list, tuple)) else crop


def all_nodes(graph):
    for node in graph.node:
        yield node
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                yield from all_nodes(attribute.g)
            for g in attribute.graphs:
                yield from all_nodes(g)


def shape_of(shapes, name):
    shape = shapes.get(name)
    if shape is None:
        raise RuntimeError(f"no inferred shape for {name!r}")
    return shape


# The shape-computing subgraphs torch's exporter writes (Shape -> Gather -> Concat -> Reshape, the Swin pads and
# window masks) are beyond onnx.shape_inference's data propagation in onnx 1.12, so they are evaluated here with
# numpy, as ONNX defines each op, and replaced by initializers before shapes are inferred again. Only integer
# tensors, Constant nodes and shapes are folded: a node that reads a floating-point initializer (a weight) is never
# folded, so the weights and the GEMMs stay in the graph.
FOLD_LIMIT = 1 << 20  # elements of one folded value (the Swin attention masks are ~10^5)


def attribute_dict(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def evaluate(node, inputs, input_shapes):
    """The outputs of `node` given its input values (numpy arrays; None for an absent optional input)."""
    op = node.op_type
    at = attribute_dict(node)
    x = inputs[0] if inputs else None
    if op == "Constant":
        return [numpy_helper.to_array(at["value"])] if "value" in at else None
    if op == "Shape":
        shape = np.array(input_shapes[0], dtype=np.int64)
        rank = len(shape)
        lo, hi = at.get("start", 0), at.get("end", rank)
        return [shape[lo:hi]]
    if op == "Identity":
        return [x]
    if op == "Cast":
        return [x.astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[at["to"]])]
    if op in ("Add", "Sub", "Mul", "Pow", "Equal", "Less", "Greater", "And", "Or", "Max", "Min"):
        fn = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Pow": np.power, "Equal": np.equal,
              "Less": np.less, "Greater": np.greater, "And": np.logical_and, "Or": np.logical_or,
              "Max": np.maximum, "Min": np.minimum}[op]
        out = inputs[0]
        for y in inputs[1:]:
            out = fn(out, y)
        return [np.asarray(out).astype(x.dtype) if op not in ("Equal", "Less", "Greater", "And", "Or") else out]
    if op == "Div":
        a, b = inputs
        if np.issubdtype(a.dtype, np.integer):
            return [(np.trunc(a / b)).astype(a.dtype)]  # ONNX integer division truncates
        return [(a / b).astype(a.dtype)]
    if op == "Mod":
        a, b = inputs
        return [np.fmod(a, b) if at.get("fmod", 0) else np.mod(a, b)]
    if op in ("Neg", "Not", "Sqrt", "Floor", "Ceil", "Abs"):
        fn = {"Neg": np.negative, "Not": np.logical_not, "Sqrt": np.sqrt, "Floor": np.floor, "Ceil": np.ceil,
              "Abs": np.abs}[op]
        return [fn(x).astype(x.dtype)]
    if op == "Gather":
        return [np.take(x, inputs[1], axis=at.get("axis", 0))]
    if op == "Unsqueeze":
        axes = sorted(int(a) % (x.ndim + len(inputs[1])) for a in inputs[1])
        for a in axes:
            x = np.expand_dims(x, a)
        return [x]
    if op == "Squeeze":
        if len(inputs) > 1 and inputs[1] is not None:
            return [np.squeeze(x, axis=tuple(int(a) for a in inputs[1]))]
        return [np.squeeze(x)]
    if op == "Concat":
        return [np.concatenate(inputs, axis=at["axis"])]
    if op == "Slice":
        starts, ends = inputs[1], inputs[2]
        axes = inputs[3] if len(inputs) > 3 and inputs[3] is not None else range(len(starts))
        steps = inputs[4] if len(inputs) > 4 and inputs[4] is not None else [1] * len(starts)
        index = [slice(None)] * x.ndim
        for s, e, a, st in zip(starts, ends, axes, steps):
            index[int(a)] = slice(int(max(min(s, 2**62), -2**62)), int(max(min(e, 2**62), -2**62)), int(st))
        return [x[tuple(index)]]
    if op == "ConstantOfShape":
        value = numpy_helper.to_array(at["value"]) if "value" in at else np.zeros(1, np.float32)
        if math.prod(int(d) for d in x) > FOLD_LIMIT:
            return None
        return [np.full(tuple(int(d) for d in x), value.reshape(-1)[0], dtype=value.dtype)]
    if op == "Range":
        start, limit, delta = (v.reshape(()) for v in inputs)
        return [np.arange(start, limit, delta).astype(start.dtype)]
    if op == "Where":
        return [np.where(*inputs)]
    if op == "Expand":
        shape = np.broadcast_shapes(x.shape, tuple(int(d) for d in inputs[1]))
        if math.prod(shape) > FOLD_LIMIT:
            return None
        return [np.broadcast_to(x, shape).copy()]
    if op == "Reshape":
        shape = [int(d) for d in inputs[1]]
        shape = [x.shape[i] if d == 0 and not at.get("allowzero", 0) else d for i, d in enumerate(shape)]
        return [x.reshape(shape)]
    if op == "Transpose":
        return [np.transpose(x, at.get("perm"))]
    if op == "ScatterND":
        data, indices, updates = (np.array(v) for v in inputs)
        out = data.copy()
        for idx in np.ndindex(indices.shape[:-1]):
            out[tuple(indices[idx])] = updates[idx]
        return [out]
    return None


def fold_shape_subgraphs(model):
    """Folds the shape-computing subgraphs of `model` into initializers until shape inference settles."""
    graph = model.graph
    weights = {t.name for t in graph.initializer if t.data_type in FLOAT_TYPES}
    values = {t.name: numpy_helper.to_array(t) for t in graph.initializer
              if t.name not in weights and math.prod(t.dims) <= FOLD_LIMIT}
    for _ in range(64):
        inferred = onnx.shape_inference.infer_shapes(model, data_prop=True)
        shapes = static_shapes(inferred.graph)
        kept, folded = [], []
        for node in model.graph.node:
            outputs = None
            reads_weight = any(name in weights for name in node.input)
            known = all(name == "" or name in values for name in node.input)
            if node.op_type == "Shape" and node.input[0] in shapes:
                outputs = evaluate(node, [], [shapes[node.input[0]]])
            elif known and not reads_weight and node.op_type not in ("Dropout",):
                try:
                    outputs = evaluate(node, [values.get(name) if name else None for name in node.input], [])
                except (ValueError, IndexError, TypeError):
                    outputs = None
            if outputs is not None and all(o is not None and o.size <= FOLD_LIMIT for o in outputs):
                for name, value in zip(node.output, outputs):
                    values[name] = np.asarray(value)
                folded.append(node)
            else:
                kept.append(node)
        # onnx 1.12 infers no output shape for Einsum equations written with spaces or capitals (torch keeps
        # MaxViT's "B G H I D, B G H J D -> B G H I J" as written): the output takes each letter's size.
        added = False
        for node in kept:
            if node.op_type == "Einsum" and node.output[0] not in shapes and all(i in shapes for i in node.input):
                equation = attribute_dict(node)["equation"].decode().replace(" ", "")
                operands, result = equation.split("->")
                sizes = {}
                for letters, name in zip(operands.split(","), node.input):
                    sizes.update(zip(letters, shapes[name]))
                model.graph.value_info.append(onnx.helper.make_tensor_value_info(
                    node.output[0], onnx.TensorProto.FLOAT, [sizes[letter] for letter in result]))
                added = True
        if not folded and not added:
            return inferred, shapes
        needed = {name for node in kept for name in node.input} | {o.name for o in model.graph.output}
        del model.graph.node[:]
        model.graph.node.extend(kept)
        present = {t.name for t in model.graph.initializer}
        for node in folded:
            for name in node.output:
                if name in needed and name not in present:
                    model.graph.initializer.append(numpy_helper.from_array(values[name], name))
        # Folded outputs lose their stale value_info (e.g. the unknown dims inferred before folding).
        stale = {name for node in folded for name in node.output}
        infos = [v for v in model.graph.value_info if v.name not in stale]
        del model.graph.value_info[:]
        model.graph.value_info.extend(infos)
    raise RuntimeError("shape folding did not settle after 64 rounds")


def static_shapes(graph):
    shapes = {}
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        tensor = value.type.tensor_type
        if tensor.HasField("shape") and all(d.HasField("dim_value") for d in tensor.shape.dim):
            shapes[value.name] = [d.dim_value for d in tensor.shape.dim]
    for t in graph.initializer:
        shapes[t.name] = list(t.dims)
    return shapes


def onnx_figures(path):
    """(params, gemm_macs, op_types) of the ONNX file at path, from the file alone."""
    model = onnx.load(path, load_external_data=False)  # dims are in each TensorProto; the data is not needed
    graph = model.graph
    initializers = {t.name: (t.data_type, list(t.dims)) for t in graph.initializer}
    # Aliases: an Identity of an initializer is that initializer under another name.
    alias = {node.output[0]: node.input[0] for node in graph.node
             if node.op_type == "Identity" and node.input[0] in initializers}
    read = set()
    op_types = set()
    for node in all_nodes(graph):
        op_types.add(node.op_type)
        for position, name in enumerate(node.input):
            if node.op_type == "BatchNormalization" and position >= 3:
                continue  # the running mean and variance: statistics, not parameters (PyTorch's, Keras' count)
            name = alias.get(name, name)
            if name in initializers and initializers[name][0] in FLOAT_TYPES:
                read.add(name)
    params = sum(math.prod(initializers[name][1]) for name in read)
    # The weights' contents are not needed for shapes: dropped, so the copies shape inference makes stay small.
    for t in graph.initializer:
        if t.data_type in FLOAT_TYPES:
            t.ClearField("raw_data")
            t.ClearField("float_data")
    inferred, shapes = fold_shape_subgraphs(model)
    macs = 0
    for node in all_nodes(inferred.graph):
        if node.op_type == "Conv":
            output = shape_of(shapes, node.output[0])
            weight = shape_of(shapes, alias.get(node.input[1], node.input[1]))
            macs += math.prod(output) * math.prod(weight[1:])
        elif node.op_type == "Gemm":
            attributes = attribute_dict(node)
            a = shape_of(shapes, node.input[0])
            b = shape_of(shapes, alias.get(node.input[1], node.input[1]))
            m, k = (a[1], a[0]) if attributes.get("transA", 0) else (a[0], a[1])
            n = b[0] if attributes.get("transB", 0) else b[1]
            macs += m * n * k
        elif node.op_type == "MatMul":
            a = list(shape_of(shapes, alias.get(node.input[0], node.input[0])))
            b = list(shape_of(shapes, alias.get(node.input[1], node.input[1])))
            if len(a) == 1:
                a = [1] + a
            if len(b) == 1:
                b = b + [1]
            batch_a, batch_b = a[:-2], b[:-2]
            rank = max(len(batch_a), len(batch_b))
            batch_a = [1] * (rank - len(batch_a)) + batch_a
            batch_b = [1] * (rank - len(batch_b)) + batch_b
            batch = math.prod(max(x, y) for x, y in zip(batch_a, batch_b))
            macs += batch * a[-2] * b[-1] * a[-1]
        elif node.op_type == "Einsum" and len(node.input) == 2:
            # Two operands: every combination of the indices' values is one multiply-add (MaxViT's attention).
            equation = attribute_dict(node)["equation"].decode().replace(" ", "")
            operands = equation.split("->")[0].split(",")
            sizes = {}
            for letters, name in zip(operands, node.input):
                for letter, size in zip(letters, shape_of(shapes, alias.get(name, name))):
                    sizes[letter] = size
            macs += math.prod(sizes.values())
        elif node.op_type in ("ConvTranspose", "Einsum", "QLinearConv", "QLinearMatMul", "ConvInteger",
                              "MatMulInteger"):
            raise RuntimeError(f"{node.op_type} is not counted by this script")
    return params, macs, op_types


def export(name, directory):
    """Exports torchvision's `name` under `directory`; returns (path, input size, torch's parameter count)."""
    model = getattr(torchvision.models, name)(weights=None).eval()
    size = default_input_size(name, model)
    torch_params = sum(p.numel() for p in model.parameters())
    path = os.path.join(directory, name + ".onnx")
    # Not under torch.no_grad(): with gradients off, nn.MultiheadAttention (the ViTs) takes its fused fast path,
    # aten::_native_multi_head_attention, which torch 1.13 cannot export. And torch 1.13 cannot export
    # Tensor.zero_ (aten::zero), which Swin V2 applies to the key part of its qkv bias: it is exported as mul_(0),
    # the same values and the same graph around it.
    zero = torch.Tensor.zero_
    torch.Tensor.zero_ = lambda self: self.mul_(0)
    try:
        torch.onnx.export(model, torch.zeros(1, 3, size, size), path, opset_version=14, do_constant_folding=True,
                          input_names=["input"], output_names=["logits"])
    finally:
        torch.Tensor.zero_ = zero
    del model
    gc.collect()
    return path, size, torch_params


def nnscope_figures(nnscope, path):
    result = subprocess.run([nnscope, "analyze", path, "--format", "json"], capture_output=True, text=True,
                            timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"nnscope exited {result.returncode}: {result.stderr.strip()}")
    report = json.loads(result.stdout)
    return report["totals"]["params"], report["totals"]["gemm_macs"], report["not_costed"]


def check(name, nnscope, workdir):
    directory = tempfile.mkdtemp(prefix=name + "_", dir=workdir)
    try:
        started = time.monotonic()
        path, size, torch_params = export(name, directory)
        file_bytes = sum(os.path.getsize(os.path.join(directory, f)) for f in os.listdir(directory))
        params, macs, _ = onnx_figures(path)
        got_params, got_macs, not_costed = nnscope_figures(nnscope, path)
        return {"model": name, "size": size, "torch_params": torch_params, "file_bytes": file_bytes,
                "params": params, "macs": macs, "nnscope_params": got_params, "nnscope_macs": got_macs,
                "not_costed": not_costed, "seconds": time.monotonic() - started}
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", help="torchvision classification builders (default with --all: all)")
    parser.add_argument("--all", action="store_true", help="every classification model of torchvision.models")
    parser.add_argument("--nnscope", help="the nnscope executable")
    parser.add_argument("--workdir", default=None, help="where the exports are written (default: a temp dir)")
    parser.add_argument("--markdown", action="store_true", help="also print the results as a Markdown table")
    parser.add_argument("--results", help="append each model's result to this file, one JSON object a line")
    parser.add_argument("--markdown-from", metavar="FILE", help="only print the Markdown table of a --results file "
                        "(the last result of each model, in torchvision's order)")
    args = parser.parse_args()
    if args.markdown_from:
        latest = {}
        with open(args.markdown_from) as lines:
            for line in lines:
                row = json.loads(line)
                latest[row["model"]] = row
        order = torchvision.models.list_models(module=torchvision.models)
        print_markdown([latest[m] for m in order if m in latest])
        return 0
    if not args.nnscope:
        parser.error("--nnscope is required")
    available = torchvision.models.list_models(module=torchvision.models)
    models = available if args.all else args.models
    if not models:
        parser.error("name models or give --all")
    unknown = [m for m in models if m not in available]
    if unknown:
        parser.error(f"not torchvision classification models: {', '.join(unknown)}")
    torch.set_num_threads(1)
    torch.manual_seed(0)
    failures = 0
    rows = []
    for name in models:
        try:
            row = check(name, args.nnscope, args.workdir)
        except Exception as error:  # one failing export or analysis must not hide the others' results
            failures += 1
            print(f"{name:22} FAILED: {type(error).__name__}: {error}", flush=True)
            rows.append({"model": name, "error": f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"})
            if args.results:
                with open(args.results, "a") as out:
                    out.write(json.dumps(rows[-1]) + "\n")
            continue
        agree = (row["params"] == row["nnscope_params"] and row["macs"] == row["nnscope_macs"]
                 and not row["not_costed"])
        failures += not agree
        row["agree"] = agree
        rows.append(row)
        if args.results:
            with open(args.results, "a") as out:
                out.write(json.dumps(row) + "\n")
        print(f"{name:22} {row['size']:4}px  params onnx {row['params']:>13,} nnscope {row['nnscope_params']:>13,}"
              f"  MACs onnx {row['macs']:>17,} nnscope {row['nnscope_macs']:>17,}"
              f"  not costed {len(row['not_costed'])}  {'ok' if agree else 'DIFFERS'}  ({row['seconds']:.1f} s)",
              flush=True)
    if args.markdown:
        print_markdown(rows)
    print(f"\n{len(models) - failures} of {len(models)} models agree")
    return 1 if failures else 0


def print_markdown(rows):
    print("\n| model | input | ONNX file | params (torch) | params (ONNX file) | GEMM MACs (ONNX file) | nnscope |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        if "error" in row:
            print(f"| `{row['model']}` | | | | | | export or analysis failed: {row['error']} |")
            continue
        verdict = "same" if row["agree"] else (
            f"params {row['nnscope_params']:,}, MACs {row['nnscope_macs']:,}, {len(row['not_costed'])} not costed")
        print(f"| `{row['model']}` | {row['size']} | {row['file_bytes'] / 1e6:,.0f} MB | {row['torch_params']:,} |"
              f" {row['params']:,} | {row['macs']:,} | {verdict} |")


if __name__ == "__main__":
    sys.exit(main())
