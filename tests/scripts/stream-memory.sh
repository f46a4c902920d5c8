#!/usr/bin/env bash
# Peak resident memory of a client streaming all ONTAP jobs through the generated stream, at
# 100,000 and at 1,000,000 jobs: the stream holds one page at a time, so the two should match.
#
# Usage: bash tests/scripts/stream-memory.sh   (builds release binaries first)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p simulator
cargo build --release -q -p tests --example ontap_stream
for jobs in 100000 1000000; do
  log=$(mktemp)
  target/release/simulator --listen 127.0.0.1:0 --jobs "$jobs" --time-scale 0 >"$log" 2>&1 &
  pid=$!
  base=""
  until [ -n "$base" ]; do base=$(sed -n 's/^storage-jobs simulator on \(http:\/\/[0-9.:]*\):.*/\1/p' "$log"); done
  echo "$jobs jobs: $(target/release/examples/ontap_stream "$base")"
  kill $pid; rm -f "$log"
done
