# verify: chunked verification before the freeze and the window's recheck.
libcutover_a_SOURCES += verify/chunk.c verify/chunk.h verify/table.c verify/table.h \
	verify/compare.c verify/compare.h verify/binlog_rows.c verify/binlog_rows.h \
	verify/tail.c verify/tail.h verify/verifier.c verify/verifier.h verify/verifier_state.h \
	verify/recheck.c verify/table_list.c verify/table_list.h
if HAVE_CHECK
check_PROGRAMS += tests/unit/test_verify
TESTS += tests/unit/test_verify
endif
# On the lab, under write load: planted differences found, a clean run passes.
TESTS += tests/integration/verify_chunks.sh
EXTRA_DIST += tests/integration/verify_chunks.sh
