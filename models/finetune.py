"""Fine-tunes a V4 model on tensors made by models/export-tensors.ts (the project's own
TypeScript preprocessing), then calibrates the decision threshold and exports ONNX. models/train.sh
runs it seven times after models/train.py (which trains from scratch).

    /usr/bin/python3 models/finetune.py TENSOR_DIRS OUT.onnx [--init BASE.onnx] [--parity-alpha] [--scan-stats]
        [--steps N] [--hard-methods M,M] [--calib CALIB_TENSOR_DIR] [--calib-allow SHARE]
        [--checkpoint FILE.pt] [--export-only]

Losses: binary cross-entropy on stego; cross-entropy on the method (stego images only) and on the
bit order (clean images count as "none"). Batches are drawn with more weight on the methods the
model finds hard (`--hard-methods`, `--hard-weight`) and on clean images of the formats where
false positives were (`--hard-clean-formats`, PNG, GIF and BMP by default), clean and stego kept at
equal total weight so the prior stays at one half.

`--init` starts from a previous ONNX model (models/onnx_weights.py); its BatchNorms are folded, so
they stay frozen (eval mode) while everything else trains. `--parity-alpha` adds the alpha channel
to an rgb parity-residual stream, its new weights at zero; `--scan-stats` adds the scan-statistics
stream to an rgba one, its outputs' weights in the gate and fusion at zero; `--palette-pair` adds the
palette-pair stream likewise. `--calib` sets the
stego threshold on calibration corpora (training photographs, other seeds; never the held-out
ones): the stego bias is lowered until at most `--calib-allow` of the clean calibration images of
each format are flagged, with `--margin` to spare (clean JPEGs the agent's container rule answers
clean do not count). `--palette-calib-allow` then gives palette images a threshold of their own (an
offset on their stego logit, in the exported graph). `--steps 0` trains nothing: the `--init` model
is calibrated and exported as it is.
"""
import argparse
import math
import os
import random
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from v4_arch import ALL_STREAMS, V4Detector  # noqa: E402
from build_model import export  # noqa: E402
from onnx_weights import load_onnx_model  # noqa: E402
from tensor_set import batch_inputs, load_tensors  # noqa: E402

METHODS = ("alpha", "palette", "lsb.rgb", "exif", "raw")
HARD_CLEAN_FORMATS = "PNG,GIF,BMP"


def load_many(folders):
    """Several tensor folders (comma-separated) as one training set."""
    parts = [load_tensors(f) for f in folders.split(",")]
    if len(parts) == 1:
        return parts[0]
    arrays = {name: (np.concatenate([p[0][name][0] for p in parts]), parts[0][0][name][1]) for name in ALL_STREAMS}
    labels = {key: torch.cat([p[1][key] for p in parts]) for key in ("stego", "method", "bit_order")}
    labels["format"] = [f for p in parts for f in p[1]["format"]]
    return arrays, labels, sum(p[2] for p in parts)


def sample_weights(labels, hard_weight, hard_methods, hard_formats):
    """Hard methods and the clean images of hard formats weigh more; clean and stego sum equal."""
    stego = labels["stego"].numpy() == 1
    method = labels["method"].numpy()
    hard_format = np.array([f in hard_formats for f in labels["format"]])
    w = np.ones(len(stego))
    w[stego & np.isin(method, [METHODS.index(m) for m in hard_methods])] = hard_weight
    w[~stego & hard_format] = (1 + hard_weight) / 2
    w[~stego] *= w[stego].sum() / w[~stego].sum()
    return w / w.sum()


def widen_parity_to_rgba(model):
    """The same model with alpha added to its rgb parity-residual stream. The alpha channel's
    weights start at zero, so the widened model computes what the loaded one did until trained."""
    wide = V4Detector(parity_residual="rgba")
    state = wide.state_dict()
    for key, value in model.state_dict().items():
        if key == "parity.residual.weight":
            continue  # fixed, and already built block-diagonal for four channels
        if key == "parity.body.0.weight":
            state[key].zero_()
            state[key][:, :3] = value
        else:
            state[key] = value
    wide.load_state_dict(state)
    return wide


