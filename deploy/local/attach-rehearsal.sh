#!/usr/bin/env bash
# The attach guide (deploy/ATTACH.md) on one machine, step by step: local NATS and InfluxDB, a
# stand-in for Starlight's scanner, the collector, the agent attached in proxy mode, some traffic,
# then `starwatch doctor`. Exits with doctor's code; stops everything it started.
#   bash deploy/local/attach-rehearsal.sh            # from the repository root
# Ports can be moved with NATS_PORT, INFLUX_PORT, STARLIGHT_PORT, AGENT_PORT, COLLECTOR_PORT, API_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
NATS_PORT=${NATS_PORT:-4222} INFLUX_PORT=${INFLUX_PORT:-8086} STARLIGHT_PORT=${STARLIGHT_PORT:-8000}
AGENT_PORT=${AGENT_PORT:-8080} COLLECTOR_PORT=${COLLECTOR_PORT:-9470} API_PORT=${API_PORT:-9471}
WORK=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 143' TERM INT
# Foreground steps only: a background job must be node itself, so that $! is the process to stop.
starwatch() { node bin/starwatch.js "$@"; }
wait_http() { for _ in $(seq 1 300); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "no answer from $1" >&2; return 1; }

# 1. NATS (JetStream) and InfluxDB 1.x.
node bin/starwatch.js services --dir "$WORK/services" --nats-port "$NATS_PORT" --influx-port "$INFLUX_PORT" & pids+=($!)
wait_http "http://127.0.0.1:$INFLUX_PORT/ping"
# 2. Starlight (here a stand-in answering like scanner.py).
python3 examples/python/starlight_standin.py --port "$STARLIGHT_PORT" & pids+=($!)
# 3. The collector, with its API token.
export STARWATCH_NATS_URL="nats://127.0.0.1:$NATS_PORT" STARWATCH_INFLUX_URL="http://127.0.0.1:$INFLUX_PORT"
export STARWATCH_HTTP_PORT=$COLLECTOR_PORT STARWATCH_API_PORT=$API_PORT STARWATCH_API_TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
node bin/starwatch.js collector & pids+=($!)
wait_http "http://127.0.0.1:$COLLECTOR_PORT/readyz"
# 4. The agent attached in front of Starlight, with golden probes.
starwatch generate --out "$WORK/probes" --count 20 --seed 7 > /dev/null
node bin/starwatch.js agent --proxy "http://127.0.0.1:$STARLIGHT_PORT/v1/scan" --proxy-preset starlight-v4 --port "$AGENT_PORT" \
  --nats "$STARWATCH_NATS_URL" --agent-id staging-1 --probes "$WORK/probes" --probe-rate 5 & pids+=($!)
wait_http "http://127.0.0.1:$AGENT_PORT/readyz"
# 5. Traffic through the agent, as Starlight's clients would send it.
for f in "$WORK"/probes/*.jpg; do curl -fs --data-binary @"$f" -H 'content-type: image/jpeg' "http://127.0.0.1:$AGENT_PORT/v1/scan" > /dev/null; done
# 6. Check everything end to end; the first windows take a few seconds to close, so ask again
#    (up to two minutes) until doctor is satisfied, then print its checklist.
doctor() { starwatch doctor --agent "http://127.0.0.1:$AGENT_PORT" --collector "http://127.0.0.1:$COLLECTOR_PORT" \
  --nats "$STARWATCH_NATS_URL" --influx-url "$STARWATCH_INFLUX_URL" "$@"; }
deadline=$((SECONDS + 120))
until doctor --json > /dev/null || [ $SECONDS -gt $deadline ]; do sleep 2; done
doctor
