#!/usr/bin/env bash
# The field's way back, on the field's topology: the target fed by the DMS
# stand-in bound to the local AWS endpoint's task, and a second, reverse DMS
# task (target -> source, bound to the reverse stand-in) named by the plan's
# reverse_replication. The headless run is held past the point (AWS refuses
# StopReplicationTask) while the application writes to the target. The
# console, started on the same plan, resumes holding; R counts the target's
# writes and carries them back by StartReplicationTask start-replication at
# CdcStartPosition = the target's binlog position at the point, proven by a
# fence on the source, StopReplicationTask after; then the rest is undone.
# Every write the application acknowledged is on the source: zero missing.
export LAB_TOPOLOGY=dms
. "$top_srcdir/tests/aws/aws_cutover_test.sh"
. "$top_srcdir/tests/tmux.sh"
aws_lab_start --cdc-delay 0
reverse_arn="arn:aws:dms:us-east-1:123456789012:task:REVERSEREVERSEREVERSE01"
fake_py "t = json.loads(json.dumps(s['dms']['tasks'][0]))
t.update(ReplicationTaskIdentifier='orders-cdc-reverse', ReplicationTaskArn='$reverse_arn', MigrationType='cdc', Status='ready')
s['dms']['tasks'].append(t)
s['dms']['bindings']['$reverse_arn'] = {'lab_dir': '$LAB_DIR', 'cdc': '$LAB_BIN/cdc', 'mappings': '$LAB_DIR/dms-reverse-table-mappings.json', 'direction': 'reverse'}"
plan="$LAB_DIR/plan-aws.json"
aws_fault_plan "$plan" "p['reverse_replication'] = {'method': 'dms', 'task_arn': '$reverse_arn'}"
aws_bridge_start
aws_refuse_dms_stop
sleep 1.5

cutover_run "$LAB_DIR/run.out" "$plan" held
wait_until 10 app_last_server_is 2 || fail "the application is not writing to the target"
sleep 1

tmux_start 130 42 "$CUTOVER" --session-dir "$LAB_SESSION_DIR" "$plan"
trap 'st=$?; tmux_stop; aws_lab_cleanup $st' EXIT
tmux_wait_for 'HELD past the point of no return' 20 || { tmux_capture; fail "the console did not resume holding"; }
tmux_send R
tmux_wait_for 'Roll back past the point of no return' 5 || fail "no confirmation after R"
tmux_send y
cutover_wait_audit 120 maintenance-on rolled-back || { tmux_capture; fail "the rollback past the point did not finish"; }
audit=$(cutover_audit)
grep -q "\"action\":\"carry-back-start\".*the reverse DMS task $reverse_arn" "$audit" ||
    fail "the carry-back did not go through the reverse DMS task"
"$LAB_BIN/cdc" "$LAB_DIR" reverse is-stopped || fail "the reverse task was left running"
mark=$(grep -o '"action":"carry-back-start".*from target binlog [^ ]*' "$audit" | grep -o '[^ ]*$')
grep -q "task lab-cdc-reverse: reading from $mark\$" "$LAB_DIR/cdc-reverse.log" ||
    fail "the reverse task did not start at the point's mark $mark: $(cat "$LAB_DIR/cdc-reverse.log")"
cutover_assert_carried_back "$(cutover_carried_count)"
tmux_send q
tmux_wait_for 'EXITED 0' 10 || fail "console did not quit cleanly"
