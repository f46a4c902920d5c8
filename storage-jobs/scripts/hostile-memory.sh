#!/usr/bin/env bash
# Peak memory of `storage-jobs list` against systems whose answers never end, with one such
# system and with eight, under the default memory limit, and eight again with a limit so high
# that each system reads up to the runtime's own 256 MiB cap, as before the limit was shared
# (docs/PERFORMANCE.md has the figures).
# Each hostile server streams `{"job": [` and then spaces without end, with no length.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$root"
cargo build --quiet --release -p storage-jobs
binary=$root/target/release/storage-jobs

cat >"$work/server.py" <<'PY'
import http.server, socketserver, sys
class Endless(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def do_GET(self):
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        chunk = b" " * (1 << 20)
        try:
            self.wfile.write(b'{"job": [')
            while True:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
    def log_message(self, *args):
        pass
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
Server(("127.0.0.1", int(sys.argv[1])), Endless).serve_forever()
PY
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 "$work/server.py" "$port" &
server=$!
sleep 1

config() {
  printf 'memory_limit_mib = %d\n\n' "$2"
  for i in $(seq 1 "$1"); do
    printf '[[system]]\nname = "endless-%d"\nkind = "bluexp-backup"\nurl = "http://127.0.0.1:%d"\naccount = "a"\ncredentials = { token = { env = "SJ_TOKEN" }, agent_id = { env = "SJ_AGENT" } }\n\n' "$i" "$port"
  done
}

echo "| hostile systems | memory_limit_mib | peak resident memory | exit code | wall time |"
echo "|---|---|---|---|---|"
for run in "1 1024" "8 1024" "8 8192"; do
  read -r systems limit <<<"$run"
  config "$systems" "$limit" >"$work/config.toml"
  set +e
  SJ_TOKEN=t SJ_AGENT=a /usr/bin/time -f '%M %e' -o "$work/time" \
    "$binary" list --output json --config "$work/config.toml" >/dev/null 2>"$work/stderr"
  code=$?
  set -e
  read -r kib seconds < <(tail -n 1 "$work/time")
  echo "| $systems | $limit | $((kib / 1024)) MiB | $code | $seconds s |"
done
