# Helpers for the probes' integration tests (sourced after tests/lib.sh):
# probe-dump writes one tab-separated line per event:
#   SECONDS KIND KEY VALUE-or-STATE ORIGIN TEXT
PROBE_DUMP="$top_builddir/probes/probe-dump"
[ -x "$PROBE_DUMP" ] || fail "probes/probe-dump not built in $top_builddir"

# dump_start FILE SECONDS: probe-dump on the lab's plan in the background.
dump_start() {
    "$PROBE_DUMP" "$LAB_PLAN" "$2" >"$1" 2>"$1.err" &
    DUMP_PID=$!
}

# samples FILE KEY [FROM_LINE]: the values of KEY's samples, one a line.
samples() {
    tail -n +"${3:-1}" "$1" | awk -F'\t' -v k="$2" '$2 == "sample" && $3 == k { print $4 }'
}

# texts FILE KEY: the text of KEY's samples.
texts() {
    awk -F'\t' -v k="$2" '$2 == "sample" && $3 == k { print $6 }' "$1"
}

# max_of FILE KEY [FROM_LINE]: the largest value (empty when none).
max_of() {
    samples "$@" | { grep -v '^-$' || true; } | sort -g | tail -n 1
}

# last_of FILE KEY: the newest value.
last_of() {
    samples "$1" "$2" | tail -n 1
}

# gt A B: A > B as numbers.
gt() {
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'
}

# health_after FILE PROBE FROM_LINE STATES: a health event of PROBE in one
# of STATES (an ERE such as "error|stale") after line FROM_LINE.
health_after() {
    tail -n +"$3" "$1" | awk -F'\t' -v p="$2" -v s="^($4)\$" '$2 == "health" && $3 == p && $4 ~ s { f = 1 } END { exit !f }'
}

lines() {
    wc -l <"$1"
}

# Predicates for wait_until, which re-runs a command (not a value):
# has_samples FILE KEY [FROM_LINE]
has_samples() {
    [ -n "$(samples "$@")" ]
}

# max_above FILE KEY FROM_LINE LIMIT: some value of KEY after FROM_LINE > LIMIT.
max_above() {
    local v
    v=$(max_of "$1" "$2" "$3")
    [ -n "$v" ] && gt "$v" "$4"
}

# last_below FILE KEY LIMIT: the newest value of KEY < LIMIT.
last_below() {
    local v
    v=$(last_of "$1" "$2")
    [ -n "$v" ] && gt "$3" "$v"
}

# dump_cleanup: the EXIT trap of tests that run probe-dump in the background;
# stops it (by its pid) and hands the test's status on to lab_cleanup.
dump_cleanup() {
    local status=$?
    [ -z "${DUMP_PID:-}" ] || kill "$DUMP_PID" 2>/dev/null || true
    lab_cleanup "$status"
}
