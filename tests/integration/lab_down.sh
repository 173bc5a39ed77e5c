#!/usr/bin/env bash
# lab/up and lab/down around the edges: a lab directory too long for Unix
# socket paths, refusing a non-empty directory and bad options, lab/down
# stopping every process, leaving the directory, running twice, --purge.
. "$top_srcdir/tests/lib.sh"
require_lab_tools

base=$(mktemp -d "${TMPDIR:-/tmp}/cutover-test.XXXXXX")
dir="$base/a-lab-directory-with-a-rather-long-name/that-goes-on/and-on-so-that-sockets-would-not-fit"
cleanup() {
    local status=$?
    "$LAB_BIN/down" "$dir" >/dev/null 2>&1 || true
    if [ "$status" = 0 ]; then rm -rf "$base"; else echo "kept $base for inspection" >&2; fi
    exit "$status"
}
trap cleanup EXIT

# Bad options fail with a message, before anything starts.
out=$("$LAB_BIN/up" "$base/x" --rate abc 2>&1) && fail "lab/up accepted --rate abc"
grep -q -- "--rate must be" <<<"$out" || fail "no clear message for a bad --rate: $out"
out=$("$LAB_BIN/up" "$base/x" --bogus 2>&1) && fail "lab/up accepted --bogus"

mkdir -p "$dir"
"$LAB_BIN/up" "$dir" --cdc-delay 0 --rate 200 >"$base/up.out" 2>&1 || { cat "$base/up.out" >&2; fail "lab/up failed in a long directory"; }
# shellcheck source=/dev/null
. "$dir/lab.env"
case "$LAB_SOURCE_SOCKET" in
/tmp/cutover-lab.*) ;;
*) fail "a ${#dir}-byte lab directory kept its socket in it: $LAB_SOURCE_SOCKET" ;;
esac
[ "$(sql_source 'SELECT 1')" = 1 ] || fail "root over the short socket does not work"
sockdir=$(dirname "$LAB_SOURCE_SOCKET")

# A second lab/up into the same directory is refused and leaves it running.
out=$("$LAB_BIN/up" "$dir" 2>&1) && fail "lab/up accepted a directory that holds a lab"
grep -q "not empty" <<<"$out" || fail "no clear message for a non-empty directory: $out"
[ "$(sql_source 'SELECT 1')" = 1 ] || fail "a refused lab/up disturbed the running lab"

pids="$LAB_SOURCE_PID $LAB_TARGET_PID $LAB_PROXY_PID $(cat "$LAB_APP_PID_FILE")"
"$LAB_BIN/down" "$dir" >/dev/null || fail "lab/down failed"
for pid in $pids; do
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)
    [ -z "$state" ] || [ "$state" = Z ] || fail "process $pid still runs after lab/down"
done
[ -d "$dir/source/data" ] || fail "lab/down removed the lab directory without --purge"
[ ! -e "$sockdir" ] || fail "lab/down left the socket directory $sockdir"
"$LAB_BIN/down" "$dir" >/dev/null || fail "a second lab/down failed"
"$LAB_BIN/down" "$dir" --purge >/dev/null || fail "lab/down --purge failed"
[ ! -e "$dir" ] || fail "lab/down --purge left $dir"
"$LAB_BIN/down" "$dir" >/dev/null || fail "lab/down of a missing directory failed"
exit 0
