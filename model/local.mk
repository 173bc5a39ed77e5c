# model: the fold of events into screen state (no curses, no I/O).
libcutover_a_SOURCES += model/model.c model/model.h model/alarms.c model/alarms.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_model
TESTS += tests/unit/test_model
tests_unit_test_model_SOURCES = tests/unit/test_model.c
tests_unit_test_model_CFLAGS = $(TEST_UNIT_FLAGS)
tests_unit_test_model_LDADD = $(TEST_UNIT_LIBS)
endif
