#!/usr/bin/env bash
# Loads e2ee-lint's OSCAL assessment-results with compliance-trestle (IBM's OSCAL toolkit,
# whose pydantic models check OSCAL's types, patterns and required fields), and checks that
# its counts match the report-json of the same run. Installs trestle into a cached virtualenv;
# under CI=true a missing trestle is a failure, never a skip.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
# shellcheck source=.ci/lib.sh
. .ci/lib.sh

need_trestle oscal-test
echo "oscal-test: $("$venv/bin/pip" show compliance-trestle 2> /dev/null | grep '^Version')"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/e2ee-lint-oscal.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
cargo build --locked --quiet
bin="$repo/target/debug/e2ee-lint"
export SOURCE_DATE_EPOCH=1795780800 # 2026-11-27
i=0
run() {
  i=$((i + 1))
  "$bin" check "$@" -o "oscal=$scratch/$i.oscal.json" -o "report-json=$scratch/$i.report.json" \
    -f csv > /dev/null 2>&1 || true
}
run fixtures/evidence/acme
run fixtures/evidence/acme --framework nist
run fixtures/evidence/hostile.yaml
run rules/tests/catalog-override/inventory.yaml # catalog overrides: props and verdict
run fixtures/acme.yaml
run fixtures/messy.yaml
run fixtures/seed
run fixtures/policy/exceptions
run fixtures/policy/ignores
run fixtures/policy/expiring
run fixtures/policy/baseline/inventory.yaml --baseline fixtures/policy/baseline/baseline.json
run fixtures/seed missing.yaml

passed=0
failed=0
for oscal in "$scratch"/*.oscal.json; do
  # The command the issue names, as is.
  if "$venv/bin/python" -c "from trestle.oscal.assessment_results import AssessmentResults as A; import pathlib, sys; A.oscal_read(pathlib.Path(sys.argv[1]))" "$oscal"; then
    passed=$((passed + 1))
  else
    echo "FAIL trestle could not load $oscal"
    failed=$((failed + 1))
  fi
done
"$venv/bin/python" - "$scratch" <<'PY' > "$scratch/counts.txt"
import json, pathlib, sys
from trestle.oscal.assessment_results import AssessmentResults
d = pathlib.Path(sys.argv[1])
for oscal in sorted(d.glob("*.oscal.json")):
    report = json.loads(oscal.with_name(oscal.name.replace(".oscal", ".report")).read_text())
    results = AssessmentResults.oscal_read(oscal).results
    result = results[0]
    # One finding per control objective an open finding's rule maps to (a rule mapped to no
    # control is an objective of its own); one observation per tool and per open finding
    # about no tool.
    objectives = set()
    for f in report["findings"]:
        mapped = [c["control_id"] for c in report["controls"] if f["rule"] in c["rules"]]
        objectives.update(mapped or ["rule-" + f["rule"]])
    toolless = sum(1 for f in report["findings"] if f["tool_id"] is None)
    expected = (
        1,
        len(report["tools"]) + toolless,
        len(objectives),
        len(report["accepted_risks"]),
    )
    got = (
        len(results),
        len(result.observations or []),
        len(result.findings or []),
        len(result.risks or []),
    )
    uuids = [str(o.uuid) for o in (result.observations or [])] + \
        [str(f.uuid) for f in (result.findings or [])] + [str(r.uuid) for r in (result.risks or [])]
    ok = got == expected and len(set(uuids)) == len(uuids)
    print(("ok" if ok else "FAIL"), oscal.name, "results/observations/findings/risks", got,
          "expected", expected)
PY
cat "$scratch/counts.txt"
passed=$((passed + $(grep -c '^ok' "$scratch/counts.txt" || true)))
failed=$((failed + $(grep -c '^FAIL' "$scratch/counts.txt" || true)))
# Reruns give the same bytes.
"$bin" check fixtures/evidence/acme -f oscal > "$scratch/again.json" || true
if cmp -s "$scratch/again.json" "$scratch/1.oscal.json"; then
  passed=$((passed + 1))
else
  echo "FAIL a rerun gave other bytes"
  failed=$((failed + 1))
fi
echo "oscal-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
