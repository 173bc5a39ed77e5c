#!/usr/bin/python3
"""A local AWS-compatible endpoint for the test suite.

Listens on 127.0.0.1 only (port 0 picks a free one; the port is printed as
the first line on stdout, and written to --port-file when given). Every AWS
call must carry a valid Signature Version 4, which this server recomputes
with its own implementation below (independent of the client's C code);
a bad signature, an unknown or expired key, a missing session token or a
stale X-Amz-Date gets the error that AWS gives, in the service's format.

It answers from a JSON state file, re-read when it changes and written back
(atomically) after every call, so tests can both script it and inspect its
effects:

  credentials   {AKID: {"secret": S, "token": T or null, "expired": false,
                        "account": twelve digits (default 123456789012),
                        "arn": the principal (default ...:user/cutover),
                        "expires": epoch seconds (temporary keys)}}
  sts           {"roles": {ROLE_ARN: {"trust": [principal ARN or account id],
                                      "external_id": X or null,
                                      "web_identity_tokens": [tokens it accepts],
                                      "max_duration": seconds (3600)}}}:
                AssumeRole, AssumeRoleWithWebIdentity (unsigned) and
                GetCallerIdentity; assumed keys are added to credentials
  sso           {"tokens": {ACCESS_TOKEN: {"accounts": {ACCOUNT: [role names]},
                                     "expired": false, "user": name,
                                     "duration": seconds (3600)}}}:
                GET /federation/credentials (GetRoleCredentials, unsigned,
                the token in x-amz-sso_bearer_token)
  owners        {"SERVICE/RESOURCE": account} (route53/ZONE_ID too): a call on a resource of
                another account than the caller's is AccessDenied, in the
                service's own format (DMS task and secret ARNs carry their
                account already)
  region        the only region accepted in signatures (optional)
  knobs         {"throttle": N, "throttle_status": 400|429,
                 "server_errors": N,
                 "fail": {"code": C, "status": 400, "message": M,
                          "operation": OP or null, "count": N or null}
                         or a list of such (the first matching one answers),
                 "drop": {"operation": OP or null, "when": "before"|"after",
                          "count": N} or a list: the connection is reset
                         (TCP RST, no reply) before the call is carried out,
                         or after (its effect stays, the reply is lost),
                 "insync_after": N (Route 53 GetChange polls before INSYNC),
                 "dms_stopping_polls": N (describes a stopped task stays "stopping"),
                 "metric_page_size": N (GetMetricData results per JSON page)}
  dms           {"tasks": [DescribeReplicationTasks objects],
                 "instances": [DescribeReplicationInstances objects],
                 "table_statistics": {TASK_ARN: [TableStatistics objects]},
                 "bindings": {TASK_ARN: {"lab_dir", "cdc", "mappings"}}: the task
                   is the lab's DMS stand-in (tests/aws/dms_lab.py), its status,
                   statistics and CloudWatch metrics computed from what it did}
  cloudwatch    {"metrics": [{"namespace", "name", "dimensions": {N: V},
                              "values": [newest first]}]}
  secrets       {NAME: {"arn", "versions": [{"id", "string", "stages", "token"}]}}
  ssm           {NAME: {"type", "value", "version", "key_id" (SecureString),
                        "tier"}}: GetParameter, PutParameter (a SecureString
                put without KeyId gets alias/aws/ssm, as on AWS),
                DescribeParameters (Name Equals)
  rds           {"parameter_groups": {NAME: {PARAM: {"value", "apply_type"}}},
                 "instances": {ID: {"status", "address", "port", "parameter_group",
                                    "apply_status", "backup_retention", "multi_az",
                                    "engine"}}}: DescribeDBInstances, one or
                all (paged: MaxRecords, or knobs.rds_page_size), listing only
                the caller's account's instances (owners "rds/ID")
  elbv2         {"target_groups": {ARN: [{"id", "port", "state", "reason"}]}}:
                DescribeTargetHealth (the group's account is its ARN's)
  route53       {"zones": {ZONE_ID: [{"name", "type", "ttl", "values",
                                      "set_identifier", "weight", "failover",
                                      "alias": {"zone", "dns_name", "evaluate"}}]},
                 "changes": {ID: {"status", "polls"}}}
  container     credentials served at /container-credentials (unsigned), with
                "container_token" the Authorization it demands
  imds          {"role": R, "credentials": {...}} served as IMDSv2
  calls         appended: {"service", "operation", "status", "code", "caller" (the key id)}

Protocols: CloudWatch GetMetricData in both JSON 1.0 (current SDKs) and
Query/XML (awscli 2.9); DMS, Secrets Manager, SSM in JSON 1.1; RDS in
Query/XML; Route 53 in REST-XML.

Control (unsigned, for tests): GET /_fake/state, POST /_fake/knobs (merges
a JSON object into knobs).
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import socket
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import dms_lab
from xml.etree import ElementTree
from xml.sax.saxutils import escape

SKEW_SECONDS = 15 * 60
JSON_TARGETS = {
    "GraniteServiceVersion20100801": ("monitoring", "application/x-amz-json-1.0"),
    "AmazonDMSv20160101": ("dms", "application/x-amz-json-1.1"),
    "secretsmanager": ("secretsmanager", "application/x-amz-json-1.1"),
    "AmazonSSM": ("ssm", "application/x-amz-json-1.1"),
}
QUERY_VERSIONS = {"2014-10-31": "rds", "2010-08-01": "monitoring", "2011-06-15": "sts",
                  "2015-12-01": "elasticloadbalancing"}
DEFAULT_ACCOUNT = "123456789012"
XMLNS = {
    "rds": "http://rds.amazonaws.com/doc/2014-10-31/",
    "monitoring": "http://monitoring.amazonaws.com/doc/2010-08-01/",
    "route53": "https://route53.amazonaws.com/doc/2013-04-01/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "elasticloadbalancing": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
}
R53 = "{https://route53.amazonaws.com/doc/2013-04-01/}"


class AwsError(Exception):
    def __init__(self, status, code, message, sender=True):
        super().__init__(message)
        self.status, self.code, self.message, self.sender = status, code, message, sender


# ---------------------------------------------------------------- SigV4 --

def canonical_uri(path):
    """RFC 3986 dot-segment removal plus empty segments, then the wire path
    encoded once more (AWS's rule for every service but S3)."""
    if not path:
        return "/"
    out = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if out:
                out.pop()
        else:
            out.append(seg)
    norm = ("/" if path.startswith("/") else "") + "/".join(out)
    if path.endswith("/") and out:
        norm += "/"
    return quote(norm, safe="/~")


def canonical_query(query):
    pairs = []
    for part in query.split("&") if query else []:
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((quote(unquote(name), safe="-_.~"), quote(unquote(value), safe="-_.~")))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def trim_all(value):
    return " ".join(value.split())


def signing_key(secret, date, region, service):
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*"
    r"SignedHeaders=([a-z0-9;_\-.]+),\s*Signature=([0-9a-f]{64})$")


