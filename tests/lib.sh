# shellcheck shell=bash
# Helpers for shell tests; source it:  . "$top_srcdir/tests/lib.sh"
#
#   fail "msg"            the test failed (exit 1)
#   skip "reason"         something needed is absent (exit 77)
#   wait_until SECS CMD…  runs CMD every 0.1 s until it succeeds; status 1 on timeout.
#                         CMD's words are expanded once, by the caller: to re-check a
#                         value, pass a function (wait_until 5 row_present 42), not
#                         test "$(count)" -gt 0, which tests the same value forever.
#   lab_start [ARGS…]     lab/up in a fresh temporary directory; sources its lab.env;
#                         lab/down runs on exit whatever happens (logs shown on failure);
#                         LAB_TOPOLOGY=dms (the tests/dms/ variants) makes the target
#                         a plain server fed by the DMS stand-in (lab/up --cdc dms)
#   lab_cdc_stop          stops the flow to the target whatever the topology: STOP
#                         SLAVE on a native replica, the DMS stand-in otherwise
#   lab_cdc_start         starts it again (the replica or the stand-in resumes)
#   lab_cdc_exclude SCHEMA TABLE
#                         the DMS stand-in's mappings get an exclude rule (% wildcards);
#                         it is restarted to take them
#   sql_source "SQL"      SQL on the lab's source as root over its socket (tab-separated)
#   sql_target "SQL"      the same on the target
#   now_ms                monotonic-enough wall time in ms, for measuring
#   median N…             the median of integers
# Variables: top_srcdir, top_builddir, CUTOVER (the built binary), LAB_BIN
# (the lab scripts), and after lab_start everything in lab.env (LAB_*).
set -euo pipefail
# A command that stops the test under set -e says which one it was.
trap 'FAIL_REASON="${FAIL_REASON:-status $? from \`$BASH_COMMAND\` at line $LINENO}"' ERR

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
export CUTOVER_BUILD="${CUTOVER_BUILD:-$top_builddir}"
CUTOVER="$top_builddir/cutover"
LAB_BIN="$top_srcdir/lab"
PATH="$PATH:/usr/sbin:/usr/local/sbin"
# The test script: the outermost file in the sourcing chain.
TEST_NAME=$(basename "${BASH_SOURCE[${#BASH_SOURCE[@]} - 1]:-$0}" .sh)

fail() {
    FAIL_REASON="$*"
    echo "FAIL: $TEST_NAME: $*" >&2
    exit 1
}

skip() {
    echo "SKIP: $TEST_NAME: $*" >&2
    exit 77
}

note() {
    echo "# $*"
}

wait_until() {
    local timeout=$1
    shift
    local deadline=$(($(date +%s%3N) + timeout * 1000))
    while :; do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        [ "$(date +%s%3N)" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

now_ms() {
    date +%s%3N
}

median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

require_lab_tools() {
    local tool
    for tool in mariadbd mariadb-install-db mariadb mariadb-admin; do
        command -v "$tool" >/dev/null || skip "$tool not installed (Debian: mariadb-server mariadb-client)"
    done
    [ -x "$CUTOVER_BUILD/lab/labapp" ] && [ -x "$CUTOVER_BUILD/lab/endpoint-proxy" ] &&
        [ -x "$CUTOVER_BUILD/lab/labcdc" ] ||
        fail "lab programs not built in $CUTOVER_BUILD/lab (run make)"
}

# Shown when a test fails: the end of every log of the lab.
lab_show_logs() {
    local f
    for f in "$LAB_DIR"/source/error.log "$LAB_DIR"/target/error.log "$LAB_DIR"/proxy.log "$LAB_DIR"/app.err "$LAB_DIR"/cdc.log; do
        [ -f "$f" ] || continue
        echo "===== $f (last 25 lines)" >&2
        tail -n 25 "$f" >&2
    done
}

# The EXIT trap; a wrapping trap passes the status it caught as $1.
lab_cleanup() {
    local status=${1:-$?}
    trap - EXIT
    if [ -n "${LAB_DIR:-}" ] && [ -d "$LAB_DIR" ]; then
        if [ "$status" != 0 ] && [ "$status" != 77 ]; then
            lab_show_logs
            "$LAB_BIN/down" "$LAB_DIR" >&2 || true
            echo "lab kept for inspection in $LAB_DIR" >&2
            # Last, where a reader of the log's tail sees it first.
            echo "FAIL (repeated): $TEST_NAME: ${FAIL_REASON:-exit status $status, before any fail (a command under set -e?)}" >&2
        else
            "$LAB_BIN/down" "$LAB_DIR" --purge >/dev/null || true
        fi
    fi
    exit "$status"
}

lab_start() {
    require_lab_tools
    LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cutover-test.XXXXXX")
    trap lab_cleanup EXIT
    local t0
    t0=$(now_ms)
    "$LAB_BIN/up" "$LAB_DIR" ${LAB_TOPOLOGY:+--cdc "$LAB_TOPOLOGY"} "$@" >"$LAB_DIR.up.out" 2>&1 || {
        cat "$LAB_DIR.up.out" >&2
        rm -f "$LAB_DIR.up.out"
        fail "lab/up $* failed"
    }
    LAB_UP_MS=$(($(now_ms) - t0))
    rm -f "$LAB_DIR.up.out"
    # shellcheck source=/dev/null
    . "$LAB_DIR/lab.env"
    plan_validate "$LAB_PLAN"
    note "lab up in ${LAB_UP_MS} ms: $LAB_DIR"
}

# plan_validate PLAN: the plan passes the parser and validates against the
# plan's JSON Schema (every plan the tests make goes through here).
plan_validate() {
    local json="$1.schema-check.json" out
    "$top_builddir/plan/plan-check" --json "$1" >"$json" 2>&1 || { cat "$json" >&2; fail "the parser refuses $1"; }
    out=$(/usr/bin/python3 "$top_srcdir/tests/plan_validate.py" "$top_srcdir/doc/cutover-plan.schema.json" "$json" 2>&1) ||
        fail "$1 does not validate against doc/cutover-plan.schema.json: $out"
    rm -f "$json"
}

lab_cdc_stop() {
    if [ "${LAB_CDC:-native}" = dms ]; then
        "$LAB_BIN/cdc" "$LAB_DIR" stop >/dev/null
    else
        sql_target "STOP SLAVE"
    fi
}

lab_cdc_start() {
    if [ "${LAB_CDC:-native}" = dms ]; then
        "$LAB_BIN/cdc" "$LAB_DIR" start >/dev/null
    else
        sql_target "START SLAVE"
    fi
}

lab_cdc_exclude() {
    "$LAB_BIN/cdc" "$LAB_DIR" stop >/dev/null
    /usr/bin/python3 - "$LAB_CDC_MAPPINGS" "$1" "$2" <<'PY'
import json, sys
path, schema, table = sys.argv[1:4]
m = json.load(open(path))
m["rules"].append({"rule-type": "selection", "rule-id": str(len(m["rules"]) + 1),
                   "rule-name": "exclude-" + schema + "." + table, "rule-action": "exclude",
                   "object-locator": {"schema-name": schema, "table-name": table}})
json.dump(m, open(path, "w"))
PY
    "$LAB_BIN/cdc" "$LAB_DIR" start >/dev/null
}

sql_source() {
    mariadb --no-defaults --socket="$LAB_SOURCE_SOCKET" --batch --skip-column-names -e "$1"
}

sql_target() {
    mariadb --no-defaults --socket="$LAB_TARGET_SOCKET" --batch --skip-column-names -e "$1"
}
