"""Does the scan-statistics stream's top profile (v4_arch.ScanStatsStream.top_profile) separate
lsb.rgb payloads from clean images on its own, and where do a model's misses fall on it?

    python3 models/top_profile_check.py TENSORS [SCAN.jsonl]

TENSORS: a folder from models/export-tensors.ts (its index names each image's corpus file, whose
.json label says the payload kind); SCAN: `starwatch scan --json` of the same corpus, to split
the model's lsb.rgb misses out. Prints each format's clean 99th percentile and largest value of the
profile's maximum (RGB images only: lsb.rgb never comes in palette or alpha files), detection of
lsb.rgb at a few thresholds, and each miss with its value.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from tensor_set import batch_inputs, load_tensors  # noqa: E402
from v4_arch import ALL_STREAMS, ParityResidualStream, ScanStatsStream  # noqa: E402


def profile_maxima(arrays, n, batch=64):
    scan = ScanStatsStream(ParityResidualStream.CLIP, top=True)
    out = []
    with torch.no_grad():
        for start in range(0, n, batch):
            x = dict(zip(ALL_STREAMS, batch_inputs(arrays, np.arange(start, min(n, start + batch)))))
            size = torch.round(x["format_features"][:, 4:6] * 256)
            top = scan.top_profile(x["pixel_tensor"], x["lsb"], size[:, 0], size[:, 1])
            out += top.max(dim=1)[0].tolist()
    return out


def main():
    folder = sys.argv[1]
    arrays, _, n = load_tensors(folder)
    with open(os.path.join(folder, "index.json")) as f:
        images = json.load(f)["images"]
    labels = []
    for img in images:
        with open(os.path.splitext(img["file"])[0] + ".json") as f:
            labels.append(json.load(f))
    missed = set()
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as f:
            scans = [json.loads(line) for line in f]
        missed = {os.path.basename(r["file"]) for r in scans if r.get("ok") and not r["verdict"]["isStego"]}
    value = profile_maxima(arrays, n)
    clean = [i for i, l in enumerate(labels) if l["category"] == "clean" and l["mode"] == "RGB"]
    stego = [i for i, l in enumerate(labels) if l["category"] == "stego" and l["method"] == "lsb.rgb"]
    for fmt in sorted({labels[i]["format"] for i in clean}):
        v = [value[i] for i in clean if labels[i]["format"] == fmt]
        print(f"clean RGB {fmt}: {len(v)} images, 99th percentile {np.quantile(v, 0.99):.3f}, largest {max(v):.3f}")
    for t in (0.3, 0.35, 0.4, 0.45):
        flagged = {fmt: sum(value[i] > t for i in clean if labels[i]["format"] == fmt) for fmt in ("BMP", "PNG")}
        print(f"over {t}: lsb.rgb {sum(value[i] > t for i in stego)}/{len(stego)}, clean BMP {flagged['BMP']}, PNG {flagged['PNG']}")
    misses = [i for i in stego if os.path.basename(images[i]["file"]) in missed]
    print(f"lsb.rgb the model missed: {len(misses)}")
    for i in misses:
        l = labels[i]
        print(f"  {os.path.basename(images[i]['file'])} {l['format']} {l['message_kind']} {l['payload_bytes']} B: {value[i]:.3f}")


if __name__ == "__main__":
    main()
