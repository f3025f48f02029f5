#!/usr/bin/env bash
# Times e2ee-lint against Spectral running an equivalent ruleset (ruleset.yaml beside this
# script, its catalog filled from rules/catalog.yaml by port-catalog.js) on the same generated
# inventories, and checks that both report the same no-e2ee and e2ee-not-enforced findings
# (rule and line of each): the script fails if they do not, so the ratio always compares the
# same work.
#
# Usage: bench/spectral/compare.sh          (from any directory)
# Env:   TOOLS=10000      tools in the large inventory (a 20-tool one is always added)
#        SEED=1           generator seed
#        RUNS=5           timed runs on the large file (RUNS_SMALL=20 on the small one)
#        E2EE_LINT=PATH   use this binary instead of building target/release/e2ee-lint
#        SPECTRAL_DIR=DIR where Spectral is installed (default ${TMPDIR:-/tmp}/e2ee-lint-spectral)
#
# Needs cargo, node and npm; uses hyperfine when installed (apt-get install hyperfine) and
# a plain loop over `date +%s%N` otherwise. Generated data lives in a temporary directory
# that is removed on exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=${TMPDIR:-/tmp}
spectral_dir=${SPECTRAL_DIR:-$tmp/e2ee-lint-spectral}
spectral=$spectral_dir/node_modules/.bin/spectral
tools=${TOOLS:-10000}
seed=${SEED:-1}
runs=${RUNS:-5}
runs_small=${RUNS_SMALL:-20}

# Spectral is installed outside the repository, once per machine, so the crate gains no
# node_modules and later runs skip the download.
if [[ ! -x $spectral ]]; then
    echo "installing @stoplight/spectral-cli into $spectral_dir" >&2
    mkdir -p "$spectral_dir"
    npm install --prefix "$spectral_dir" --no-audit --no-fund --loglevel=error \
        '@stoplight/spectral-cli@^6' >&2
fi

cd "$root"
if [[ -z ${E2EE_LINT:-} ]]; then
    cargo build --release --quiet --bin e2ee-lint
    E2EE_LINT=$root/target/release/e2ee-lint
fi
cargo build --release --quiet --example gen-inventory --example parse-only
gen=$root/target/release/examples/gen-inventory
parse_only=$root/target/release/examples/parse-only

data=$(mktemp -d "$tmp/e2ee-lint-bench.XXXXXX")
trap 'rm -rf "$data"' EXIT
# The ruleset Spectral runs: today's catalog in the template, beside its function.
mkdir "$data/ruleset"
cp -r "$here/functions" "$data/ruleset/"
node "$here/port-catalog.js" "$spectral_dir" "$root/rules/catalog.yaml" "$here/ruleset.yaml" \
    "$data/ruleset/ruleset.yaml"
"$gen" --tools "$tools" --out "$data/large" --seed "$seed"
"$gen" --tools 20 --out "$data/small" --seed "$seed"

# Runs a linter once, keeping its report. Exit status 1 only means "findings reported";
# anything above is a real failure and stops the script.
lint_once() {
    local out=$1 rc=0
    shift
    "$@" >"$out" || rc=$?
    if ((rc > 1)); then
        echo "error: '$*' exited with $rc" >&2
        return 1
    fi
}

# Prints "NO_E2EE NOT_ENFORCED TOTAL" for a report. e2ee-lint prints
# {"findings":[{"rule":...}]}, Spectral an array of {"code":...}; the ruleset splits
# e2ee-not-enforced by severity into a second rule, counted here under the first.
count_findings() {
    node -e '
        const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const items = Array.isArray(report) ? report : report.findings || [];
        const rule = (f) => String(f.rule ?? f.code).replace(/-sensitive$/, "");
        const n = (r) => items.filter((f) => rule(f) === r).length;
        console.log(n("no-e2ee"), n("e2ee-not-enforced"), items.length);
    ' "$1"
}

