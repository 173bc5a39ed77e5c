# Shell helpers for tests that use the local AWS endpoint (source this).
#   fake_start        copies tests/aws/fake_state.json into $FAKE_DIR, starts
#                     fake_aws.py, sets FAKE_PORT, FAKE_URL, FAKE_STATE and
#                     stops the server when the test exits
#   fake_query EXPR   evaluates a Python expression over the state `s`
#   fake_knobs JSON   merges JSON into the state's knobs
#   fake_env          exports the static test credentials and region
FAKE_PY=/usr/bin/python3

fake_need_python() {
    if [ ! -x "$FAKE_PY" ]; then
        echo "SKIP: $FAKE_PY is not available"
        exit 77
    fi
}

fake_start() {
    fake_need_python
    FAKE_DIR=$(mktemp -d /tmp/cutover-fake-aws.XXXXXX)
    FAKE_STATE="$FAKE_DIR/state.json"
    cp "$top_srcdir/tests/aws/fake_state.json" "$FAKE_STATE"
    "$FAKE_PY" "$top_srcdir/tests/aws/fake_aws.py" "$FAKE_STATE" --port-file "$FAKE_DIR/port" \
        >"$FAKE_DIR/stdout" 2>"$FAKE_DIR/stderr" &
    FAKE_PID=$!
    trap 'kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; rm -rf "$FAKE_DIR"' EXIT
    for _ in $(seq 1 100); do
        [ -s "$FAKE_DIR/port" ] && break
        sleep 0.05
    done
    if [ ! -s "$FAKE_DIR/port" ]; then
        echo "FAIL: the local AWS endpoint did not start:"
        cat "$FAKE_DIR/stderr"
        exit 1
    fi
    FAKE_PORT=$(cat "$FAKE_DIR/port")
    FAKE_URL="http://127.0.0.1:$FAKE_PORT"
}

fake_query() {
    "$FAKE_PY" -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
        "$FAKE_STATE" "$1"
}

fake_knobs() {
    curl -sf -X POST "$FAKE_URL/_fake/knobs" -d "$1" >/dev/null
}

fake_env() {
    unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
        AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_EC2_METADATA_SERVICE_ENDPOINT
    export AWS_ACCESS_KEY_ID=AKIAFAKE0000CUTOVER1
    export AWS_SECRET_ACCESS_KEY=fakeSecretKeyForTheLocalEndpoint000000001
    export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
    export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
    export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
}

# check NAME EXPECTED ACTUAL
check() {
    if [ "$2" = "$3" ]; then
        echo "ok: $1"
    else
        echo "FAIL: $1: expected [$2], got [$3]"
        failures=$((failures + 1))
    fi
}

# check_contains NAME NEEDLE HAYSTACK
check_contains() {
    case "$3" in
    *"$2"*) echo "ok: $1" ;;
    *)
        echo "FAIL: $1: [$2] not in [$3]"
        failures=$((failures + 1))
        ;;
    esac
}
failures=0