def shaped_like(model, **more):
    """A new V4Detector with `model`'s parts, and `more` (V4Detector's own arguments) on top."""
    shape = dict(parity_residual=None if model.parity is None else ("rgba" if model.parity.with_alpha else "rgb"),
                 scan_stats=model.scan is not None, scan_top=model.scan is not None and model.scan.top,
                 palette_pair=model.pair is not None)
    return V4Detector(**{**shape, **more})


def add_scan_stats(model):
    """The same model with a ScanStatsStream added. The fusion's and the gate's weights for the new
    stream's outputs start at zero, so the model computes what the loaded one did until trained."""
    return with_new_part(model, shaped_like(model, scan_stats=True))


def add_palette_pair(model):
    """The same model with a PalettePairStream added, its weights in the gate and fusion at zero."""
    return with_new_part(model, shaped_like(model, palette_pair=True))


def with_new_part(model, wide):
    """`wide` (`model` with one more part before the fusion) loaded with `model`'s weights, the
    gate's and fusion's weights for the new part's outputs at zero."""
    state = wide.state_dict()
    old = sum(model.widths)
    for key, value in model.state_dict().items():
        if key == "parity.residual.weight":
            continue  # fixed, and built with the gradient channels the scan statistics read
        if key in ("gate.weight", "fusion.0.weight"):
            state[key].zero_()
            state[key][:value.shape[0], :old] = value
        elif key == "gate.bias":
            state[key].zero_()
            state[key][:value.shape[0]] = value
        else:
            state[key] = value
    wide.load_state_dict(state)
    return wide


def add_scan_top(model):
    """The same model with the scan-statistics stream's full-resolution top profile added: the
    stream's first layer's weights for the new inputs start at zero, so the model computes what
    the loaded one did until trained."""
    wide = shaped_like(model, scan_top=True)
    state = wide.state_dict()
    for key, value in model.state_dict().items():
        if key == "scan.body.0.weight":
            state[key].zero_()
            state[key][:, :value.shape[1]] = value
        else:
            state[key] = value
    wide.load_state_dict(state)
    return wide


def freeze_batchnorm(model):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.eval()


