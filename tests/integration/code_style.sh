#!/usr/bin/env bash
# The house rules a newcomer can rely on, checked rather than hoped for:
# every C file is formatted with the committed .clang-format, curses is used
# nowhere but tui/ (the canvas and the terminal), and the folders depend on
# each other only downwards: the pure model folds events and knows nothing
# of the threads that make them (probes/, checklist/) nor of the screen; the
# recording (replay/) knows nothing of the terminal (console/, panels/,
# tui/); the event vocabulary (session/) depends on nothing above it.
. "$top_srcdir/tests/lib.sh"
command -v clang-format >/dev/null || skip "clang-format is not installed (Debian: clang-format)"
cd "$top_srcdir" || fail "no source tree at $top_srcdir"
files=$(find aws bench checklist cli console db lab lib model panels plan probes replay report \
    session themes tui tests -name '*.[ch]' -not -path '*/_build/*' | sort)
[ -n "$files" ] || fail "no C files found under $top_srcdir"
bad=""
for f in $files; do
    clang-format --style=file --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
[ -z "$bad" ] || fail "not formatted with .clang-format (run clang-format -i):$bad"
note "$(echo "$files" | wc -l) C files formatted"
curses=$(grep -lE '#include [<"](n?curses|ncursesw/)' $files | grep -v '^tui/' || true)
[ -z "$curses" ] || fail "curses outside tui/: $curses"

# layering: "FOLDER: forbidden folders" (project includes only)
layer_bad=""
while read -r folder forbidden; do
    for f in $(echo "$files" | grep "^${folder%:}/"); do
        for dep in $forbidden; do
            if grep -qE "#include \"$dep/" "$f"; then
                layer_bad="$layer_bad $f->$dep/"
            fi
        done
    done
done <<'RULES'
model: probes checklist console panels tui replay cli
replay: console panels tui probes checklist cli
session: model probes checklist console panels tui replay cli
panels: probes checklist cli replay
notify: checklist console panels tui probes replay cli verify
RULES
[ -z "$layer_bad" ] || fail "layering broken (folder -> what it may not include):$layer_bad"
note "layering holds: model/, replay/, session/, panels/, notify/"
