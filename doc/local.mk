# doc: build lines for this folder
dist_man_MANS += doc/cutover-plan.5
# Installed where a Debian user looks: the example plans under the package's
# documentation, the completion where bash-completion loads it on demand.
examplesdir = $(docdir)/examples
dist_examples_DATA = examples/lab.plan.jsonc examples/rds.plan.jsonc
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = completions/cutover
TESTS += tests/integration/bash_completion.sh
EXTRA_DIST += tests/integration/bash_completion.sh
# The Debian package: built from the release tarball and linted by a test.
EXTRA_DIST += debian/control debian/rules debian/changelog debian/copyright debian/source/format
TESTS += tests/integration/debian_package.sh
EXTRA_DIST += tests/integration/debian_package.sh
dist_man_MANS += doc/cutover.1
EXTRA_DIST += doc/ARCHITECTURE.md
