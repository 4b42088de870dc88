#!/usr/bin/env bash
# Makes the reference V4 model in one command, from the repo root:
#
#   bash models/train.sh [PHOTOS_DIR] [WORK_DIR]
#
# 1. splits the photographs by file name: the first 250 are training covers, the rest held out;
# 2. generates labelled corpora with `starwatch generate` (photo covers and procedural covers);
# 3. turns the training corpora into tensors with the project's own TypeScript preprocessing;
# 4. trains with PyTorch (Debian's python3-torch) and exports models/v4-reference.onnx (the
#    contract's streams plus the parity-residual stream, PARITY);
# 5. makes the INT8 variant (models/quantize_int8.py, calibrated on the training tensors);
# 6. validates on the held-out corpora (other photographs, other seeds) with `starwatch validate`,
#    writes the collector's baseline from the held-out photographs, and compares INT8 with float.
# The photographs and corpora stay in WORK_DIR; nothing of them is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
PHOTOS=$(realpath "${1:-../shared/corpus/clean}")
WORK=${2:-.tmp/train}
EPOCHS=${EPOCHS:-30}
LR=${LR:-3e-3}
VERSION=${VERSION:-v4-reference-3}
# The parity-residual stream (models/v4_arch.py): rgb, rgba, or none for the contract's streams only.
PARITY=${PARITY:-rgb}
starwatch() { node bin/starwatch.js "$@"; }

mkdir -p "$WORK/covers-train" "$WORK/covers-test"
ls "$PHOTOS" | sort | awk 'NR<=250' | while read -r f; do ln -sf "$PHOTOS/$f" "$WORK/covers-train/$f"; done
ls "$PHOTOS" | sort | awk 'NR>250' | while read -r f; do ln -sf "$PHOTOS/$f" "$WORK/covers-test/$f"; done

starwatch generate --out "$WORK/photos" --count 2400 --seed 101 --covers "$WORK/covers-train" --size 192-384
starwatch generate --out "$WORK/proc" --count 1200 --seed 202 --size 256
starwatch generate --out "$WORK/heldout" --count 800 --seed 303 --covers "$WORK/covers-test" --size 192-384
starwatch generate --out "$WORK/heldout-proc" --count 400 --seed 404 --size 256

node --import tsx models/export-tensors.ts "$WORK/tensors" "$WORK/photos" "$WORK/proc"
PARITY_ARGS=()
[ "$PARITY" = none ] || PARITY_ARGS=(--parity-residual "$PARITY")
/usr/bin/python3 models/train.py "$WORK/tensors" models/v4-reference.onnx --epochs "$EPOCHS" --lr "$LR" --seed 7 --version "$VERSION" "${PARITY_ARGS[@]}"
/usr/bin/python3 models/quantize_int8.py models/v4-reference.onnx "$WORK/tensors" models/v4-reference-int8.onnx

starwatch validate --model models/v4-reference.onnx --dataset "$WORK/heldout" --write-baseline models/v4-reference.baseline.json \
  --json --report models/validation-heldout.md > models/validation-heldout.json || true
starwatch validate --model models/v4-reference.onnx --dataset "$WORK/heldout-proc" \
  --json --report models/validation-heldout-proc.md > models/validation-heldout-proc.json || true
starwatch compare --models models/v4-reference.onnx models/v4-reference-int8.onnx --dataset "$WORK/heldout" \
  > models/compare-int8-heldout.txt
