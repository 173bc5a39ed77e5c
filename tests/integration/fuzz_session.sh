#!/usr/bin/env bash
# A short run of the session-reader fuzzer (tests/fuzz/run.sh): no crash,
# leak or undefined behaviour on the seed corpus (which holds the inputs of
# past findings) and what libFuzzer makes of it in 20 seconds. Skips when
# clang's libFuzzer is absent.
. "$top_srcdir/tests/lib.sh"
command -v clang >/dev/null || skip "clang is not installed (Debian: clang, libclang-rt-14-dev)"
out=$(mktemp -d)
set +e
"$top_srcdir/tests/fuzz/run.sh" "${FUZZ_SECONDS:-20}" "$out"
rc=$?
set -e
[ $rc -eq 77 ] && skip "clang's libFuzzer is absent (Debian: libclang-rt-14-dev)"
[ $rc -eq 0 ] || fail "the fuzzer found a problem; the input is in $out"
rm -rf "$out"
