#!/usr/bin/env bash
# The audit chain anchored outside its file. After a cutover on the lab the
# log is intact and anchored both in the recording and on the target
# (cutover.audit_head), and every record carries an HMAC under the plan's
# key (from the environment), which appears nowhere. Its last record cut off, the chain alone still
# says intact (nothing follows the cut to catch it), but `verify --session`
# and `verify --against-target` say CUT (exit 1), and a run on the plan with
# the cut log refuses to act on it; a log with an edited record is refused
# before anything starts.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
plan=$(cutover_plan anchor)
cutover_plan_py "$plan" 'p["audit"] = {"hmac_key": {"env": "CUTOVER_AUDIT_KEY"}}'
CUTOVER_AUDIT_KEY=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
export CUTOVER_AUDIT_KEY
sleep 1
cutover_run "$LAB_DIR/run.out" "$plan" completed
audit=$(cutover_audit)
session=$(ls "$LAB_SESSION_DIR"/*.session.jsonl | head -n 1)
records=$(wc -l <"$audit")

out=$("$CUTOVER" verify --session "$session" --against-target "$plan" --hmac "$plan" "$audit") ||
    fail "verify against the recording and the target: $out"
echo "$out"
grep -q "every record carries a valid HMAC" <<<"$out" || fail "the records' HMACs were not checked"
! grep -qF "$CUTOVER_AUDIT_KEY" "$audit" "$session" "$LAB_DIR/run.out" || fail "the HMAC key was written somewhere"
status=0
CUTOVER_AUDIT_KEY=wrong-key "$CUTOVER" verify --hmac "$plan" "$audit" >"$LAB_DIR/wrong-key.out" || status=$?
[ "$status" = 1 ] && grep -q "line 1: HMAC does not match" "$LAB_DIR/wrong-key.out" ||
    fail "another key was not refused: $(cat "$LAB_DIR/wrong-key.out")"
grep -q "anchored: the recording saw record $records with head" <<<"$out" || fail "not anchored in the recording"
grep -q "anchored: the target saw record $records with head" <<<"$out" || fail "not anchored on the target"
[ "$(sql_target "SELECT seq FROM cutover.audit_head WHERE plan = 'lab cutover'")" = "$records" ] ||
    fail "the target's head is not record $records"

# The last record cut off.
cp "$audit" "$LAB_DIR/full.audit.jsonl"
sed -i '$d' "$audit"
"$CUTOVER" verify "$audit" | grep -q "intact, $((records - 1)) records" ||
    fail "the chain alone should not see the cut (the reason for the anchors)"
status=0
out=$("$CUTOVER" verify --session "$session" "$audit") || status=$?
echo "$out"
[ "$status" = 1 ] || fail "verify --session exited $status on a cut log, 1 expected"
grep -q "CUT or edited against the recording: the log ends at record $((records - 1)), but record $records" <<<"$out" ||
    fail "verify --session does not say the tail was cut"
status=0
out=$("$CUTOVER" verify --against-target "$plan" "$audit") || status=$?
[ "$status" = 1 ] || fail "verify --against-target exited $status on a cut log, 1 expected"
grep -q "CUT or edited against the target" <<<"$out" || fail "verify --against-target does not say CUT"

# A run on the cut log refuses to act on it.
status=0
"$CUTOVER" run --headless --yes "$plan" >"$LAB_DIR/run2.out" 2>&1 || status=$?
cat "$LAB_DIR/run2.out"
[ "$status" = 1 ] || fail "a run on a cut log exited $status, 1 expected"
grep -q "the audit log does not match the head anchored on the target" "$LAB_DIR/run2.out" ||
    fail "the run does not say why it refuses"
! grep -q '  running' "$LAB_DIR/run2.out" || fail "a step ran on a cut log"

# An edited record is refused before anything starts.
cp "$LAB_DIR/full.audit.jsonl" "$audit"
sed -i '3s/"done"/"failed"/' "$audit"
status=0
"$CUTOVER" run --headless --yes "$plan" >"$LAB_DIR/run3.out" 2>&1 || status=$?
cat "$LAB_DIR/run3.out"
[ "$status" = 1 ] || fail "a run on an edited log exited $status, 1 expected"
grep -q "is broken: prev hash does not match line 3" "$LAB_DIR/run3.out" || fail "the edited log is not named"
cp "$LAB_DIR/full.audit.jsonl" "$audit"
