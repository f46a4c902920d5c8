#!/usr/bin/env bash
# Lists JOBS jobs per system from all five simulated systems with the release `storage-jobs`
# and reports the wall time and the peak resident memory of the listing process.
#
# Usage: bash storage-jobs/scripts/measure.sh [JOBS]   (default 100000; builds release binaries)
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs=${1:-100000}
cargo build --release -q -p simulator -p storage-jobs

log=$(mktemp)
config=$(mktemp --suffix .toml)
target/release/simulator --listen 127.0.0.1:0 --jobs "$jobs" --time-scale 0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log" "$config"' EXIT
base=""
until [ -n "$base" ]; do base=$(sed -n 's/^storage-jobs simulator on \(http:\/\/[0-9.:]*\):.*/\1/p' "$log"); done

cat >"$config" <<TOML
timeout_seconds = 600
[[system]]
name = "nas"
kind = "hnas"
url = "$base"
filesystems = ["7B263DFD1D71E65A0000000000000000", "7B263DFD1D71E65A0000000000000001", "7B263DFD1D71E65A0000000000000002", "7B263DFD1D71E65A0000000000000003"]
credentials = { api_key = { env = "SJ_KEY" } }
[[system]]
name = "object"
kind = "vsp-object"
url = "$base"
credentials = { token = { env = "SJ_TOKEN" } }
[[system]]
name = "vspc"
kind = "vspc"
url = "$base/api/v3"
credentials = { token = { env = "SJ_TOKEN" } }
[[system]]
name = "bluexp"
kind = "bluexp-backup"
url = "$base"
account = "account-demo"
credentials = { token = { env = "SJ_TOKEN" }, agent_id = { env = "SJ_AGENT" } }
[[system]]
name = "cluster"
kind = "ontap"
url = "$base/api"
credentials = { username = "admin", password = { env = "SJ_PASSWORD" } }
TOML

SJ_KEY=demo-api-key SJ_TOKEN=demo-token SJ_AGENT=demo-connectorclients SJ_PASSWORD=demo \
python3 - target/release/storage-jobs list --config "$config" --output ndjson <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
result = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
seconds = time.monotonic() - start
lines = result.stdout.count(b"\n")
peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"exit status {result.returncode}; {lines} jobs listed from 5 systems")
print(f"wall time: {seconds:.2f} s; peak resident memory of storage-jobs: {peak_mib:.0f} MiB")
PY
