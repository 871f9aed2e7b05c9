#!/usr/bin/env bash
# The checks that need an NVIDIA GPU, in one run (bench/RESULTS.md holds what they measured):
# the CUDA tests (every kernel against its CPU twin, serve on CUDA against serve on the CPU over
# HTTP, two replicas sharing one GPU), the kernel throughputs, serve's request rates on CUDA and
# on the CPU twins, /gpu_job's calibration while another replica keeps the GPU busy, and the live
# HPA-against-gpuaware run on one time-sliced GPU. From the repository root, after a release
# build (cmake --preset release && cmake --build --preset release):
#   bench/gpu_checks.sh [BUILD_DIR] [OUT_DIR]      (defaults: build/release, /tmp/userscale-gpu)
# About 5 minutes. Needs curl, python3, haproxy, and libcublas.so.13 on the loader's path.
set -uo pipefail
build="${1:-build/release}"
out="${2:-/tmp/userscale-gpu}"
u="$build/src/userscale"
mkdir -p "$out"
command -v nvidia-smi >/dev/null && nvidia-smi -L
ready() { for _ in $(seq 300); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0; sleep 0.1; done; return 1; }
summary() {  # FILE LABEL: one line from a `userscale load --json` summary
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); l=d['latency_ms']; print('%-24s %9.1f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %s' % (sys.argv[2], d['throughput_rps'], l['p50'], l['p99'], d.get('errors')))" "$1" "$2"
}

echo "== CUDA tests"
"$build/tests/server_tests" --gtest_filter='KernelAgreement.*:ServeOnGpu.*:DeviceChoice.*' >"$out/cuda_tests.log" 2>&1
grep -E '^\[ +(OK|FAILED|SKIPPED) +\]' "$out/cuda_tests.log"

echo "== kernel throughput"
"$build/bench/kernel_bench" --benchmark_min_time=0.3 2>/dev/null | grep BM_

echo "== serve on cuda and on the cpu twins: 16 closed-loop workers, 6 s per endpoint"
for dev in cuda cpu; do
  port=$([ "$dev" = cuda ] && echo 18080 || echo 18081)
  "$u" serve --port "$port" --device "$dev" --max-inflight 16 --queue 4096 >"$out/serve_$dev.log" 2>&1 &
  pid=$!
  ready "$port" || { echo "serve --device $dev did not get ready"; kill "$pid"; continue; }
  for sc in gpu matrix sort convolve infer; do
    "$u" load "http://127.0.0.1:$port" --scenario "$sc" --workers 16 --duration 6 --work-ms 20 \
      --matrix-size 512 --size 1000000 --convolve-size 1024 --quiet --json "$out/load_${dev}_$sc.json" >/dev/null 2>&1
    summary "$out/load_${dev}_$sc.json" "$dev $sc"
  done
  curl -s "http://127.0.0.1:$port/metrics" | grep -E '^userscale_(device_info|gpu_|nvml)' >"$out/metrics_$dev.txt"
  kill -TERM "$pid"; wait "$pid"
done
cat "$out/metrics_cuda.txt"

echo "== /gpu_job calibrated while another replica keeps the GPU busy"
"$u" serve --port 18082 --device cuda --max-inflight 4 >"$out/serve_a.log" 2>&1 & a=$!
ready 18082
echo "A alone, 300 ms job: $(curl -s 'http://127.0.0.1:18082/gpu_job?work_ms=300')"
"$u" load http://127.0.0.1:18082 --scenario gpu --workers 4 --duration 8 --work-ms 20 --quiet >/dev/null 2>&1 & lp=$!
sleep 1
"$u" serve --port 18083 --device cuda >"$out/serve_b.log" 2>&1 & b=$!
ready 18083 && echo "B started and calibrated while A was busy"
wait "$lp"
echo "B alone, 300 ms job: $(curl -s 'http://127.0.0.1:18083/gpu_job?work_ms=300')"
kill "$a" "$b"; wait "$a" "$b" 2>/dev/null

echo "== live: HPA against gpuaware on one time-sliced GPU"
"$u" experiment --world local examples/experiments/local-gpu.yaml --source scrape --out "$out/experiment" \
  >"$out/experiment.log" 2>&1
grep -A4 'policy   req/s' "$out/experiment.log"
echo "results under $out"
