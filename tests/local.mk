# tests: the suite. Unit test programs are listed by their module's local.mk;
# shell tests (integration against the lab, terminal tests in tmux) here.
EXTRA_DIST += tests/run tests/lib.sh

# The house rules: formatting and where curses may be used.
TESTS += tests/integration/code_style.sh
EXTRA_DIST += tests/integration/code_style.sh
