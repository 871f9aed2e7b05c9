#!/usr/bin/env bash
# `userscale serve` against nginx and the seed's FastAPI stack, and `userscale load` against
# wrk, in one run, printed as one table. Run on demand, from the repository root:
#   bench/serve_vs.sh [USERSCALE_BINARY] [SECONDS] [CONNECTIONS]
# (defaults: build/release/src/userscale, 10 s per row, 64 connections).
#
# Fairness: the machine's cores are split in two halves (one core each on a 2-core machine).
# Every server runs pinned (taskset) to the first half, every client to the second, so that
# servers never compete with their client. Each server gets as many workers as it has cores:
# nginx `worker_processes`, uvicorn `--workers`; `userscale serve` runs on the same cores with
# its own threads. Clients: wrk with one thread per client core; `userscale load` closed-loop
# with as many workers as wrk has connections, on as many I/O threads as wrk has threads. Everything is loopback HTTP/1.1 keep-alive.
# nginx answers with `return 200` (a static body from memory, its fastest path); uvicorn is
# Debian's (h11 and asyncio, as the seed prototype ran it). Needs wrk, nginx, python3-fastapi
# and python3-uvicorn (scripts/setup installs them).
# Besides requests/s, each row shows the CPU time the server (all its processes) and the client
# spent per request: on a machine shared with other work the rates follow each process's share
# of the cores, while CPU per request measures the software itself.
set -euo pipefail

bin="${1:-build/release/src/userscale}"
secs="${2:-10}"
conns="${3:-64}"
here="$(cd "$(dirname "$0")" && pwd)"
py=/usr/bin/python3
for tool in wrk nginx taskset; do
  command -v "$tool" >/dev/null || { echo "serve_vs: $tool not found (bash scripts/setup)" >&2; exit 2; }
done
"$py" -c 'import fastapi, uvicorn' 2>/dev/null ||
  { echo "serve_vs: python3-fastapi and python3-uvicorn are needed (bash scripts/setup)" >&2; exit 2; }
[ -x "$bin" ] || { echo "serve_vs: no binary at $bin (cmake --preset release && cmake --build build/release --target userscale)" >&2; exit 2; }

cores="$(nproc)"
half=$(( cores / 2 > 0 ? cores / 2 : 1 ))
server_cpus="0-$(( half - 1 ))"
if [ "$cores" -ge 2 ]; then client_cpus="$half-$(( cores - 1 ))"; else client_cpus="0"; fi
client_threads=$(( cores - half > 0 ? cores - half : 1 ))

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {  # URL: polls until it answers
  for _ in $(seq 300); do
    "$py" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "serve_vs: nothing answers at $1" >&2; return 1
}

# userscale serve
taskset -c "$server_cpus" "$bin" serve --bind 127.0.0.1 --port 0 --max-inflight $(( half * 4 )) \
  --queue 4096 >"$work/serve.out" 2>"$work/serve.err" &
pids+=($!)
serve_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
serve_url="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/serve.out")"
[ -n "$serve_url" ] || { echo "serve_vs: userscale serve did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
device="$(sed -n 's/.*userscale serve: device \([a-z]*\).*/\1/p' "$work/serve.err" | head -1)"

# nginx
nginx_port="$(free_port)"
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes $half;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    default_type application/json;
    location / { return 200 '{"status":"ok"}\n'; }
  }
}
CONF
taskset -c "$server_cpus" nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>"$work/nginx/stderr" &
pids+=($!)
nginx_pid=$!

# FastAPI on uvicorn
fastapi_port="$(free_port)"
taskset -c "$server_cpus" "$py" -m uvicorn fastapi_app:app --app-dir "$here" --host 127.0.0.1 \
  --port "$fastapi_port" --workers "$half" --no-access-log --log-level warning \
  >"$work/uvicorn.out" 2>&1 &
pids+=($!)
fastapi_pid=$!

wait_http "$serve_url/healthz"
wait_http "http://127.0.0.1:$nginx_port/healthz"
wait_http "http://127.0.0.1:$fastapi_port/healthz"

# CPU seconds (user + system) of a process and its children so far (nginx and uvicorn workers).
cpu_of() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] || continue
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat") ))
  done
  "$py" -c "import os,sys; print(int(sys.argv[1]) / os.sysconf('SC_CLK_TCK'))" "$total"
}

