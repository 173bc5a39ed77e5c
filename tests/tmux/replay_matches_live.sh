#!/usr/bin/env bash
# What a reviewer replays is what the lead saw: a lab cutover driven step by
# step in tmux, the screen captured after each step; afterwards the replay
# snapshot of the recording at the moment just after each capture is
# compared with it. A capture lands some milliseconds after the screen was
# drawn, so the snapshot may be a little newer: the checklist must match
# exactly except the running downtime clock; the event log shown live must
# stand in the replay's, which may have newer lines on top; the panels on the
# left must match in every label, with digits masked.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"

lab_start
export LAB_APP_PASSWORD
sed 's/"confirm": *"armed"/"confirm": "per-step"/' "$LAB_PLAN" >"$LAB_DIR/per-step.json"
grep -q '"per-step"' "$LAB_DIR/per-step.json" || fail "could not make a per-step plan"
cols=120 rows=40 left=$((120 * 56 / 100)) # console/screen.c: the left column's width
tmux_start $cols $rows "$CUTOVER" --session-dir "$LAB_SESSION_DIR" "$LAB_DIR/per-step.json"
tmux_wait_for 'source:ok target:ok heartbeat:ok endpoint:ok' 15 || fail "probes not healthy"
tmux_send p
tmux_wait_for 'preflight done' 20 || fail "pre-flight did not pass"

capture() { # N: the screen, and the moment just after it was captured
    # Let the probes report what the step changed (a stopped replica shows
    # within a refresh) so the capture is not taken mid-change.
    sleep 1.5
    tmux_capture >"$LAB_DIR/live.$1.txt"
    date -u +%Y-%m-%dT%H:%M:%S.%3NZ >"$LAB_DIR/live.$1.time"
}
capture 1
for n in 2 3 4 5 6 7 8 9; do
    tmux_send Enter
    tmux_wait_for 'Run the next step' 5 || fail "no confirmation for step $n"
    tmux_send y
    tmux_wait_for "│$n ✓ " 30 || fail "step $n did not complete"
    capture $n
done
sleep 1 # the recording goes on past the last capture
tmux_send q
tmux_wait_for 'EXITED 0' 10 || fail "console did not quit"

session=$(ls "$LAB_SESSION_DIR"/*.session.jsonl)
# Rows 0-1 (status, session/replay line) and the key bar differ by design.
compare() { # LIVE REPLAY
    /usr/bin/python3 - "$1" "$2" "$rows" "$left" <<'PY'
import re, sys
live, replay = (open(f, encoding="utf-8").read().split("\n") for f in sys.argv[1:3])
rows, left = int(sys.argv[3]), int(sys.argv[4])
def body(lines): return [l.ljust(left + 60) for l in lines[2:rows - 1]]
def right(lines): return [re.sub(r"\d\d:\d\d:\d\d", "HH:MM:SS", l[left:]) for l in body(lines)]
FIGURE = re.compile(r"\d[\d.]*( ?(ms|s|KB|MB|GB|B|k|M|%|m\d+s))?|now|\bago\b")
# Sparklines, and the trend and disagreement marks that follow a figure: they
# come and go with the figure itself (993 ms, then 1.24 s with a rising arrow
# a few ms later), so they are dropped like the figure is masked.
MARKS = re.compile(r"[▁▂▃▄▅▆▇█↑↓→≠]")
def masked_left(lines): return [" ".join(FIGURE.sub("#", MARKS.sub(" ", l[:left])).split()) for l in body(lines)]
def split(col):
    at = next(i for i, l in enumerate(col) if "Events" in l)
    return col[:at], col[at + 1:]
# The running clock is masked, with its padding (which follows the clock's
# width: 9.973s vs 10.079s), and so are the verifier's live figures (chunks
# settled, rows, the age of the oldest comparison); every other line is
# compared exactly.
def running(l):
    if "Verified " in l: return " ".join(re.sub(r"\d[\d.]*[kMG]?", "#", l).split())
    if not re.search(r"Downtime \S+ +\(running\)", l): return l
    return " ".join(re.sub(r"Downtime \S+ +\(running\)", "Downtime ? (running)", l).split())
(lc, le), (rc, re_) = split(right(live)), split(right(replay))
problems = []
if [running(l) for l in lc] != [running(l) for l in rc]:
    problems.append("checklist differs:\n" + "\n".join(a + " | " + b for a, b in zip(lc, rc) if running(a) != running(b)))
shown = [l for l in le if l.strip("│ └─┘")]
events = [l for l in re_ if l.strip("│ └─┘")]
if not any(events[k:k + len(shown) - k] == shown[:len(shown) - k] for k in range(0, 4)):
    problems.append("event log differs:\n" + "\n".join(shown) + "\n---\n" + "\n".join(events))
if masked_left(live) != masked_left(replay):
    problems.append("panels differ:\n" + "\n".join(a + " | " + b for a, b in zip(masked_left(live), masked_left(replay)) if a != b))
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
}
session=$(ls "$LAB_SESSION_DIR"/*.session.jsonl)
for n in 1 2 3 4 5 6 7 8 9; do
    when=$(cat "$LAB_DIR/live.$n.time")
    "$CUTOVER" replay --snapshot "$when" --size ${cols}x$rows "$session" >"$LAB_DIR/replay.$n.txt" ||
        fail "snapshot at $when failed"
    compare "$LAB_DIR/live.$n.txt" "$LAB_DIR/replay.$n.txt" ||
        fail "after step $n the replay at $when differs from the live screen"
done
note "replay snapshots match the live screen after each of 9 steps"
