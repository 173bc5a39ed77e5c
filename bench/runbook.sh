#!/usr/bin/env bash
# The usual runbook, scripted the way a careful human would with the mariadb
# client, for bench/downtime.sh to compare with the console:
#   1. touch the maintenance flag;
#   2. SET GLOBAL read_only=ON on the source, and note where its binlog stands
#      (SHOW MASTER STATUS, @@gtid_binlog_pos) at the freeze;
#   3. once a second, SHOW SLAVE STATUS on the target until
#      Seconds_Behind_Master is 0 and Exec_Master_Log_Pos has reached the
#      freeze position (same file);
#   4. rewrite the connection-string file (sed to a temp file, then mv);
#   5. remove the maintenance flag.
# It connects like the console: over TCP as the lab's cutover account, to the
# source through the endpoint and to the target directly.
# Usage: bench/runbook.sh LAB_DIR LOG
# LOG gets one line per moment: NAME UNIX_MS [DETAILS]  (freeze carries
# FILE POS GTID). Exit 1 if the target did not catch up within 120 s.
set -euo pipefail
lab=$1
log=$2
# shellcheck source=/dev/null
. "$lab/lab.env"
PATH="$PATH:/usr/sbin"

cnf=$(mktemp)
trap 'rm -f "$cnf"' EXIT
chmod 600 "$cnf"
printf '[client]\nuser=cutover\npassword=%s\nhost=127.0.0.1\n' "$LAB_CUTOVER_PASSWORD" >"$cnf"
src() { mariadb --defaults-file="$cnf" --port="$LAB_ENDPOINT_PORT" --batch --skip-column-names -e "$1"; }
tgt() { mariadb --defaults-file="$cnf" --port="$LAB_TARGET_PORT" "$@"; }
mark() { echo "$1 $(date +%s%3N)${2:+ $2}" >>"$log"; }

: >"$log"
mark start
touch "$LAB_MAINTENANCE_FLAG"
mark maintenance-on

freeze=$(src "SET GLOBAL read_only = ON; SHOW MASTER STATUS; SELECT @@global.gtid_binlog_pos")
mark freeze "$(echo "$freeze" | awk 'NR == 1 { printf "%s %s", $1, $2 } NR == 2 { printf " %s", $1 }')"
file=$(echo "$freeze" | awk 'NR == 1 { print $1 }')
pos=$(echo "$freeze" | awk 'NR == 1 { print $2 }')

caught_up() {
    local st behind exec_file exec_pos
    st=$(tgt -e 'SHOW SLAVE STATUS\G')
    behind=$(sed -n 's/^ *Seconds_Behind_Master: //p' <<<"$st")
    exec_file=$(sed -n 's/^ *Relay_Master_Log_File: //p' <<<"$st")
    exec_pos=$(sed -n 's/^ *Exec_Master_Log_Pos: //p' <<<"$st")
    [ "$behind" = 0 ] && [ "$exec_file" = "$file" ] && [ "$exec_pos" -ge "$pos" ]
}
polls=0
until caught_up; do
    polls=$((polls + 1))
    [ "$polls" -le 120 ] || { mark gave-up; exit 1; }
    sleep 1
done
mark caught-up "polls=$((polls + 1))"

umask 077 # the file holds the app's password
sed "s|^DATABASE_URL=.*|DATABASE_URL=mysql://app@127.0.0.1:$LAB_TARGET_PORT/shop|" \
    "$LAB_APP_CONFIG" >"$LAB_APP_CONFIG.tmp"
mv "$LAB_APP_CONFIG.tmp" "$LAB_APP_CONFIG"
mark swapped

rm -f "$LAB_MAINTENANCE_FLAG"
mark maintenance-off