def train(model, arrays, labels, n, args):
    """`args.steps` batches drawn by weight, cosine learning rate after a short warm-up."""
    rng = np.random.default_rng(args.seed)
    weights = sample_weights(labels, args.hard_weight, args.hard_methods.split(","), args.hard_clean_formats.split(","))
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=1e-4)
    bce, ce = nn.BCEWithLogitsLoss(), nn.CrossEntropyLoss()
    stego_f = labels["stego"].float()
    bit_order = torch.where(labels["stego"] == 1, labels["bit_order"], torch.full_like(labels["bit_order"], 2))
    start_step = 0
    if args.checkpoint and os.path.exists(args.checkpoint):
        saved = torch.load(args.checkpoint)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        start_step = saved["step"]
        rng = np.random.default_rng([args.seed, start_step])
        print(f"resumed at step {start_step}", flush=True)
    warmup = max(1, args.steps // 20)
    total, correct, seen, started = 0.0, 0, 0, time.time()
    for step in range(start_step, args.steps):
        lr = args.lr * min(1.0, (step + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        for group in opt.param_groups:
            group["lr"] = lr
        model.train()
        if args.init:
            freeze_batchnorm(model)
        idx = np.sort(rng.choice(n, size=args.batch, p=weights))
        stego_logit, method_logit, bit_logit, _ = model(*batch_inputs(arrays, idx))
        y = stego_f[idx]
        loss = bce(stego_logit.squeeze(1), y) + 0.25 * ce(bit_logit, bit_order[idx])
        is_stego = labels["stego"][idx] == 1
        if is_stego.any():
            loss = loss + 0.5 * ce(method_logit[is_stego], labels["method"][idx][is_stego])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
        correct += ((stego_logit.squeeze(1) > 0).float() == y).sum().item()
        seen += len(idx)
        if (step + 1) % 25 == 0 or step + 1 == args.steps:
            print(f"step {step + 1}/{args.steps}: loss {total / seen:.4f}, train accuracy {correct / seen:.4f}, "
                  f"lr {lr:.2e}, {time.time() - started:.0f} s", flush=True)
            total, correct, seen = 0.0, 0, 0
            if args.checkpoint:
                torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step + 1}, args.checkpoint)
    model.eval()
    return model


def stego_logits(model, arrays, n, batch=64):
    """Each image's stego logit and most likely method (an index into METHODS)."""
    logits, methods = [], []
    with torch.no_grad():
        for start in range(0, n, batch):
            idx = np.arange(start, min(n, start + batch))
            stego, method = model(*batch_inputs(arrays, idx))[:2]
            logits.append(stego.squeeze(1))
            methods.append(method.argmax(1))
    return torch.cat(logits).numpy(), torch.cat(methods).numpy()


# The agent answers these clean whatever the logit (v4/container-rule.ts): a JPEG keeps no pixel
# LSB. The tensors do not say which WebP files are lossy, so WebP is left as it is.
PIXEL_LSB_METHODS = (METHODS.index("alpha"), METHODS.index("palette"), METHODS.index("lsb.rgb"))


def ruled_out(formats, methods):
    return (formats == "JPEG") & np.isin(methods, PIXEL_LSB_METHODS)


def clean_threshold(logits, allow):
    """The logit above which at most `allow` of these clean images lie (0: the highest one)."""
    ranked = np.sort(logits)[::-1]
    return float(ranked[min(len(ranked) - 1, int(allow * len(ranked)))])


def calibrate(model, folders, margin, allow, palette_allow=None):
    """Lowers the stego bias until at most `allow` of the clean calibration images of each format
    are flagged (0: none), with `margin` to spare. With `palette_allow`, palette images
    (format_features[2] set) then get a threshold of their own: an offset on their stego logit (in
    the exported graph) that leaves at most that share of the clean ones flagged."""
    arrays, labels, n = load_many(folders)
    logits, predicted = stego_logits(model, arrays, n)
    stego = labels["stego"].numpy() == 1
    formats = np.array(labels["format"])
    # What the container rule answers clean cannot be a false positive: it does not set the bias.
    logits[ruled_out(formats, predicted)] = -np.inf
    needed = max(clean_threshold(logits[~stego & (formats == f)], allow) for f in set(formats[~stego]))
    shift = needed + margin
    print(f"calibration: {n} images, clean threshold {needed:.3f} (allowing {allow:.1%} a format) "
          f"-> bias shift {-max(0.0, shift):.3f}")
    if shift > 0:
        with torch.no_grad():
            model.heads["stego_logits"].bias -= shift
        logits = logits - shift
    if palette_allow is not None:
        palette = arrays["format_features"][0][:, 2] > 0.5
        needed = clean_threshold(logits[~stego & palette], palette_allow)
        model.palette_stego_shift = max(0.0, needed + margin)
        print(f"palette images: {int((~stego & palette).sum())} clean, threshold {needed:.3f} "
              f"(allowing {palette_allow:.2%}) -> offset {-model.palette_stego_shift:.3f}")
        logits = logits - model.palette_stego_shift * palette
    for f in sorted(set(formats[~stego])):
        clean = ~stego & (formats == f)
        print(f"  clean {f}: {int((logits[clean] > 0).sum())}/{int(clean.sum())} flagged")
    method = labels["method"].numpy()
    for i, name in enumerate(METHODS):
        sel = stego & (method == i)
        print(f"  {name}: {int((logits[sel] > 0).sum())}/{int(sel.sum())} detected")
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tensors", help="tensor folder(s), comma-separated")
    parser.add_argument("out")
    parser.add_argument("--init", help="start from this ONNX model's weights")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--hard-weight", type=float, default=3.0)
    parser.add_argument("--hard-methods", default="palette,lsb.rgb", help="comma-separated methods that weigh more")
    parser.add_argument("--hard-clean-formats", default=HARD_CLEAN_FORMATS,
                        help="comma-separated formats whose clean images weigh more")
    parser.add_argument("--parity-alpha", action="store_true",
                        help="add alpha to the --init model's rgb parity-residual stream (widen_parity_to_rgba)")
    parser.add_argument("--scan-stats", action="store_true",
                        help="add the scan-statistics stream (models/v4_arch.py), its weights in the fusion at zero")
    parser.add_argument("--scan-top", action="store_true",
                        help="add the scan-statistics stream's full-resolution top profile (its new weights at zero)")
    parser.add_argument("--palette-pair", action="store_true",
                        help="add the palette-pair stream (models/v4_arch.py), its weights in the gate and fusion at zero")
    parser.add_argument("--stream-dropout", type=float, default=0.0,
                        help="while training, drop each image stream (the contract's and the parity stream) with this "
                             "chance an image; the statistics streams are kept")
    parser.add_argument("--dropout-spares-palette", action="store_true",
                        help="with --stream-dropout, never drop a palette image's streams")
    parser.add_argument("--palette-skips-stats", action="store_true",
                        help="the scan statistics are withheld from palette images, in training and in the exported model "
                             "(v4-reference-8 on; not read back from a file: give it again to fine-tune such a model)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--calib", help="tensor folder(s), comma-separated, to set the stego threshold on")
    parser.add_argument("--margin", type=float, default=0.5)
    parser.add_argument("--calib-allow", type=float, default=0.0,
                        help="share of each format's clean calibration images the threshold may flag")
    parser.add_argument("--palette-calib-allow", type=float,
                        help="after --calib, a threshold of their own for palette images: the share of the clean "
                             "ones it may flag (not read back from a file: give it again to fine-tune such a model)")
    parser.add_argument("--freeze", default="", help="comma-separated streams (or parity) whose weights stay as loaded")
    parser.add_argument("--checkpoint", help="saved every 25 steps; resumed from if present")
    parser.add_argument("--export-only", action="store_true", help="calibrate and export the checkpoint")
    parser.add_argument("--version", default="v4-reference-2")
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    model = load_onnx_model(args.init) if args.init else V4Detector()
    if args.parity_alpha:
        model = widen_parity_to_rgba(model)
    if args.scan_stats and model.scan is None:
        model = add_scan_stats(model)
    if args.scan_top and not model.scan.top:
        model = add_scan_top(model)
    if args.palette_pair and model.pair is None:
        model = add_palette_pair(model)
    model.stream_dropout = args.stream_dropout
    model.dropout_spares_palette = args.dropout_spares_palette
    model.palette_skips_stats = args.palette_skips_stats
    for name in filter(None, args.freeze.split(",")):
        # A frozen stream also skips its backward pass, which is most of a step's cost.
        stream = model.parity if name == "parity" else model.streams[model.stream_names.index(name)]
        for p in stream.parameters():
            p.requires_grad_(False)
    if args.export_only:
        model.load_state_dict(torch.load(args.checkpoint)["model"])
        model.eval()
    elif args.steps == 0:
        model.eval()
    else:
        arrays, labels, n = load_many(args.tensors)
        print(f"{n} training images, {int(labels['stego'].sum())} stego", flush=True)
        model = train(model, arrays, labels, n, args)
        del arrays
    if args.calib:
        calibrate(model, args.calib, args.margin, args.calib_allow, args.palette_calib_allow)
    source = "models/finetune.py (seed %d, %d steps%s)" % (
        args.seed, args.steps, ", from " + os.path.basename(args.init) if args.init else "")
    export(model, args.out, args.version, source=source)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