def verify_sigv4(handler, body, state, expect_service):
    """Returns the access key id, or raises the AwsError AWS would send."""
    auth = handler.headers.get("Authorization")
    if not auth:
        raise AwsError(403, "MissingAuthenticationToken",
                       "Request is missing Authentication Token")
    m = AUTH_RE.match(auth.strip())
    if not m:
        raise AwsError(400, "IncompleteSignature",
                       f"Authorization header requires Credential, SignedHeaders, Signature: {auth[:60]}")
    akid, date, region, service, signed, signature = m.groups()
    creds = state.get("credentials", {}).get(akid)
    if creds is None:
        raise AwsError(403, "UnrecognizedClientException" if handler.json_protocol else "InvalidClientTokenId",
                       "The security token included in the request is invalid.")
    if creds.get("token") and handler.headers.get("X-Amz-Security-Token") != creds["token"]:
        raise AwsError(403, "UnrecognizedClientException" if handler.json_protocol else "InvalidClientTokenId",
                       "The security token included in the request is invalid.")
    if creds.get("expired") or (creds.get("expires") and time.time() > creds["expires"]):
        raise AwsError(400 if handler.json_protocol else 403,
                       "ExpiredTokenException" if handler.json_protocol else "ExpiredToken",
                       "The security token included in the request is expired")
    if service != expect_service:
        raise AwsError(403, "InvalidSignatureException" if handler.json_protocol else "SignatureDoesNotMatch",
                       f"Credential should be scoped to correct service: '{expect_service}'.")
    want_region = "us-east-1" if expect_service == "route53" else state.get("region")
    if want_region and region != want_region:
        raise AwsError(403, "InvalidSignatureException" if handler.json_protocol else "SignatureDoesNotMatch",
                       f"Credential should be scoped to a valid region, not '{region}'.")
    names = signed.split(";")
    if "host" not in names:
        raise AwsError(403, "InvalidSignatureException" if handler.json_protocol else "SignatureDoesNotMatch",
                       "'Host' must be a signed header.")
    amz_date = handler.headers.get("X-Amz-Date", "")
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        raise AwsError(400 if handler.json_protocol else 403,
                       "InvalidSignatureException" if handler.json_protocol else "SignatureDoesNotMatch",
                       "X-Amz-Date is missing or malformed")
    if abs(time.time() - when.timestamp()) > SKEW_SECONDS:
        raise AwsError(400 if handler.json_protocol else 403,
                       "InvalidSignatureException" if handler.json_protocol else "SignatureDoesNotMatch",
                       f"Signature expired: {amz_date} is not within 15 minutes of the server time")
    if date != amz_date[:8]:
        raise AwsError(403, "InvalidSignatureException" if handler.json_protocol else "SignatureDoesNotMatch",
                       "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP")
    split = urlsplit(handler.path)
    lines = []
    for name in names:
        values = handler.headers.get_all(name) or []
        lines.append(f"{name}:{','.join(trim_all(v) for v in values)}")
    payload = handler.headers.get("X-Amz-Content-SHA256") or hashlib.sha256(body).hexdigest()
    creq = "\n".join([handler.command, canonical_uri(split.path), canonical_query(split.query),
                      "\n".join(lines) + "\n", signed, payload])
    scope = f"{date}/{region}/{service}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    good = hmac.new(signing_key(creds["secret"], date, region, service), sts.encode(),
                    hashlib.sha256).hexdigest()
    if not hmac.compare_digest(good, signature):
        raise AwsError(403, "InvalidSignatureException" if handler.json_protocol else "SignatureDoesNotMatch",
                       "The request signature we calculated does not match the signature you provided. "
                       "Check your AWS Secret Access Key and signing method. "
                       f"The Canonical String for this request should have been\n'{creq}'\n\n"
                       f"The String-to-Sign should have been\n'{sts}'\n")
    return akid


# --------------------------------------------------------------- state --

class State:
    def __init__(self, path):
        self.path, self.lock, self.mtime, self.data = path, threading.RLock(), None, {}
        self.reload()

    def reload(self):
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            self.data, self.mtime = {}, None
            return
        if mtime != self.mtime:
            with open(self.path, encoding="utf-8") as f:
                self.data = json.load(f)
            self.mtime = mtime

    def save(self):
        tmp = f"{self.path}.tmp{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.data, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
        self.mtime = os.stat(self.path).st_mtime_ns


def knob_failure(state, operation, throttle_code):
    """Throttling, server errors and scripted failures, consumed in order."""
    knobs = state.setdefault("knobs", {})
    if knobs.get("throttle", 0) > 0:
        knobs["throttle"] -= 1
        status = knobs.get("throttle_status", 400)
        return AwsError(status, throttle_code, "Rate exceeded")
    if knobs.get("server_errors", 0) > 0:
        knobs["server_errors"] -= 1
        return AwsError(500, "InternalFailure", "The request processing has failed because of an unknown error", sender=False)
    # "fail" is one scripted failure or a list of them; the first that names
    # this operation (or none) answers, and is dropped once its count is spent.
    fails = knobs.get("fail")
    if isinstance(fails, dict):
        fails = [fails]
    for fail in fails or []:
        if fail.get("operation") not in (None, operation):
            continue
        if fail.get("count") is not None:
            fail["count"] -= 1
            if fail["count"] <= 0:
                fails.remove(fail)
                if fails:
                    knobs["fail"] = fails
                else:
                    knobs.pop("fail")
        return AwsError(fail.get("status", 400), fail["code"], fail.get("message", fail["code"]))
    return None


def knob_drop(state, operation):
    """"before", "after" or None: a scripted lost connection, consumed in order."""
    drops = state.setdefault("knobs", {}).get("drop")
    if isinstance(drops, dict):
        drops = state["knobs"]["drop"] = [drops]
    for drop in drops or []:
        if drop.get("operation") not in (None, operation):
            continue
        drop["count"] = drop.get("count", 1) - 1
        if drop["count"] <= 0:
            drops.remove(drop)
        return drop.get("when", "before")
    return None


def epoch_now():
    return round(time.time(), 3)


def iso(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value):
    if isinstance(value, (int, float)):
        return float(value)
    value = str(value)
    try:
        return float(value)
    except ValueError:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def need(params, key):
    if key not in params or params[key] in (None, ""):
        raise AwsError(400, "ValidationException" if not isinstance(params, QueryParams) else "MissingParameter",
                       f"1 validation error detected: Value null at '{key}' failed to satisfy constraint: Member must not be null")
    return params[key]


class QueryParams(dict):
    pass


# ---------------------------------------------------------- CloudWatch --

def bound_task_metric(state, metric, dims):
    """The binding whose task the AWS/DMS metric's dimensions name, or None."""
    if metric.get("Namespace") != "AWS/DMS":
        return None
    for arn, b in state.get("dms", {}).get("bindings", {}).items():
        if arn.rsplit(":", 1)[-1] == dims.get("ReplicationTaskIdentifier"):
            return b
    return None


