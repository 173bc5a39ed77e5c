#!/usr/bin/env bash
# A plan whose servers come from MySQL option files, read by Connector/C: a
# named file (--defaults-file semantics) with [client] and a group per
# server, and ~/.my.cnf with a group alone. `cutover check` passes on them,
# a full headless cutover with verify by chunks (whose binlog reader is a
# child process that cannot read a named group itself) completes on them,
# and the password read from the file reaches no file the console writes.
# A file anyone can write, and a missing one, are said at the plan's key.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
lab_start --cdc-delay 0

# [client] says a port nothing listens on; each group's own wins over it.
cnf="$LAB_DIR/dba.cnf"
(umask 077 && cat >"$cnf" <<EOF
[client]
port = 1
user = nobody
[cutover-source]
host = 127.0.0.1
port = $LAB_ENDPOINT_PORT
user = cutover
password = "$LAB_CUTOVER_PASSWORD"
[cutover-target]
host = 127.0.0.1
port = $LAB_TARGET_PORT
user = cutover
password = $LAB_CUTOVER_PASSWORD
EOF
)
plan="$LAB_DIR/option-files.json"
cp "$LAB_PLAN" "$plan"
cutover_plan_py "$plan" "
for side in ('source', 'target'):
    p[side] = {'option_file': '$cnf', 'option_group': 'cutover-' + side, 'tls': 'preferred'}
"
plan_validate "$plan"
grep -q '"user"\|"password": {' <(python3 -c "import json,sys; p=json.load(open('$plan')); print(json.dumps([p['source'], p['target']]))") &&
    fail "the plan's servers still name a user or password"

check=$("$CUTOVER" check "$plan" 2>&1) || fail "cutover check on servers from an option file: $check"
grep -q '^GO$' <<<"$check" || fail "no GO: $check"
grep -q "connected as cutover" <<<"$check" || fail "the check did not connect as the file's user: $check"
note "check: GO with host, port, user and password from $cnf ($(grep -c '^PASS' <<<"$check") checks)"

# ~/.my.cnf and a group, no file named: the mysql client's default files.
home="$LAB_DIR/home"
mkdir -p "$home"
sed -n '/^\[cutover-source\]/,/^\[cutover-target\]/p' "$cnf" | sed '$d' >"$home/.my.cnf"
chmod 600 "$home/.my.cnf"
home_plan="$LAB_DIR/home.json"
cp "$plan" "$home_plan"
cutover_plan_py "$home_plan" "
del p['source']['option_file']
p['steps'] = ['preflight']
for k in ('maintenance', 'swap', 'target_health', 'verify'):
    p.pop(k, None)
"
out=$(HOME="$home" "$CUTOVER" check "$home_plan" 2>&1) || fail "check with ~/.my.cnf: $out"
grep -q '^GO$' <<<"$out" || fail "no GO with ~/.my.cnf: $out"
note "check: GO with the source from ~/.my.cnf [cutover-source]"

# Bad files, said where the plan names them; nothing connects.
chmod 666 "$home/.my.cnf"
status=0
out=$(HOME="$home" "$CUTOVER" check "$home_plan" 2>&1) || status=$?
[ "$status" = 2 ] && grep -q "source.option_group: $home/.my.cnf: anyone can write this option file" <<<"$out" ||
    fail "a world-writable ~/.my.cnf: $status $out"
chmod 600 "$home/.my.cnf"
sed -i "s|$cnf|$LAB_DIR/no-such.cnf|" "$home_plan"
status=0
out=$(HOME="$home" "$CUTOVER" check "$home_plan" 2>&1) || status=$?
[ "$status" = 2 ] && grep -qE "home.json:[0-9]+:[0-9]+: target.option_file: $LAB_DIR/no-such.cnf: cannot read the option file" <<<"$out" ||
    fail "a missing option file: $status $out"
note "a world-writable and a missing option file are said at their keys"

# The whole night on them, verify by chunks included.
out="$LAB_DIR/run.out"
cutover_run_verified "$out" "$plan"
cutover_assert_audit
leaks=$(grep -rlF -- "$LAB_CUTOVER_PASSWORD" "$LAB_SESSION_DIR" "$out" || true)
[ -z "$leaks" ] || fail "the password from the option file is in: $leaks"
note "a headless cutover on option files completed; the password is in no file it wrote"

