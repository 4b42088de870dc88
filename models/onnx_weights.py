"""Loads the weights of an exported V4 ONNX model back into a V4Detector, so training can start
from a previous model instead of from scratch (no `onnx` Python package here: the few protobuf
fields needed are read by hand).

The exporter folds each BatchNorm into the convolution before it and names those weights
`onnx::Conv_N`, in forward order. They are loaded into the convolutions in module order and the
BatchNorms become identities, so the loaded model in eval mode computes what the ONNX file does.
"""
import numpy as np
import torch
from torch import nn

from v4_arch import ScanStatsStream, V4Detector


def _varint(buf, i):
    value = shift = 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def _fields(buf):
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            size, i = _varint(buf, i)
            value, i = buf[i:i + size], i + size
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        else:
            raise ValueError(f"protobuf wire type {wire} not handled")
        yield number, wire, value


def _tensor(buf):
    """TensorProto: dims (1), name (8), raw_data (9); float32 only."""
    dims, name, raw = [], None, None
    for number, wire, value in _fields(buf):
        if number == 1 and wire == 0:
            dims.append(value)
        elif number == 1:
            j = 0
            while j < len(value):
                d, j = _varint(value, j)
                dims.append(d)
        elif number == 8:
            name = bytes(value).decode()
        elif number == 9:
            raw = bytes(value)
    if raw is None:
        raise ValueError(f"initializer {name} has no raw_data")
    return name, np.frombuffer(raw, dtype=np.float32).reshape(dims).copy()


def read_initializers(path):
    """ModelProto.graph (7) -> GraphProto.initializer (5), in file order."""
    with open(path, "rb") as f:
        buf = memoryview(f.read())
    out = []
    for number, _, graph in _fields(buf):
        if number == 7:
            out += [_tensor(value) for n, _, value in _fields(graph) if n == 5]
    return out


def load_onnx_model(path):
    """A V4Detector shaped like the file (with the parity-residual, scan-statistics and
    palette-pair streams if it has them), loaded."""
    named = dict(read_initializers(path))
    residual = named.get("parity.residual.weight")
    parity = None if residual is None else ("rgba" if residual.shape[1] == 4 else "rgb")
    scan = named.get("scan.body.0.weight")
    top = scan is not None and scan.shape[1] > ScanStatsStream.WIDTH  # the top profile's inputs come last
    pair = "pair.body.0.weight" in named
    model = V4Detector(parity_residual=parity, scan_stats=scan is not None, scan_top=top, palette_pair=pair)
    return load_onnx_weights(model, named, path)


def load_onnx_weights(model, named, path):
    """`named`: the file's initializers by name (read_initializers); `path` names it in errors."""
    folded = [v for k, v in named.items() if k.startswith("onnx::Conv_")]
    state = model.state_dict()
    for key in state:
        if key in named:
            state[key] = torch.from_numpy(named[key])
    model.load_state_dict(state)
    # Convolutions without a bias (the parity stream's fixed residual) have no BatchNorm to fold:
    # they keep their own names and were loaded with the state above.
    convs = [m for m in model.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d)) and m.bias is not None]
    if len(folded) != 2 * len(convs):
        raise ValueError(f"{path}: {len(folded)} folded conv tensors for {len(convs)} convolutions")
    with torch.no_grad():
        for i, conv in enumerate(convs):
            conv.weight.copy_(torch.from_numpy(folded[2 * i]))
            conv.bias.copy_(torch.from_numpy(folded[2 * i + 1]))
        for bn in (m for m in model.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))):
            bn.weight.fill_(1.0)
            bn.bias.zero_()
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
    return model
