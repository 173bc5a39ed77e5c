#!/usr/bin/python3
"""Signs many generated requests with botocore's SigV4Auth and with our
signer (the sigv4_agree program, fed the same requests as JSON lines), and
fails on the first disagreement, printing the request and both answers.

Usage: botocore_agree.py PATH/TO/sigv4_agree [COUNT] [SEED]
Exit: 0 all agree, 1 a mismatch, 77 botocore absent."""
import json
import random
import subprocess
import sys
import types
import datetime
from urllib.parse import quote

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    print("SKIP: python3-botocore is not installed")
    sys.exit(77)

METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "get", "Post"]
SERVICES = ["dms", "monitoring", "secretsmanager", "ssm", "rds", "route53", "service", "sts"]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1", "eu-central-2"]
HOSTS = ["dms.us-east-1.amazonaws.com", "Monitoring.EU-West-1.amazonaws.com", "127.0.0.1",
         "localhost", "example.amazonaws.com", "[::1]"]
PORTS = ["", ":443", ":80", ":8443", ":4566", ":1"]
SEGMENT_CHARS = (
    "abcXYZ019-._~" + "!$&'()*+,;=:@" + " " + "\u00e9\u00fc\u1234\u4e2d\U0001f600" + "%"
)
SPECIAL_SEGMENTS = ["", ".", "..", "%20", "%2F", "%41", "%zz", "a%2fb", "...", "~user"]
QUERY_CHARS = "abcXYZ019-._~" + "!$'()*,;:@/?" + " +&=%#" + "\u00e9\u1234\U0001f600"
VALUE_CHARS = "abcXYZ019-._~" + "!\"#$%&'()*+,/:;<=>?@[\\]^`{|}" + "\u00e9\u00fc\u4e2d"
NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def rand_str(rng, chars, lo, hi):
    return "".join(rng.choice(chars) for _ in range(rng.randint(lo, hi)))


def rand_path(rng):
    if rng.random() < 0.05:
        return ""
    segs = []
    for _ in range(rng.randint(0, 6)):
        if rng.random() < 0.3:
            segs.append(rng.choice(SPECIAL_SEGMENTS))
        else:
            segs.append(rand_str(rng, SEGMENT_CHARS, 1, 8))
    path = "/" + "/".join(segs)
    if rng.random() < 0.3:
        path += "/"
    return path


def rand_params(rng):
    params = []
    for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
        if params and rng.random() < 0.25:
            key = rng.choice(params)[0]  # a repeated key
        else:
            key = rand_str(rng, QUERY_CHARS, 0 if rng.random() < 0.05 else 1, 8)
        value = "" if rng.random() < 0.2 else rand_str(rng, QUERY_CHARS, 1, 10)
        params.append((key, value))
    return params


def wire_component(rng, s):
    """Percent-encoded as a client would, or raw when that is unambiguous,
    so the C side's decode-then-encode is exercised both ways. A raw '+'
    is left in on purpose: it means '+' (as botocore serializes and signs
    it, %2B), never a space."""
    if not any(c in s for c in "&=%#") and rng.random() < 0.4:
        return s
    return quote(s, safe=rng.choice(["", "-_.~", "!$'()*,;:@/?"]))


def rand_header_value(rng):
    ws = [" ", "  ", "\t", " \t ", "\n  ", "\n\t"]
    parts = [rand_str(rng, VALUE_CHARS, 1, 6) for _ in range(rng.randint(0, 4))]
    value = ""
    for p in parts:
        value += (rng.choice(ws) if value or rng.random() < 0.3 else "") + p
    if rng.random() < 0.3:
        value += rng.choice(ws)
    return value


def rand_headers(rng, host):
    headers = []
    if rng.random() < 0.3:
        headers.append(("Host" if rng.random() < 0.5 else "HOST", host.upper() if rng.random() < 0.3 else host))
    for _ in range(rng.randint(0, 6)):
        if headers and rng.random() < 0.2:
            name = rng.choice(headers)[0]
            name = name.lower() if rng.random() < 0.5 else name  # the same key again
        else:
            name = rng.choice(["X-Amz-Target", "Content-Type", "X-Custom-", "My-Header", "x-amz-meta-"])
            name += rand_str(rng, NAME_CHARS, 0, 5)
        headers.append((name, rand_header_value(rng)))
    extras = [("User-Agent", "aws-cli/2.9"), ("Expect", "100-continue"),
              ("X-Amzn-Trace-Id", "Root=1-abc"), ("X-Amz-Date", "19990101T000000Z"),
              ("Authorization", "AWS4-HMAC-SHA256 stale"), ("X-Amz-Security-Token", "stale"),
              ("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"),
              ("Content-Type", "application/x-amz-json-1.1")]
    for extra in extras:
        if rng.random() < 0.1:
            headers.insert(rng.randint(0, len(headers)), extra)
    return headers


