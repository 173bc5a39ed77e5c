#!/usr/bin/env bash
# The bash completion (completions/cutover) against the real binary: the
# commands and every command's options come from its --help (so they cannot
# drift from it), and every option it offers is one the command accepts;
# themes (built in and the user's), plans, recordings and audit logs are
# offered where each is expected, and nothing else.
. "$top_srcdir/tests/lib.sh"
command -v bash >/dev/null || skip "bash is not installed"
work=$(mktemp -d)
cfg=$(mktemp -d)
trap 'rm -rf "$work" "$cfg"' EXIT
cd "$work"
touch a.json b.jsonc c.txt n.session.jsonl m.session.jsonl.gz x.audit.jsonl
mkdir -p sub "$cfg/cutover/themes"
cp "$top_srcdir/themes/light.theme" "$cfg/cutover/themes/mine.theme"
export XDG_CONFIG_HOME=$cfg
bindir=$(dirname "$CUTOVER")

complete_line() { # WORDS...: prints the completions, one per line, sorted
    PATH="$bindir:$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _cutover; printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' \
        _ "$top_srcdir/completions/cutover" "$@"
}
expect() { # WANT WORDS...
    local want=$1 got
    shift
    got=$(complete_line "$@" | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$want" ] || fail "completing '$*': got '$got', want '$want'"
}

expect "a.json b.jsonc check console export follow init replay report run sub/ verify" cutover ""
expect "check" cutover ch
expect "--json --offline" cutover check --
expect "a.json b.jsonc sub/" cutover check ""
expect "sub/ x.audit.jsonl" cutover verify ""
expect "m.session.jsonl.gz n.session.jsonl sub/" cutover replay ""
expect "a.json b.jsonc sub/" cutover verify --hmac ""
expect "dark high-contrast light mine monochrome sub/" cutover --theme ""
expect "sub" cutover --session-dir ""
note "commands, plans, recordings, audit logs and themes offered where expected"

# Every option offered for a command is one the command knows: given alone
# it may want a value or a file, but it is never "unknown".
commands=$(complete_line cutover "" | grep -vE '\.|/')
checked=0
for cmd in "" $commands; do
    for opt in $(complete_line cutover $cmd --); do
        [ "$opt" = --help ] || [ "$opt" = --version ] && continue
        err=$(timeout 10 "$CUTOVER" $cmd "$opt" </dev/null 2>&1 >/dev/null || true)
        ! grep -qiE "unknown option|unrecognized option|invalid option" <<<"$err" ||
            fail "completion offers '$opt' for '${cmd:-console}', which says: $err"
        checked=$((checked + 1))
    done
done
[ "$checked" -gt 20 ] || fail "only $checked options checked: the --help parsing broke"
note "$checked offered options, each known to its command"
