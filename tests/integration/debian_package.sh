#!/usr/bin/env bash
# The release and the Debian package, built and installed as a user would:
# `make distcheck` (the tarball builds out of tree, its unit suites pass -
# the lab's run in this suite already -, it installs and uninstalls
# cleanly), then `dpkg-buildpackage -us -uc` in the unpacked tarball;
# lintian reports no error; the package puts the binary, the man pages, the
# themes, the examples and the completion where Debian expects them; it
# installs with dpkg -i (as root), its binary opens the console on the lab,
# and dpkg -r removes it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
for tool in dpkg-buildpackage lintian dh; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps installs debhelper, lintian)"
done
work=$(mktemp -d)
installed=""
trap 'rm -rf "$work"' EXIT

t0=$(now_ms)
# A clean make: this test runs under `make check`, whose MAKEFLAGS (its
# TESTS among them) would otherwise reach the distcheck inside and run this
# test again within it.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$top_builddir" distcheck TESTS="tests/unit/test_plan tests/unit/test_blockgz tests/unit/test_notify" \
    >"$work/dist.out" 2>&1 || { tail -40 "$work/dist.out"; fail "make distcheck failed"; }
note "make distcheck: $(($(now_ms) - t0)) ms"
tarball=$(ls "$top_builddir"/cutover-*.tar.gz | head -n 1)
tar -xzf "$tarball" -C "$work"
rm -f "$tarball"
src=$(ls -d "$work"/cutover-*/)
[ -f "$src/debian/control" ] || fail "the release tarball has no debian/"
t0=$(now_ms)
(cd "$src" && dpkg-buildpackage -us -uc >"$work/build.out" 2>&1) || { tail -40 "$work/build.out"; fail "dpkg-buildpackage failed"; }
note "dpkg-buildpackage -us -uc: $(($(now_ms) - t0)) ms"
deb=$(ls "$work"/cutover_*.deb | head -n 1)
[ -f "$deb" ] || fail "no .deb built"

lint=$(lintian --fail-on error --no-tag-display-limit "$deb" 2>&1) || fail "lintian reports errors:
$lint"
note "lintian: $(grep -c '^E:' <<<"$lint") errors, $(grep -c '^W:' <<<"$lint") warnings"
[ -z "$lint" ] || echo "$lint"

contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/cutover ./usr/share/man/man1/cutover.1.gz ./usr/share/man/man5/cutover-plan.5.gz \
    ./usr/share/cutover/themes/dark.theme ./usr/share/doc/cutover/examples/lab.plan.jsonc \
    ./usr/share/bash-completion/completions/cutover ./usr/share/doc/cutover/copyright; do
    grep -q " $path\$" <<<"$contents" || fail "the package lacks $path"
done

# The package installed as a user would (dpkg -i, as root; removed again
# afterwards), and its binary runs the console on the lab. Without root it
# is unpacked instead.
if [ "$(id -u)" = 0 ] && ! dpkg-query -W cutover >/dev/null 2>&1; then
    dpkg -i "$deb" >"$work/install.out" 2>&1 || { cat "$work/install.out"; fail "dpkg -i failed"; }
    installed=1
    bin=/usr/bin/cutover
    [ -f /usr/share/bash-completion/completions/cutover ] || fail "the installed package has no completion"
    note "installed with dpkg -i"
else
    dpkg-deb -x "$deb" "$work/root"
    bin="$work/root/usr/bin/cutover"
    note "unpacked (not root, or a cutover package is installed already)"
fi
"$bin" --version | grep -q '^cutover ' || fail "the packaged binary does not run"
lab_start --no-app
export LAB_APP_PASSWORD
tmux_start 120 40 "$bin" --session-dir "$LAB_DIR/sessions" "$LAB_PLAN"
tmux_wait_for 'Lag [0-9.]+ (ms|s)' 20 || fail "the packaged console did not show the lab's lag"
note "the packaged console shows the lab"
if [ -n "${installed:-}" ]; then
    dpkg -r cutover >/dev/null || fail "dpkg -r cutover failed"
    [ ! -e /usr/bin/cutover ] || fail "dpkg -r left /usr/bin/cutover behind"
    note "removed with dpkg -r"
fi