def rand_body(rng):
    kind = rng.random()
    if kind < 0.3:
        return b""
    if kind < 0.6:
        return json.dumps({"SecretId": rand_str(rng, VALUE_CHARS, 1, 20)}).encode()
    return bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))


def generate(rng):
    host = rng.choice(HOSTS)
    scheme = rng.choice(["https", "http"])
    req = {
        "method": rng.choice(METHODS),
        "url": f"{scheme}://{host}{rng.choice(PORTS)}{rand_path(rng)}",
        "params": rand_params(rng),
        "headers": [],
        "body": rand_body(rng),
        "akid": "AKIA" + rand_str(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16),
        "secret": rand_str(rng, B64, 40, 40),
        "token": rand_str(rng, B64, 20, 400) if rng.random() < 0.4 else None,
        "region": rng.choice(REGIONS),
        "service": rng.choice(SERVICES),
        "time": rng.randint(946684800, 2145916800),
    }
    req["headers"] = rand_headers(rng, host)
    req["query"] = "&".join(
        # "k" and "k=" mean the same; an empty name keeps its "=" so that it
        # is not an empty "&&" pair, which carries no parameter at all.
        wire_component(rng, k) + ("=" + wire_component(rng, v) if k == "" or v or rng.random() < 0.7 else "")
        for k, v in req["params"])
    return req


class CapturingSigV4(botocore.auth.SigV4Auth):
    def canonical_request(self, request):
        self.creq = super().canonical_request(request)
        return self.creq

    def string_to_sign(self, request, canonical_request):
        self.sts = super().string_to_sign(request, canonical_request)
        return self.sts


def botocore_sign(req):
    moment = datetime.datetime.utcfromtimestamp(req["time"])

    class Frozen(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return moment

    botocore.auth.datetime = types.SimpleNamespace(datetime=Frozen)
    request = AWSRequest(method=req["method"], url=req["url"], data=req["body"],
                         params=list(req["params"]))
    for name, value in req["headers"]:
        request.headers[name] = value  # HTTPHeaders appends: repeated keys stay
    auth = CapturingSigV4(Credentials(req["akid"], req["secret"], req["token"]),
                          req["service"], req["region"])
    auth.add_auth(request)
    return {"creq": auth.creq, "sts": auth.sts, "authz": request.headers["Authorization"]}


def to_wire(req):
    return json.dumps({
        "method": req["method"], "url": req["url"], "query": req["query"],
        "headers": req["headers"], "body_hex": req["body"].hex(), "akid": req["akid"],
        "secret": req["secret"], "token": req["token"], "region": req["region"],
        "service": req["service"], "time": req["time"]})


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20150830
    rng = random.Random(seed)
    requests = [generate(rng) for _ in range(count)]
    stdin = "".join(to_wire(r) + "\n" for r in requests)
    proc = subprocess.run([sys.argv[1]], input=stdin.encode(), capture_output=True)
    if proc.returncode != 0:
        print(f"FAIL: {sys.argv[1]} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
        return 1
    ours = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    if len(ours) != count:
        print(f"FAIL: {count} requests sent, {len(ours)} answers")
        return 1
    for n, (req, mine) in enumerate(zip(requests, ours)):
        theirs = botocore_sign(req)
        for key in ("creq", "sts", "authz"):
            if mine.get(key) != theirs[key]:
                print(f"FAIL: request {n} (seed {seed}) differs in {key}")
                print("request:", to_wire(req))
                if "error" in mine:
                    print("ours failed:", mine["error"])
                else:
                    at = first_difference(mine[key], theirs[key])
                    print(f"first difference at character {at}")
                    print("ours:    ", repr(mine[key]))
                    print("botocore:", repr(theirs[key]))
                return 1
    print(f"botocore agreement: {count} of {count} requests agree (seed {seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
