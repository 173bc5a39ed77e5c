#!/usr/bin/env bash
# The console on the lab with a plan that names RDS instances and a DMS task
# and points aws.endpoint_url at the local AWS endpoint: the RDS panel shows
# CloudWatch's figures (origin "CloudWatch 1m"), the DMS panel fills from the
# DMS API and CloudWatch (the figures' age and the backlog's drain estimate
# said), the lag panel shows DMS's latency (CDCLatencyTarget) beside the
# heartbeat and flags the disagreement; throttling is retried and recovers;
# expired credentials and a wrong secret key are said in words on screen and
# recover (a wide terminal, so the events panel shows the words whole);
# the layout holds at 80x24.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
. "$top_srcdir/tests/aws/aws_lab.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
aws_lab_start --cdc-delay 0
plan="$LAB_DIR/plan-aws.json"
aws_plan "$plan"
tmux_start 240 50 "$CUTOVER" --session-dir "$LAB_DIR/sessions" "$plan"
trap 'tmux_status=$?; tmux_stop; aws_lab_cleanup $tmux_status' EXIT

tmux_wait_for 'CPU +41\.5% +12% +CloudWatch 1m' 20 || fail "no CloudWatch CPU figures in the RDS panel"
tmux_wait_for 'Freeable memory +2048 MB +4096 MB +CloudWatch 1m' 5 || fail "no CloudWatch memory figures"
tmux_wait_for 'Task ABCDEFGHIJKLMNOPQRSTUVWXYZ|Task orders-cdc' 5 || fail "no DMS panel"
tmux_wait_for 'Task orders-cdc +running' 15 || fail "DMS task status not shown"
tmux_wait_for 'Full load 100% +tables 12 +errored 0' 5 || fail "DMS full load not shown"
tmux_wait_for 'CDC latency src 2\.00 s tgt 4\.00 s +incoming 150' 5 || fail "DMS CDC latency not shown"
tmux_wait_for 'Rows/s src 1180 tgt 1175 +1-min avg, from [0-9]+[sm] ago' 5 || fail "DMS throughput (with its age) not shown"
tmux_wait_for 'incoming 150 +drain ~[0-9.]+ ?m?s \(est\.\)' 5 || fail "the backlog's drain estimate not shown"
tmux_wait_for 'Changes I 1540 U 352 D 5' 5 || fail "DMS table changes not shown"
tmux_wait_for 'Validation 2 Validated, 1 Pending records' 5 || fail "DMS validation not shown"
# DMS's own lag is CDCLatencyTarget alone (4 s), never source + target.
tmux_wait_for 'DMS 4\.00 s ≠' 5 || fail "DMS latency not beside the heartbeat, or not flagged"
tmux_wait_for 'aws:ok' 5 || fail "the aws probe is not healthy"
cw_calls() { fake_query "sum(1 for c in s['calls'] if c['operation'] == 'GetMetricData')"; }
note "GetMetricData calls so far: $(cw_calls) (one per CloudWatch refresh, every query batched)"

# Throttling: retried with backoff inside a refresh, unseen by the operator.
# Aimed at GetMetricData: the failover sentinel's calls (DescribeDBInstances)
# interleave with the CloudWatch probe's and must not take its throttles...
ncalls=$(fake_query "len(s['calls'])")
throttle_cw() {
    fake_knobs '{"fail": [{"operation": "GetMetricData", "code": "ThrottlingException", "status": 400, "message": "Rate exceeded", "count": '"$1"'}]}'
}
throttle_cw 3
throttles_left() { [ "$(fake_query "'fail' in s['knobs']")" = False ]; }
wait_until 20 throttles_left || fail "the throttles were not consumed"
sleep 1
tmux_wait_for 'aws:ok' 2 || fail "three throttles in a row were not absorbed by the retries"
after=$(fake_query "[c['code'] for c in s['calls'][$ncalls:] if c['operation'] == 'GetMetricData'][:4]")
[ "$after" = "['ThrottlingException', 'ThrottlingException', 'ThrottlingException', '']" ] ||
    fail "not three throttled attempts then an answer: $after"
# ...and beyond every retry: said in words, then recovered.
throttle_cw 12
tmux_wait_for 'aws: .*: throttled, and still throttled after every retry' 30 || fail "persistent throttling not said"
tmux_wait_for 'aws:ok' 40 || fail "the aws probe did not recover from throttling"

# Expired credentials: in words on screen, then recovery.
fake_py "s['credentials']['AKIAFAKE0000CUTOVER1']['expired'] = True"
tmux_wait_for 'aws: .*: the credentials have expired \(ExpiredToken' 20 || fail "expired credentials not said on screen"
tmux_wait_for 'aws:down' 5 || fail "the aws probe not marked down"
fake_py "s['credentials']['AKIAFAKE0000CUTOVER1']['expired'] = False"
tmux_wait_for 'aws:ok' 20 || fail "the aws probe did not recover from expired credentials"

# A secret key AWS does not agree with: a bad signature, in words.
fake_py "s['credentials']['AKIAFAKE0000CUTOVER1']['secret'] = 'aDifferentSecretKeyThanTheConsoleHas00001'"
tmux_wait_for 'aws: .*: the signature does not match \(wrong secret key\?\)' 20 || fail "a bad signature not said on screen"
fake_py "s['credentials']['AKIAFAKE0000CUTOVER1']['secret'] = '$AWS_SECRET_ACCESS_KEY'"
tmux_wait_for 'aws:ok' 20 || fail "the aws probe did not recover from the bad signature"
! tmux_capture | grep -q fakeSecretKey || fail "the secret key reached the screen"

# 80x24: every panel keeps its place, the DMS panel included.
tmux_resize 80 24
tmux_wait_for 'AWS DMS' 5 || fail "no DMS panel at 80x24"
tmux_wait_for 'Replication lag' 2 || fail "no lag panel at 80x24"
tmux_wait_for 'RDS metrics' 2 || fail "no RDS panel at 80x24"
tmux_capture >"$LAB_DIR/screen-80x24.txt"
cat "$LAB_DIR/screen-80x24.txt"
tmux_send q
tmux_wait_for 'EXITED 0' 15 || fail "console did not quit cleanly"
