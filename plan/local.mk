# plan: build lines for this folder
libcutover_a_SOURCES += plan/jsonc.c plan/jsonc.h plan/reader.c plan/reader.h \
	plan/actions.c plan/actions.h plan/plan.c plan/plan.h plan/secret.c plan/secret.h \
	plan/steps.c plan/steps.h plan/notify.c plan/notify.h \
	plan/option_file.c plan/option_file.h plan/server_options.c plan/server_options.h
if HAVE_CHECK
check_PROGRAMS += tests/unit/test_plan
TESTS += tests/unit/test_plan
tests_unit_test_plan_CPPFLAGS = $(AM_CPPFLAGS) -DTEST_SRCDIR='"$(abs_top_srcdir)"'
endif
EXTRA_DIST += tests/data/plans
# lib/redact's tests live here so that lib/local.mk stays one line per module.
if HAVE_CHECK
check_PROGRAMS += tests/unit/test_redact
TESTS += tests/unit/test_redact
endif
noinst_PROGRAMS += plan/plan-check
plan_plan_check_SOURCES = plan/plan_check.c
# The plan's JSON Schema: real plans validate, and it agrees with the parser.
EXTRA_DIST += doc/cutover-plan.schema.json tests/plan_validate.py tests/integration/plan_schema.py
TESTS += tests/integration/plan_schema.sh
EXTRA_DIST += tests/integration/plan_schema.sh
# Servers from MySQL option files, on the lab (the DMS topology in tests/dms).
TESTS += tests/integration/option_files_lab.sh
EXTRA_DIST += tests/integration/option_files_lab.sh
