# db: the MySQL connection layer (MariaDB Connector/C).
libcutover_a_SOURCES += db/db.c db/db.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_db
TESTS += tests/unit/test_db
endif
