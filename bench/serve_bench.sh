#!/usr/bin/env bash
# Requests per second and latency of `userscale serve` under `userscale load` on this machine.
# Prints one table. Run on demand: bench/serve_bench.sh [USERSCALE_BINARY] [SECONDS]
# (default build/release/src/userscale, 5 s per row). Closed-loop rows measure capacity;
# the open-loop rows measure latency at a fixed offered rate, from intended send times.
set -euo pipefail

bin="${1:-build/release/src/userscale}"
secs="${2:-5}"
[ -x "$bin" ] || { echo "serve_bench: no binary at $bin (cmake --preset release && cmake --build build/release --target userscale)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" serve --bind 127.0.0.1 --port 0 --max-inflight "$(nproc)" --queue 4096 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/serve.out")"
[ -n "$url" ] || { echo "serve_bench: the server did not start" >&2; cat "$work/serve.err" >&2; exit 1; }

row() {  # label, then load arguments
  local label="$1"; shift
  "$bin" load "$url" --duration "$secs" --quiet --json "$work/r.json" "$@" >/dev/null
  python3 - "$label" "$work/r.json" <<'PY'
import json, sys
label, path = sys.argv[1], sys.argv[2]
j = json.load(open(path))
lat = j["latency_ms"]
bad = sum(j["failed"].values()) + sum(j["errors"].values())
print(f"| {label:<38} | {j['throughput_rps']:>9.0f} | {lat['p50']:>8.2f} | {lat['p99']:>8.2f} | {lat['max']:>8.2f} | {bad:>6} |")
PY
}

echo "userscale serve on $(nproc) cores ($(uname -m)), $secs s per row, binary $bin"
echo
echo "| load                                   |     req/s |  p50 ms |  p99 ms |  max ms | failed |"
echo "| -------------------------------------- | --------: | ------: | ------: | ------: | -----: |"
for c in 1 16 64; do row "/healthz closed loop, $c workers" --workers "$c" --endpoint-mix /healthz; done
for c in 16 64; do row "/gpu_job?work_ms=0 closed, $c workers" --workers "$c" --endpoint-mix "/gpu_job?work_ms=0"; done
row "/sort?size=100000 closed, 4 workers" --workers 4 --endpoint-mix "/sort?size=100000"
row "/matrix?size=128 closed, 4 workers" --workers 4 --endpoint-mix "/matrix?size=128"
row "/convolve?size=256 closed, 4 workers" --workers 4 --endpoint-mix "/convolve?size=256"
row "infer closed, 4 workers" --workers 4 --endpoint-mix infer
row "/healthz open loop 2000/s constant" --rate 2000 --connections 32 --endpoint-mix /healthz
row "/healthz open loop 2000/s Poisson" --rate 2000 --arrival poisson --connections 32 --endpoint-mix /healthz
