#!/usr/bin/env bash
# Proves the published pre-commit hook works: installs pre-commit from PyPI into a scratch
# virtualenv, makes a scratch git repository with a bad and a clean inventory, and runs
# `pre-commit try-repo <this repo> e2ee-lint`, expecting failure while an inventory is bad and
# success once all are clean. try-repo builds the hook from this repository's committed HEAD (plus a shadow
# commit of uncommitted changes), with `cargo install`, as a user's pre-commit would.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/e2ee-lint-pre-commit.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
export PATH="$scratch/venv/bin:$PATH"
export PRE_COMMIT_HOME="$scratch/cache"
# pre-commit builds the hook with `cargo install` (a release build). What is tested is that the
# hook installs and runs, not its speed: build unoptimised, in a target directory kept between
# runs on one machine.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false
export CARGO_TARGET_DIR="$repo/target/pre-commit-test"

work="$scratch/work"
mkdir -p "$work/inventories"
cd "$work"
git init --quiet
git config user.email ci@example.invalid
git config user.name ci
printf 'tools:\n  - name: Slack\n    category: messaging\n' > inventories/bad.yaml
printf 'tools:\n  - name: Signal\n    category: messaging\n' > inventories/clean.yaml
git add inventories
git commit --quiet -m inventories

if pre-commit try-repo "$repo" e2ee-lint --files inventories/bad.yaml > "$scratch/bad.log" 2>&1; then
  cat "$scratch/bad.log"
  echo "pre-commit-test: FAILED: the hook passed on a bad inventory" >&2
  exit 1
fi
grep -q 'no-e2ee' "$scratch/bad.log" || { cat "$scratch/bad.log"; echo "pre-commit-test: FAILED: no no-e2ee finding in the hook's output" >&2; exit 1; }
# The hook checks the whole inventory set (pass_filenames: false), so it passes only once every
# inventory is clean, whichever file triggered it.
printf 'tools:\n  - name: Wire\n    category: messaging\n' > inventories/bad.yaml
if ! pre-commit try-repo "$repo" e2ee-lint --files inventories/clean.yaml > "$scratch/clean.log" 2>&1; then
  cat "$scratch/clean.log"
  echo "pre-commit-test: FAILED: the hook failed on a clean inventory" >&2
  exit 1
fi
echo "pre-commit-test: 2 passed, 0 failed"
