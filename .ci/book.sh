#!/usr/bin/env bash
# The manual (docs/, an mdBook): build it with every warning an error, then check every internal
# link and #fragment of the built site offline with lychee. Both tools are Rust, installed once
# with `cargo install --locked` at pinned versions (mdBook ~5 minutes, lychee ~10 on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."

MDBOOK_VERSION=0.5.4
LYCHEE_VERSION=0.24.2

need() { # binary crate version
  if ! command -v "$1" > /dev/null; then
    cargo install --locked "$2" --version "$3"
  fi
  command -v "$1" > /dev/null || { echo "book: $1 is missing" >&2; exit 1; }
}
need mdbook mdbook "$MDBOOK_VERSION"
need lychee lychee "$LYCHEE_VERSION"

# mdBook has no deny-warnings switch: a missing {{#include}}, an unresolved link in SUMMARY.md or
# a broken heading is logged as WARN and the build still succeeds, so the log decides.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rm -rf docs/book
mdbook build docs 2>&1 | tee "$log"
if grep -Eq '(^|[[:space:]])(WARN|ERROR)[[:space:]]' "$log"; then
  echo "book: mdbook printed warnings (treated as errors)" >&2
  exit 1
fi

# --offline: only links inside the site (files and their #fragments); the web is not fetched.
# 404.html is left out: its links are absolute under book.toml's site-url, which exists only
# once the site is served there.
lychee --offline --no-progress --include-fragments --exclude-path '404\.html$' docs/book
echo "book: built and every internal link resolves"
