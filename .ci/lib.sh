# Shared by .ci/browser-test.sh and .ci/merge-test.sh (sourced, not run): headless Chromium with
# the flags this closed network needs, and the layout probe both reports are measured with.

# `chrome ARGS...`: headless Chromium with a fresh profile under "$scratch"; needs $browser.
chrome() {
  local profile
  profile="$(mktemp -d "$scratch/profile.XXXXXX")"
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "$@" 2> "$scratch/chrome.log"
}

# `with_overflow_probe IN.html OUT.html`: a copy of the report without its CSP, with a script
# that records every cell wider than its column (scrollWidth over clientWidth) and every table
# wider than its section, in a <pre id="overflow">. The report itself runs no script; only the
# copy does.
with_overflow_probe() {
  local probe='<script>
const bad = [];
for (const cell of document.querySelectorAll("td, th")) {
  if (cell.scrollWidth > cell.clientWidth + 1) bad.push("cell " + cell.textContent.slice(0, 40));
}
for (const table of document.querySelectorAll("table")) {
  const room = table.parentElement.clientWidth;
  if (table.scrollWidth > room + 1) bad.push("table in #" + table.closest("section").id + " " + table.scrollWidth + " > " + room);
}
const out = document.createElement("pre");
out.id = "overflow";
out.textContent = JSON.stringify(bad);
document.body.appendChild(out);
</script>'
  grep -v 'http-equiv="Content-Security-Policy"' "$1" |
    awk -v s="$probe" '/<\/body>/ { print s } { print }' > "$2"
}

# `need_trestle NAME`: sets $venv to a cached virtualenv with compliance-trestle, installing it
# once. When it cannot be installed: under CI=true the script NAME fails ("NAME: 0 passed,
# 1 failed"), never skips; elsewhere it exits 0 saying it skipped.
need_trestle() {
  venv="${XDG_CACHE_HOME:-$HOME/.cache}/e2ee-lint-ci/trestle-venv"
  "$venv/bin/python" -c "import trestle.oscal.assessment_results" 2> /dev/null && return 0
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  if ! { python3 -m venv "$venv" &&
    "$venv/bin/pip" install --quiet --disable-pip-version-check compliance-trestle; }; then
    echo "$1: compliance-trestle could not be installed"
    [ "${CI:-}" = true ] && { echo "$1: 0 passed, 1 failed"; exit 1; }
    echo "$1: skipped"
    exit 0
  fi
}
