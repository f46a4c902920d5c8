#!/usr/bin/env bash
# Generation time, peak memory and cold `cargo check` time of the largest corpus crates,
# whole and trimmed with `x-select`, beside raw progenitor where it generates code at all.
# docs/PERFORMANCE.md has the figures. Run from anywhere: bash generator/scripts/large-crate.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/target/large-crate
rm -rf "$work"
mkdir -p "$work/ws"
cd "$root"

cargo build --quiet --release -p generator --example generate_one
generate=$root/target/release/examples/generate_one

# A scratch workspace with the root's dependency versions and lock file, like `cargo xtask corpus`.
{
  printf '[workspace]\nresolver = "3"\nmembers = ["*"]\n\n'
  awk -v root="$root" '/^\[/ { keep = ($0 ~ /^\[workspace\./) } keep { gsub(/path = "/, "path = \"" root "/"); print }' Cargo.toml
} > "$work/ws/Cargo.toml"
cp Cargo.lock "$work/ws/Cargo.lock"

flasharray=tests/corpus/published/purestorage-flasharray-2.46.yaml
{
  printf 'x-select:\n  operations: [get_arrays, get_volumes, get_hosts, get_pods, get_volume_snapshots]\n'
  cat "$flasharray"
} > "$work/flasharray-trimmed.yaml"
cp "$flasharray" "$work/flasharray-whole.yaml"
cp tests/corpus/progenitor/api.github.com.json "$work/github.json"
cp tests/corpus/progenitor/nexus.json "$work/nexus.json"

# name, spec, mode (ours or raw)
cases=(
  "flasharray-whole $work/flasharray-whole.yaml ours"
  "flasharray-trimmed $work/flasharray-trimmed.yaml ours"
  "flasharray-whole $work/flasharray-whole.yaml raw"
  "github $work/github.json ours"
  "github $work/github.json raw"
  "nexus $work/nexus.json ours"
  "nexus $work/nexus.json raw"
)

raw_manifest() {
  printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n' "$1"
  for dep in base64 bytes chrono futures progenitor-client rand regress reqwest serde serde_json uuid; do
    printf '%s.workspace = true\n' "$dep"
  done
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A generated
results=()
for case in "${cases[@]}"; do
  read -r name spec mode <<<"$case"
  if [[ $mode == raw ]]; then
    package=raw-$name; flag=--raw
  else
    package=$name-client; flag=
  fi
  dir=$work/ws/$package
  times=(); peak=0; failed=
  for _ in 1 2 3; do
    rm -rf "$dir"
    if ! /usr/bin/time -f '%e %M' -o "$work/time" "$generate" $flag "$spec" "$dir" >"$work/out" 2>"$work/err"; then
      failed=$(grep -v '^Command exited' "$work/err" | head -c 100 | tr '\n' ' ')
      break
    fi
    read -r seconds kib <"$work/time"
    times+=("$seconds")
    (( kib > peak )) && peak=$kib
  done
  if [[ -n $failed ]]; then
    rm -rf "$dir"
    results+=("| $name | $mode | fails: $failed | | | | |")
    continue
  fi
  operations=$(cat "$work/out")
  if [[ $mode == raw ]]; then
    raw_manifest "$package" >"$dir/Cargo.toml"
    operations=-
  fi
  lines=$(cat "$dir"/src/*.rs | wc -l)
  generated[$package]="$name|$mode|$(printf '%s\n' "${times[@]}" | median)|$((peak / 1024))|$lines|$operations"
done

# Dependencies built once (timed apart), then each crate checked from cold on top of them.
export CARGO_TARGET_DIR=$work/target
seconds_since() { local ns=$(( $(date +%s%N) - $1 )); printf '%d.%d' $((ns / 1000000000)) $((ns / 100000000 % 10)); }
start=$(date +%s%N)
cargo check --quiet --manifest-path "$work/ws/Cargo.toml" -p flasharray-trimmed-client
deps=$(seconds_since "$start")
for package in "${!generated[@]}"; do
  cargo clean --quiet --manifest-path "$work/ws/Cargo.toml" -p "$package"
  start=$(date +%s%N)
  if cargo check --quiet --manifest-path "$work/ws/Cargo.toml" -p "$package" 2>"$work/check-err"; then
    check="$(seconds_since "$start") s"
  else
    check="does not compile"
  fi
  IFS='|' read -r name mode seconds mib lines operations <<<"${generated[$package]}"
  results+=("| $name | $mode | $operations | $seconds s | $mib MiB | $lines | $check |")
done

echo
echo "first check, the dependencies and the trimmed crate: $deps s"
echo
echo "| document | generator | operations | generation (median of 3) | peak memory | lines | cold cargo check |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${results[@]}" | sort
