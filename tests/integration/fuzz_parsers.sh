#!/usr/bin/env bash
# The parser fuzzers (libFuzzer with ASan + UBSan): the plan parser
# (tests/fuzz/fuzz_plan.c) and the AWS reply parsers (tests/fuzz/fuzz_aws.c),
# each built with clang and run for FUZZ_SECONDS (default 15) on its seed
# corpus (tests/fuzz/corpus/plan, tests/fuzz/corpus/aws). Prints executions
# and crashes per harness; fails on any crash, leak or timeout, saving the
# input under FUZZ_OUT (default a temporary directory, kept on failure).
# Longer runs: FUZZ_SECONDS=600 bash tests/integration/fuzz_parsers.sh
# (the session reader has its own: tests/fuzz/run.sh, tests/integration/fuzz_session.sh).
. "$top_srcdir/tests/lib.sh"
seconds=${FUZZ_SECONDS:-15}
command -v clang >/dev/null || skip "clang is not installed (Debian: clang)"
out=${FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/cutover-fuzz-parsers.XXXXXX")}
mkdir -p "$out"

plan_srcs=(tests/fuzz/fuzz_plan.c plan/jsonc.c plan/reader.c plan/actions.c plan/plan.c plan/steps.c plan/notify.c
    plan/secret.c plan/option_file.c plan/server_options.c lib/redact.c lib/clock.c lib/home_path.c)
aws_srcs=(tests/fuzz/fuzz_aws.c aws/buf.c aws/xml.c aws/http.c aws/secrets.c aws/sigv4.c
    aws/fetch.c aws/profile.c aws/assume.c aws/sso.c aws/sts.c lib/redact.c lib/read_file.c lib/clock.c lib/subprocess.c
    lib/home_path.c)

# build NAME SRCS…: the harness into $out/NAME; status 77 without libFuzzer.
build() {
    local name=$1
    shift
    # shellcheck disable=SC2046 # pkg-config prints several words
    if ! clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=undefined -I"$top_srcdir" -I"$top_builddir" \
        $(pkg-config --cflags json-c libcurl openssl mysqlclient) "${@/#/$top_srcdir/}" \
        $(pkg-config --libs json-c libcurl openssl mysqlclient) -lm -lpthread \
        -o "$out/$name" 2>"$out/$name.build.log"; then
        grep -q 'libclang_rt.fuzzer\|fsanitize=fuzzer' "$out/$name.build.log" &&
            skip "clang's libFuzzer runtime is absent (Debian: libclang-rt-dev)"
        cat "$out/$name.build.log" >&2
        fail "building $name failed"
    fi
}

# run NAME CORPUS: fuzzes for $seconds on a copy of the seed corpus.
run() {
    local name=$1 seeds=$top_srcdir/tests/fuzz/corpus/$2 rc=0 execs artefacts
    mkdir -p "$out/$name.corpus" "$out/$name.artefacts"
    (cd "$out/$name.artefacts" && "$out/$name" -max_total_time="$seconds" -max_len=16384 \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        "$out/$name.corpus" "$seeds" >"$out/$name.log" 2>&1) || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
    artefacts=$(find "$out/$name.artefacts" -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
    echo "$name: ${execs:-?} executions in ${seconds}s, corpus $(find "$out/$name.corpus" -type f | wc -l) inputs, $artefacts crash/leak/timeout inputs, exit $rc"
    if [ "$rc" != 0 ] || [ "$artefacts" != 0 ]; then
        tail -n 40 "$out/$name.log" >&2
        fail "$name found a problem; inputs in $out/$name.artefacts"
    fi
}

build fuzz_plan "${plan_srcs[@]}"
build fuzz_aws "${aws_srcs[@]}"
run fuzz_plan plan
run fuzz_aws aws
[ -n "${FUZZ_OUT:-}" ] || rm -rf "$out"
