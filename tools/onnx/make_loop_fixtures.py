#!/usr/bin/python3
"""Makes the Loop and Scan fixtures in tests/onnx/fixtures/ with onnx.helper (run by hand; CI never runs it).
Needs Debian's python3-onnx (1.12):

    /usr/bin/python3 tools/onnx/make_loop_fixtures.py

- loop_const.onnx: x [batch, 64]; Loop with the constant trip count 5 whose body computes
  v = Relu(MatMul(v, W) + B) (W an initializer of the outer graph, B one of the body) and also emits v each
  iteration (a scan output, [5, batch, 64]).
- loop_steps.onnx: the same loop with the trip count a scalar int64 graph input `steps`.
- loop_huge.onnx: the same loop with the trip count 10^12.
- scan_rnn.onnx: an Elman RNN as Scan: x [seq, batch, 32] scanned along axis 0 with the state h [batch, 64],
  h = Tanh(MatMul(x_t, Wx) + MatMul(h, Wh)), emitting h each step ([seq, batch, 64]).

Every file is checked with onnx.checker. tests/onnx/loop_test.cc writes the expected figures as closed forms.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "onnx", "fixtures")


def loop_body():
    w_b = numpy_helper.from_array(np.zeros(64, dtype=np.float32), "B")
    nodes = [
        helper.make_node("Identity", ["cond_in"], ["cond_out"], name="/body/Identity"),
        helper.make_node("MatMul", ["v_in", "W"], ["mm"], name="/body/fc/MatMul"),
        helper.make_node("Add", ["mm", "B"], ["biased"], name="/body/fc/Add"),
        helper.make_node("Relu", ["biased"], ["v_out"], name="/body/act/Relu"),
        helper.make_node("Identity", ["v_out"], ["scan_out"], name="/body/emit/Identity"),
    ]
    return helper.make_graph(
        nodes, "body",
        [helper.make_tensor_value_info("iteration", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_in", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_out", TensorProto.FLOAT, ["batch", 64]),
         helper.make_tensor_value_info("scan_out", TensorProto.FLOAT, ["batch", 64])],
        [w_b])


def loop_model(trips, name):
    w = numpy_helper.from_array(np.zeros((64, 64), dtype=np.float32), "W")
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])]
    nodes = [helper.make_node("Constant", [], ["cond"], value=helper.make_tensor("c", TensorProto.BOOL, [], [True]))]
    if trips is None:
        inputs.append(helper.make_tensor_value_info("steps", TensorProto.INT64, []))
        count = "steps"
    else:
        nodes.append(helper.make_node("Constant", [], ["count"],
                                      value=helper.make_tensor("m", TensorProto.INT64, [], [trips])))
        count = "count"
    nodes.append(helper.make_node("Loop", [count, "cond", "x"], ["y", "ys"], name="/loop/Loop", body=loop_body()))
    graph = helper.make_graph(nodes, name, inputs,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 64]),
                               helper.make_tensor_value_info("ys", TensorProto.FLOAT, ["trips", "batch", 64])], [w])
    return helper.make_model(graph, producer_name="make_loop_fixtures", opset_imports=[helper.make_opsetid("", 13)])


def scan_model():
    wx = numpy_helper.from_array(np.zeros((32, 64), dtype=np.float32), "Wx")
    wh = numpy_helper.from_array(np.zeros((64, 64), dtype=np.float32), "Wh")
    body = helper.make_graph(
        [helper.make_node("MatMul", ["x_t", "Wx"], ["input_part"], name="/cell/input/MatMul"),
         helper.make_node("MatMul", ["h_in", "Wh"], ["hidden_part"], name="/cell/hidden/MatMul"),
         helper.make_node("Add", ["input_part", "hidden_part"], ["pre"], name="/cell/Add"),
         helper.make_node("Tanh", ["pre"], ["h_out"], name="/cell/Tanh"),
         helper.make_node("Identity", ["h_out"], ["y_t"], name="/cell/emit/Identity")],
        "cell",
        [helper.make_tensor_value_info("h_in", TensorProto.FLOAT, ["batch", 64]),
         helper.make_tensor_value_info("x_t", TensorProto.FLOAT, ["batch", 32])],
        [helper.make_tensor_value_info("h_out", TensorProto.FLOAT, ["batch", 64]),
         helper.make_tensor_value_info("y_t", TensorProto.FLOAT, ["batch", 64])])
    graph = helper.make_graph(
        [helper.make_node("Scan", ["h0", "x"], ["h_last", "ys"], name="/rnn/Scan", num_scan_inputs=1, body=body)],
        "scan_rnn",
        [helper.make_tensor_value_info("h0", TensorProto.FLOAT, ["batch", 64]),
         helper.make_tensor_value_info("x", TensorProto.FLOAT, ["seq", "batch", 32])],
        [helper.make_tensor_value_info("h_last", TensorProto.FLOAT, ["batch", 64]),
         helper.make_tensor_value_info("ys", TensorProto.FLOAT, ["seq", "batch", 64])], [wx, wh])
    return helper.make_model(graph, producer_name="make_loop_fixtures", opset_imports=[helper.make_opsetid("", 13)])


def main():
    models = {"loop_const.onnx": loop_model(5, "loop_const"), "loop_steps.onnx": loop_model(None, "loop_steps"),
              "loop_huge.onnx": loop_model(10**12, "loop_huge"), "scan_rnn.onnx": scan_model()}
    for name, model in models.items():
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(OUT, name))
        print("%s: %d bytes" % (name, os.path.getsize(os.path.join(OUT, name))))


if __name__ == "__main__":
    main()
