#!/usr/bin/env bash
# A recording in compressed blocks (`cutover export --compressed`): a tenth
# of the size; zcat, zgrep and `gzip -t` read it as the plain lines; replay
# and report read it directly, screens identical to the plain file's;
# `--jsonl` gives back the plain recording byte for byte; a file cut short,
# a damaged block and the wrong input each get a clear message.
. "$top_srcdir/tests/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plain="$work/night.session.jsonl"
"$top_builddir/replay/gen-session" --duration 2h --cutover-at 90m --garbage 3 -o "$plain" 2>/dev/null ||
    fail "gen-session failed"

out=$("$CUTOVER" export --compressed "$plain" 2>&1) || fail "export --compressed failed: $out"
gz="$plain.gz"
[ -f "$gz" ] && [ -f "$plain" ] || fail "expected $gz beside the kept plain file"
grep -q "read back and compared" <<<"$out" || fail "export did not say it compared: $out"
[ -f "$gz.idx" ] || fail "no seek index saved beside $gz"
size_plain=$(stat -c %s "$plain")
size_gz=$(stat -c %s "$gz")
[ $((size_gz * 5)) -lt "$size_plain" ] || fail "compressed $size_gz bytes of $size_plain: not under a fifth"
note "compressed: $size_gz of $size_plain bytes"

# The standard tools read it as the plain recording.
gzip -t "$gz" || fail "gzip -t rejects $gz"
zcat "$gz" | cmp -s - "$plain" || fail "zcat does not give back the plain recording"
[ "$(zgrep -c '"k":"step"' "$gz")" = "$(grep -c '"k":"step"' "$plain")" ] || fail "zgrep counts differ"
"$CUTOVER" export --jsonl "$gz" | cmp -s - "$plain" || fail "export --jsonl differs from the plain recording"
"$CUTOVER" export --jsonl -o "$work/back.jsonl" "$gz" && cmp -s "$work/back.jsonl" "$plain" ||
    fail "export --jsonl -o differs"

# Replay and report read the blocks directly: the same screens, the same
# problems reported (the generated garbage lines).
for at in +1m +91m +119m; do
    a=$("$CUTOVER" replay --snapshot "$at" --size 120x40 "$plain" 2>"$work/a.err")
    b=$("$CUTOVER" replay --snapshot "$at" --size 120x40 "$gz" 2>"$work/b.err")
    [ -n "$a" ] && [ "$a" = "$b" ] || fail "the screen at $at differs between plain and compressed"
    sed "s|$gz|FILE|" "$work/b.err" | cmp -s - <(sed "s|$plain|FILE|" "$work/a.err") ||
        fail "problems differ: $(cat "$work/a.err") / $(cat "$work/b.err")"
done
grep -q "3 garbage lines" "$work/b.err" || fail "garbage not reported for the compressed file: $(cat "$work/b.err")"
"$CUTOVER" report -o "$work/plain.html" "$plain" 2>/dev/null
"$CUTOVER" report -o "$work/gz.html" "$gz" 2>/dev/null || fail "report on the compressed recording failed"
cmp -s <(sed "s|$gz|FILE|g" "$work/gz.html") <(sed "s|$plain|FILE|g" "$work/plain.html") ||
    fail "the report differs between plain and compressed"
note "replay and report read the compressed recording as the plain one"

# The wrong input, said clearly (exit 2).
status=0
out=$("$CUTOVER" export --compressed "$gz" 2>&1) || status=$?
[ "$status" = 2 ] && grep -q "is compressed already" <<<"$out" || fail "compressing twice: $status $out"
echo "hello" >"$work/text"
status=0
out=$("$CUTOVER" export --compressed "$work/text" 2>&1) || status=$?
[ "$status" = 2 ] && grep -q "is not a cutover session" <<<"$out" || fail "not a session: $status $out"
status=0
out=$("$CUTOVER" follow "$gz" 2>&1 </dev/null) || status=$?
[ "$status" = 2 ] && grep -q "is a compressed recording" <<<"$out" || fail "follow: $status $out"

# Cut short (a copy that stopped): the whole blocks replay, the cut is said.
head -c $((size_gz - 500)) "$gz" >"$work/cut.session.jsonl.gz"
status=0
"$CUTOVER" export --jsonl -o "$work/cut.jsonl" "$work/cut.session.jsonl.gz" 2>"$work/cut.err" || status=$?
[ "$status" = 1 ] && grep -q "cut inside block" "$work/cut.err" || fail "a cut file: $status $(cat "$work/cut.err")"
cmp -s "$work/cut.jsonl" <(head -c "$(stat -c %s "$work/cut.jsonl")" "$plain") ||
    fail "the whole blocks of a cut file differ from the plain recording"
"$CUTOVER" replay --snapshot +10m --size 120x40 "$work/cut.session.jsonl.gz" >/dev/null 2>"$work/cut.err" ||
    fail "replay of a cut file failed: $(cat "$work/cut.err")"
grep -q "cut inside block" "$work/cut.err" || fail "replay did not say the file is cut: $(cat "$work/cut.err")"

# A damaged block: named with its number, not replayed as garbage.
cp "$gz" "$work/bad.session.jsonl.gz"
printf '\x00\x00\x00\x00\x00\x00\x00\x00' | dd of="$work/bad.session.jsonl.gz" bs=1 seek=$((size_gz / 2)) conv=notrunc 2>/dev/null
status=0
out=$("$CUTOVER" export --jsonl "$work/bad.session.jsonl.gz" 2>&1 >/dev/null) || status=$?
[ "$status" != 0 ] && grep -qE "block [0-9]+ .*(is damaged|impossible size|not a block-compressed)" <<<"$out" ||
    fail "a damaged block: $status $out"
note "cut and damaged files are said, with the block"
