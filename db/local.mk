# db: the MySQL connection layer (MariaDB Connector/C).
libcutover_a_SOURCES += db/db.c db/db.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_db
TESTS += tests/unit/test_db
tests_unit_test_db_SOURCES = tests/unit/test_db.c
tests_unit_test_db_CFLAGS = $(TEST_UNIT_FLAGS)
tests_unit_test_db_LDADD = $(TEST_UNIT_LIBS)
endif
