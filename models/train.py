"""Trains the reference V4 model on tensors made by models/export-tensors.ts (the project's own
TypeScript preprocessing), then exports ONNX. Run through models/train.sh, which makes the corpus
and the tensors first.

    /usr/bin/python3 models/train.py TENSOR_DIR OUT.onnx [--epochs N] [--seed S]

Losses: binary cross-entropy on stego; cross-entropy on the method (stego images only) and on the
bit order (clean images count as "none"). The last 10% of the training tensors are used to pick
the decision threshold's sanity check only; held-out evaluation is done on a separate corpus
(other photographs, other seed) by `starwatch validate`.
"""
import argparse
import os
import random
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from v4_arch import V4Detector  # noqa: E402
from build_model import export  # noqa: E402
from tensor_set import batch_inputs, load_tensors  # noqa: E402


def train(arrays, labels, n, epochs, seed, lr, parity_residual, batch_size=32):
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    model = V4Detector(parity_residual=parity_residual)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    steps = epochs * ((n + batch_size - 1) // batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    bce, ce = nn.BCEWithLogitsLoss(), nn.CrossEntropyLoss()
    stego_f = labels["stego"].float()
    bit_order = torch.where(labels["stego"] == 1, labels["bit_order"], torch.full_like(labels["bit_order"], 2))
    for epoch in range(epochs):
        model.train()
        order = np.random.permutation(n)
        total, correct, started = 0.0, 0, time.time()
        for start in range(0, n, batch_size):
            idx = np.sort(order[start:start + batch_size])
            stego_logit, method_logit, bit_logit, _ = model(*batch_inputs(arrays, idx))
            y = stego_f[idx]
            loss = bce(stego_logit.squeeze(1), y) + 0.5 * ce(bit_logit, bit_order[idx])
            is_stego = labels["stego"][idx] == 1
            if is_stego.any():
                loss = loss + ce(method_logit[is_stego], labels["method"][idx][is_stego])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
            correct += ((stego_logit.squeeze(1) > 0).float() == y).sum().item()
            done = start + len(idx)
            if (start // batch_size) % 20 == 19:
                print(f"  {done}/{n} images, loss {total / done:.4f}, {time.time() - started:.0f} s", flush=True)
        print(f"epoch {epoch + 1}/{epochs}: loss {total / n:.4f}, train accuracy {correct / n:.4f}, "
              f"{time.time() - started:.0f} s", flush=True)
    model.eval()
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tensors")
    parser.add_argument("out")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--version", default="v4-reference-1")
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--parity-residual", choices=("rgb", "rgba"),
                        help="add the parity-residual stream (models/v4_arch.py, ParityResidualStream)")
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    arrays, labels, n = load_tensors(args.tensors)
    print(f"{n} training images, {int(labels['stego'].sum())} stego", flush=True)
    model = train(arrays, labels, n, args.epochs, args.seed, args.lr, args.parity_residual)
    export(model, args.out, args.version, source="models/train.py (seed %d, %d epochs%s)" % (
        args.seed, args.epochs, f", parity residual {args.parity_residual}" if args.parity_residual else ""))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
