"""The tensor folders models/export-tensors.ts writes (the project's own TypeScript preprocessing),
read back for PyTorch: shared by train.py (from scratch) and finetune.py (from a previous model)."""
import json
import os

import numpy as np
import torch

from v4_arch import ALL_STREAMS, input_shapes


def load_tensors(folder):
    with open(os.path.join(folder, "index.json")) as f:
        index = json.load(f)
    n = len(index["images"])
    shapes = input_shapes()
    arrays = {}
    for name in ALL_STREAMS:
        storage = index["layout"][name]["storage"]
        dtype = np.float32 if storage == "f32" else np.uint8
        raw = np.fromfile(os.path.join(folder, f"{name}.bin"), dtype=dtype)
        arrays[name] = (raw.reshape((n,) + shapes[name]), storage)
    labels = {
        key: torch.tensor([img[key] for img in index["images"]], dtype=torch.long)
        for key in ("stego", "method", "bit_order")
    }
    labels["format"] = [img["format"] for img in index["images"]]
    return arrays, labels, n


def batch_inputs(arrays, idx):
    """uint8 storage back to the float32 values the preprocessing produced."""
    out = []
    for name in ALL_STREAMS:
        data, storage = arrays[name]
        x = torch.from_numpy(data[idx].astype(np.float32))
        if storage == "u8x255":
            x = x / 255.0
        elif storage == "alpha":
            x[:, 0] = x[:, 0] / 255.0
        out.append(x)
    return out
