#!/usr/bin/env bash
# Renders the HTML evidence report in a real browser (Debian's chromium, headless): to PDF, to
# PNG, and to a DOM dump; checks that it rendered, that hostile tool names stay text, and that
# the page's Content-Security-Policy blocks scripts. Installs chromium with apt-get when it is
# missing; under CI=true a missing browser is a failure, never a skip.
# UPDATE=1 copies the screenshot to docs/src/report.png (the manual's picture).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
# shellcheck source=.ci/lib.sh
. .ci/lib.sh

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ] && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  apt-get update -qq > /dev/null && \
    apt-get install --yes --no-install-recommends -qq chromium fonts-dejavu-core > /dev/null || true
  browser="$(command -v chromium || true)"
fi
if [ -z "$browser" ]; then
  if [ "${CI:-}" = true ]; then
    echo "browser-test: chromium is missing and could not be installed"
    echo "browser-test: 0 passed, 1 failed"
    exit 1
  fi
  echo "browser-test: skipped: no chromium (install it, or run under CI=true to require it)"
  exit 0
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/e2ee-lint-browser.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
cargo build --locked --quiet
bin="$repo/target/debug/e2ee-lint"
export SOURCE_DATE_EPOCH=1795780800 # 2026-11-27
"$bin" check fixtures/evidence/acme -f html > "$scratch/acme.html" || true
"$bin" check fixtures/evidence/hostile.yaml -f html > "$scratch/hostile.html" || true
# The CSP must stop a script that got into the page somehow.
sed 's|<title>|<script>document.title="pwned"</script><title>|' "$scratch/acme.html" \
  > "$scratch/injected.html"
"$bin" check fixtures/evidence/acme -f report-json > "$scratch/acme.json" || true
# Layout at 1,400 px, measured by the browser (see with_overflow_probe in .ci/lib.sh).
for page in acme hostile; do
  with_overflow_probe "$scratch/$page.html" "$scratch/$page-measured.html"
done

chrome --screenshot="$scratch/acme.png" --window-size=1280,2000 "file://$scratch/acme.html"
chrome --print-to-pdf="$scratch/acme.pdf" "file://$scratch/acme.html"
chrome --dump-dom "file://$scratch/acme.html" > "$scratch/acme.dom"
chrome --dump-dom "file://$scratch/hostile.html" > "$scratch/hostile.dom"
chrome --dump-dom "file://$scratch/injected.html" > "$scratch/injected.dom"
for page in acme hostile; do
  chrome --window-size=1400,2000 --dump-dom "file://$scratch/$page-measured.html" \
    > "$scratch/$page-measured.dom"
done

python3 - "$scratch" <<'PY'
import html, json, re, struct, sys, pathlib
d = pathlib.Path(sys.argv[1])
passed = failed = 0
def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")

png = (d / "acme.png").read_bytes() if (d / "acme.png").exists() else b""
check("screenshot is a PNG", png[:8] == b"\x89PNG\r\n\x1a\n")
if len(png) > 24:
    w, h = struct.unpack(">II", png[16:24])
    check("screenshot is 1280x2000", (w, h) == (1280, 2000), f"{w}x{h}")
# A blank page compresses to a few kilobytes; the report's tables and charts do not.
check("screenshot shows content", len(png) > 40_000, f"{len(png)} bytes")

pdf = (d / "acme.pdf").read_bytes() if (d / "acme.pdf").exists() else b""
check("PDF printed", pdf.startswith(b"%PDF-") and len(pdf) > 20_000, f"{len(pdf)} bytes")
pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
check("PDF has pages", pages >= 1, f"{pages}")

dom = (d / "acme.dom").read_text()
check("DOM has the title", "<title>End-to-end encryption compliance report — Acme Corp — 2026-11-27</title>" in dom)
tools = dom.split('id="tools"')[1].split("</section>")[0] if 'id="tools"' in dom else ""
report = json.loads((d / "acme.json").read_text())
in_scope = [t for t in report["tools"] if t["outcome"] != "not-applicable"]
folded = len(report["tools"]) - len(in_scope)
check("DOM has one row per tool in scope", tools.count("<tr>") == 1 + len(in_scope),
      f"{tools.count('<tr>')} rows, {len(in_scope)} tools in scope")
check("not-applicable tools are folded under their count",
      f"{folded} tool(s) not applicable</summary>" in tools, f"{folded}")
body = tools.split("<tbody>")[1] if "<tbody>" in tools else ""
first = body.split("</tr>")[0]
check("first tools row is a non-compliant tool", 'class="o o-non-compliant"' in first, first[:200])
check("DOM has both charts", dom.count("<svg") == 2)
# Every chart segment carries its number as text, not only as a colour.
for i, svg in enumerate(re.findall(r"<svg.*?</svg>", dom, re.S)):
    segments = len(re.findall(r'<rect class="seg"', svg))
    counts = re.findall(r'class="seg-count"[^>]*>([^<]*)<', svg)
    check(f"chart {i + 1}: every segment has a text count",
          segments > 0 and segments == len(counts) and all(re.search(r"\d", c) for c in counts),
          f"{segments} segments, counts {counts}")
for page in ["acme", "hostile"]:
    measured = (d / f"{page}-measured.dom").read_text()
    found = re.search(r'<pre id="overflow">(.*?)</pre>', measured, re.S)
    overflow = json.loads(html.unescape(found.group(1))) if found else None
    check(f"{page}: no cell overflows its column at 1,400 px", overflow == [], f"{overflow}")

hostile = (d / "hostile.dom").read_text()
check("hostile names: no script element", "<script" not in hostile.lower())
check("hostile names: no img element", "<img" not in hostile.lower())
check("hostile names: title unchanged",
      "<title>End-to-end encryption compliance report — Hostile &amp; Co &lt;b&gt; — 2026-11-27</title>" in hostile)
check("hostile names shown as text", "&lt;script&gt;document.title=" in hostile)

injected = (d / "injected.dom").read_text()
check("CSP blocks an injected script", "pwned" not in injected.split("</title>")[0].split("<title>")[-1]
      and "<title>End-to-end encryption compliance report — Acme Corp — 2026-11-27</title>" in injected)

print(f"browser-test: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
if [ "${UPDATE:-}" = 1 ]; then
  mkdir -p docs
  cp "$scratch/acme.png" docs/src/report.png
  echo "browser-test: wrote docs/src/report.png"
fi