# Each row: label, the rate, p50 and p99 in ms, failures, server and client CPU s, appended to
# $work/rows.
wrk_row() {  # label URL SERVER-PID
  local before; before="$(cpu_of "$3")"
  /usr/bin/time -f "%U %S" -o "$work/client.cpu" taskset -c "$client_cpus" \
    wrk -t "$client_threads" -c "$conns" -d "${secs}s" --latency "$2" >"$work/wrk.txt" 2>&1 || true
  local after; after="$(cpu_of "$3")"
  "$py" - "$1" "$work/wrk.txt" "$before" "$after" "$work/client.cpu" >>"$work/rows" <<'PY'
import re, sys
label, text = sys.argv[1], open(sys.argv[2]).read()
server_cpu = float(sys.argv[4]) - float(sys.argv[3])
client_cpu = sum(float(x) for x in open(sys.argv[5]).read().split()[-2:])
total = re.search(r"(\d+) requests in", text)
def ms(s):
    v, u = re.match(r"([\d.]+)(us|ms|s|m)", s).groups()
    return float(v) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[u]
rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
p50 = re.search(r"\s50%\s+(\S+)", text)
p99 = re.search(r"\s99%\s+(\S+)", text)
bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errs = re.search(r"Socket errors: (.*)", text)
if not rate:
    sys.exit("wrk failed for " + label + ":\n" + text)
n = int(total.group(1)) if total else 0
print(f"{label}\t{float(rate.group(1))}\t{ms(p50.group(1))}\t{ms(p99.group(1))}\t"
      f"{(bad.group(1) if bad else '0')}{(' (' + errs.group(1) + ')') if errs else ''}\t"
      f"{server_cpu / max(n, 1) * 1e6}\t{client_cpu / max(n, 1) * 1e6}")
PY
}
load_row() {  # label URL-BASE TARGET SERVER-PID
  local before; before="$(cpu_of "$4")"
  /usr/bin/time -f "%U %S" -o "$work/client.cpu" taskset -c "$client_cpus" "$bin" load "$2" \
    --workers "$conns" --threads "$client_threads" --duration "$secs" --quiet \
    --json "$work/load.json" --endpoint-mix "$3" >/dev/null
  local after; after="$(cpu_of "$4")"
  "$py" - "$1" "$work/load.json" "$before" "$after" "$work/client.cpu" >>"$work/rows" <<'PY'
import json, sys
label, j = sys.argv[1], json.load(open(sys.argv[2]))
server_cpu = float(sys.argv[4]) - float(sys.argv[3])
client_cpu = sum(float(x) for x in open(sys.argv[5]).read().split()[-2:])
n = max(j["requests"], 1)
bad = sum(j["failed"].values()) + sum(j["errors"].values())
print(f"{label}\t{j['throughput_rps']}\t{j['latency_ms']['p50']}\t{j['latency_ms']['p99']}\t{bad}\t"
      f"{server_cpu / n * 1e6}\t{client_cpu / n * 1e6}")
PY
}

: >"$work/rows"
wrk_row "serve /healthz (wrk)" "$serve_url/healthz" "$serve_pid"
wrk_row "serve /gpu_job?work_ms=0 (wrk)" "$serve_url/gpu_job?work_ms=0" "$serve_pid"
wrk_row "nginx static body (wrk)" "http://127.0.0.1:$nginx_port/healthz" "$nginx_pid"
wrk_row "FastAPI /healthz (wrk)" "http://127.0.0.1:$fastapi_port/healthz" "$fastapi_pid"
wrk_row "FastAPI /gpu_job?work_ms=0 (wrk)" "http://127.0.0.1:$fastapi_port/gpu_job?work_ms=0" "$fastapi_pid"
load_row "nginx static body (userscale load)" "http://127.0.0.1:$nginx_port" /healthz "$nginx_pid"

echo "serve vs nginx vs FastAPI; load vs wrk: $cores cores ($(uname -m)), servers on cpus $server_cpus," \
  "clients on cpus $client_cpus, $conns connections, $secs s per row, serve device ${device:-?}"
echo
"$py" - "$work/rows" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
rate = {r[0]: float(r[1]) for r in rows}
server_us = {r[0]: float(r[5]) for r in rows}
client_us = {r[0]: float(r[6]) for r in rows}
print("| row                                  |     req/s |  p50 ms |  p99 ms | non-2xx / errors | server CPU us/req | client CPU us/req |")
print("| ------------------------------------ | --------: | ------: | ------: | ---------------- | ----------------: | ----------------: |")
for label, rps, p50, p99, bad, s_us, c_us in rows:
    print(f"| {label:<36} | {float(rps):>9.0f} | {float(p50):>7.2f} | {float(p99):>7.2f} | {bad:<16} "
          f"| {float(s_us):>17.1f} | {float(c_us):>17.1f} |")
def ratio(a, b):
    return rate[a] / rate[b] if rate.get(b) else float("nan")
def cpu_ratio(per_req, a, b):  # requests per CPU second of a over b's
    return per_req[b] / per_req[a] if per_req.get(a) else float("nan")
checks = [
    ("serve/nginx (/healthz)", ratio("serve /healthz (wrk)", "nginx static body (wrk)"), 0.6),
    ("serve/nginx (/gpu_job?work_ms=0)", ratio("serve /gpu_job?work_ms=0 (wrk)", "nginx static body (wrk)"), 0.6),
    ("serve/FastAPI (/healthz)", ratio("serve /healthz (wrk)", "FastAPI /healthz (wrk)"), None),
    ("serve/FastAPI (/gpu_job?work_ms=0)", ratio("serve /gpu_job?work_ms=0 (wrk)", "FastAPI /gpu_job?work_ms=0 (wrk)"), None),
    ("load/wrk (against nginx)", ratio("nginx static body (userscale load)", "nginx static body (wrk)"), 0.8),
]
efficiency = [
    cpu_ratio(server_us, "serve /healthz (wrk)", "nginx static body (wrk)"),
    cpu_ratio(server_us, "serve /gpu_job?work_ms=0 (wrk)", "nginx static body (wrk)"),
    cpu_ratio(server_us, "serve /healthz (wrk)", "FastAPI /healthz (wrk)"),
    cpu_ratio(server_us, "serve /gpu_job?work_ms=0 (wrk)", "FastAPI /gpu_job?work_ms=0 (wrk)"),
    cpu_ratio(client_us, "nginx static body (userscale load)", "nginx static body (wrk)"),
]
print()
print("| ratio                                | req/s | per CPU s | target |")
print("| ------------------------------------ | ----: | --------: | -----: |")
for (name, v, target), e in zip(checks, efficiency):
    t = f">= {target}" if target else ""
    mark = "" if target is None else (" ok" if v >= target else " MISSED")
    print(f"| {name:<36} | {v:>5.2f} | {e:>9.2f} | {t:>6} |{mark}")
PY
