#!/usr/bin/env bash
# `e2ee-lint merge` on an organization: 200 repositories' report-json files of 1,000 tools
# each (each from a real run of the release binary on its own generated inventory), merged into
# every evidence format at once (HTML, OSCAL, CSV, report-json to files, Markdown to standard
# output). Prints the mean wall time (hyperfine) and the peak resident memory (GNU time's
# maximum RSS) against the inputs' total size. Run by bench/run.sh; alone:
# `bench/merge.sh`   Env: RUNS=5, SEED=1, REPOS=200, TOOLS=1000.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${RUNS:-5}
seed=${SEED:-1}
repos=${REPOS:-200}
tools=${TOOLS:-1000}
cd "$root"
cargo build --release --quiet --bin e2ee-lint --example gen-inventory
lint=$root/target/release/e2ee-lint
gen=$root/target/release/examples/gen-inventory

data=$(mktemp -d "${TMPDIR:-/tmp}/e2ee-lint-merge-bench.XXXXXX")
trap 'rm -rf "$data"' EXIT
"$gen" --tools "$tools" --files "$repos" --out "$data/inventories" --seed "$seed" 2>/dev/null
mkdir -p "$data/reports" "$data/out"
i=0
for inventory in "$data"/inventories/*.yaml; do
    i=$((i + 1))
    "$lint" check "$inventory" --isolated --repository "acme/repo-$i" \
        --evidence-commit "$(printf '%040d' "$i")" --format report-json \
        > "$data/reports/$i.json" || true
done
reports=("$data"/reports/*.json)
input_bytes=$(cat "${reports[@]}" | wc -c)
input_mb=$(awk -v b="$input_bytes" 'BEGIN { printf "%.1f", b / 1048576 }')

# Timed twice: every evidence format but OSCAL, then with OSCAL too (its renderer writes one
# finding per control a finding's rule maps to, so its output is several times the others').
measure() {
    local label=$1
    shift
    hyperfine -N -i --style none --warmup 1 --runs "$runs" --output="$data/stdout" \
        --export-json "$data/t.json" -- "$(printf '%q ' "$@")" > /dev/null 2>&1
    local mean_s peak_kb peak_mb ratio out_mb
    mean_s=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f" % r["mean"])' "$data/t.json")
    peak_kb=$({ /usr/bin/time -v "$@" 2>&1 > /dev/null || true; } \
        | awk -F': ' '/Maximum resident set size/ { print $2 }')
    peak_mb=$(awk -v k="$peak_kb" 'BEGIN { printf "%.0f", k / 1024 }')
    ratio=$(awk -v k="$peak_kb" -v b="$input_bytes" 'BEGIN { printf "%.2f", k * 1024 / b }')
    out_mb=$(du -cm "$data"/out/* | tail -n1 | cut -f1)
    echo "| ${repos} report-json files x ${tools} tools (${input_mb} MB), ${label} | ${mean_s} s | ${peak_mb} MB | ${ratio}x | ${out_mb} MB |"
    rm -f "$data"/out/*
}
common=("$lint" merge "${reports[@]}" --organization Acme
    -o "html=$data/out/org.html" -o "csv=$data/out/org.csv" -o "report-json=$data/out/org.json")
echo "| merge | mean time (${runs} runs) | peak memory | memory / inputs | outputs |"
echo "|---|---|---|---|---|"
measure "Markdown, HTML, CSV, report-json" "${common[@]}"
measure "and OSCAL" "${common[@]}" -o "oscal=$data/out/org.oscal.json"
