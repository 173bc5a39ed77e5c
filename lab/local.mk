# lab: the local lab (two MariaDB servers, the endpoint proxy, the lab
# application) that users, tests and benchmarks share. The programs are lab
# tools, built by make but not part of libcutover.a.
noinst_PROGRAMS += lab/endpoint-proxy lab/labapp lab/labcdc
lab_endpoint_proxy_SOURCES = lab/endpoint-proxy.c
lab_endpoint_proxy_LDADD =
lab_labapp_SOURCES = lab/labapp.c
lab_labapp_CFLAGS = $(AM_CFLAGS) $(MYSQL_CFLAGS)
lab_labapp_LDADD = $(MYSQL_LIBS)
# The DMS stand-in: shares the table-mapping rules with the console
# (aws/dms_mappings.c, in the library).
lab_labcdc_SOURCES = lab/labcdc.c lab/cdc_stream.c lab/cdc_stream.h
lab_labcdc_LDADD = libcutover.a $(DEPS_LIBS)

dist_noinst_SCRIPTS += lab/up lab/down lab/app lab/proxy lab/cdc lab/check-app-log
EXTRA_DIST += lab/common.sh lab/README.md

LAB_TESTS = \
	tests/integration/lab_replication.sh \
	tests/integration/lab_proxy.sh \
	tests/integration/lab_link_delay.sh \
	tests/integration/lab_app.sh \
	tests/integration/lab_down.sh
TESTS += $(LAB_TESTS)
EXTRA_DIST += $(LAB_TESTS)

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_cdc_stream
tests_unit_test_cdc_stream_SOURCES = tests/unit/test_cdc_stream.c lab/cdc_stream.c
TESTS += tests/unit/test_cdc_stream
endif
EXTRA_DIST += tests/data/binlog/mariadb-10.11-verbose.txt
