"""Static INT8 quantization of a V4 ONNX model's convolutions (the ~90% of its cost), in the QDQ
form onnxruntime fuses into QLinearConv: uint8 activations (zero point 0, as they all come out of
a ReLU or lie in 0..1), int8 weights per output channel, int32 biases. Fully connected layers stay
float (they are a few percent of the cost and carry the decision).

Activation ranges come from running the float model (PyTorch, weights read back from the ONNX
file) on calibration tensors made by models/export-tensors.ts: the largest value each ReLU
after a convolution gives. Inputs of the first convolutions lie in 0..1, so their scale is 1/255
and pixel and LSB values pass unchanged.

    /usr/bin/python3 models/quantize_int8.py FLOAT.onnx CALIB_TENSOR_DIR OUT.onnx [--images N]

Needs Debian's python3-onnx (1.12) besides python3-torch; onnxruntime's own quantization tool is
a Python package Debian does not ship.
"""
import argparse
import os
import sys

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper, TensorProto
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_weights import load_onnx_model  # noqa: E402
from tensor_set import load_tensors, batch_inputs  # noqa: E402


def relu_maxima(float_path, calib_dir, images):
    """Largest output of every ReLU that follows a convolution, in forward order."""
    model = load_onnx_model(float_path).eval()
    relus = []
    for stream in list(model.streams) + ([model.parity] if model.parity is not None else []):
        body = getattr(stream, "body", None)
        if body is None or not any(isinstance(m, (nn.Conv1d, nn.Conv2d)) for m in body):
            continue
        relus += [m for m in body if isinstance(m, nn.ReLU)]
    maxima = [0.0] * len(relus)

    def hook(i):
        def record(_module, _inputs, output):
            maxima[i] = max(maxima[i], float(output.max()))
        return record

    for i, relu in enumerate(relus):
        relu.register_forward_hook(hook(i))
    arrays, _, n = load_tensors(calib_dir)
    picks = np.linspace(0, n - 1, min(images, n)).astype(int)
    with torch.no_grad():
        for start in range(0, len(picks), 32):
            model(*batch_inputs(arrays, picks[start:start + 32]))
    return maxima


# The pixel stream's first convolution (the one that reads the pixel_tensor input) stays float.
# Palette payloads reach the model through pixel_tensor as one-grey-level colour swaps, which it
# finds with filters whose weights cancel on smooth areas; rounded to int8 they no longer cancel,
# and clean GIFs were flagged (v4-reference-4: FPR on held-out GIFs 13/56 against 1/56 for float;
# with this convolution float, 1/56).
FLOAT_INPUTS = ("pixel_tensor",)


def quantize(float_path, maxima, out_path, float_inputs=FLOAT_INPUTS):
    model = onnx.load(float_path)
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    # Only trained convolutions (each followed by a ReLU); a fixed one (the parity stream's
    # residual) stays float: its output is signed and its weights are exact fractions.
    convs = [n for n in graph.node if n.op_type == "Conv" and any(c.op_type == "Relu" for c in consumers[n.output[0]])]
    relu_after = [next(c for c in consumers[conv.output[0]] if c.op_type == "Relu") for conv in convs]
    if len(relu_after) != len(maxima):
        raise ValueError(f"{len(relu_after)} conv ReLUs in the graph, {len(maxima)} measured")
    scale_of = {}
    new_nodes, new_inits = [], []

    def qdq(tensor, scale):
        """Puts Q -> DQ (uint8, zero point 0) on `tensor`; its consumers read the DQ output."""
        s, z = f"{tensor}_scale", f"{tensor}_zp"
        new_inits.append(numpy_helper.from_array(np.array(scale, dtype=np.float32), s))
        new_inits.append(numpy_helper.from_array(np.array(0, dtype=np.uint8), z))
        q, dq = f"{tensor}_q", f"{tensor}_dq"
        for node in consumers.get(tensor, []):
            for k, name in enumerate(node.input):
                if name == tensor:
                    node.input[k] = dq
        new_nodes.append(helper.make_node("QuantizeLinear", [tensor, s, z], [q]))
        new_nodes.append(helper.make_node("DequantizeLinear", [q, s, z], [dq]))
        # A later convolution reads the DQ output: it must find the scale under that name too, or it
        # would put a second Q -> DQ on it (a DQ with two consumers, which onnxruntime never fuses)
        # and quantize its bias at the wrong scale.
        scale_of[tensor] = scale_of[dq] = scale

    for relu, top in zip(relu_after, maxima):
        qdq(relu.output[0], max(top, 1e-6) / 255.0)
    for conv in convs:
        if conv.input[0] in float_inputs:
            continue  # its ReLU's output is still quantized above, for the convolution after it
        x = conv.input[0]
        if x not in scale_of:  # a stream's first convolution: its input lies in 0..1
            qdq(x, 1.0 / 255.0)
        x_scale = scale_of[x]
        w = numpy_helper.to_array(inits[conv.input[1]])
        b = numpy_helper.to_array(inits[conv.input[2]])
        w_scale = np.maximum(np.abs(w.reshape(w.shape[0], -1)).max(axis=1), 1e-8) / 127.0
        shape = (-1,) + (1,) * (w.ndim - 1)
        w_q = np.clip(np.round(w / w_scale.reshape(shape)), -127, 127).astype(np.int8)
        b_scale = (x_scale * w_scale).astype(np.float32)
        b_q = np.round(b / b_scale).astype(np.int32)
        for name, q, scale, zp_type in ((conv.input[1], w_q, w_scale, np.int8), (conv.input[2], b_q, b_scale, np.int32)):
            new_inits.append(numpy_helper.from_array(q, f"{name}_quant"))
            new_inits.append(numpy_helper.from_array(scale.astype(np.float32), f"{name}_qscale"))
            new_inits.append(numpy_helper.from_array(np.zeros(len(scale), dtype=zp_type), f"{name}_qzp"))
            new_nodes.append(helper.make_node(
                "DequantizeLinear", [f"{name}_quant", f"{name}_qscale", f"{name}_qzp"], [f"{name}_deq"], axis=0))
        conv.input[1], conv.input[2] = f"{conv.input[1]}_deq", f"{conv.input[2]}_deq"
    used = {name for node in graph.node for name in node.input}
    kept = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    nodes = new_nodes + list(graph.node)
    del graph.node[:]
    graph.node.extend(topological(nodes, {i.name for i in graph.input} | {t.name for t in graph.initializer}))
    for prop in model.metadata_props:
        if prop.key == "version":
            prop.value += "-int8"
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


def topological(nodes, available):
    ordered, pending, ready = [], list(nodes), set(available)
    while pending:
        progress = [n for n in pending if all(i == "" or i in ready for i in n.input)]
        if not progress:
            raise ValueError("graph has a cycle or a missing input")
        for n in progress:
            ordered.append(n)
            ready.update(n.output)
        pending = [n for n in pending if n not in progress]
    return ordered


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("float_model")
    parser.add_argument("calib")
    parser.add_argument("out")
    parser.add_argument("--images", type=int, default=256)
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    maxima = relu_maxima(args.float_model, args.calib, args.images)
    quantize(args.float_model, maxima, args.out)
    print(f"wrote {args.out}: {os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
