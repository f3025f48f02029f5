#!/usr/bin/env bash
# Clean release build time of this commit beside an older one (issue 20: at most 75% of the
# build from before it), each in a fresh worktree with its own target directory, back to back
# in one run: `cargo build --release --locked --timings`, then the wall time, the CPU time, the
# ratio and the ten slowest units of each (from cargo's timing report).
#
# Usage: bench/build-time.sh [BASE]   BASE: a commit (default b807a4c, main when issue 20 was
# filed). Needs the crates in cargo's cache (`cargo fetch` once); compare ratios within one run:
# the machines are shared and absolute times move. Worktrees live in a temporary directory that
# is removed on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base=${1:-b807a4c}
head=$(git -C "$root" rev-parse HEAD)
work=$(mktemp -d "${TMPDIR:-/tmp}/e2ee-lint-build-time.XXXXXX")
cleanup() {
    for dir in "$work"/*/; do
        git -C "$root" worktree remove --force "$dir" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# Prints "WALL CPU" in seconds for a clean release build of a commit.
build() {
    local label=$1 commit=$2 dir=$work/$1
    git -C "$root" worktree add -q --detach "$dir" "$commit"
    (cd "$dir" && cargo fetch --locked -q)
    /usr/bin/time -f "%e %U %S" -o "$work/$label.time" \
        env CARGO_TARGET_DIR="$dir/target" cargo build --manifest-path "$dir/Cargo.toml" \
        --release --locked --timings -q 2>/dev/null
    awk '{ printf "%.1f %.1f\n", $1, $2 + $3 }' "$work/$label.time"
}

# The ten slowest units of a build, from the unit data in cargo's timing report.
slowest() {
    python3 - "$work/$1/target/cargo-timings/cargo-timing.html" <<'PY'
import json, re, sys
html = open(sys.argv[1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
units.sort(key=lambda u: -u["duration"])
print(", ".join(f"{u['name']}{' (build script)' if 'build' in u['target'] else ''} "
                f"{u['duration']:.1f} s" for u in units[:10]) + f" ({len(units)} units)")
PY
}

read -r base_wall base_cpu < <(build base "$base")
read -r head_wall head_cpu < <(build head "$head")
echo "| build | commit | wall | CPU | ratio |"
echo "|---|---|---|---|---|"
echo "| before | $base | ${base_wall} s | ${base_cpu} s | |"
echo "| after | ${head:0:7} | ${head_wall} s | ${head_cpu} s | $(awk -v a="$head_wall" -v b="$base_wall" 'BEGIN { printf "%.2fx", a / b }') |"
echo
echo "ten slowest units before: $(slowest base)"
echo "ten slowest units after: $(slowest head)"
