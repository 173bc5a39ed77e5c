#!/usr/bin/env bash
# One console per plan, everywhere: two consoles on the same plan from two
# session directories (as two leads on two bastions: the directory's file
# lock cannot see the other). The first waits at lag zero (the flow to the
# target stopped); the second is refused by the databases' lock with exit 5
# after waiting 10 s (what a console killed a moment ago may take to be
# seen gone) and names the first's connection (account, address, when it
# was last heard from). The first
# SIGKILLed, its connections close and the lock goes with them on both
# servers; run again from its own directory it takes the lock and resumes.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0
plan=$(cutover_plan plan-lock 's/"timeout_ms": [0-9]*, "fence": true/"timeout_ms": 120000, "fence": true/')
lab_cdc_stop

out1="$LAB_DIR/run1.out"
cutover_start_bg "$out1" "$plan" --session-dir "$LAB_DIR/bastion-a"
first=$CUTOVER_PID
wait_until 20 grep -q 'lag-zero  running' "$out1" || { cat "$out1"; fail "lag-zero never started"; }

out2="$LAB_DIR/run2.out"
status=0
"$CUTOVER" run --headless --yes --session-dir "$LAB_DIR/bastion-b" "$plan" >"$out2" 2>&1 || status=$?
cat "$out2"
[ "$status" = 5 ] || fail "the second console exited $status, 5 (lock held by another console) expected"
who="$(id -un)@$(hostname)"
grep -q "plan 'lab cutover' is held by another console: $who since 20[0-9-]* [0-9:]* UTC, connection [0-9]* of cutover from 127.0.0.1:[0-9]* on the source, last heard from [0-9]* s ago (waited 10 s" "$out2" ||
    fail "the refusal does not name the first console's person, machine and connection"
! ls "$LAB_DIR/bastion-b"/*.audit.jsonl "$LAB_DIR/bastion-b"/*.session.jsonl >/dev/null 2>&1 ||
    fail "the refused console left an audit log or a recording: $(ls "$LAB_DIR/bastion-b")"

kill -KILL "$first"
wait "$first" 2>/dev/null || true
# The killed console's lock went with its connections, on both servers.
name="cutover:$(printf '%s' 'lab cutover' | sha256sum | cut -c1-32)"
wait_until 10 test "$(sql_source "SELECT IS_FREE_LOCK('$name')")" = 1 ||
    fail "the lock outlived the killed console on the source"
[ "$(sql_target "SELECT IS_FREE_LOCK('$name')")" = 1 ] || fail "the lock outlived the killed console on the target"
# The first lead runs again from its own directory: it takes the lock and resumes.
lab_cdc_start
out3="$LAB_DIR/run3.out"
status=0
"$CUTOVER" run --headless --yes --session-dir "$LAB_DIR/bastion-a" "$plan" >"$out3" 2>&1 || status=$?
cat "$out3"
[ "$status" = 0 ] || fail "the resumed run exited $status"
cutover_assert_completed
