#!/usr/bin/env bash
# npm test: the service files (integration, hostile, e2e: real nats-server and influxd) one at a
# time, and beside them three other runs: the two files that drive the whole demo pipeline for
# minutes (the demo test and the dashboard-queries test, each on its own services), the unit
# files (pure logic) and the type check. The suite passes with both cores busy, as CI machines
# sometimes are; run one after the other, a fresh-clone CI run took 19 of its 20 minutes.
# The reports follow each other (service files first), each with node's own summary; the exit
# code fails if any run failed. The node flags are test:services' (package.json).
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node_test=(node --import tsx --test --test-concurrency=1 --test-timeout=420000)
long=(test/e2e/demo.test.ts test/integration/grafana-queries.test.ts)
rest=()
for f in test/integration/*.test.ts test/hostile/*.test.ts test/e2e/*.test.ts; do
  [[ " ${long[*]} " == *" $f "* ]] || rest+=("$f")
done

(npx tsc --noEmit > "$out/typecheck" 2>&1; echo $? > "$out/typecheck.rc") &
(npm run --silent test:unit > "$out/unit" 2>&1; echo $? > "$out/unit.rc") &
("${node_test[@]}" "${long[@]}" > "$out/long" 2>&1; echo $? > "$out/long.rc") &
"${node_test[@]}" "${rest[@]}"
services=$?
wait
cat "$out/long" "$out/unit"
echo "# type check (tsc --noEmit):"
cat "$out/typecheck"
rc() { cat "$out/$1.rc"; }
echo "# exit codes: services $services, demo pipeline files $(rc long), unit $(rc unit), type check $(rc typecheck)"
[ "$services" = 0 ] && [ "$(rc long)" = 0 ] && [ "$(rc unit)" = 0 ] && [ "$(rc typecheck)" = 0 ]
