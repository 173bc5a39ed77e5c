#!/usr/bin/env bash
# `cutover verify` on real audit logs: intact, edited, a line removed, lines
# swapped, a torn last line, a torn line kept and chained past, bad usage.
set -u
: "${top_builddir:?}" "${top_srcdir:?}"
. "$top_srcdir/tests/lib.sh"
set +e

fill="$top_builddir/tests/session/audit_fill"
[ -x "$CUTOVER" ] || fail "$CUTOVER was not built"
[ -x "$fill" ] || fail "$fill was not built"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log="$tmp/lab.audit.jsonl"

# expect STATUS PATTERN FILE: runs verify, checks exit status and output.
expect() {
    local want=$1 pattern=$2 file=$3 out status
    out=$("$CUTOVER" verify "$file" 2>&1)
    status=$?
    [ "$status" -eq "$want" ] || fail "verify $file: exit $status, wanted $want: $out"
    printf '%s\n' "$out" | grep -qE -- "$pattern" || fail "verify $file: '$out' lacks /$pattern/"
    note "$out"
}

"$fill" "$log" 20 || fail "audit_fill failed"
[ "$(stat -c %a "$log")" = 600 ] || fail "audit log mode is $(stat -c %a "$log"), not 600"
[ "$(wc -l <"$log")" -eq 20 ] || fail "expected 20 lines"
expect 0 "^$log: intact, 20 records, last at 20[0-9-]+T[0-9:.]+Z, head [0-9a-f]{64}$" "$log"

# Reopening carries the chain on.
"$fill" "$log" 5 || fail "audit_fill (reopen) failed"
expect 0 "intact, 25 records" "$log"
cp "$log" "$tmp/good"

# An edited value: line 7 still parses, the link from line 8 breaks.
sed -i '7s/read_only=ON/read_only=OFF/' "$log"
expect 1 "^$log: broken at line 8: prev hash does not match line 7" "$log"

cp "$tmp/good" "$log"
sed -i '12d' "$log"
expect 1 "broken at line 12: seq 13 follows 11" "$log"

cp "$tmp/good" "$log"
sed -i -n '3{h;n;G};p' "$log"
expect 1 "broken at line 3: seq 4 follows 2" "$log"

cp "$tmp/good" "$log"
sed -i '9s/^{/{{/' "$log"
expect 1 "broken at line 9: not valid JSON" "$log"

# A torn last line (the writer stopped mid-write)...
cp "$tmp/good" "$log"
truncate -s -30 "$log"
expect 1 "broken at line 25: torn last record" "$log"
# ...is kept by the next run, which chains on past it.
size=$(stat -c %s "$log")
"$fill" "$log" 2 || fail "audit_fill after a torn line failed"
[ "$(head -c "$size" "$log" | cmp - <(head -c "$size" "$tmp/good") && echo same)" = same ] \
    || fail "the torn line was not kept byte for byte"
expect 1 "broken at line 25: torn record .*kept as found; the chain goes on intact after it \(2 more records\)" "$log"

# --json: the verdict as one document (exit status unchanged).
json=$("$CUTOVER" verify --json "$log")
[ $? -eq 1 ] || fail "verify --json on a broken log: exit $?, 1 expected"
/usr/bin/python3 - "$json" "$log" <<'PY' || fail "verify --json: $json"
import json, sys
d = json.loads(sys.argv[1])
assert d["file"] == sys.argv[2] and d["ok"] is False and d["exit"] == 1, d
assert d["chain"]["verdict"] == "broken" and d["line"] == 25, d
PY
json=$("$CUTOVER" verify --json "$tmp/good")
[ $? -eq 0 ] || fail "verify --json on an intact log: exit $?"
/usr/bin/python3 - "$json" <<'PY' || fail "verify --json: $json"
import json, sys
d = json.loads(sys.argv[1])
assert d["ok"] is True and d["chain"]["verdict"] == "intact" and d["records"] == 25, d
assert len(d["head"]) == 64 and d["last_at"].endswith("Z"), d
PY
note "verify --json: broken at line 25 and intact, 25 records, as documents"

# Usage and unreadable files.
expect 2 "No such file or directory" "$tmp/missing"
"$CUTOVER" verify >/dev/null 2>&1; [ $? -eq 2 ] || fail "verify without FILE should exit 2"
"$CUTOVER" verify a b >/dev/null 2>&1; [ $? -eq 2 ] || fail "verify with two files should exit 2"
"$CUTOVER" verify --help | grep -q "Usage: cutover verify .*FILE" || fail "verify --help"
: >"$tmp/empty"
expect 0 "intact, 0 records" "$tmp/empty"
echo "audit_verify: all checks passed"
