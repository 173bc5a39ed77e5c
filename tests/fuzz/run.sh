#!/usr/bin/env bash
# Builds the session-reader fuzzer with clang's libFuzzer (ASan + UBSan) and
# runs it for SECONDS on the seed corpus (tests/fuzz/corpus/session), on as
# many jobs as asked. Prints executions and crashes; exits 1 on a crash,
# 77 when clang or libFuzzer is missing (Debian: clang, libclang-rt-14-dev).
#   tests/fuzz/run.sh SECONDS [OUTDIR]
set -euo pipefail
seconds=${1:-60}
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${2:-${TMPDIR:-/tmp}/cutover-fuzz}
mkdir -p "$out/corpus"
command -v clang >/dev/null || { echo "SKIP: clang is not installed" >&2; exit 77; }
srcs=(tests/fuzz/fuzz_session.c replay/reader.c replay/quickscan.c replay/index.c replay/index_file.c
    replay/player.c replay/timearg.c session/event.c session/event_json.c model/model.c
    session/step_state.c session/blockgz_read.c lib/clock.c)
bin="$out/fuzz_session"
if ! clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$here" $(pkg-config --cflags json-c zlib) \
    "${srcs[@]/#/$here/}" $(pkg-config --libs json-c zlib) -lm -lpthread -o "$bin" 2>"$out/build.log"; then
    if grep -q "libclang_rt.fuzzer\|fsanitize=fuzzer" "$out/build.log"; then
        echo "SKIP: clang's libFuzzer is absent (Debian: libclang-rt-14-dev)" >&2
        exit 77
    fi
    cat "$out/build.log" >&2
    exit 1
fi
cd "$out"
set +e
"$bin" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=1024 \
    -print_final_stats=1 corpus "$here/tests/fuzz/corpus/session" >"$out/fuzz.log" 2>&1
rc=$?
set -e
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log")
crashes=$(find "$out" -maxdepth 1 \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \) | wc -l)
echo "fuzz_session: ${runs:-?} executions in ${seconds}s, $crashes crash/leak/timeout artefacts, exit $rc"
if [ "$rc" -ne 0 ]; then
    tail -40 "$out/fuzz.log" >&2
    exit 1
fi
