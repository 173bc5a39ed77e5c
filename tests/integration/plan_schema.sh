#!/usr/bin/env bash
# The plan's JSON Schema (doc/cutover-plan.schema.json) holds: every example
# and good test plan validates against it with a real validator (Debian
# python3-jsonschema), and the parser and the schema agree on every key and
# every enumerated value (tests/integration/plan_schema.py says how).
. "$top_srcdir/tests/lib.sh"
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || fail "python3-jsonschema is not installed (scripts/install-deps installs it)"
/usr/bin/python3 "$top_srcdir/tests/integration/plan_schema.py" "$top_srcdir" "$top_builddir/plan/plan-check" ||
    fail "the schema and the parser disagree (above)"
