#!/usr/bin/env bash
# Step 7 of models/train.sh, on its own: validates models/v4-reference.onnx on the held-out
# corpora train.sh made, writes the collector's baseline from the held-out photographs, and
# compares INT8 with float. Rerun it whenever what judges a verdict changes.
#
#   bash models/validate-heldout.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-.tmp/train}
starwatch() { node bin/starwatch.js "$@"; }

starwatch validate --model models/v4-reference.onnx --dataset "$WORK/heldout" --write-baseline models/v4-reference.baseline.json \
  --json --report models/validation-heldout.md > models/validation-heldout.json || true
starwatch validate --model models/v4-reference.onnx --dataset "$WORK/heldout-proc" \
  --json --report models/validation-heldout-proc.md > models/validation-heldout-proc.json || true
for set in heldout-dev heldout-3200 heldout-333 heldout-343 heldout-353 heldout-363 heldout-373 heldout-383; do
  starwatch validate --model models/v4-reference.onnx --dataset "$WORK/$set" --json > "models/validation-$set.json" || true
done
starwatch compare --models models/v4-reference.onnx models/v4-reference-int8.onnx --dataset "$WORK/heldout" \
  > models/compare-int8-heldout.txt
