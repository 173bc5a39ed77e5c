# probes: one thread per probe, posting samples and health to the bus.
libcutover_a_SOURCES += probes/probes.c probes/probes.h \
	probes/probe.c probes/probe.h probes/heartbeat.c probes/heartbeat.h \
	probes/server.c probes/server.h probes/replica.c probes/replica.h \
	probes/cdc.c probes/cdc.h probes/servers.c probes/servers.h \
	probes/endpoint.c probes/endpoint.h probes/netprobe.c probes/netprobe.h \
	probes/rate.c probes/rate.h probes/binlog.c probes/binlog.h \
	probes/offset.c probes/offset.h probes/window.c probes/window.h \
	probes/addrs.c probes/addrs.h

# A debugging tool: the probes' events as lines (used by the probes tests).
noinst_PROGRAMS += probes/probe-dump
probes_probe_dump_SOURCES = probes/probe-dump.c

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_probes
TESTS += tests/unit/test_probes
endif

# Integration tests on the lab, through probe-dump.
TESTS += tests/integration/probes_live.sh tests/integration/probes_lag.sh \
	tests/integration/probes_endpoint.sh
EXTRA_DIST += tests/integration/probes_live.sh tests/integration/probes_lag.sh \
	tests/integration/probes_endpoint.sh tests/integration/probes_lib.sh

# AWS: CloudWatch and the DMS API (the "aws" probe), and the failover sentinel.
libcutover_a_SOURCES += probes/cloudwatch.c probes/cloudwatch.h probes/dms.c probes/dms.h \
	probes/sentinel.c probes/sentinel.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_probes_aws
TESTS += tests/unit/test_probes_aws
endif
