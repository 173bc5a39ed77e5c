"""The plan's JSON Schema against the parser (run by plan_schema.sh).

1. Every example plan and every good test plan, as plain JSON (plan-check
   --json), validates against doc/cutover-plan.schema.json (python3-jsonschema,
   draft 2020-12).
2. The schema and the parser cannot drift: for every object of the schema
   (each section, each method of a method section, the nested HTTP request,
   secret reference and step entry), a plan with an unknown key there makes
   the parser list the keys it allows ("expected one of: ..."), and that list
   must be the schema's; for every enum, an unknown value makes it list the
   values, and those must be the schema's.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema

top, check = sys.argv[1], sys.argv[2]
schema = json.load(open(os.path.join(top, "doc/cutover-plan.schema.json"), encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []


def plain(path):
    done = subprocess.run([check, "--json", path], capture_output=True, text=True)
    if done.returncode != 0:
        failures.append(f"{path}: the parser refuses it: {done.stderr.strip()}")
        return None
    return json.loads(done.stdout)


# 1. real plans validate
plans = []
for folder in ("examples", "tests/data/plans/good"):
    for name in sorted(os.listdir(os.path.join(top, folder))):
        if name.endswith((".json", ".jsonc")):
            plans.append(os.path.join(top, folder, name))
for path in plans:
    doc = plain(path)
    if doc is None:
        continue
    for e in validator.iter_errors(doc):
        failures.append(f"{path}: {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}")
print(f"{len(plans)} plans validate against the schema" if not failures else "plans checked")

# 2. no drift
BASE = {"name": "drift", "source": {"host": "127.0.0.1", "user": "u"},
        "target": {"host": "127.0.0.1", "user": "u"}, "steps": []}
BAD = "zz_not_a_key"


def parser_list(plan):
    """What the parser says it expects, as a set (None when it accepted)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(plan, f)
    done = subprocess.run([check, f.name], capture_output=True, text=True)
    os.unlink(f.name)
    if done.returncode == 0:
        return None, "accepted"
    m = re.search(r"expected one of: (.*)$", done.stderr.strip())
    if not m:
        return None, done.stderr.strip()
    return {w.strip().strip('"') for w in m.group(1).split(",")}, done.stderr.strip()


def resolve(node):
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def compare(where, plan, want):
    got, msg = parser_list(plan)
    if got is None:
        failures.append(f"{where}: the parser did not list what it expects: {msg}")
    elif got != set(want):
        failures.append(f"{where}: parser {sorted(got)} != schema {sorted(want)}")


def with_section(name, value):
    plan = json.loads(json.dumps(BASE))
    plan[name] = value
    return plan


checked = 0
compare("top level", with_section(BAD, 1), schema["properties"].keys())
checked += 1
for name, node in schema["properties"].items():
    node = resolve(node)
    if "oneOf" in node and node.get("type") == "object":
        methods = [alt["properties"]["method"]["const"] for alt in node["oneOf"]]
        compare(f"{name}.method", with_section(name, {"method": BAD}), methods)
        checked += 1
        for alt in node["oneOf"]:
            m = alt["properties"]["method"]["const"]
            compare(f"{name} ({m})", with_section(name, {"method": m, BAD: 1}), alt["properties"].keys())
            checked += 1
    elif node.get("type") == "object" and "properties" in node:
        compare(name, with_section(name, {BAD: 1}), node["properties"].keys())
        checked += 1
        for key, sub in node["properties"].items():
            sub = resolve(sub)
            if "enum" in sub:
                compare(f"{name}.{key}", with_section(name, {**BASE.get(name, {}), key: BAD}),
                        sub["enum"])
                checked += 1
    elif "enum" in node:
        compare(name, with_section(name, BAD), node["enum"])
        checked += 1
# nested: the HTTP request, the secret reference, a step entry and its id
http = resolve({"$ref": "#/$defs/http"})
ok_http = {"url": "https://ops.example/m"}
compare("maintenance.on (http)", with_section("maintenance", {"method": "http", "on": {**ok_http, BAD: 1}, "off": ok_http}), http["properties"].keys())
hook = resolve({"$ref": "#/$defs/webhook"})
compare("notify.NAME", with_section("notify", {"team": {**ok_http, BAD: 1}}), hook["properties"].keys())
compare("notify.NAME.format", with_section("notify", {"team": {**ok_http, "format": BAD}}), hook["properties"]["format"]["enum"])
checked += 2
compare("http.method", with_section("maintenance", {"method": "http", "on": {**ok_http, "method": BAD}, "off": ok_http}), http["properties"]["method"]["enum"])
secret_keys = set()
for alt in schema["$defs"]["secret"]["oneOf"]:
    secret_keys |= set(alt["properties"].keys())
compare("secret reference", with_section("source", {"host": "h", "user": "u", "password": {BAD: 1}}), secret_keys)
entry = schema["properties"]["steps"]["items"]["oneOf"][1]
compare("steps[0] (object)", with_section("steps", [{"id": "preflight", BAD: 1}]), entry["properties"].keys())
compare("steps[0] (id)", with_section("steps", [BAD]), schema["$defs"]["step_id"]["enum"])
checked += 5
print(f"{checked} key lists and value lists: parser and schema agree" if not failures else "drift checked")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
