#!/usr/bin/env bash
# cutover report on a recorded lab cutover: the HTML page is self-contained
# (no external resource, no script), names every step of the plan with the
# UTC time it started, draws the charts and the downtime window as inline SVG,
# says the audit chain is intact with the right number of records (broken when
# a record is edited, absent when there is none), holds no password of the
# lab, escapes an operator's note full of markup, and renders in headless
# Chromium with the timeline and a chart visible.
. "$top_srcdir/tests/lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "/usr/bin/python3 not installed"
lab_start --cdc-delay 0
sleep 2 # the application writes for a while, so the charts have a night to show

status=0
"$CUTOVER" run --headless --yes "$LAB_PLAN" >"$LAB_DIR/run.out" 2>&1 || status=$?
[ "$status" = 0 ] || [ "$status" = 3 ] || fail "cutover run exited $status: $(tail -5 "$LAB_DIR/run.out")"
session=$(ls "$LAB_SESSION_DIR"/*.session.jsonl | head -n 1)
audit=$(ls "$LAB_SESSION_DIR"/*.audit.jsonl | head -n 1)
[ -f "$session" ] && [ -f "$audit" ] || fail "no session or audit file in $LAB_SESSION_DIR"
html="$LAB_DIR/report.html"

"$CUTOVER" report "$session" -o "$html" 2>"$LAB_DIR/report.err" ||
    fail "cutover report failed: $(cat "$LAB_DIR/report.err")"
note "report of a $(wc -l <"$session")-line session: $(stat -c %s "$html") bytes"

# Self-contained: no external reference, no script, no stylesheet link.
! grep -Eiq '(src|href)[[:space:]]*=[[:space:]]*["'\'']?[[:space:]]*(https?:)?//' "$html" ||
    fail "the page references an external resource"
! grep -Eiq '<(script|link|iframe|object|embed|img)[[:space:]>]' "$html" ||
    fail "the page has a script, link or embedded resource"
grep -q '<style>' "$html" || fail "no inline style sheet"

# Every step of the plan is in the timeline; those that ran with their start
# time (UTC, ms) from the recording.
"$PY" - "$session" "$html" <<'PYEOF' || fail "timeline incomplete"
import datetime, json, sys
session, html = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
started, ids = {}, set()
for line in open(session).readlines()[1:]:
    ev = json.loads(line)
    if ev.get("k") != "step":
        continue
    ids.add(ev["key"])
    if ev.get("s") == 2 and ev["key"] not in started:
        started[ev["key"]] = ev["t"]
assert len(ids) >= 5, "only %d steps recorded" % len(ids)
for i in sorted(ids):
    assert ">%s<" % i in html, "step %s is not in the page" % i
for key, t in started.items():
    utc = datetime.datetime.fromtimestamp(t / 1000, datetime.timezone.utc)
    text = utc.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t % 1000)
    assert text in html, "step %s: start %s not in the page" % (key, text)
print("%d steps, %d started" % (len(ids), len(started)))
PYEOF

svgs=$(grep -o '<svg' "$html" | wc -l)
lines=$(grep -o '<polyline' "$html" | wc -l)
[ "$svgs" -ge 4 ] || fail "$svgs SVG elements, expected the timeline and 3 charts"
[ "$lines" -ge 3 ] || fail "$lines polylines, expected lines on the charts"
grep -q 'class="downtime"' "$html" || fail "no downtime window"
grep -q 'Downtime</div><div class="v">[0-9]' "$html" || fail "no downtime figure"
case $status in
0) grep -q '>completed<' "$html" || fail "run completed, the report does not say so"
   grep -q '<tr class="point"><td></td><td colspan="7"><b>Point of no return</b>, crossed ' "$html" ||
       fail "the report does not draw the point of no return on the steps"
   grep -q 'Point of no return</div><div class="v">crossed' "$html" || fail "no point-of-no-return card" ;;
3) grep -q '>failed, rolled back<\|>rolled back<' "$html" || fail "run rolled back, the report does not say so" ;;
esac
records=$(wc -l <"$audit")
grep -q "audit chain intact, $records records" "$html" || fail "no 'audit chain intact, $records records'"
grep -q "audit chain intact, $records records" "$LAB_DIR/report.err" || fail "stderr does not give the verdict"
for pw in "$LAB_APP_PASSWORD" "$LAB_CUTOVER_PASSWORD" "$LAB_REPL_PASSWORD"; do
    ! grep -qF "$pw" "$html" || fail "a lab password is in the report"
done

# A note full of markup, in a copy of the recording: shown, escaped.
copy="$LAB_DIR/copy/night-20261121T002000Z.session.jsonl"
mkdir -p "$LAB_DIR/copy"
cp "$session" "$copy"
"$PY" - "$copy" <<'PYEOF'
import json, sys
lines = open(sys.argv[1]).readlines()
last = json.loads(lines[-1])
note = {"t": last["t"] + 1, "m": last["m"] + 1, "k": "note",
        "x": "<script>alert(\"pwned\")</script><img src=x onerror=alert(1)> & done"}
open(sys.argv[1], "a").write(json.dumps(note) + "\n")
PYEOF
"$CUTOVER" report --audit "$audit" "$copy" -o "$LAB_DIR/escaped.html" 2>/dev/null || fail "report of the copy failed"
grep -qF '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; done' \
    "$LAB_DIR/escaped.html" || fail "the note is not in the page, escaped"
! grep -Eiq '<script|<img' "$LAB_DIR/escaped.html" || fail "the note's markup reached the page"

# No audit log next to the copy: said so. An edited record: broken.
"$CUTOVER" report "$copy" -o "$LAB_DIR/absent.html" 2>/dev/null || fail "report without audit failed"
grep -q 'audit log absent' "$LAB_DIR/absent.html" || fail "a missing audit log is not reported"
sed '3s/"action":"[a-z-]*"/"action":"forged"/' "$audit" >"$LAB_DIR/copy/night.audit.jsonl"
"$CUTOVER" report "$copy" -o "$LAB_DIR/broken.html" 2>/dev/null || fail "report with a broken audit failed"
grep -q 'audit chain broken at line 4' "$LAB_DIR/broken.html" || fail "an edited audit record is not reported"

# Bad input: exit 2, a message naming the problem, no page.
expect_bad() {
    local what=$1
    shift
    local st=0
    "$CUTOVER" report "$@" >/dev/null 2>"$LAB_DIR/bad.err" || st=$?
    [ "$st" = 2 ] || fail "$what: exit $st, not 2"
    grep -q -e "$what" "$LAB_DIR/bad.err" || fail "$what: the message was: $(cat "$LAB_DIR/bad.err")"
}
expect_bad "No such file" "$LAB_DIR/none.session.jsonl" -o "$LAB_DIR/x.html"
expect_bad "$(basename "$audit")" "$audit" -o "$LAB_DIR/x.html"
expect_bad "cannot write" "$session" -o "$LAB_DIR/no/such/dir/r.html"
[ ! -e "$LAB_DIR/x.html" ] || fail "a page was written for bad input"

# Headless Chromium: the page renders, with the timeline's bars and a chart's
# lines on screen.
command -v chromium >/dev/null || skip "chromium not installed (Debian: chromium); the HTML checks passed"
png="$LAB_DIR/report.png"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$LAB_DIR/chromium.XXXXXX")" --screenshot="$png" \
    --window-size=1400,2000 "file://$html" >"$LAB_DIR/chromium.log" 2>&1 ||
    fail "chromium failed: $(tail -5 "$LAB_DIR/chromium.log")"
[ -s "$png" ] || fail "no screenshot"
if "$PY" -c 'import PIL' 2>/dev/null; then
    "$PY" - "$png" <<'PYEOF' || fail "the screenshot does not show the report"
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
px = list(im.getdata())
colours = len(set(px))
ink = sum(1 for p in px if sum(p) < 600) / len(px)
green = sum(1 for r, g, b in px if g > 170 and r < 90 and b < 130)  # timeline bars (done)
red = sum(1 for r, g, b in px if r > 200 and g < 90 and b < 90)     # failed bars
blue = sum(1 for r, g, b in px if b > 170 and r < 90 and g < 130)   # the charts' first line
assert colours > 50, "%d colours: blank?" % colours
assert ink > 0.02, "only %.1f%% of the page is ink" % (100 * ink)
assert green + red > 300, "no timeline bars (%d green, %d red pixels)" % (green, red)
assert blue > 300, "no chart line (%d blue pixels)" % blue
print("screenshot %dx%d: %d colours, %.1f%% ink, bars %d px, chart lines %d px"
      % (im.size[0], im.size[1], colours, 100 * ink, green + red, blue))
PYEOF
else
    distinct=$(od -An -v -tu1 "$png" | tr -s ' ' '\n' | sort -u | wc -l)
    [ "$(stat -c %s "$png")" -gt 20000 ] && [ "$distinct" -gt 200 ] ||
        fail "the screenshot looks blank ($(stat -c %s "$png") bytes, $distinct distinct bytes)"
fi
exit 0
