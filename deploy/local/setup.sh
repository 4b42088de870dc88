#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for Starwatch: the real services it talks to, the
# browser its page is tested in, and the npm dependencies (onnxruntime-node's download step is
# skipped by .npmrc: its binaries ship inside the npm package).
set -euo pipefail
cd "$(dirname "$0")/../.."

packages=()
command -v nats-server >/dev/null || packages+=(nats-server)
command -v influxd >/dev/null || packages+=(influxdb)
command -v victoria-metrics >/dev/null || packages+=(victoria-metrics)
# Prometheus (and its promtool): the remote-write sink and the shipped scrape config are tested on it.
command -v prometheus >/dev/null || packages+=(prometheus)
command -v chromium >/dev/null || packages+=(chromium)
# The Python client in examples/python is tested with Debian's python3 and its websockets.
/usr/bin/python3 -c 'import websockets' 2>/dev/null || packages+=(python3 python3-websockets)
if [ ${#packages[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
