#!/bin/bash
# Replay on a long night: generates 24-hour sessions with replay/gen-session
# and prints the open time (with the first frame) without an index file (the
# night read, the index saved beside it) and from the saved index, side by
# side, random seek times (p50/max) and peak RSS, measured by
# replay/seek-bench. Then the same for the recording in compressed blocks
# (cutover export --compressed): its size, the time to compress, and the
# same open and seek figures read from the blocks. Not a timed test: run it
# by hand.
#
#   bench/replay_seek.sh [BUILDDIR] [SEEKS]
# Profiles: "realistic" (heartbeat lag every 250 ms, eleven other figures
# every second: ~1.3 M events) and "dense" (all twelve every 250 ms: ~4.2 M).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${top_builddir:-$here}}
seeks=${2:-500}
gen="$build/replay/gen-session"
bench="$build/replay/seek-bench"
cutover="$build/cutover"
[ -x "$gen" ] && [ -x "$bench" ] && [ -x "$cutover" ] || { echo "build first: $gen, $bench, $cutover" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/replay-seek.XXXXXX")
trap 'rm -rf "$dir"' EXIT
for profile in realistic dense; do
    extra=""
    [ "$profile" = dense ] && extra="--fast-keys"
    file="$dir/$profile.session"
    # shellcheck disable=SC2086
    "$gen" --duration 24h --cutover-at 23h $extra --garbage 10 -o "$file"
    echo "== $profile: $(du -h "$file" | cut -f1) on disk"
    cat "$file" >/dev/null # warm the page cache: measure cutover, not the disk
    "$bench" "$file" "$seeks"
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$bench" "$file" 50 2>&1 >/dev/null | grep -E "Maximum resident" || true
    fi
    t0=$(date +%s%3N)
    "$cutover" export --compressed "$file" -o "$file.gz" 2>/dev/null
    t1=$(date +%s%3N)
    echo "== $profile compressed: $(du -h "$file.gz" | cut -f1) on disk ($(( $(stat -c %s "$file.gz") * 1000 / $(stat -c %s "$file") / 10 )).$(( $(stat -c %s "$file.gz") * 1000 / $(stat -c %s "$file") % 10 ))% of the plain file), compressed, read back and compared in $((t1 - t0)) ms"
    "$bench" "$file.gz" "$seeks"
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$bench" "$file.gz" 50 2>&1 >/dev/null | grep -E "Maximum resident" || true
    fi
done
