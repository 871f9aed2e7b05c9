#!/usr/bin/env bash
# The simulator predicting a live run (issue 9): calibrates `userscale serve`'s /matrix on this
# machine (`userscale calibrate`), runs examples/scenarios/local-burst.yaml with that profile in
# the simulator and live on the local world (`userscale experiment --world local`: serve
# replicas behind HAProxy, Prometheus, `userscale load`), both with the same seed (the same
# arrival times), and prints throughput, latency percentiles and replicas side by side with the
# difference, then the two replica timelines. Takes about 2 minutes.
#   bench/sim_vs_live.sh [USERSCALE_BINARY] [OUT_DIR] [POLICY]
# (default build/release/src/userscale, /tmp/userscale-sim-vs-live, hpa).
set -euo pipefail

bin="${1:-build/release/src/userscale}"
out="${2:-/tmp/userscale-sim-vs-live}"
policy="${3:-hpa}"
[ -x "$bin" ] || { echo "sim_vs_live: no binary at $bin" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/sim" "$out/live"

"$bin" calibrate --endpoints matrix --out "$out/profile.yaml" | tee "$out/calibrate.txt"
cat >"$out/suite.yaml" <<YAML
name: sim-vs-live
description: local-burst with the service calibrated on this machine
seeds: [1]
scenarios:
  - path: $root/examples/scenarios/local-burst.yaml
    overrides: {service: {profile: $out/profile.yaml}}
policies:
  - name: $policy
YAML
"$bin" experiment "$out/suite.yaml" --out "$out/sim" >"$out/sim.txt" 2>&1
"$bin" experiment --world local "$out/suite.yaml" --out "$out/live" >"$out/live.txt" 2>&1

python3 - "$out" "$policy" <<'PY'
import csv, json, sys
out, policy = sys.argv[1], sys.argv[2]
sim = json.load(open(f"{out}/sim/summary.json"))[0]
live = json.load(open(f"{out}/live/summary.json"))[0]
rows = [
    ("requests", "requests", "{:.0f}"),
    ("throughput req/s", "throughput_rps", "{:.2f}"),
    ("latency p50 ms", "latency_ms.p50", "{:.1f}"),
    ("latency p95 ms", "latency_ms.p95", "{:.1f}"),
    ("latency p99 ms", "latency_ms.p99", "{:.1f}"),
    ("SLO attainment", "slo_attainment", "{:.3f}"),
    ("mean replicas", "avg_replicas", "{:.2f}"),
    ("max replicas", "max_replicas", "{:.0f}"),
    ("scaling events", "scaling_events", "{:.0f}"),
    ("first scale-up s", "analysis.time_to_first_scale_up_s", "{:.1f}"),
]
def get(row, path):
    v = row
    for k in path.split("."):
        v = v.get(k) if isinstance(v, dict) else None
    return v
print(f"\n{sim['scenario']}, policy {policy}, seed 1 (the same arrivals in both)\n")
print("| metric | simulator | live | live - sim |")
print("| --- | ---: | ---: | ---: |")
for label, path, fmt in rows:
    s, l = get(sim, path), get(live, path)
    if s is None or l is None:
        print(f"| {label} | {s if s is not None else '-'} | {l if l is not None else '-'} | |")
        continue
    diff = l - s
    rel = f" ({100 * diff / s:+.0f} %)" if s else ""
    print(f"| {label} | {fmt.format(s)} | {fmt.format(l)} | {fmt.format(diff)}{rel} |")

def timeline(world):
    path = f"{out}/{world}/timelines/{sim['scenario']}/{policy}/seed-1.csv"
    return list(csv.DictReader(open(path)))
ts, tl = timeline("sim"), timeline("live")
print("\nreplicas (desired / ready) and throughput, every sample\n")
print("| t s | sim replicas | live replicas | sim req/s | live req/s |")
print("| ---: | ---: | ---: | ---: | ---: |")
for i in range(max(len(ts), len(tl))):
    s = ts[i] if i < len(ts) else None
    l = tl[i] if i < len(tl) else None
    t = float((s or l)["t_s"])
    rep = lambda r: f"{r['desired']} / {r['ready']}" if r else "-"
    thr = lambda r: f"{float(r['throughput_rps']):.1f}" if r else "-"
    print(f"| {t:.0f} | {rep(s)} | {rep(l)} | {thr(s)} | {thr(l)} |")
PY
