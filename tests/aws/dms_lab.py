"""The local AWS endpoint's DMS task, bound to the lab's DMS stand-in.

A task listed in the state's dms.bindings ({TASK_ARN: {"lab_dir": DIR,
"cdc": PATH of lab/cdc}}) is no longer scripted: it is the CDC process of a
lab made with `lab/up DIR --cdc dms`.

- DescribeReplicationTasks: Status from the process and its state file
  (DIR/cdc.state): "running" while it runs, "stopping" from a stop until it
  has exited, "stopped" after a clean stop, "failed" when it died without
  one (LastFailureMessage: its last error, or that it ended unexpectedly).
  TableMappings: the lab's mappings file, the JSON string DMS returns (left
  out with WithoutSettings, as the settings are).
- StopReplicationTask: `lab/cdc DIR stop --no-wait` (the task is "stopping"
  until the process is gone, and for knobs.dms_stopping_polls describes
  more, as with a scripted task); StartReplicationTask: `lab/cdc DIR start`,
  which resumes from the checkpoint on the target.
- DescribeTableStatistics: the inserts, updates, deletes and DDLs the process
  applied, per table.
- CloudWatch AWS/DMS metrics with the task's ReplicationTaskIdentifier: from
  the process's per-second samples (DIR/cdc.metrics), aggregated into the
  request's periods (one minute on the console's requests) as DMS publishes
  them: CDCIncomingChanges (changes read, not yet applied), CDCLatencySource
  and CDCLatencyTarget (seconds), CDCThroughputRowsSource and
  CDCThroughputRowsTarget (rows per second over the period).

A binding with "direction": "reverse" is the lab's reverse stand-in (the
target's binlog applied on the source: `lab/cdc DIR reverse ...`, its files
DIR/cdc-reverse.*), as the reverse task of a rollback past the point of no
return; StartReplicationTask with a CdcStartPosition starts it afresh there
(`--from FILE:POS`).
"""
import json
import os
import subprocess

FIELDS = {"CDCIncomingChanges": 3, "CDCLatencySource": 4, "CDCLatencyTarget": 5}
RATES = {"CDCThroughputRowsSource": 1, "CDCThroughputRowsTarget": 2}


def binding(state, arn):
    return state.get("dms", {}).get("bindings", {}).get(arn)


def _reverse(b):
    return b.get("direction") == "reverse"


def _file(b, kind):
    return os.path.join(b["lab_dir"], ("cdc-reverse." if _reverse(b) else "cdc.") + kind)


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _alive(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("State:"):
                    return "Z" not in line.split()[1]
    except OSError:
        return False
    return False


def _status(b):
    """(status, last failure) of the bound process."""
    st = _read_json(_file(b, "state"))
    if not st:
        return "ready", ""  # created, never started
    pid = st.get("pid")
    running = bool(pid) and _alive(pid)
    if running:
        if b.get("stopping"):
            return "stopping", ""
        return ("starting" if st.get("status") == "starting" else "running"), ""
    b.pop("stopping", None)
    if st.get("status") == "stopped":
        # knobs.dms_stopping_polls: a real task reads "stopping" for a while.
        if b.get("stopping_polls", 0) > 0:
            b["stopping_polls"] -= 1
            return "stopping", ""
        return "stopped", ""
    error = st.get("last_error") or f"the CDC process (pid {pid}) ended without stopping"
    return "failed", error


def refresh_task(task, b, without_settings):
    status, failure = _status(b)
    task["Status"] = status
    task["LastFailureMessage"] = failure
    if status == "stopped":
        task["StopReason"] = "Stop Reason NORMAL"
    elif status == "failed":
        task["StopReason"] = "Stop Reason FATAL_ERROR"
    else:
        task["StopReason"] = ""
    try:
        with open(b["mappings"], encoding="utf-8") as f:
            mappings = f.read()
    except (OSError, KeyError):
        mappings = None
    if mappings is not None and not without_settings:
        task["TableMappings"] = mappings
    else:
        task.pop("TableMappings", None)


def _cdc(b, *args):
    way = ["reverse"] if _reverse(b) else []
    return subprocess.run([b["cdc"], b["lab_dir"], *way, *args], capture_output=True, text=True,
                          timeout=60)


def stop(b, stopping_polls=0):
    """True when the process was running and was asked to stop; it reads
    "stopping" for stopping_polls describes after it has stopped."""
    if _status(b)[0] != "running":
        return False
    b["stopping"] = True
    b["stopping_polls"] = stopping_polls
    _cdc(b, "stop", "--no-wait")
    return True


def start(b, cdc_start_position=None):
    """'' or the reason it did not start."""
    done = _cdc(b, "start", *(["--from", cdc_start_position] if cdc_start_position else []))
    return "" if done.returncode == 0 else (done.stderr.strip() or f"lab/cdc start exited {done.returncode}")


def table_statistics(b, now):
    st = _read_json(_file(b, "state"))
    out = []
    for name, t in sorted(st.get("tables", {}).items()):
        schema, table = name.split(".", 1)
        out.append({"SchemaName": schema, "TableName": table, "Inserts": t.get("inserts", 0),
                    "Updates": t.get("updates", 0), "Deletes": t.get("deletes", 0),
                    "Ddls": t.get("ddls", 0), "FullLoadRows": 0, "TableState": "Table completed",
                    "ValidationState": "Not enabled", "ValidationPendingRecords": 0,
                    "ValidationFailedRecords": 0, "ValidationSuspendedRecords": 0,
                    "LastUpdateTime": now})
    return out


def _samples(b, start, end):
    rows = []
    try:
        with open(_file(b, "metrics"), encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 6:
                    t = int(parts[0]) / 1000.0
                    if start - 60 <= t < end:
                        rows.append([t] + [float(x) for x in parts[1:]])
    except OSError:
        pass
    return rows


def _aggregate(values, stat):
    if not values:
        return None
    if stat == "Maximum":
        return max(values)
    if stat == "Minimum":
        return min(values)
    if stat == "Sum":
        return sum(values)
    return sum(values) / len(values)


def metric_series(b, name, stat, period, start, end):
    """Timestamps and values, newest first, one per period with samples;
    the current period holds what has been published so far."""
    if name not in FIELDS and name not in RATES:
        return [], []
    rows = _samples(b, start, end)
    stamps, values = [], []
    first = int(start // period) * period
    t = first
    while t < end:
        inside = [r for r in rows if t <= r[0] < t + period]
        if inside:
            if name in FIELDS:
                v = _aggregate([r[FIELDS[name]] for r in inside], stat)
            else:
                before = [r for r in rows if r[0] < t]
                base = before[-1] if before else inside[0]
                span = inside[-1][0] - base[0]
                v = (inside[-1][RATES[name]] - base[RATES[name]]) / span if span > 0 else 0.0
            if v is not None and t >= start - period:
                stamps.append(t)
                values.append(round(v, 3))
        t += period
    stamps.reverse()
    values.reverse()
    return stamps, values
