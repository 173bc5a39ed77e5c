"""plan_validate.py SCHEMA PLAN.json: validates one plan (plain JSON, as
plan-check --json prints it) against the plan's JSON Schema; prints each
error with its path and exits 1 when there is any."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1], encoding="utf-8"))
plan = json.load(open(sys.argv[2], encoding="utf-8"))
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(plan))
for e in errors:
    print(f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}")
sys.exit(1 if errors else 0)
