# shellcheck shell=bash
# The start of every AWS-backed cutover test on the lab: the shared test
# library, the cutover helpers and the lab with the local AWS endpoint; the
# console must be built. Source it first.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/cutover_lib.sh"
. "$top_srcdir/tests/aws/aws_lab.sh"
[ -x "$CUTOVER" ] || fail "$CUTOVER not built"
