#!/usr/bin/env bash
# Measures the simulator at a million jobs per API: start-up time (to the first answered
# request) against a baseline of the same binary printing --help, then a full ONTAP listing
# (a million jobs over next links, 10,000 per page) and the peak resident memory during it.
#
# Usage: bash simulator/scripts/measure.sh [JOBS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=${1:-1000000}
cargo build --release -q -p simulator
bin=target/release/simulator
auth=$(printf 'admin:demo' | base64)

now() { date +%s.%N; }

start=$(now)
"$bin" --help >/dev/null
help_seconds=$(echo "$(now) - $start" | bc)

log=$(mktemp)
start=$(now)
"$bin" --listen 127.0.0.1:0 --jobs "$jobs" --time-scale 0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
base=""
until [ -n "$base" ]; do base=$(sed -n 's/^storage-jobs simulator on \(http:\/\/[0-9.:]*\):.*/\1/p' "$log"); done
until curl -sf -o /dev/null -H "Authorization: Basic $auth" "$base/api/cluster/jobs?max_records=1"; do :; done
startup_seconds=$(echo "$(now) - $start" | bc)

start=$(now)
python3 - "$base" "$auth" <<'PY'
import json, sys, urllib.request
base, auth = sys.argv[1], sys.argv[2]
link, count, pages = "/api/cluster/jobs?max_records=10000&fields=*", 0, 0
while link:
    request = urllib.request.Request(base + link, headers={"Authorization": "Basic " + auth})
    page = json.load(urllib.request.urlopen(request))
    count += len(page.get("records", []))
    pages += 1
    link = page.get("_links", {}).get("next", {}).get("href")
print(f"listed {count} ONTAP jobs in {pages} pages")
PY
list_seconds=$(echo "$(now) - $start" | bc)
peak_kib=$(sed -n 's/^VmHWM:\s*\([0-9]*\) kB/\1/p' /proc/$pid/status)

echo "jobs per API:                 $jobs"
echo "start-up to first answer:     ${startup_seconds} s (baseline, --help: ${help_seconds} s)"
echo "full ONTAP listing:           ${list_seconds} s"
echo "peak resident memory:         $((peak_kib / 1024)) MiB"
