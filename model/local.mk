# model: the fold of events into screen state (no curses, no I/O).
libcutover_a_SOURCES += model/model.c model/model.h model/alarms.c model/alarms.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_model
TESTS += tests/unit/test_model
endif
