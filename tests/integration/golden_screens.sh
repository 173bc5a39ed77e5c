#!/usr/bin/env bash
# Golden screens: a generated night (gen-session, fixed seed) drawn by
# `cutover replay --snapshot` at moments that matter (before the cutover,
# during it, after it), at two sizes and in ASCII, compared with the screens
# kept under tests/data/golden/. A change to the drawing shows up here as a
# diff a reviewer reads. After an intended change, regenerate them:
#   CUTOVER_GOLDEN_UPDATE=1 make check TESTS=tests/integration/golden_screens.sh
# and commit the new files with the change.
. "$top_srcdir/tests/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
session="$work/night.session"
"$top_builddir/replay/gen-session" --duration 10m --cutover-at 6m --seed 7 -o "$session" 2>/dev/null ||
    fail "gen-session failed"
golden="$top_srcdir/tests/data/golden"

check() { # NAME TIME SIZE [--ascii]
    local name=$1 at=$2 size=$3 extra=${4:-} got="$work/$1.txt"
    # shellcheck disable=SC2086
    "$CUTOVER" replay --snapshot "$at" --size "$size" $extra "$session" >"$got" 2>"$work/$name.err" ||
        fail "$name: snapshot failed: $(cat "$work/$name.err")"
    if [ -n "${CUTOVER_GOLDEN_UPDATE:-}" ]; then
        cp "$got" "$golden/$name.txt"
        note "$name: regenerated"
        return
    fi
    [ -f "$golden/$name.txt" ] || fail "$name: no golden screen $golden/$name.txt (CUTOVER_GOLDEN_UPDATE=1 makes it)"
    diff -u "$golden/$name.txt" "$got" >"$work/$name.diff" ||
        fail "$name: the screen differs from $golden/$name.txt:
$(cat "$work/$name.diff")"
}

check before-120x40 00:24:00 120x40
check before-80x24 00:24:00 80x24
check during-120x40 00:26:10 120x40
check during-100x30 00:26:10 100x30
check after-120x40 00:27:00 120x40
check after-ascii-120x40 00:27:00 120x40 --ascii
note "6 golden screens match"