# Prints the findings of no-e2ee and e2ee-not-enforced (any severity) that only one of two
# reports has, as rule@line, or nothing when both report the same ones.
disagreements() {
    node -e '
        const fs = require("fs");
        const keys = (file) => {
            const report = JSON.parse(fs.readFileSync(file, "utf8"));
            const items = Array.isArray(report) ? report : report.findings || [];
            return items
                .map((f) => [String(f.rule ?? f.code).replace(/-sensitive$/, ""),
                             f.span ? f.span.line : f.range.start.line + 1])
                .filter(([rule]) => rule === "no-e2ee" || rule === "e2ee-not-enforced")
                .map(([rule, line]) => rule + "@" + line)
                .sort();
        };
        const [a, b] = [keys(process.argv[1]), keys(process.argv[2])];
        const count = (list) => list.reduce((m, k) => m.set(k, (m.get(k) || 0) + 1), new Map());
        const [ca, cb] = [count(a), count(b)];
        const differ = [...new Set([...a, ...b])].filter((k) => ca.get(k) !== cb.get(k));
        if (differ.length) console.log(differ.slice(0, 10).join(" "));
    ' "$1" "$2"
}

# Prints the mean wall time in milliseconds of a command over N runs (after one warm-up).
# Failures are ignored here because lint_once already checked each command.
mean_ms() {
    local n=$1
    shift
    if command -v hyperfine >/dev/null; then
        hyperfine -N -i --style none --warmup 1 --runs "$n" \
            --export-json "$data/timing.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
        node -e 'const r = require(process.argv[1]).results[0];
                 console.log((r.mean * 1000).toFixed(1))' "$data/timing.json"
    else
        local i start end
        "$@" >/dev/null 2>&1 || true
        start=$(date +%s%N)
        for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1 || true; done
        end=$(date +%s%N)
        awk -v d=$((end - start)) -v n="$n" 'BEGIN { printf "%.1f\n", d / n / 1e6 }'
    fi
}

if command -v hyperfine >/dev/null; then timer=hyperfine; else timer="date +%s%N loop"; fi
echo "timing with $timer; e2ee-lint: $E2EE_LINT; spectral $("$spectral" --version)" >&2

rows=()
for set in large small; do
    file=$data/$set/inventory-0001.yaml
    n=$runs
    [[ $set == small ]] && n=$runs_small
    count=$tools
    [[ $set == small ]] && count=20

    lint=("$E2EE_LINT" check "$file" --format json)
    spec=("$spectral" lint -q -r "$data/ruleset/ruleset.yaml" -f json "$file")
    lint_once "$data/lint.json" "${lint[@]}"
    lint_once "$data/spectral.json" "${spec[@]}"
    read -r lint_none lint_opt lint_total < <(count_findings "$data/lint.json")
    read -r spec_none spec_opt _ < <(count_findings "$data/spectral.json")
    differ=$(disagreements "$data/lint.json" "$data/spectral.json")
    if [[ -n $differ ]]; then
        echo "error: e2ee-lint and Spectral disagree on $count tools (rule@line): $differ" >&2
        exit 1
    fi

    echo "timing $count tools ..." >&2
    t_parse=$(mean_ms "$n" "$parse_only" "$file")
    t_lint=$(mean_ms "$n" "${lint[@]}")
    t_spec=$(mean_ms "$n" "${spec[@]}")
    ratio=$(awk -v a="$t_spec" -v b="$t_lint" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
    rows+=("$(printf '%-7s %10s %9s %9s %9s %7s %11s %11s %5s' "$count" "$t_parse" "$t_lint" \
        "$t_spec" "$ratio" "$lint_total" "$lint_none/$spec_none" "$lint_opt/$spec_opt" \
        yes)")
done

echo
echo "mean wall time in ms; findings as e2ee-lint/spectral (e2ee-lint's other rules only in 'all')"
printf '%-7s %10s %9s %9s %9s %7s %11s %11s %5s\n' tools parse-only e2ee-lint spectral \
    spec/lint all no-e2ee not-enf agree
printf '%s\n' "${rows[@]}"
