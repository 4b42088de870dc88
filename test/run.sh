#!/usr/bin/env bash
# npm test: the type check and the unit files (pure logic, no services) run beside the service
# files (integration, hostile, e2e: real nats-server and influxd), not before them. The suite
# passes with both cores busy, as CI machines sometimes are, and this keeps it well inside CI's
# 20 minutes. The service files' report comes first, then the unit files' and the type check's,
# each with node's own summary; the exit code fails if any of the three failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(npx tsc --noEmit > "$out/typecheck" 2>&1; echo $? > "$out/typecheck.rc") &
(npm run --silent test:unit > "$out/unit" 2>&1; echo $? > "$out/unit.rc") &
npm run --silent test:services
services=$?
wait
echo "# type check (tsc --noEmit): exit $(cat "$out/typecheck.rc")"
cat "$out/typecheck"
cat "$out/unit"
echo "# exit codes: services $services, unit $(cat "$out/unit.rc"), type check $(cat "$out/typecheck.rc")"
[ "$services" = 0 ] && [ "$(cat "$out/unit.rc")" = 0 ] && [ "$(cat "$out/typecheck.rc")" = 0 ]
