#!/usr/bin/env bash
# Fuzzes one target briefly, as a ctest: run_fuzzer.sh FUZZER CORPUS_DIR ARTIFACT_DIR SECONDS.
# The target's dictionary (*.dict next to CORPUS_DIR) is used when there is one.
# Starts from a copy of the seed corpus in a temporary folder, so the checked-in corpus is never
# modified. A crash, leak, timeout or broken invariant exits non-zero and leaves the input in
# ARTIFACT_DIR (crash-*, leak-*, timeout-*, oom-*), printed here as base64 to reproduce it.
set -uo pipefail
fuzzer="$1" corpus="$2" artifacts="$3" seconds="$4"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
mkdir -p "$work/corpus"
cp -r "$corpus"/. "$work/corpus"/
touch "$work/start"
dict=()
for d in "$(dirname "$corpus")"/*.dict; do [ -f "$d" ] && dict=(-dict="$d"); done
"$fuzzer" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "$work/corpus"
rc=$?
if [ "$rc" -ne 0 ]; then
  for f in $(find "$artifacts" -type f -newer "$work/start"); do
    echo "finding: $f (base64):"
    base64 -w0 "$f"
    echo
  done
fi
exit "$rc"
