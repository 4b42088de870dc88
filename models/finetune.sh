#!/usr/bin/env bash
# Fine-tunes v4-reference-1 into a candidate model (EXPERIMENT, see models/README.md), from the repo root:
#
#   bash models/finetune.sh [PHOTOS_DIR] [WORK_DIR]
#
# 1. splits the photographs by file name: the first 250 are training covers, the rest held out;
# 2. generates labelled corpora with `starwatch generate`: training (photo and procedural covers),
#    calibration (training photographs, another seed) and held-out (the other photographs);
# 3. turns the training and calibration corpora into tensors with the project's own TypeScript
#    preprocessing;
# 4. trains with PyTorch (Debian's python3-torch), starting from the previous reference model
#    (v4-reference-1, taken from git; BASE=scratch starts from random weights instead), sets the
#    stego threshold on the calibration tensors and exports WORK_DIR/v4-candidate.onnx;
# 5. validates the candidate on the held-out corpora (other photographs, other seeds).
# It does not replace models/v4-reference.onnx: a candidate is copied there by hand only when its
# reports beat the reference's (the 250-step run of 2026-11-30 did not; see models/README.md).
# The photographs and corpora stay in WORK_DIR; nothing of them is committed. Training saves a
# checkpoint every 25 steps and resumes from it when run again with the same WORK_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
PHOTOS=$(realpath "${1:-../shared/corpus/clean}")
WORK=${2:-.tmp/train}
STEPS=${STEPS:-250}
LR=${LR:-1e-3}
BASE=${BASE:-git}
# The commit whose models/v4-reference.onnx is v4-reference-1 (10 epochs from scratch).
BASE_COMMIT=43698b0
starwatch() { node bin/starwatch.js "$@"; }
corpus() { [ -f "$WORK/$1/img-000000.json" ] || starwatch generate --out "$WORK/$1" "${@:2}"; }
tensors() { [ -f "$WORK/$1/index.json" ] || node --import tsx models/export-tensors.ts "$WORK/$1" "${@:2}"; }

mkdir -p "$WORK/covers-train" "$WORK/covers-test"
ls "$PHOTOS" | sort | awk 'NR<=250' | while read -r f; do ln -sf "$PHOTOS/$f" "$WORK/covers-train/$f"; done
ls "$PHOTOS" | sort | awk 'NR>250' | while read -r f; do ln -sf "$PHOTOS/$f" "$WORK/covers-test/$f"; done

corpus photos --count 2400 --seed 101 --covers "$WORK/covers-train" --size 192-384
corpus proc --count 1200 --seed 202 --size 256
corpus calib --count 800 --seed 505 --covers "$WORK/covers-train" --size 192-384
corpus heldout --count 800 --seed 303 --covers "$WORK/covers-test" --size 192-384
corpus heldout-proc --count 400 --seed 404 --size 256

tensors t-photos "$WORK/photos"
tensors t-proc "$WORK/proc"
tensors t-calib "$WORK/calib"

INIT=()
if [ "$BASE" = git ]; then
  git show "$BASE_COMMIT:models/v4-reference.onnx" > "$WORK/v4-reference-1.onnx"
  # meta already carries exif and raw well in v4-reference-1; it and alpha are kept as they are.
  INIT=(--init "$WORK/v4-reference-1.onnx" --freeze meta,alpha)
fi
/usr/bin/python3 models/finetune.py "$WORK/t-photos,$WORK/t-proc" "$WORK/v4-candidate.onnx" "${INIT[@]}" \
  --steps "$STEPS" --lr "$LR" --seed 7 --calib "$WORK/t-calib" --checkpoint "$WORK/checkpoint.pt"

for set in heldout heldout-proc; do
  starwatch validate --model "$WORK/v4-candidate.onnx" --dataset "$WORK/$set" \
    --json --report "$WORK/candidate-$set.md" > "$WORK/candidate-$set.json" || true
done
