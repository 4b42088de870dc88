"""Does the palette-pair share (v4_arch.PalettePairStream.shares, the graph's own computation)
separate palette payloads from clean palette images on its own, before any training?

    /usr/bin/python3 models/palette_pair_check.py TENSORS[,TENSORS...]

TENSORS: folders from models/export-tensors.ts. For each cut (the share over the image's first 2,
4, 6 and 8 rows in the crop) and for the largest: the clean palette images' mean, 99th percentile
and largest value, the palette payloads' mean, 5th percentile and smallest, and the AUC.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from finetune import METHODS, load_many  # noqa: E402
from tensor_set import batch_inputs  # noqa: E402
from v4_arch import ALL_STREAMS, PalettePairStream  # noqa: E402


def shares(arrays, rows, batch=64):
    pair = PalettePairStream()
    out = []
    with torch.no_grad():
        for start in range(0, len(rows), batch):
            x = dict(zip(ALL_STREAMS, batch_inputs(arrays, rows[start:start + batch])))
            s = pair.shares(x["pixel_tensor"], x["palette"], x["format_features"])
            out.append(torch.cat([s, s.max(dim=1, keepdim=True)[0]], dim=1))
    return torch.cat(out).numpy()


def auc(clean, stego):
    """The chance a payload's share is above a clean image's (ties count half)."""
    ranks = np.argsort(np.argsort(np.concatenate([clean, stego]), kind="stable"), kind="stable") + 1.0
    return (ranks[len(clean):].sum() - len(stego) * (len(stego) + 1) / 2) / (len(clean) * len(stego))


def main():
    arrays, labels, n = load_many(sys.argv[1])
    palette_image = arrays["format_features"][0][:, 2] > 0.5
    stego = labels["stego"].numpy() == 1
    payload = stego & (labels["method"].numpy() == METHODS.index("palette"))
    rows = np.where(palette_image & (~stego | payload))[0]
    values = shares(arrays, rows)
    clean, found = ~stego[rows], payload[rows]
    print(f"{int(clean.sum())} clean palette images, {int(found.sum())} palette payloads")
    for i, name in enumerate([f"rows {c}" for c in PalettePairStream.CUTS] + ["largest"]):
        c, s = values[clean, i], values[found, i]
        print(f"{name:8} clean mean {c.mean():.3f} p99 {np.quantile(c, 0.99):.3f} max {c.max():.3f} | "
              f"payloads mean {s.mean():.3f} p5 {np.quantile(s, 0.05):.3f} min {s.min():.3f} | AUC {auc(c, s):.4f}")


if __name__ == "__main__":
    main()
