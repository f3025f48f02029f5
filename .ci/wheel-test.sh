#!/usr/bin/env bash
# Proves the Python packaging works end to end, as a user of `pip install e2ee-lint` meets it:
#   1. builds the wheel with maturin (release profile, as published) into a scratch directory;
#   2. installs it into a FRESH virtualenv with `--no-index` (the wheel alone, nothing from PyPI)
#      and runs the binary it carries on a bad and a clean inventory;
#   3. runs the `e2ee-lint-python` pre-commit hook (`language: python`: pre-commit pip-installs
#      this repository, which maturin compiles) through `pre-commit try-repo`.
# maturin and pre-commit come from PyPI into scratch virtualenvs under ${TMPDIR:-/tmp}. Every
# tool is required: a missing one fails the script (it never skips).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/e2ee-lint-wheel.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
version="$(awk -F'"' '/^version = / { print $2; exit }' "$repo/Cargo.toml")"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAILED: $1" >&2; }
# expect CODE NAME COMMAND...: runs COMMAND, which must exit CODE; its output goes to a log.
expect() {
  local want="$1" name="$2" log="$scratch/log.$((passed + failed))"
  shift 2
  local code=0
  "$@" > "$log" 2>&1 || code=$?
  if [ "$code" -eq "$want" ]; then
    pass "$name"
  else
    cat "$log" >&2
    fail "$name: exit $code, expected $want"
  fi
  last_log="$log"
}

# 1. The wheel, built the way the release workflow builds it (maturin, release profile).
python3 -m venv "$scratch/tools"
"$scratch/tools/bin/pip" install --quiet --disable-pip-version-check 'maturin>=1.9,<2' pre-commit
export CARGO_TARGET_DIR="$repo/target/wheel-test"
(cd "$repo" && "$scratch/tools/bin/maturin" build --release --locked --out "$scratch/dist")
shopt -s nullglob
wheels=("$scratch/dist"/e2ee_lint-"$version"-py3-none-*.whl)
shopt -u nullglob
if [ "${#wheels[@]}" -eq 1 ]; then
  pass "one wheel: $(basename "${wheels[0]}")"
else
  fail "expected one e2ee_lint-$version-py3-none-*.whl, found: $(ls "$scratch/dist")"
  echo "wheel-test: $passed passed, $failed failed"
  exit 1
fi
wheel="${wheels[0]}"
# The listing goes to a file first: `grep -q` stops reading at the first match, and under
# `pipefail` the lister's broken pipe would fail the check whenever the listing is long.
"$scratch/tools/bin/python" -m zipfile -l "$wheel" > "$scratch/wheel-listing"
if grep -q "e2ee_lint-$version.data/scripts/e2ee-lint" "$scratch/wheel-listing"; then
  pass "the wheel carries the binary as a script"
else
  fail "no e2ee_lint-$version.data/scripts/e2ee-lint in the wheel"
fi

# 2. A fresh virtualenv, the wheel and nothing else.
python3 -m venv "$scratch/user"
expect 0 "pip install --no-index the wheel into a fresh venv" \
  "$scratch/user/bin/pip" install --no-index --disable-pip-version-check "$wheel"
bin="$scratch/user/bin/e2ee-lint"
expect 0 "e2ee-lint --version" "$bin" --version
if grep -qx "e2ee-lint $version" "$last_log"; then pass "--version says $version"; else fail "--version: $(cat "$last_log")"; fi

work="$scratch/work"
mkdir -p "$work/inventories"
printf 'tools:\n  - name: Slack\n    category: messaging\n' > "$work/inventories/bad.yaml"
printf 'tools:\n  - name: Signal\n    category: messaging\n' > "$work/inventories/clean.yaml"
expect 1 "check on a bad inventory exits 1" "$bin" check "$work/inventories/bad.yaml"
if grep -q 'no-e2ee' "$last_log"; then pass "the bad inventory's no-e2ee finding"; else fail "no no-e2ee in: $(cat "$last_log")"; fi
expect 0 "check on a clean inventory exits 0" "$bin" check "$work/inventories/clean.yaml"
expect 0 "completions bash from the wheel's binary" "$bin" completions bash
expect 0 "manpage from the wheel's binary" "$bin" manpage

# 3. The `language: python` hook through pre-commit (it builds this repository with pip and
# maturin). What is tested is that it installs and runs, not its speed: unoptimised, in a target
# directory kept between runs.
export PATH="$scratch/tools/bin:$PATH"
export PRE_COMMIT_HOME="$scratch/pre-commit-cache"
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false
export CARGO_TARGET_DIR="$repo/target/wheel-test-hook"
cd "$work"
git init --quiet
git config user.email ci@example.invalid
git config user.name ci
git add inventories
git commit --quiet -m inventories
expect 1 "pre-commit hook e2ee-lint-python fails on the bad inventory" \
  pre-commit try-repo "$repo" e2ee-lint-python --files inventories/bad.yaml
if grep -q 'no-e2ee' "$last_log"; then pass "the hook reports no-e2ee"; else cat "$last_log" >&2; fail "no no-e2ee in the hook's output"; fi
# The hook checks the whole inventory set (pass_filenames: false): it passes only once every
# inventory is clean, whichever file triggered it.
printf 'tools:\n  - name: Wire\n    category: messaging\n' > inventories/bad.yaml
expect 0 "pre-commit hook e2ee-lint-python passes once every inventory is clean" \
  pre-commit try-repo "$repo" e2ee-lint-python --files inventories/clean.yaml

echo "wheel-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
