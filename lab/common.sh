# shellcheck shell=bash
# Shared by the lab scripts (up, down, app, proxy, check-app-log); sourced,
# never run. The layout of a lab directory DIR:
#   DIR/source/ DIR/target/   each: my.cnf, data/, error.log, mariadbd.pid
#   DIR/sockdir               present when the sockets live in a short /tmp dir
#   DIR/proxy.ctl proxy.state proxy.port proxy.log proxy.pid
#   DIR/app.conf app.log (acknowledged writes) app.err app.pid maintenance.flag
#   DIR/cutover.cnf plan.json lab.env sessions/
# lab/down works from this layout alone, so it can clean up a half-built lab.

# Debian keeps mariadbd in /usr/sbin, which is not on every user's PATH.
PATH="$PATH:/usr/sbin:/usr/local/sbin"

LAB_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_SRCDIR=$(dirname "$LAB_LIBDIR")

lab_die() {
    echo "${LAB_PROG:-lab}: $*" >&2
    exit 1
}

lab_say() {
    echo "${LAB_PROG:-lab}: $*" >&2
}

# The lab directory as an absolute path; it must exist.
lab_dir_abs() {
    [ -d "$1" ] || lab_die "no such lab directory: $1"
    (cd "$1" && pwd -P)
}

# The socket of server $2 (source|target) in lab $1.
lab_socket() {
    local dir=$1 which=$2
    if [ -f "$dir/sockdir" ]; then
        echo "$(cat "$dir/sockdir")/$which.sock"
    else
        echo "$dir/$which/mariadbd.sock"
    fi
}

# Runs SQL as the servers' root over the Unix socket; prints tab-separated rows.
lab_sql() {
    local socket=$1
    shift
    mariadb --no-defaults --socket="$socket" --batch --skip-column-names -e "$*"
}

# The process id in pid file $1 if it is alive and its command line mentions
# $2 (guards against a recycled pid); empty otherwise.
lab_live_pid() {
    local pidfile=$1 marker=$2 pid cmdline i
    [ -s "$pidfile" ] || return 0
    pid=$(tr -dc '0-9' <"$pidfile")
    [ -n "$pid" ] && lab_alive "$pid" || return 0
    # The command line reads empty for a moment while the process execs.
    for i in 1 2 3 4 5; do
        cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
        [ -z "$cmdline" ] || break
        sleep 0.02
    done
    if grep -qF -- "$marker" <<<"$cmdline"; then
        echo "$pid"
    fi
}

# True while process $1 runs. A zombie counts as gone: once the lab's
# detached processes exit, only the init process can reap them, and some
# inits do that late.
lab_alive() {
    local state
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# Waits up to $2 seconds for process $1 to exit; status 1 if it did not.
lab_wait_exit() {
    local pid=$1 ticks=$(($2 * 20))
    while [ "$ticks" -gt 0 ]; do
        lab_alive "$pid" || return 0
        sleep 0.05
        ticks=$((ticks - 1))
    done
    ! lab_alive "$pid"
}

# Stops the process in pid file $1 (marker $2): SIGTERM, then SIGKILL after
# $3 seconds. Quiet when it is not running.
lab_stop_pid() {
    local pidfile=$1 marker=$2 grace=$3 pid
    pid=$(lab_live_pid "$pidfile" "$marker")
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        if ! lab_wait_exit "$pid" "$grace"; then
            lab_say "pid $pid did not stop on SIGTERM within ${grace}s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            lab_wait_exit "$pid" 5 || true
        fi
    fi
    rm -f "$pidfile"
}

# Starts a command detached from the caller's session, output appended to
# $2, its pid written to $1 (the exec keeps the pid).
lab_spawn() {
    local pidfile=$1 log=$2
    shift 2
    rm -f "$pidfile"
    setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$log" 2>&1 &
    local i
    for i in $(seq 250); do
        [ -s "$pidfile" ] && return 0
        sleep 0.02
    done
    lab_die "could not start $1 (no pid file $pidfile)"
}

# The directory holding the built lab programs (labapp, endpoint-proxy):
# $CUTOVER_BUILD, then $top_builddir (set for tests), then next to these
# scripts (an in-tree build), then the newest _build/*/ of the source tree.
lab_bindir() {
    local d
    for d in ${CUTOVER_BUILD:+"$CUTOVER_BUILD/lab"} ${top_builddir:+"$top_builddir/lab"} "$LAB_LIBDIR"; do
        if [ -x "$d/labapp" ] && [ -x "$d/endpoint-proxy" ]; then
            echo "$d"
            return 0
        fi
    done
    # shellcheck disable=SC2045 # newest first; the paths hold no spaces
    for d in $(ls -dt "$LAB_SRCDIR"/_build/*/lab 2>/dev/null); do
        if [ -x "$d/labapp" ] && [ -x "$d/endpoint-proxy" ]; then
            echo "$d"
            return 0
        fi
    done
    lab_die "labapp and endpoint-proxy are not built; run make (looked in \$CUTOVER_BUILD/lab, \$top_builddir/lab, $LAB_LIBDIR, $LAB_SRCDIR/_build/*/lab)"
}

lab_now_ms() {
    date +%s%3N
}

# One field of SHOW SLAVE STATUS on the server at socket $1 (e.g.
# Slave_IO_Running); empty when replication is not configured.
lab_slave_field() {
    local status
    status=$(mariadb --no-defaults --socket="$1" -e "SHOW SLAVE STATUS\G")
    sed -n "s/^ *$2: //p" <<<"$status"
}
