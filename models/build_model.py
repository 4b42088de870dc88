"""Build the random-weight V4 reference model(s) and export them to ONNX.

Run from the repo root:  /usr/bin/python3 models/build_model.py
(Debian's python3 with python3-torch; no other package is needed.)

Writes
  models/v4-random.onnx                       all eight inputs, all four outputs
  test/fixtures/models/v4-legacy-3in.onnx     only pixel_tensor, meta, format_features -> stego_logits
  test/fixtures/models/bad-*.onnx             tiny models the runner must refuse (no stego_logits,
                                              an input name the contract does not know)
  test/fixtures/models/always-lsb-rgb.onnx    says stego by lsb.rgb for every image (the container
                                              rule's test: v4/container-rule.ts)
  test/fixtures/models/always-raw.onnx        says stego by raw for every image (detects every
                                              method of a labelled set, whatever its containers)

Weights are random (fixed seed) and BatchNorm statistics are perturbed from their defaults
so every layer does real work; the model is a stand-in with the real cost, not a detector.
"""
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from v4_arch import ALL_HEADS, ALL_STREAMS, V4Detector, input_shapes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPSET = 13
SEED = 4


def seed_everything(seed):
    random.seed(seed)
    torch.manual_seed(seed)


def randomise_batchnorm(model):
    """Non-trivial BN statistics, so eval mode is not an identity on fresh weights."""
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)


def metadata_entry(key, value):
    """A serialised ModelProto.metadata_props (field 14) entry. Appending it to the file is a
    valid protobuf merge, so no `onnx` package is needed to tag the model."""
    def varint(n):
        out = bytearray()
        while True:
            b = n & 0x7F
            n >>= 7
            out.append(b | (0x80 if n else 0))
            if not n:
                return bytes(out)

    def field(num, payload):
        return varint((num << 3) | 2) + varint(len(payload)) + payload

    entry = field(1, key.encode()) + field(2, value.encode())
    return field(14, entry)


def export(model, path, version, input_names=None, source=None):
    shapes = input_shapes()
    dummy = tuple(torch.zeros((1,) + shapes[n]) for n in model.stream_names)
    input_names = list(input_names or model.stream_names)
    axes = {n: {0: "N"} for n in input_names + list(model.head_names)}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            model, dummy, path,
            input_names=input_names, output_names=list(model.head_names),
            dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True,
        )
    with open(path, "ab") as f:
        f.write(metadata_entry("version", version))
        f.write(metadata_entry("source", source or "models/build_model.py (random weights, seed %d)" % SEED))
    params = sum(p.numel() for p in model.parameters())
    print("%s: %d params, %d bytes" % (os.path.relpath(path, ROOT), params, os.path.getsize(path)))


def build(streams, heads):
    seed_everything(SEED)
    model = V4Detector(streams, heads)
    with torch.no_grad():
        randomise_batchnorm(model)
    return model.eval()


def always(method_index):
    """A tiny model whose heads ignore the image: stego, by this method, for every input."""
    model = build(("format_features",), ("stego_logits", "method_logits"))
    with torch.no_grad():
        for name, bias in (("stego_logits", [10.0]), ("method_logits", [10.0 if i == method_index else 0.0 for i in range(5)])):
            model.heads[name].weight.zero_()
            model.heads[name].bias.copy_(torch.tensor(bias))
    return model


def main():
    torch.set_num_threads(1)
    export(build(ALL_STREAMS, ALL_HEADS), os.path.join(ROOT, "models", "v4-random.onnx"), "v4-random-1")
    export(
        build(("pixel_tensor", "meta", "format_features"), ("stego_logits",)),
        os.path.join(ROOT, "test", "fixtures", "models", "v4-legacy-3in.onnx"),
        "v4-legacy-3in-1",
    )
    # Tiny broken models: the runner must refuse them with MODEL_ERROR.
    fixtures = os.path.join(ROOT, "test", "fixtures", "models")
    export(build(("format_features",), ("method_logits",)), os.path.join(fixtures, "bad-no-stego.onnx"), "bad-1")
    export(
        build(("format_features",), ("stego_logits",)), os.path.join(fixtures, "bad-unknown-input.onnx"), "bad-1",
        input_names=["colour_histogram"],
    )
    export(always(2), os.path.join(fixtures, "always-lsb-rgb.onnx"), "always-lsb-rgb-1",
           source="models/build_model.py (heads fixed: stego, lsb.rgb)")
    export(always(4), os.path.join(fixtures, "always-raw.onnx"), "always-raw-1",
           source="models/build_model.py (heads fixed: stego, raw)")


if __name__ == "__main__":
    main()
