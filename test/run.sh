#!/usr/bin/env bash
# npm test: the service files (integration, hostile, e2e: real nats-server and influxd) in two
# lanes, each one file at a time, and beside them the unit files (pure logic) and the type check.
# The second lane holds the longest files: the two that drive the whole demo pipeline for minutes
# (the demo test and the dashboard-queries test, each on its own services) and the four that
# rehearse whole deployments (attach guide, doctor, the 3-node cluster, the cluster redelivery);
# the first lane all the rest. Timed in a fresh-clone CI run, the lanes took about 650 s and 770 s
# of test time; with the first lane holding the demo pipeline files only, 350 s and 1000 s, and a
# run with both cores busy (stress-ng) took 22 of its 20 minutes.
# The reports follow each other (first lane first), each with node's own summary; the exit code
# fails if any run failed. The node flags are test:services' (package.json).
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node_test=(node --import tsx --test --test-concurrency=1 --test-timeout=420000)
long=(test/e2e/demo.test.ts test/integration/grafana-queries.test.ts test/e2e/attach-guide.test.ts
  test/integration/doctor.test.ts test/integration/collector-cluster.test.ts test/integration/collector-cluster-redelivery.test.ts)
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
echo "# exit codes: service files $services, longest service files $(rc long), unit $(rc unit), type check $(rc typecheck)"
[ "$services" = 0 ] && [ "$(rc long)" = 0 ] && [ "$(rc unit)" = 0 ] && [ "$(rc typecheck)" = 0 ]
