#!/usr/bin/python3
"""Stands in, on the lab, for what AWS and the application do in the field.

  lab_bridge.py STATE APP_CONF SECRET_ID PARAM_GROUP SOURCE_SOCKET

Every 100 ms it reads the local AWS endpoint's state file and
- when the secret's AWSCURRENT host/port changes, rewrites DATABASE_URL in
  the lab application's config (the field's application reads the secret;
  the lab's reads its file), so the application follows a Secrets Manager swap;
- when read_only in the parameter group changes, applies it to the lab's
  source with SET GLOBAL read_only (what RDS does with an immediate dynamic
  parameter), a moment later as RDS would.
Runs until killed."""
import json
import os
import subprocess
import sys
import time

state_path, conf, secret_id, group, socket = sys.argv[1:6]


def current_endpoint(state):
    s = state.get("secrets", {}).get(secret_id)
    for v in (s or {}).get("versions", []):
        if "AWSCURRENT" in v.get("stages", []):
            d = json.loads(v["string"])
            return f"{d['host']}:{d['port']}"
    return None


def write_conf(endpoint):
    with open(conf, encoding="utf-8") as f:
        lines = f.read().splitlines()
    lines = [f"DATABASE_URL=mysql://app@{endpoint}/shop" if l.startswith("DATABASE_URL=") else l
             for l in lines]
    tmp = conf + ".bridge"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, conf)


def apply_read_only(value):
    time.sleep(0.3)
    subprocess.run(["mariadb", "--no-defaults", f"--socket={socket}", "-e",
                    f"SET GLOBAL read_only = {'ON' if value == '1' else 'OFF'}"], check=False)


last_endpoint, last_ro = None, None
while True:
    try:
        with open(state_path, encoding="utf-8") as f:
            state = json.load(f)
    except (OSError, ValueError):
        time.sleep(0.1)
        continue
    endpoint = current_endpoint(state)
    if endpoint and last_endpoint is not None and endpoint != last_endpoint:
        write_conf(endpoint)
    last_endpoint = endpoint or last_endpoint
    ro = state.get("rds", {}).get("parameter_groups", {}).get(group, {}).get("read_only", {}).get("value")
    if ro is not None and last_ro is not None and ro != last_ro:
        apply_read_only(ro)
    last_ro = ro if ro is not None else last_ro
    time.sleep(0.1)
