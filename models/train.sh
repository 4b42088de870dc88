#!/usr/bin/env bash
# Makes the reference V4 model in one command, from the repo root:
#
#   bash models/train.sh [PHOTOS_DIR] [WORK_DIR]
#
# 1. splits the photographs by file name: the first 250 are training covers, the rest held out;
# 2. generates labelled corpora with `starwatch generate` (photo covers and procedural covers);
# 3. turns the training corpora into tensors with the project's own TypeScript preprocessing;
# 4. trains with PyTorch (Debian's python3-torch) and exports models/v4-reference.onnx;
# 5. validates on the held-out corpora (other photographs, other seeds) with `starwatch validate`.
# The photographs and corpora stay in WORK_DIR; nothing of them is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
PHOTOS=$(realpath "${1:-../shared/corpus/clean}")
WORK=${2:-.tmp/train}
EPOCHS=${EPOCHS:-10}
LR=${LR:-3e-3}
starwatch() { node bin/starwatch.js "$@"; }

mkdir -p "$WORK/covers-train" "$WORK/covers-test"
ls "$PHOTOS" | sort | awk 'NR<=250' | while read -r f; do ln -sf "$PHOTOS/$f" "$WORK/covers-train/$f"; done
ls "$PHOTOS" | sort | awk 'NR>250' | while read -r f; do ln -sf "$PHOTOS/$f" "$WORK/covers-test/$f"; done

starwatch generate --out "$WORK/photos" --count 2400 --seed 101 --covers "$WORK/covers-train" --size 192-384
starwatch generate --out "$WORK/proc" --count 1200 --seed 202 --size 256
starwatch generate --out "$WORK/heldout" --count 800 --seed 303 --covers "$WORK/covers-test" --size 192-384
starwatch generate --out "$WORK/heldout-proc" --count 400 --seed 404 --size 256

node --import tsx models/export-tensors.ts "$WORK/tensors" "$WORK/photos" "$WORK/proc"
/usr/bin/python3 models/train.py "$WORK/tensors" models/v4-reference.onnx --epochs "$EPOCHS" --lr "$LR" --seed 7

for set in heldout heldout-proc; do
  starwatch validate --model models/v4-reference.onnx --dataset "$WORK/$set" \
    --json --report "models/validation-$set.md" > "models/validation-$set.json" || true
done
