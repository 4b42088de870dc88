#!/usr/bin/env bash
# npm test: the service files (real nats-server and influxd) in two lanes, each one file at a time,
# and beside them the unit files (pure logic) and the type check. The second lane holds the files
# that run a whole system for minutes: the e2e files (the demo, the attach guide, the live page,
# the rollout gate), the dashboard-queries test (the demo pipeline on its own services), doctor,
# the 3-node cluster tests and the replica tests; the first lane the other focused integration and
# hostile files; four long service files run after the unit files (below). History, fresh-clone CI runs on
# 2026-12-01: with only the two demo-pipeline files in the second lane the lanes' tests took 790 s
# against 350 s and a run 16.5 min (22 with stress-ng, over the 20 allowed). Balanced, but with the replica tests in the first lane: 660 s
# against 600 s beside a training job (a run 15 min), and beside stress-ng 774 s against 557 s
# (19m00s, ci31): the replica tests (about 85 s) moved to the second lane. ci49 (2026-12-02, beside
# stress-ng, 19m03s): 1087 s against 866 s (plain, ci48: 737 against 751), so collector-restart
# and model-registry (about 100 s beside stress-ng, 50 s plain) moved too. ci56 (beside
# stress-ng, 19m49s): 1133 s against 1106 s, while the unit files were done after 464 s; so a
# third lane runs four long service files, none of them timed to the millisecond, after the unit
# files: the machine runs three streams of tests from start to end, not only for eight minutes.
# ci69 (2026-12-02, beside stress-ng, 19m17s): 1084 s, 998 s and 502 + 271 s, so agent-admission
# (142 s there) runs after the unit files too. Its one timed check (/healthz within 100 ms while
# images decode) sees three streams of tests there as it did in the first lane.
# The reports follow each other (first lane first), each with node's own summary, then every
# failed test again with its error; the exit code fails if any run failed. The node flags are
# test:services' (package.json).
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node_test=(node --import tsx --test --test-concurrency=1 --test-timeout=420000)
whole=(test/e2e/*.test.ts test/integration/grafana-queries.test.ts test/integration/doctor.test.ts
  test/integration/collector-cluster.test.ts test/integration/collector-cluster-redelivery.test.ts
  test/integration/collector-replicas.test.ts test/integration/collector-late-labels-replicas.test.ts)
after_unit=(test/hostile/collector-restart.test.ts test/integration/model-registry.test.ts
  test/integration/alerts-handling.test.ts test/hostile/collector-closed-marks.test.ts
  test/hostile/agent-admission.test.ts)
focused=()
for f in test/integration/*.test.ts test/hostile/*.test.ts; do
  [[ " ${whole[*]} ${after_unit[*]} " == *" $f "* ]] || focused+=("$f")
done

(npx tsc --noEmit > "$out/typecheck" 2>&1; echo $? > "$out/typecheck.rc") &
(npm run --silent test:unit > "$out/unit" 2>&1; echo $? > "$out/unit.rc"
  "${node_test[@]}" "${after_unit[@]}" > "$out/after_unit" 2>&1; echo $? > "$out/after_unit.rc") &
("${node_test[@]}" "${whole[@]}" > "$out/whole" 2>&1; echo $? > "$out/whole.rc") &
"${node_test[@]}" "${focused[@]}" | tee "$out/focused"
focused_rc=$?
wait
cat "$out/whole" "$out/after_unit" "$out/unit"
echo "# type check (tsc --noEmit):"
cat "$out/typecheck"
# CI keeps only the tail of a run, so each failed test is repeated here with its error block.
echo "# failed tests:"
awk -f test/failed-tests.awk "$out/focused" "$out/whole" "$out/after_unit" "$out/unit"
rc() { cat "$out/$1.rc"; }
echo "# exit codes: focused service files $focused_rc, whole-system files $(rc whole), service files after the unit files $(rc after_unit), unit $(rc unit), type check $(rc typecheck)"
[ "$focused_rc" = 0 ] && [ "$(rc whole)" = 0 ] && [ "$(rc after_unit)" = 0 ] && [ "$(rc unit)" = 0 ] && [ "$(rc typecheck)" = 0 ]
