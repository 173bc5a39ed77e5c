#!/usr/bin/env bash
# `cutover replay --snapshot`: the screen at a step transition shows that
# step's state (the step just started running, the ones before done, the ones
# after pending); the three ways of writing TIME give the same screen; the
# size is honoured; bad files and bad times get clear messages and exit 2;
# garbage and a truncated last line are reported on stderr while the screen
# still comes out.
. "$top_srcdir/tests/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
session="$work/night.session"
"$top_builddir/replay/gen-session" --duration 10m --cutover-at 6m -o "$session" 2>/dev/null ||
    fail "gen-session failed"

snap() { "$CUTOVER" replay --snapshot "$@"; }
row() { grep -E "│[0-9]+ .*$1" | head -1; }

# Read-only starts at 00:26:00.500 (T+6m00.5s): maintenance-on done, read-only
# running, lag-zero not yet.
out=$(snap 00:26:00.500 --size 120x40 "$session") || fail "snapshot failed"
echo "$out" | row "Maintenance on" | grep -q "✓" || fail "maintenance-on not done:
$out"
echo "$out" | row "Source read-only" | grep -q "▶" || fail "read-only not running:
$out"
echo "$out" | row "Wait for lag zero" | grep -qE "✓|▶" && fail "lag-zero already moved:
$out"
echo "$out" | sed -n 2p | grep -q "step: Source read-only" || fail "status line: $(echo "$out" | sed -n 2p)"
echo "$out" | sed -n 1p | grep -q "REPLAY  lab  00:26:00 UTC" || fail "clock: $(echo "$out" | sed -n 1p)"

# One ms earlier read-only has not started.
before=$(snap 00:26:00.499 --size 120x40 "$session")
echo "$before" | row "Source read-only" | grep -q "▶" && fail "read-only running 1 ms early"

# Lag zero done at T+6m08s.
out=$(snap +6m8s --size 120x40 "$session")
echo "$out" | row "Wait for lag zero" | grep -q "✓" || fail "lag-zero not done at +6m8s:
$out"
echo "$out" | row "Swap connection" | grep -qE "✓|▶" && fail "swap early at +6m8s"

# The same moment written three ways: the same screen.
a=$(snap +6m0.5s --size 120x40 "$session")
b=$(snap 2026-11-21T00:26:00.500Z --size 120x40 "$session")
c=$(snap 00:26:00.5 --size 120x40 "$session")
[ "$a" = "$b" ] && [ "$b" = "$c" ] || fail "the same time written three ways differs"

# The size: 100 columns, 30 rows.
out=$(snap +5m --size 100x30 "$session")
[ "$(echo "$out" | wc -l)" -eq 30 ] || fail "--size 100x30 gave $(echo "$out" | wc -l) rows"
[ "$(echo "$out" | awk '{ print length($0) }' | sort -n | tail -1)" -le 100 ] ||
    fail "--size 100x30: a line is wider than 100"

# Bad input: exit 2 and a message saying what was wrong.
expect_error() {
    local want=$1 msg rc
    shift
    set +e
    msg=$("$CUTOVER" replay "$@" 2>&1 >/dev/null)
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "$*: exit $rc, expected 2 ($msg)"
    grep -qF -- "$want" <<<"$msg" || fail "$*: \"$msg\" does not say \"$want\""
    note "$msg"
}
echo "hello, world" >"$work/text.txt"
expect_error "is not a cutover session (first line: \"hello, world\")" --snapshot +1s "$work/text.txt"
echo '{"cutover_session":7,"version":"9.0.0","start":1}' >"$work/newer.session"
expect_error "was recorded by a newer cutover (format 7" --snapshot +1s "$work/newer.session"
expect_error "No such file or directory" --snapshot +1s "$work/absent.session"
expect_error "bad time \"+8\": 8 needs a unit" --snapshot +8 "$session"
expect_error "is after the recording ends" --snapshot +2h "$session"
expect_error "is before the recording starts" --snapshot 00:10:00 "$session"
expect_error "bad size \"12x\"" --snapshot +1s --size 12x "$session"
expect_error "--size goes with --snapshot" --size 100x30 "$session"

# Garbage and a cut last line: reported on stderr, the screen still printed.
"$top_builddir/replay/gen-session" --duration 3m --garbage 3 --truncate -o "$work/bad.session" 2>/dev/null
out=$("$CUTOVER" replay --snapshot +2m --size 120x40 "$work/bad.session" 2>"$work/err") ||
    fail "snapshot of a damaged file failed: $(cat "$work/err")"
grep -q "3 garbage lines skipped (lines [0-9]" "$work/err" || fail "garbage not reported: $(cat "$work/err")"
grep -q "the last line is incomplete (the recorder stopped mid-write); replaying everything before it" \
    "$work/err" || fail "truncation not reported: $(cat "$work/err")"
grep -q "Replication lag" <<<"$out" || fail "no screen for a damaged file"
exit 0