def metric_series(state, stat, start, end):
    metric = stat.get("Metric", {})
    dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
    period = int(stat.get("Period", 60))
    bound = bound_task_metric(state, metric, dims)
    if bound:
        return dms_lab.metric_series(bound, metric.get("MetricName"), stat.get("Stat", "Average"),
                                     period, start, end)
    for m in state.get("cloudwatch", {}).get("metrics", []):
        if (m.get("namespace") == metric.get("Namespace") and m.get("name") == metric.get("MetricName")
                and m.get("dimensions", {}) == dims):
            newest = int(end // period) * period
            if newest >= end:
                newest -= period
            stamps, values = [], []
            for i, v in enumerate(m.get("values", [])):
                t = newest - i * period
                if t < start:
                    break
                stamps.append(t)
                values.append(v)
            return stamps, values
    return [], []


def get_metric_data(state, queries, start, end):
    if not queries or len(queries) > 500:
        raise AwsError(400, "ValidationError", "MetricDataQueries must hold 1 to 500 queries")
    results = []
    for q in queries:
        qid = q.get("Id", "")
        if not re.match(r"^[a-z][A-Za-z0-9_]*$", qid):
            raise AwsError(400, "ValidationError", f"Invalid metric data query id: {qid}")
        stat = q.get("MetricStat")
        if not stat:
            raise AwsError(400, "ValidationError", f"Query {qid} needs MetricStat (expressions are not scripted)")
        stamps, values = metric_series(state, stat, start, end)
        results.append({"Id": qid, "Label": stat.get("Metric", {}).get("MetricName", qid),
                        "Timestamps": stamps, "Values": values, "StatusCode": "Complete"})
    return results


def json_metric_page(state, req):
    """knobs.metric_page_size pages the results (NextToken = the offset), as
    AWS does when a reply would be too large."""
    results = get_metric_data(state, req.get("MetricDataQueries"), parse_time(need(req, "StartTime")),
                              parse_time(need(req, "EndTime")))
    size = state.get("knobs", {}).get("metric_page_size", 0)
    start = int(req.get("NextToken") or 0)
    reply = {"MetricDataResults": results, "Messages": []}
    if size > 0:
        reply["MetricDataResults"] = results[start:start + size]
        if start + size < len(results):
            reply["NextToken"] = str(start + size)
    return reply


def query_members(params, prefix):
    """Query protocol lists: Prefix.member.N.Field... into a list of dicts."""
    items = {}
    pat = re.compile(re.escape(prefix) + r"\.(?:member|Parameter)\.(\d+)\.(.+)$")
    for key, value in params.items():
        m = pat.match(key)
        if m:
            items.setdefault(int(m.group(1)), {})[m.group(2)] = value
    return [items[i] for i in sorted(items)]


def nest(flat):
    """{"MetricStat.Metric.Namespace": v} into nested dicts (lists of
    Dimensions.member.N included)."""
    out = {}
    for key, value in flat.items():
        parts = key.split(".")
        cur = out
        i = 0
        while i < len(parts) - 1:
            part = parts[i]
            if i + 2 < len(parts) and parts[i + 1] == "member":
                lst = cur.setdefault(part, [])
                idx = int(parts[i + 2]) - 1
                while len(lst) <= idx:
                    lst.append({})
                cur = lst[idx]
                i += 3
                continue
            cur = cur.setdefault(part, {})
            i += 1
        cur[parts[-1]] = value
    return out


def metric_results_xml(results):
    members = []
    for r in results:
        stamps = "".join(f"<member>{iso(t)}</member>" for t in r["Timestamps"])
        values = "".join(f"<member>{v}</member>" for v in r["Values"])
        members.append(f"<member><Id>{escape(r['Id'])}</Id><Label>{escape(r['Label'])}</Label>"
                       f"<Timestamps>{stamps}</Timestamps><Values>{values}</Values>"
                       f"<StatusCode>{r['StatusCode']}</StatusCode></member>")
    return f"<MetricDataResults>{''.join(members)}</MetricDataResults><Messages/>"


# ----------------------------------------------------------------- DMS --

def dms_task(state, arn):
    for t in state.get("dms", {}).get("tasks", []):
        if t.get("ReplicationTaskArn") == arn:
            return t
    raise AwsError(400, "ResourceNotFoundFault", f"Replication Task not found: {arn}")


def dms_describe_tasks(state, req):
    tasks = state.get("dms", {}).get("tasks", [])
    for f in req.get("Filters", []) or []:
        field = {"replication-task-arn": "ReplicationTaskArn",
                 "replication-task-id": "ReplicationTaskIdentifier"}.get(f.get("Name"))
        if field:
            tasks = [t for t in tasks if t.get(field) in f.get("Values", [])]
    if not tasks:
        raise AwsError(400, "ResourceNotFoundFault", "No Tasks found matching the filters")
    unbound = []
    for t in tasks:
        b = dms_lab.binding(state, t.get("ReplicationTaskArn"))
        if b:
            dms_lab.refresh_task(t, b, req.get("WithoutSettings"))
        else:
            unbound.append(t)
    # A bound task's "stopping" is the stand-in's own (dms_lab counts its
    # dms_stopping_polls): advancing it here too made it "stopped" at once.
    dms_advance(unbound)
    tasks = [{k: v for k, v in t.items() if not k.startswith("_")} for t in tasks]
    if req.get("WithoutSettings"):
        tasks = [{k: v for k, v in t.items() if k not in ("ReplicationTaskSettings", "TableMappings")}
                 for t in tasks]
    return {"ReplicationTasks": tasks}


def dms_table_statistics(state, req):
    arn = need(req, "ReplicationTaskArn")
    dms_task(state, arn)
    b = dms_lab.binding(state, arn)
    stats = (dms_lab.table_statistics(b, epoch_now()) if b
             else state.get("dms", {}).get("table_statistics", {}).get(arn, []))
    size = int(req.get("MaxRecords") or 100)
    start = int(req.get("Marker") or 0)
    page = {"ReplicationTaskArn": arn, "TableStatistics": stats[start:start + size]}
    if start + size < len(stats):
        page["Marker"] = str(start + size)
    return page


def dms_stop(state, req):
    """Stops at once, or after knobs.dms_stopping_polls describes in
    "stopping" (as a real task takes a while)."""
    task = dms_task(state, need(req, "ReplicationTaskArn"))
    b = dms_lab.binding(state, task.get("ReplicationTaskArn"))
    if b:
        dms_lab.refresh_task(task, b, True)
    if task.get("Status") != "running":
        raise AwsError(400, "InvalidResourceStateFault",
                       f"Replication task is not running (status {task.get('Status')})")
    if b:
        dms_lab.stop(b, state.get("knobs", {}).get("dms_stopping_polls", 0))
        task["Status"] = "stopping"
        task.setdefault("ReplicationTaskStats", {})["StopDate"] = epoch_now()
        return {"ReplicationTask": task}, True
    polls = state.get("knobs", {}).get("dms_stopping_polls", 0)
    task["Status"] = "stopping" if polls > 0 else "stopped"
    task["_stopping_polls"] = polls
    task["StopReason"] = "Stop Reason NORMAL"
    task.setdefault("ReplicationTaskStats", {})["StopDate"] = epoch_now()
    return {"ReplicationTask": task}, True


def dms_advance(tasks):
    for t in tasks:
        if t.get("Status") == "stopping":
            t["_stopping_polls"] = t.get("_stopping_polls", 0) - 1
            if t["_stopping_polls"] <= 0:
                t["Status"] = "stopped"


def dms_start(state, req):
    task = dms_task(state, need(req, "ReplicationTaskArn"))
    kind = need(req, "StartReplicationTaskType")
    if kind not in ("start-replication", "resume-processing", "reload-target"):
        raise AwsError(400, "InvalidParameterValueException", f"Invalid StartReplicationTaskType {kind}")
    position = req.get("CdcStartPosition")
    if position is not None and req.get("CdcStartTime") is not None:
        raise AwsError(400, "InvalidParameterCombinationException",
                       "CdcStartPosition and CdcStartTime cannot both be specified")
    # MySQL-compatible sources: "binlog-file:position" (a native CDC start point).
    if position is not None and not re.fullmatch(r"[^:\s]+:[0-9]+", str(position)):
        raise AwsError(400, "InvalidParameterValueException",
                       f"Invalid CdcStartPosition {position}: expected binlog file:position")
    b = dms_lab.binding(state, task.get("ReplicationTaskArn"))
    if b:
        dms_lab.refresh_task(task, b, True)
    if task.get("Status") not in ("stopped", "ready", "failed"):
        raise AwsError(400, "InvalidResourceStateFault",
                       f"Replication task cannot be started (status {task.get('Status')})")
    if b:
        failure = dms_lab.start(b, position)
        if failure:
            task["Status"], task["LastFailureMessage"] = "failed", failure
            return {"ReplicationTask": task}, True
    task["Status"] = "running"
    task["StopReason"] = ""
    task.setdefault("ReplicationTaskStats", {})["StartDate"] = epoch_now()
    return {"ReplicationTask": task}, True


def dms_describe_instances(state, req):
    insts = state.get("dms", {}).get("instances", [])
    for f in req.get("Filters", []) or []:
        field = {"replication-instance-arn": "ReplicationInstanceArn",
                 "replication-instance-id": "ReplicationInstanceIdentifier"}.get(f.get("Name"))
        if field:
            insts = [i for i in insts if i.get(field) in f.get("Values", [])]
    if not insts:
        raise AwsError(400, "ResourceNotFoundFault", "No replication instances found matching the filters")
    return {"ReplicationInstances": insts}


# ----------------------------------------------------- Secrets Manager --

def find_secret(state, secret_id):
    secrets = state.setdefault("secrets", {})
    for name, s in secrets.items():
        if secret_id in (name, s.get("arn")):
            return name, s
    raise AwsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")


def secret_version(secret, version_id=None, stage="AWSCURRENT"):
    for v in secret.get("versions", []):
        if (version_id and v["id"] == version_id) or (not version_id and stage in v.get("stages", [])):
            return v
    raise AwsError(400, "ResourceNotFoundException",
                   "Secrets Manager can't find the specified secret value for staging label: " + stage)


def get_secret_value(state, req):
    name, s = find_secret(state, need(req, "SecretId"))
    v = secret_version(s, req.get("VersionId"), req.get("VersionStage") or "AWSCURRENT")
    return {"ARN": s["arn"], "Name": name, "VersionId": v["id"], "SecretString": v["string"],
            "VersionStages": v["stages"], "CreatedDate": v.get("created", epoch_now())}


def put_secret_value(state, req):
    name, s = find_secret(state, need(req, "SecretId"))
    token = req.get("ClientRequestToken") or str(uuid.uuid4())
    if not 32 <= len(token) <= 64:
        raise AwsError(400, "ValidationException", "ClientRequestToken must be 32 to 64 characters")
    value = need(req, "SecretString")
    for v in s.get("versions", []):
        if v["id"] == token:
            if v["string"] != value:
                raise AwsError(400, "ResourceExistsException",
                               "You can't modify an existing version, you can only create a new version.")
            return {"ARN": s["arn"], "Name": name, "VersionId": v["id"], "VersionStages": v["stages"]}, False
    for v in s.get("versions", []):
        v["stages"] = [st for st in v.get("stages", []) if st != "AWSPREVIOUS"]
        if "AWSCURRENT" in v["stages"]:
            v["stages"] = [st for st in v["stages"] if st != "AWSCURRENT"] + ["AWSPREVIOUS"]
    s.setdefault("versions", []).append({"id": token, "string": value, "stages": ["AWSCURRENT"],
                                         "created": epoch_now()})
    return {"ARN": s["arn"], "Name": name, "VersionId": token, "VersionStages": ["AWSCURRENT"]}, True


# ----------------------------------------------------------------- SSM --

def get_parameter(state, req):
    name = need(req, "Name")
    p = state.get("ssm", {}).get(name)
    if p is None:
        raise AwsError(400, "ParameterNotFound", "")
    value = p["value"]
    if p.get("type") == "SecureString" and not req.get("WithDecryption"):
        value = base64.b64encode(value.encode()).decode()  # stands in for the ciphertext
    return {"Parameter": {"Name": name, "Type": p.get("type", "String"), "Value": value,
                          "Version": p.get("version", 1), "DataType": "text",
                          "LastModifiedDate": p.get("modified", epoch_now()),
                          "ARN": f"arn:aws:ssm:{state.get('region', 'us-east-1')}:123456789012:parameter/{name.lstrip('/')}"}}


def put_parameter(state, req):
    """As AWS does it: a SecureString put without a KeyId is encrypted with
    the account's default key (alias/aws/ssm), whatever key it had; a tier
    not given stays what it was."""
    name, value = need(req, "Name"), need(req, "Value")
    params = state.setdefault("ssm", {})
    p = params.get(name)
    if p is not None and not req.get("Overwrite"):
        raise AwsError(400, "ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
    version = (p or {}).get("version", 0) + 1
    ptype = req.get("Type") or (p or {}).get("type", "String")
    tier = req.get("Tier") or (p or {}).get("tier", "Standard")
    if (p or {}).get("tier") == "Advanced" and tier == "Standard":
        raise AwsError(400, "ValidationException", "This parameter uses the advanced-parameter tier. "
                       "You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier.")
    params[name] = {"type": ptype, "value": value, "version": version, "modified": epoch_now(), "tier": tier}
    if ptype == "SecureString":
        params[name]["key_id"] = req.get("KeyId") or "alias/aws/ssm"
    return {"Version": version, "Tier": tier}, True


def describe_parameters(state, req):
    names = None
    for f in req.get("ParameterFilters", []):
        if f.get("Key") == "Name" and f.get("Option", "Equals") == "Equals":
            names = set(f.get("Values", []))
    rows = []
    for name, p in sorted(state.get("ssm", {}).items()):
        if names is not None and name not in names:
            continue
        row = {"Name": name, "Type": p.get("type", "String"), "Version": p.get("version", 1),
               "Tier": p.get("tier", "Standard"), "DataType": "text", "Policies": [],
               "LastModifiedDate": p.get("modified", epoch_now())}
        if row["Type"] == "SecureString":
            row["KeyId"] = p.get("key_id", "alias/aws/ssm")
        rows.append(row)
    return {"Parameters": rows}


# ----------------------------------------------------------------- RDS --

def rds_group(state, name):
    groups = state.get("rds", {}).get("parameter_groups", {})
    if name not in groups:
        raise AwsError(404, "DBParameterGroupNotFound", f"DBParameterGroup not found: {name}")
    return groups[name]


def rds_modify(state, params):
    name = need(params, "DBParameterGroupName")
    group = rds_group(state, name)
    changes = query_members(params, "Parameters")
    if not changes:
        raise AwsError(400, "MissingParameter", "The request must contain the parameter Parameters")
    for c in changes:
        pname = c.get("ParameterName")
        if not pname:
            raise AwsError(400, "InvalidParameterValue", "ParameterName is required")
        entry = group.setdefault(pname, {"apply_type": "dynamic"})
        if c.get("ApplyMethod") == "immediate" and entry.get("apply_type") == "static":
            raise AwsError(400, "InvalidParameterCombination",
                           f"cannot use immediate apply method for static parameter {pname}")
        entry["value"] = c.get("ParameterValue", "")
        entry["apply_method"] = c.get("ApplyMethod", "pending-reboot")
    return f"<DBParameterGroupName>{escape(name)}</DBParameterGroupName>", True


def rds_describe(state, params):
    group = rds_group(state, need(params, "DBParameterGroupName"))
    rows = []
    for pname in sorted(group):
        p = group[pname]
        value = f"<ParameterValue>{escape(str(p['value']))}</ParameterValue>" if p.get("value") is not None else ""
        rows.append(f"<Parameter><ParameterName>{escape(pname)}</ParameterName>{value}"
                    f"<ApplyType>{p.get('apply_type', 'dynamic')}</ApplyType><Source>user</Source>"
                    f"<IsModifiable>true</IsModifiable>"
                    f"<ApplyMethod>{p.get('apply_method', 'pending-reboot')}</ApplyMethod></Parameter>")
    return f"<Parameters>{''.join(rows)}</Parameters>", False


def rds_instance_xml(state, iid, inst, account):
    region = state.get("region") or "us-east-1"
    return (f"<DBInstance><DBInstanceIdentifier>{escape(iid)}</DBInstanceIdentifier>"
            f"<Engine>{escape(inst.get('engine', 'mysql'))}</Engine>"
            f"<DBInstanceStatus>{escape(inst.get('status', 'available'))}</DBInstanceStatus>"
            f"<Endpoint><Address>{escape(inst.get('address', iid + '.abc.' + region + '.rds.amazonaws.com'))}</Address>"
            f"<Port>{int(inst.get('port', 3306))}</Port><HostedZoneId>Z2R2ITUGPM61AM</HostedZoneId></Endpoint>"
            f"<BackupRetentionPeriod>{int(inst.get('backup_retention', 7))}</BackupRetentionPeriod>"
            f"<DBParameterGroups><DBParameterGroup><DBParameterGroupName>{escape(inst.get('parameter_group', 'default.mysql8.0'))}"
            f"</DBParameterGroupName><ParameterApplyStatus>{escape(inst.get('apply_status', 'in-sync'))}</ParameterApplyStatus>"
            f"</DBParameterGroup></DBParameterGroups>"
            f"<MultiAZ>{'true' if inst.get('multi_az') else 'false'}</MultiAZ>"
            f"<DBInstanceArn>arn:aws:rds:{region}:{account}:db:{escape(iid)}</DBInstanceArn></DBInstance>")


def rds_describe_instances(state, params):
    instances = state.get("rds", {}).get("instances", {})
    owners = state.get("owners", {})
    caller_account = principal(state, getattr(params, "caller", None))[0]
    iid = params.get("DBInstanceIdentifier")
    if iid:
        if iid not in instances:
            raise AwsError(404, "DBInstanceNotFound", f"DBInstance {iid} not found.")
        ids = [iid]
    else:
        ids = [i for i in sorted(instances) if owners.get("rds/" + i) in (None, caller_account)]
    size = int(state.get("knobs", {}).get("rds_page_size") or params.get("MaxRecords") or 100)
    if not iid and not 20 <= int(params.get("MaxRecords") or 100) <= 100:
        raise AwsError(400, "InvalidParameterValue", "MaxRecords must be between 20 and 100")
    start = int(params.get("Marker") or 0)
    page = ids[start:start + size]
    xml = "".join(rds_instance_xml(state, i, instances[i], owners.get("rds/" + i) or caller_account) for i in page)
    marker = f"<Marker>{start + size}</Marker>" if start + size < len(ids) else ""
    return f"<DBInstances>{xml}</DBInstances>{marker}", False


# --------------------------------------------------------------- ELBv2 --

def elb_target_health(state, params):
    arn = need(params, "TargetGroupArn")
    groups = state.get("elbv2", {}).get("target_groups", {})
    if arn not in groups:
        raise AwsError(400, "TargetGroupNotFound", f"Target groups '{arn}' not found")
    rows = []
    for t in groups[arn]:
        reason = f"<Reason>{escape(t['reason'])}</Reason>" if t.get("reason") else ""
        rows.append(f"<member><HealthCheckPort>{int(t.get('port', 3306))}</HealthCheckPort>"
                    f"<Target><Id>{escape(t['id'])}</Id><Port>{int(t.get('port', 3306))}</Port></Target>"
                    f"<TargetHealth><State>{escape(t.get('state', 'healthy'))}</State>{reason}</TargetHealth></member>")
    return f"<TargetHealthDescriptions>{''.join(rows)}</TargetHealthDescriptions>", False


# ------------------------------------------------------------ Route 53 --

def r53_zone(state, zone):
    zones = state.get("route53", {}).get("zones", {})
    if zone not in zones:
        raise AwsError(404, "NoSuchHostedZone", f"No hosted zone found with ID: {zone}")
    return zones[zone]


def dotted(name):
    return name if name.endswith(".") else name + "."


def r53_change(state, zone_id, body):
    records = r53_zone(state, zone_id)
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as e:
        raise AwsError(400, "InvalidInput", f"Could not parse the request body: {e}")
    changes = root.findall(f".//{R53}Change")
    if not changes:
        raise AwsError(400, "InvalidInput", "The request has no Change")
    for ch in changes:
        action = ch.findtext(f"{R53}Action")
        rrs = ch.find(f"{R53}ResourceRecordSet")
        if rrs is None or action not in ("CREATE", "UPSERT", "DELETE"):
            raise AwsError(400, "InvalidInput", f"Invalid change action {action}")
        rec = {"name": dotted(rrs.findtext(f"{R53}Name", "")), "type": rrs.findtext(f"{R53}Type", ""),
               "ttl": int(rrs.findtext(f"{R53}TTL", "300")),
               "values": [v.text for v in rrs.findall(f".//{R53}ResourceRecord/{R53}Value")]}
        rec["set_identifier"] = rrs.findtext(f"{R53}SetIdentifier")
        same = [r for r in records if r["name"] == rec["name"] and r["type"] == rec["type"]
                and r.get("set_identifier") == rec["set_identifier"]]
        clash = [r for r in records if r["name"] == rec["name"] and r not in same
                 and (r["type"] == rec["type"] or "CNAME" in (r["type"], rec["type"]))]
        if action != "DELETE" and clash:
            raise AwsError(400, "InvalidChangeBatch", f"[RRSet of type {rec['type']} with DNS name {rec['name']} "
                           "is not permitted because a conflicting RRSet of type "
                           f"{clash[0]['type']} with the same DNS name already exists in zone]")
        if action == "CREATE" and same:
            raise AwsError(400, "InvalidChangeBatch", f"Tried to create resource record set {rec['name']} type {rec['type']}, but it already exists")
        if action == "DELETE" and not same:
            raise AwsError(400, "InvalidChangeBatch", f"Tried to delete resource record set {rec['name']} type {rec['type']}, but it was not found")
        for r in same:
            records.remove(r)
        if action != "DELETE":
            records.append(rec)
    cid = "C" + uuid.uuid4().hex[:12].upper()
    state.setdefault("route53", {}).setdefault("changes", {})[cid] = {"status": "PENDING", "polls": 0,
                                                                     "submitted": epoch_now()}
    return (f"<ChangeResourceRecordSetsResponse xmlns=\"{XMLNS['route53']}\"><ChangeInfo><Id>/change/{cid}</Id>"
            f"<Status>PENDING</Status><SubmittedAt>{iso(epoch_now())}</SubmittedAt></ChangeInfo>"
            f"</ChangeResourceRecordSetsResponse>")


def r53_get_change(state, cid):
    change = state.get("route53", {}).get("changes", {}).get(cid)
    if change is None:
        raise AwsError(404, "NoSuchChange", f"A change with the specified change ID does not exist: {cid}")
    change["polls"] += 1
    if change["polls"] > state.get("knobs", {}).get("insync_after", 1):
        change["status"] = "INSYNC"
    return (f"<GetChangeResponse xmlns=\"{XMLNS['route53']}\"><ChangeInfo><Id>/change/{cid}</Id>"
            f"<Status>{change['status']}</Status><SubmittedAt>{iso(change['submitted'])}</SubmittedAt>"
            f"</ChangeInfo></GetChangeResponse>")


def r53_record_xml(r):
    """A record set as Route 53 lists it: a routing policy's SetIdentifier
    and policy element come before the TTL, an alias has an AliasTarget
    instead of TTL and values."""
    policy = ""
    if r.get("set_identifier"):
        policy = f"<SetIdentifier>{escape(r['set_identifier'])}</SetIdentifier>"
        if "weight" in r:
            policy += f"<Weight>{int(r['weight'])}</Weight>"
        if "failover" in r:
            policy += f"<Failover>{escape(r['failover'])}</Failover>"
    if r.get("alias"):
        a = r["alias"]
        body = (f"<AliasTarget><HostedZoneId>{escape(a['zone'])}</HostedZoneId><DNSName>{escape(a['dns_name'])}</DNSName>"
                f"<EvaluateTargetHealth>{'true' if a.get('evaluate') else 'false'}</EvaluateTargetHealth></AliasTarget>")
    else:
        values = "".join(f"<ResourceRecord><Value>{escape(v)}</Value></ResourceRecord>" for v in r["values"])
        body = f"<TTL>{r['ttl']}</TTL><ResourceRecords>{values}</ResourceRecords>"
    return (f"<ResourceRecordSet><Name>{escape(r['name'])}</Name><Type>{r['type']}</Type>{policy}{body}"
            f"</ResourceRecordSet>")


def r53_list(state, zone_id, query):
    records = sorted(r53_zone(state, zone_id), key=lambda r: (r["name"], r["type"]))
    q = dict(parse_qsl(query))
    if "name" in q:
        start = (dotted(q["name"]), q.get("type", ""))
        records = [r for r in records if (r["name"], r["type"]) >= start]
    limit = int(q.get("maxitems", 300))
    rows = []
    for r in records[:limit]:
        rows.append(r53_record_xml(r))
    truncated = "true" if len(records) > limit else "false"
    return (f"<ListResourceRecordSetsResponse xmlns=\"{XMLNS['route53']}\"><ResourceRecordSets>{''.join(rows)}"
            f"</ResourceRecordSets><IsTruncated>{truncated}</IsTruncated><MaxItems>{limit}</MaxItems>"
            f"</ListResourceRecordSetsResponse>")


# ------------------------------------------------------------- handler --

JSON_OPS = {
    ("monitoring", "GetMetricData"): lambda st, r: (json_metric_page(st, r), False),
    # A bound task's status comes from the lab's process: saved, for the tests.
    ("dms", "DescribeReplicationTasks"): lambda st, r: (dms_describe_tasks(st, r),
                                                        bool(st.get("dms", {}).get("bindings"))),
    ("dms", "DescribeTableStatistics"): lambda st, r: (dms_table_statistics(st, r), False),
    ("dms", "StopReplicationTask"): dms_stop,
    ("dms", "StartReplicationTask"): dms_start,
    ("dms", "DescribeReplicationInstances"): lambda st, r: (dms_describe_instances(st, r), False),
    ("secretsmanager", "GetSecretValue"): lambda st, r: (get_secret_value(st, r), False),
    ("secretsmanager", "PutSecretValue"): put_secret_value,
    ("ssm", "GetParameter"): lambda st, r: (get_parameter(st, r), False),
    ("ssm", "PutParameter"): put_parameter,
    ("ssm", "DescribeParameters"): lambda st, r: (describe_parameters(st, r), False),
}


def query_get_metric_data(st, params):
    queries = [nest(q) for q in query_members(params, "MetricDataQueries")]
    for q in queries:
        q.setdefault("MetricStat", {}).setdefault("Metric", {}).setdefault("Dimensions", [])
    results = get_metric_data(st, queries, parse_time(need(params, "StartTime")), parse_time(need(params, "EndTime")))
    return metric_results_xml(results), False


# ----------------------------------------------------------------- STS --

def principal(state, akid):
    c = state.get("credentials", {}).get(akid, {})
    account = c.get("account", DEFAULT_ACCOUNT)
    return account, c.get("arn", f"arn:aws:iam::{account}:user/cutover")


def arn_account(arn):
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" else None


def sts_role(state, caller_arn, role_arn, action):
    role = state.get("sts", {}).get("roles", {}).get(role_arn)
    if role is None:
        raise AwsError(403, "AccessDenied", f"User: {caller_arn} is not authorized to perform: "
                       f"sts:{action} on resource: {role_arn}")
    return role


def sts_session_name(params):
    name = need(params, "RoleSessionName")
    if not re.match(r"^[\w+=,.@-]{2,64}$", name):
        raise AwsError(400, "ValidationError", f"1 validation error detected: Value '{name}' at "
                       "'roleSessionName' failed to satisfy constraint: Member must satisfy regular "
                       "expression pattern: [\\w+=,.@-]*")
    return name


def sts_issue(state, role_arn, role, params):
    """New temporary keys for the role, kept in credentials like any others."""
    duration = int(params.get("DurationSeconds") or 3600)
    if duration < 900 or duration > role.get("max_duration", 3600):
        raise AwsError(400, "ValidationError", "The requested DurationSeconds exceeds the "
                       "MaxSessionDuration set for this role.")
    session = sts_session_name(params)
    akid = "ASIA" + uuid.uuid4().hex[:16].upper()
    secret = base64.b64encode(os.urandom(30)).decode()
    token = base64.b64encode(os.urandom(120)).decode()
    account, name = arn_account(role_arn), role_arn.rsplit("/", 1)[-1]
    arn = f"arn:aws:sts::{account}:assumed-role/{name}/{session}"
    expires = time.time() + duration
    state.setdefault("credentials", {})[akid] = {"secret": secret, "token": token, "account": account,
                                                 "arn": arn, "expires": expires}
    return (f"<Credentials><AccessKeyId>{akid}</AccessKeyId><SecretAccessKey>{escape(secret)}</SecretAccessKey>"
            f"<SessionToken>{escape(token)}</SessionToken><Expiration>{iso(expires)}</Expiration></Credentials>"
            f"<AssumedRoleUser><AssumedRoleId>AROA{akid[4:]}:{escape(session)}</AssumedRoleId>"
            f"<Arn>{escape(arn)}</Arn></AssumedRoleUser>")


def sts_assume_role(state, params):
    account, caller = principal(state, params.caller)
    role_arn = need(params, "RoleArn")
    role = sts_role(state, caller, role_arn, "AssumeRole")
    trust = role.get("trust", [])
    if caller not in trust and account not in trust:
        raise AwsError(403, "AccessDenied", f"User: {caller} is not authorized to perform: "
                       f"sts:AssumeRole on resource: {role_arn}")
    if role.get("external_id") and params.get("ExternalId") != role["external_id"]:
        raise AwsError(403, "AccessDenied", f"User: {caller} is not authorized to perform: "
                       f"sts:AssumeRole on resource: {role_arn}")
    inner = sts_issue(state, role_arn, role, params)
    return inner + "<PackedPolicySize>0</PackedPolicySize>", True


def sts_assume_role_with_web_identity(state, params):
    role_arn = need(params, "RoleArn")
    token = need(params, "WebIdentityToken")
    role = sts_role(state, "a web identity", role_arn, "AssumeRoleWithWebIdentity")
    if token not in role.get("web_identity_tokens", []):
        raise AwsError(400, "InvalidIdentityToken", "The web identity token that was passed could "
                       "not be validated by AWS. Get a new identity token from the identity provider "
                       "and then retry the request.")
    inner = sts_issue(state, role_arn, role, params)
    return (inner + "<SubjectFromWebIdentityToken>cutover-test</SubjectFromWebIdentityToken>"
            "<Audience>sts.amazonaws.com</Audience><Provider>cutover.test</Provider>"), True


def sts_get_caller_identity(state, params):
    account, arn = principal(state, params.caller)
    return (f"<Arn>{escape(arn)}</Arn><UserId>{escape(params.caller)}</UserId>"
            f"<Account>{account}</Account>"), False


UNSIGNED_OPS = {("sts", "AssumeRoleWithWebIdentity")}

# The Query protocol's names for the JSON protocol's common errors: what
# CloudWatch, a JSON service that kept its Query codes, puts in
# x-amzn-query-error (the modelled errors drop "Exception").
QUERY_CODES = {"ThrottlingException": "Throttling", "InvalidSignatureException": "SignatureDoesNotMatch",
               "UnrecognizedClientException": "InvalidClientTokenId", "ExpiredTokenException": "ExpiredToken",
               "AccessDeniedException": "AccessDenied"}


def sso_get_role_credentials(state, token, query):
    """IAM Identity Center's GetRoleCredentials: the bearer token must be one
    the state lists, unexpired, with the role in the account; the keys are
    added to credentials like an assumed role's (the role's name is the
    permission set's, AWSReservedSSO_NAME_<hash>, as in real accounts)."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    account, role = params.get("account_id"), params.get("role_name")
    if not account or not role:
        raise AwsError(400, "InvalidRequestException", "account_id and role_name are required")
    grant = state.get("sso", {}).get("tokens", {}).get(token or "")
    if grant is None or grant.get("expired"):
        raise AwsError(401, "UnauthorizedException", "Session token not found or invalid")
    if role not in grant.get("accounts", {}).get(account, []):
        raise AwsError(403, "ForbiddenException", "No access")
    akid = "ASIA" + uuid.uuid4().hex[:16].upper()
    secret = base64.b64encode(os.urandom(30)).decode()
    session_token = base64.b64encode(os.urandom(120)).decode()
    arn = f"arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{role}_0123456789abcdef/{grant.get('user', 'lead')}"
    expires = time.time() + grant.get("duration", 3600)
    state.setdefault("credentials", {})[akid] = {"secret": secret, "token": session_token,
                                                 "account": account, "arn": arn, "expires": expires}
    return {"roleCredentials": {"accessKeyId": akid, "secretAccessKey": secret,
                                "sessionToken": session_token, "expiration": int(expires * 1000)}}


# ------------------------------------------------------------ accounts --

def resource_of(service, operation, req):
    """(owner key, ARN or name) of the resource a call acts on, or None."""
    if service == "dms":
        arn = req.get("ReplicationTaskArn") if isinstance(req, dict) else None
        return ("dms/" + arn, arn) if arn else None
    if service == "secretsmanager":
        sid = req.get("SecretId")
        return ("secretsmanager/" + sid, sid) if sid else None
    if service == "ssm":
        name = req.get("Name")
        return ("ssm/" + name, name) if name else None
    if service == "elasticloadbalancing":
        arn = req.get("TargetGroupArn")
        return ("elbv2/" + arn, arn) if arn else None
    if service == "rds":
        name = req.get("DBParameterGroupName") or req.get("DBInstanceIdentifier")
        return ("rds/" + name, name) if name else None
    if service == "route53":
        zone = req.get("HostedZoneId")
        return ("route53/" + zone, f"arn:aws:route53:::hostedzone/{zone}") if zone else None
    return None


def check_owner(state, caller, service, operation, req, json_protocol):
    res = resource_of(service, operation, req)
    if not res:
        return
    key, name = res
    owner = state.get("owners", {}).get(key) or arn_account(name)
    account, arn = principal(state, caller)
    if owner and owner != account:
        code = {"dms": "AccessDeniedFault"}.get(service, "AccessDeniedException" if json_protocol else "AccessDenied")
        raise AwsError(400 if service == "dms" else 403, code,
                       f"User: {arn} is not authorized to perform: {service}:{operation} on resource: "
                       f"{name} because no resource-based policy allows the {service}:{operation} action")


QUERY_OPS = {
    ("rds", "ModifyDBParameterGroup"): rds_modify,
    ("rds", "DescribeDBParameters"): rds_describe,
    ("rds", "DescribeDBInstances"): rds_describe_instances,
    ("elasticloadbalancing", "DescribeTargetHealth"): elb_target_health,
    ("monitoring", "GetMetricData"): query_get_metric_data,
    ("sts", "AssumeRole"): sts_assume_role,
    ("sts", "AssumeRoleWithWebIdentity"): sts_assume_role_with_web_identity,
    ("sts", "GetCallerIdentity"): sts_get_caller_identity,
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    json_protocol = True
    server_version = "fake-aws/1"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("fake_aws: " + (fmt % args) + "\n")

    def send(self, status, body, ctype, extra=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", self.request_id)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_error_reply(self, err, service, ctype):
        if self.json_protocol:
            body = json.dumps({"__type": err.code, "message": err.message})
            extra = {"x-amzn-ErrorType": err.code}
            if service == "monitoring":
                # CloudWatch's JSON protocol keeps its Query codes for
                # old clients: "InvalidParameterValue;Sender" beside the
                # shape's "InvalidParameterValueException".
                code = QUERY_CODES.get(err.code) or (
                    err.code[:-len("Exception")] if err.code.endswith("Exception") else err.code)
                extra["x-amzn-query-error"] = f"{code};{'Sender' if err.sender else 'Receiver'}"
            self.send(err.status, body, ctype, extra)
        else:
            ns = XMLNS.get(service, XMLNS["rds"])
            body = (f"<ErrorResponse xmlns=\"{ns}\"><Error><Type>{'Sender' if err.sender else 'Receiver'}</Type>"
                    f"<Code>{escape(err.code)}</Code><Message>{escape(err.message)}</Message></Error>"
                    f"<RequestId>{self.request_id}</RequestId></ErrorResponse>")
            self.send(err.status, body, "text/xml")

    def reset(self):
        """Drops the connection with a TCP RST and no reply, as a killed
        connection or a dying load balancer does."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def dispatch(self):
        self.request_id = str(uuid.uuid4())
        body = self.read_body()
        state = self.server.state
        with state.lock:
            state.reload()
            if self.handle_unsigned(state, body):
                return
            route = self.route(body)
            if route is None:
                self.json_protocol = True
                self.send_error_reply(AwsError(400, "UnknownOperationException", f"Unknown operation {self.command} {self.path}"),
                                      "", "application/x-amz-json-1.1")
                return
            service, operation, ctype, run = route
            status, code = 200, ""
            self.caller = None
            try:
                if (service, operation) not in UNSIGNED_OPS:
                    self.caller = verify_sigv4(self, body, state.data, service)
                dropped = knob_drop(state.data, operation)
                err = None if dropped else knob_failure(
                    state.data, operation, "ThrottlingException" if self.json_protocol else "Throttling")
                if err:
                    raise err
                if dropped == "before":
                    status, code = 0, "reset before the call"
                    self.reset()
                else:
                    status, reply, rctype, _ = run()
                    if dropped == "after":
                        code = "reset after the call"
                        self.reset()
                    else:
                        self.send(status, reply, rctype)
            except AwsError as e:
                status, code = e.status, e.code
                self.send_error_reply(e, service, ctype)
            state.data.setdefault("calls", []).append(
                {"service": service, "operation": operation, "status": status, "code": code,
                 "caller": self.caller, "request_id": self.request_id, "path": self.path})
            state.save()

    def handle_unsigned(self, state, body):
        path = urlsplit(self.path).path
        if path == "/_fake/state" and self.command == "GET":
            self.send(200, json.dumps(state.data), "application/json")
        elif path == "/_fake/knobs" and self.command == "POST":
            state.data.setdefault("knobs", {}).update(json.loads(body or b"{}"))
            state.save()
            self.send(200, "{}", "application/json")
        elif path == "/federation/credentials" and self.command == "GET":
            self.sso(state, urlsplit(self.path).query)
        elif path == "/container-credentials":
            want = state.data.get("container_token")
            if want and self.headers.get("Authorization") != want:
                self.send(401, '{"message":"unauthorized"}', "application/json")
            else:
                self.send(200, json.dumps(state.data.get("container", {})), "application/json")
        elif path == "/latest/api/token" and self.command == "PUT":
            if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                self.send(400, "missing TTL", "text/plain")
            else:
                self.send(200, state.data.get("imds", {}).get("token", "imds-session-token"), "text/plain")
        elif path.startswith("/latest/meta-data/iam/security-credentials/"):
            imds = state.data.get("imds", {})
            if self.headers.get("X-aws-ec2-metadata-token") != imds.get("token", "imds-session-token"):
                self.send(401, "", "text/plain")
            elif path.endswith("/security-credentials/"):
                self.send(200, imds.get("role", ""), "text/plain") if imds.get("role") else self.send(404, "", "text/plain")
            elif path.rsplit("/", 1)[1] == imds.get("role"):
                self.send(200, json.dumps(dict(imds.get("credentials", {}), Code="Success")), "application/json")
            else:
                self.send(404, "", "text/plain")
        else:
            return False
        return True

    def sso(self, state, query):
        """The SSO portal answers in REST-JSON: the error's code in
        x-amzn-ErrorType, the body a bare message."""
        status, code = 200, ""
        try:
            reply = sso_get_role_credentials(state.data, self.headers.get("x-amz-sso_bearer_token"), query)
            self.send(200, json.dumps(reply), "application/json")
        except AwsError as e:
            status, code = e.status, e.code
            self.send(e.status, json.dumps({"message": e.message}), "application/json",
                      {"x-amzn-ErrorType": f"{e.code}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"})
        state.data.setdefault("calls", []).append(
            {"service": "sso", "operation": "GetRoleCredentials", "status": status, "code": code,
             "caller": None, "request_id": self.request_id})
        state.save()

    def route(self, body):
        """(service, operation, content type, run) for the request, or None."""
        target = self.headers.get("X-Amz-Target")
        path = urlsplit(self.path).path
        if target and "." in target:
            prefix, op = target.split(".", 1)
            if prefix in JSON_TARGETS:
                service, ctype = JSON_TARGETS[prefix]
                self.json_protocol = True
                fn = JSON_OPS.get((service, op))

                def run():
                    if fn is None:
                        raise AwsError(400, "UnknownOperationException", f"{target} is not scripted")
                    try:
                        req = json.loads(body or b"{}")
                    except ValueError:
                        raise AwsError(400, "SerializationException", "The request body is not JSON")
                    check_owner(self.server.state.data, self.caller, service, op, req, True)
                    reply, changed = fn(self.server.state.data, req)
                    return 200, json.dumps(reply), ctype, changed
                return service, op, ctype, run
        if path.startswith("/2013-04-01/"):
            self.json_protocol = False
            return ("route53",) + self.route53(path, body)
        if self.command == "POST" and "x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            params = QueryParams(parse_qsl(body.decode(), keep_blank_values=True))
            service = QUERY_VERSIONS.get(params.get("Version"))
            op = params.get("Action", "")
            if service:
                self.json_protocol = False
                fn = QUERY_OPS.get((service, op))

                def run():
                    if fn is None:
                        raise AwsError(400, "InvalidAction", f"{op} is not scripted")
                    params.caller = self.caller
                    check_owner(self.server.state.data, self.caller, service, op, params, False)
                    inner, changed = fn(self.server.state.data, params)
                    ns = XMLNS[service]
                    xml = (f"<{op}Response xmlns=\"{ns}\"><{op}Result>{inner}</{op}Result>"
                           f"<ResponseMetadata><RequestId>{self.request_id}</RequestId></ResponseMetadata>"
                           f"</{op}Response>")
                    return 200, xml, "text/xml", changed
                return service, op, "text/xml", run
        return None

    def route53(self, path, body):
        parts = path.rstrip("/").split("/")  # ['', '2013-04-01', 'hostedzone', ID, 'rrset']
        st = self.server.state.data
        if len(parts) == 5 and parts[2] == "hostedzone" and parts[4] == "rrset":
            zone = parts[3]
            op = "ChangeResourceRecordSets" if self.command == "POST" else "ListResourceRecordSets"

            def run():
                check_owner(st, self.caller, "route53", op, {"HostedZoneId": zone}, False)
                if self.command == "POST":
                    return 200, r53_change(st, zone, body), "text/xml", True
                return 200, r53_list(st, zone, urlsplit(self.path).query), "text/xml", False
            return op, "text/xml", run
        if len(parts) == 4 and parts[2] == "change":
            return "GetChange", "text/xml", lambda: (200, r53_get_change(st, parts[3]), "text/xml", True)

        def unknown():
            raise AwsError(404, "UnknownOperation", f"{self.command} {path} is not scripted")
        return "Unknown", "text/xml", unknown


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("state", help="the JSON state file (created empty when absent)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.state = State(args.state)
    server.verbose = args.verbose
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
