# db: the MySQL connection layer (MariaDB Connector/C).
libcutover_a_SOURCES += db/db.c db/db.h db/dialect.c db/dialect.h db/plan_lock.c db/plan_lock.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_db
TESTS += tests/unit/test_db
endif

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_dialect
TESTS += tests/unit/test_dialect
endif

# TLS "required" refused before the password leaves, on the lab.
TESTS += tests/integration/db_tls_required.sh
EXTRA_DIST += tests/integration/db_tls_required.sh
# Client certificates against servers that REQUIRE X509 (lab/up --tls).
TESTS += tests/integration/tls_client_cert.sh
EXTRA_DIST += tests/integration/tls_client_cert.sh
