#!/bin/sh
# Builds one fuzz target on stable Rust with libFuzzer's coverage instrumentation (the flags
# `cargo fuzz build --sanitizer none` passes, plus debug assertions and overflow checks; no
# sanitizer, which needs nightly) and runs it for SECONDS on fuzz/corpus/TARGET (the working
# corpus, not committed), seeded from the committed fuzz/seed-corpus/TARGET.
#
#   fuzz/run.sh TARGET SECONDS [more libFuzzer flags]
#   TARGET: lint_source | config | rule_file | lsp_message | policy_run
#
# New inputs go to fuzz/corpus/TARGET, crashes to fuzz/artifacts/TARGET, the whole log to
# fuzz/target/TARGET.log. Reproduce a crash: fuzz/run.sh TARGET 0 fuzz/artifacts/TARGET/crash-...
# Minimise it: fuzz/run.sh TARGET 0 -minimize_crash=1 -runs=100000 fuzz/artifacts/TARGET/crash-...
set -eu

usage="usage: fuzz/run.sh TARGET SECONDS [libFuzzer flags]"
target=${1:?$usage}
seconds=${2:?$usage}
shift 2

# Paths given after SECONDS are the caller's; everything of the fuzzer's is under $here.
here=$(cd "$(dirname "$0")" && pwd)
case $target in
    lint_source | config | rule_file | policy_run) dict=-dict=$here/yaml.dict ;;
    lsp_message) dict=-dict=$here/lsp.dict ;;
    *) echo "unknown target $target; $usage" >&2; exit 2 ;;
esac

triple=$(rustc -vV | sed -n 's/^host: //p')
flags="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
flags="$flags -Cllvm-args=-sanitizer-coverage-inline-8bit-counters"
flags="$flags -Cllvm-args=-sanitizer-coverage-pc-table"
flags="$flags -Cllvm-args=-sanitizer-coverage-trace-compares"
flags="$flags -Cllvm-args=-simplifycfg-branch-fold-threshold=0"
flags="$flags -Clink-dead-code -Ccodegen-units=1 -Cdebug-assertions -Coverflow-checks"
case $triple in
    *-linux-*) flags="$flags -Cllvm-args=-sanitizer-coverage-stack-depth" ;;
esac
# --target keeps the instrumentation out of build scripts and proc macros.
RUSTFLAGS="$flags" cargo build --manifest-path "$here/Cargo.toml" --locked --release \
    --config profile.release.debug=1 --target "$triple" --bin "$target"

binary=$here/target/$triple/release/$target
if [ "$seconds" -eq 0 ]; then
    # Run the given inputs once (a crash, a corpus file).
    exec "$binary" "$@"
fi
corpus=$here/corpus/$target
artifacts=$here/artifacts/$target
log=$here/target/$target.log
mkdir -p "$corpus" "$artifacts"
echo "fuzzing $target for ${seconds}s; log in $log" >&2
status=0
"$binary" "$dict" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$@" "$corpus" "$here/seed-corpus/$target" >"$log" 2>&1 || status=$?

# libFuzzer's last status line (runs, cov, ft, corpus), its final stats, and what it found.
grep -E '^#[0-9]+' "$log" | tail -n 1
grep -E '^stat::' "$log"
echo "corpus: $(find "$corpus" -type f | wc -l) files in $corpus"
echo "artifacts: $(find "$artifacts" -type f | wc -l) in $artifacts"
grep -E 'ERROR: libFuzzer|panicked at|==[0-9]+== ERROR' "$log" | head -n 5 || true
exit "$status"
