#!/usr/bin/env bash
# cutover export --asciicast: a generated session (replay's gen-session, the
# recorder's own formatter) becomes an asciicast v2 file: a header with the
# asked size, then [time, "o", data] events with non-decreasing times whose
# screens show the steps; --speed shortens it; bad input exits 2 with a
# message.
. "$top_srcdir/tests/lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
GEN="$top_builddir/replay/gen-session"
[ -x "$GEN" ] || fail "$GEN not built"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "/usr/bin/python3 not installed"

dir=$(mktemp -d "${TMPDIR:-/tmp}/export-test.XXXXXX")
trap 'rm -rf "$dir"' EXIT
session="$dir/night-20261121T002000Z.session.jsonl"
"$GEN" --duration 3m --cutover-at 1m -o "$session" 2>/dev/null || fail "gen-session failed"

# Checks a cast: the header, each event, the order of times; plays the
# frames on a screen of rows lines and writes the last screen to $4.final;
# prints the number of events and the last time.
check_cast() {
    "$PY" - "$@" <<'PYEOF'
import json, re, sys
path, cols, rows, want = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
with open(path, encoding="utf-8") as f:
    lines = f.read().split("\n")
assert lines[-1] == "", "the file does not end with a newline"
header = json.loads(lines[0])
assert header["version"] == 2, header
assert header["width"] == cols and header["height"] == rows, header
assert isinstance(header["timestamp"], int) and header["timestamp"] > 0, header
assert "title" in header, header
last, screens = -1.0, []
for n, line in enumerate(lines[1:-1], start=2):
    ev = json.loads(line)
    assert isinstance(ev, list) and len(ev) == 3, "line %d: %r" % (n, line[:80])
    t, kind, data = ev
    assert isinstance(t, (int, float)) and not isinstance(t, bool), "line %d: time %r" % (n, t)
    assert kind == "o", "line %d: kind %r" % (n, kind)
    assert isinstance(data, str), "line %d: data" % n
    assert t >= last, "line %d: time %s before %s" % (n, t, last)
    last = t
    screens.append(data)
assert len(screens) >= 2, "only %d events" % len(screens)
assert screens[0].startswith("\x1b[2J"), "the first frame does not clear the screen"
assert any(want in s for s in screens), "no screen shows %r" % want
# A terminal that knows what the frames use: clear, go to row;col, write,
# clear to the end of the line. A newline would scroll: none may come.
screen = [""] * rows
for n, data in enumerate(screens):
    assert "\n" not in data, "frame %d has a newline" % n
    for m in re.finditer(r"\x1b\[2J|\x1b\[(\d+);1H([^\x1b]*)\x1b\[K|(.)", data, re.S):
        if m.group(3) is not None:
            raise AssertionError("frame %d: unexpected %r" % (n, data[m.start():m.start() + 20]))
        if m.group(1):
            row = int(m.group(1))
            assert 1 <= row <= rows, "frame %d writes row %d" % (n, row)
            screen[row - 1] = m.group(2)
with open(path + ".final", "w", encoding="utf-8") as f:
    f.write("\n".join(screen) + "\n")
print(len(screens), last)
PYEOF
}

"$CUTOVER" export --asciicast "$session" -o "$dir/out.cast" 2>"$dir/err" || fail "export failed: $(cat "$dir/err")"
read -r events secs < <(check_cast "$dir/out.cast" 120 40 "Wait for lag zero") || fail "bad cast"
note "3-minute session: $events events over ${secs} s, $(stat -c %s "$dir/out.cast") bytes"
grep -q "Maintenance off" "$dir/out.cast" || fail "the last step's title is in no screen"
# The last screen is the replay's screen at the end (below its status lines,
# which say paused where the cast plays).
end=$("$PY" -c '
import datetime, json, sys
t = max(json.loads(l)["t"] for l in open(sys.argv[1]).readlines()[1:])
print(datetime.datetime.fromtimestamp(t / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:23] + "Z")
' "$session")
"$CUTOVER" replay --snapshot "$end" --size 120x40 "$session" >"$dir/end.txt" 2>/dev/null ||
    fail "replay --snapshot failed"
diff <(tail -n +3 "$dir/end.txt") <(tail -n +3 "$dir/out.cast.final") >"$dir/diff" ||
    fail "the cast's last screen is not the replay's: $(head -20 "$dir/diff")"

"$CUTOVER" export --asciicast --size 100x30 --fps 2 "$session" >"$dir/small.cast" 2>"$dir/err" ||
    fail "export to stdout failed: $(cat "$dir/err")"
check_cast "$dir/small.cast" 100 30 "Wait for lag zero" >/dev/null || fail "bad cast at 100x30"

# Twice the speed, without idle compression: about half of the recorded 180 s.
"$CUTOVER" export --asciicast --no-compress --speed 2 "$session" -o "$dir/fast.cast" 2>/dev/null ||
    fail "export --speed 2 failed"
read -r _ fast < <(check_cast "$dir/fast.cast" 120 40 "Swap connection") || fail "bad fast cast"
"$PY" -c "import sys; t=float(sys.argv[1]); sys.exit(0 if 85 <= t <= 91 else 1)" "$fast" ||
    fail "--speed 2 --no-compress lasts $fast s, not about 90"
# Default: idle stretches compressed, so shorter than real time.
"$PY" -c "import sys; sys.exit(0 if float(sys.argv[1]) < 170 else 1)" "$secs" ||
    fail "idle stretches not compressed: $secs s for 180 s recorded"

# Bad input: exit 2 with a message that says what is wrong.
expect_bad() {
    local what=$1
    shift
    local status=0
    "$CUTOVER" export "$@" >"$dir/bad.out" 2>"$dir/bad.err" || status=$?
    [ "$status" = 2 ] || fail "$what: exit $status, not 2"
    grep -q -e "$what" "$dir/bad.err" || fail "$what: message was: $(cat "$dir/bad.err")"
}
expect_bad "No such file" --asciicast "$dir/missing.session.jsonl"
printf '{"seq":1}\n' >"$dir/other.jsonl"
expect_bad "other.jsonl" --asciicast "$dir/other.jsonl"
expect_bad "say one format: --asciicast, --compressed or --jsonl" "$session"
expect_bad "say one format" --jsonl --compressed "$session"
expect_bad "cannot write" --asciicast "$session" -o "$dir/no/such/dir/out.cast"
expect_bad "bad size" --asciicast --size 12 "$session"
expect_bad "--fps takes" --asciicast --fps 0 "$session"
[ ! -e "$dir/no/such/dir/out.cast" ] || fail "a cast appeared in a missing directory"
ls "$dir"/*.tmp-* >/dev/null 2>&1 && fail "a temporary file was left behind"
exit 0
