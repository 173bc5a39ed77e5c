#!/usr/bin/env bash
# The command line: --version, --help, and bad usage answered with a clear
# message and exit status 2.
. "$top_srcdir/tests/lib.sh"

"$CUTOVER" --version | grep -Eq '^cutover [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
help=$("$CUTOVER" --help)
for word in run check verify --readonly --headless --yes --dry-run --session-dir --theme; do
    grep -q -- "$word" <<<"$help" || fail "--help does not mention $word"
done

expect_usage() {
    local expect=$1 out rc
    shift
    set +e
    out=$("$CUTOVER" "$@" 2>&1)
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "'cutover $*' exited $rc, expected 2"
    grep -q -- "$expect" <<<"$out" || fail "'cutover $*' said: $out (expected: $expect)"
}
expect_usage "unknown option: --bogus" --bogus
expect_usage "unknown option: --bogus" run --bogus plan.json
expect_usage "no plan given" run
expect_usage "this option needs a value: --theme" run --theme
expect_usage "one plan at a time" run a.json b.json
expect_usage "no-such-plan.json" run /nonexistent/no-such-plan.json
expect_usage "needs a whole number" run --exit-after-frames x plan.json
note "usage errors exit 2 with a message"
