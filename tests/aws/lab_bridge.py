#!/usr/bin/python3
"""Stands in, on the lab, for what AWS and the application do in the field.

  lab_bridge.py STATE APP_CONF SECRET_ID PARAM_GROUP SOURCE_SOCKET
                [--ssm NAME | --route53 ZONE/NAME] [--host NAME=HOST:PORT ...]

Every 100 ms it reads the local AWS endpoint's state file and
- when the secret's AWSCURRENT host/port changes, rewrites DATABASE_URL in
  the lab application's config (the field's application reads the secret;
  the lab's reads its file), so the application follows a Secrets Manager swap;
- with --ssm, the same when the SSM parameter NAME changes (its value is a
  host name, or HOST:PORT); with --route53, when the CNAME record NAME in
  hosted zone ZONE changes: the application follows an SSM or DNS swap.
  --host maps a host name to the lab's 127.0.0.1:PORT (the lab has no DNS);
- when read_only in the parameter group changes, applies it to the lab's
  source with SET GLOBAL read_only (what RDS does with an immediate dynamic
  parameter), a moment later as RDS would.
Runs until killed."""
import argparse
import json
import os
import subprocess
import time

ap = argparse.ArgumentParser()
for name in ("state", "conf", "secret_id", "group", "socket"):
    ap.add_argument(name)
ap.add_argument("--ssm")
ap.add_argument("--route53")
ap.add_argument("--host", action="append", default=[])
args = ap.parse_args()
state_path, conf, secret_id, group, socket = args.state, args.conf, args.secret_id, args.group, args.socket
hosts = dict(h.split("=", 1) for h in args.host)


def current_endpoint(state):
    s = state.get("secrets", {}).get(secret_id)
    for v in (s or {}).get("versions", []):
        if "AWSCURRENT" in v.get("stages", []):
            d = json.loads(v["string"])
            return f"{d['host']}:{d['port']}"
    return None


def named_endpoint(name):
    """HOST:PORT for a name as an application would resolve it."""
    name = name.rstrip(".")
    return hosts.get(name, name)


def followed_endpoint(state):
    """What the application connects to: the SSM parameter, the CNAME, or
    (by default) the secret."""
    if args.ssm:
        p = state.get("ssm", {}).get(args.ssm)
        return named_endpoint(p["value"]) if p else None
    if args.route53:
        zone, name = args.route53.split("/", 1)
        for r in state.get("route53", {}).get("zones", {}).get(zone, []):
            if r.get("type") == "CNAME" and r.get("name", "").rstrip(".") == name.rstrip("."):
                return named_endpoint(r["values"][0])
        return None
    return current_endpoint(state)


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
    endpoint = followed_endpoint(state)
    if endpoint and last_endpoint is not None and endpoint != last_endpoint:
        write_conf(endpoint)
    last_endpoint = endpoint or last_endpoint
    ro = state.get("rds", {}).get("parameter_groups", {}).get(group, {}).get("read_only", {}).get("value")
    if ro is not None and last_ro is not None and ro != last_ro:
        apply_read_only(ro)
    last_ro = ro if ro is not None else last_ro
    time.sleep(0.1)
