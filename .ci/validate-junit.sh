#!/usr/bin/env bash
# Validates e2ee-lint's JUnit XML against the Jenkins xunit schema (junit-10.xsd) with lxml,
# installed into a scratch virtualenv. Skips when ../shared/data is not beside the repository.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
xsd="$repo/../shared/data/schemas/junit/jenkins-xunit-junit-10.xsd"
if [ ! -f "$xsd" ]; then
  echo "validate-junit: skipped: ../shared/data not found"
  exit 0
fi
scratch="$(mktemp -d "${TMPDIR:-/tmp}/e2ee-lint-junit.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --disable-pip-version-check lxml

cd "$repo"
cargo build --locked --quiet
bin="$repo/target/debug/e2ee-lint"
# Every inventory fixture on its own (policy scenarios with their configs), all together, and
# a run with an unreadable path.
i=0
for fixture in $(find fixtures -path fixtures/policy -prune -o -path fixtures/custom-rules/rules -prune -o -name '*.yaml' ! -name e2ee-lint.yaml -print | sort) \
  fixtures/policy/exceptions fixtures/policy/ignores fixtures/policy/expiring; do
  i=$((i + 1))
  "$bin" check "$fixture" --today 2026-11-27 --format junit > "$scratch/report-$i.xml" || true
done
"$bin" check fixtures --format junit > "$scratch/all.xml" || true
"$bin" check fixtures/seed missing.yaml --format junit > "$scratch/missing.xml" 2>/dev/null || true
# Catalog overrides: a `<properties>` block in every suite.
"$bin" check rules/tests/catalog-override/inventory.yaml --format junit > "$scratch/overrides.xml" || true
grep -q '<property name="catalog-override"' "$scratch/overrides.xml"

"$scratch/venv/bin/python" - "$xsd" "$scratch"/*.xml <<'PY'
import sys
from lxml import etree
schema = etree.XMLSchema(etree.parse(sys.argv[1]))
passed = failed = 0
for path in sys.argv[2:]:
    doc = etree.parse(path)
    if schema.validate(doc):
        passed += 1
    else:
        failed += 1
        print(f"{path}: {schema.error_log}", file=sys.stderr)
print(f"validate-junit: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
