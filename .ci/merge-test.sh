#!/usr/bin/env bash
# The GitHub recipe's merge step (docs/src/organization.md) on three generated repositories: each is
# checked as the recipe's matrix job does, then the lines between the recipe's `merge-step`
# markers run as written. The merged OSCAL must load in compliance-trestle (as .ci/oscal-test.sh
# loads one run's) and the merged HTML must render in Chromium (as .ci/browser-test.sh renders
# one run's): no cell overflowing at 1,400 px, one repository row per run, one tools row per
# in-scope tool of the merged report-json. Under CI=true a missing trestle or browser fails.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
# shellcheck source=.ci/lib.sh
. .ci/lib.sh

need_trestle merge-test
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "merge-test: chromium is missing (.ci/run installs it)"
  [ "${CI:-}" = true ] && { echo "merge-test: 0 passed, 1 failed"; exit 1; }
  echo "merge-test: skipped"
  exit 0
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/e2ee-lint-merge.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
cargo build --locked --quiet
export PATH="$repo/target/debug:$PATH"
export SOURCE_DATE_EPOCH=1795780800 # 2026-11-27

# Three repositories, each a git repository with its own inventory, as the matrix checks them.
make_repo() {
  local name="$1" text="$2" dir="$scratch/repos/$1"
  mkdir -p "$dir"
  printf "%s" "$text" > "$dir/inventory.yaml"
  git -C "$dir" init --quiet
  git -C "$dir" -c user.name=ci -c user.email=ci@example.invalid add inventory.yaml
  git -C "$dir" -c user.name=ci -c user.email=ci@example.invalid commit --quiet -m inventory
}
make_repo chat-service 'organization: Acme Corp
tools:
  - {name: Signal, category: messaging, data_classification: confidential}
  - {name: Slack, category: messaging, data_classification: internal}
'
make_repo web 'organization: Acme Corp
tools:
  - {name: Zoom, category: video-conferencing, e2ee: enforced}
  - {name: Slack, category: messaging}
  - {name: Jira, category: collaboration}
'
make_repo legacy-tools 'organization: Acme Corp
tools:
  - {name: Telegram, category: messaging, data_classification: restricted}
  - {name: "<b>Wire</b>", category: messaging}
'
# The matrix job: check in the checkout, name the repository and commit, keep report.json.
i=0
for name in chat-service web legacy-tools; do
  mkdir -p "$scratch/reports/e2ee-report-$i"
  (cd "$scratch/repos/$name" &&
    e2ee-lint check --isolated --format github --repository "acme/$name" \
      --evidence-commit "$(git rev-parse HEAD)" \
      --output report-json="$scratch/reports/e2ee-report-$i/report.json" > /dev/null) || true
  i=$((i + 1))
done

# The recipe's merge step, as written in docs/src/organization.md.
step="$(sed -n '/# merge-step-begin/,/# merge-step-end/p' docs/src/organization.md)"
if [ -z "$step" ]; then
  echo "FAIL the merge step markers are missing from docs/src/organization.md"
  echo "merge-test: 0 passed, 1 failed"
  exit 1
fi
export GITHUB_STEP_SUMMARY="$scratch/summary.md"
status=0
(cd "$scratch" && bash -euo pipefail -c "$step") 2> "$scratch/merge.log" || status=$?

html="$scratch/e2ee-organization.html"
if [ -f "$html" ]; then
  with_overflow_probe "$html" "$scratch/measured.html"
  chrome --screenshot="$scratch/merged.png" --window-size=1280,2400 "file://$html"
  chrome --dump-dom "file://$html" > "$scratch/merged.dom"
  chrome --window-size=1400,2000 --dump-dom "file://$scratch/measured.html" > "$scratch/measured.dom"
fi
if [ -n "${MERGE_SCREENSHOT:-}" ] && [ -f "$scratch/merged.png" ]; then
  cp "$scratch/merged.png" "$MERGE_SCREENSHOT"
fi

"$venv/bin/python" - "$scratch" "$status" <<'PY'
import html, json, pathlib, re, sys
from trestle.oscal.assessment_results import AssessmentResults
d = pathlib.Path(sys.argv[1])
status = int(sys.argv[2])
passed = failed = 0
def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")

log = (d / "merge.log").read_text()
check("merge exits 1: a run has errors (Slack, Telegram)", status == 1, f"exit {status}: {log}")
for name in ["e2ee-organization.html", "e2ee-organization.oscal.json", "e2ee-organization.json"]:
    check(f"{name} written", (d / name).is_file())
check("step summary written", "### Repositories" in (d / "summary.md").read_text())
report = json.loads((d / "e2ee-organization.json").read_text())
repos = [r["name"] for r in report["header"]["repositories"]]
check("three repositories", repos == ["acme/chat-service", "acme/legacy-tools", "acme/web"], f"{repos}")
check("each repository's commit recorded",
      all(re.fullmatch(r"[0-9a-f]{40}", r["commit"] or "") for r in report["header"]["repositories"]))
results = AssessmentResults.oscal_read(d / "e2ee-organization.oscal.json").results
check("trestle loads the merged OSCAL: one result", len(results) == 1)
observations = len(results[0].observations or [])
check("one observation per merged tool", observations == len(report["tools"]),
      f"{observations} vs {len(report['tools'])}")

dom = (d / "merged.dom").read_text() if (d / "merged.dom").exists() else ""
check("Chromium rendered the merged HTML",
      "<title>End-to-end encryption compliance report — Acme Corp — 2026-11-27</title>" in dom)
section = dom.split("<h3>Repositories</h3>")[1].split("</table>")[0] if "<h3>Repositories</h3>" in dom else ""
check("repositories table: one row per run", section.count("<tr>") == 1 + 3, f"{section.count('<tr>')}")
tools = dom.split('id="tools"')[1].split("</section>")[0] if 'id="tools"' in dom else ""
in_scope = [t for t in report["tools"] if t["outcome"] != "not-applicable"]
check("tools table: one row per in-scope tool", tools.count("<tr>") == 1 + len(in_scope),
      f"{tools.count('<tr>')} rows, {len(in_scope)} in scope")
check("Slack grouped across two repositories",
      "Tools in several repositories" in dom and "acme/chat-service (non-compliant)" in dom)
check("hostile name stays text", "&lt;b&gt;Wire&lt;/b&gt;" in dom and "<b>Wire</b>" not in dom)
measured = (d / "measured.dom").read_text() if (d / "measured.dom").exists() else ""
found = re.search(r'<pre id="overflow">(.*?)</pre>', measured, re.S)
overflow = json.loads(html.unescape(found.group(1))) if found else None
check("no cell overflows its column at 1,400 px", overflow == [], f"{overflow}")
png = (d / "merged.png").read_bytes() if (d / "merged.png").exists() else b""
check("screenshot shows content", png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 40_000, f"{len(png)} bytes")
print(f"merge-test: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
