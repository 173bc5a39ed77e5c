# session: the event stream and its vocabulary (the metric keys, the step
# and probe states every folder speaks), the bus, the recorder and the audit
# log.
libcutover_a_SOURCES += session/event.c session/event.h session/metrics.h \
	session/step_state.c session/step_state.h session/bus.c session/bus.h
libcutover_a_SOURCES += session/event_json.c session/event_json.h session/session_dir.c session/session_dir.h
libcutover_a_SOURCES += session/recorder.c session/recorder.h session/audit.c session/audit.h
libcutover_a_SOURCES += session/blockgz.h session/blockgz_format.h session/blockgz_read.c \
	session/blockgz_write.c

# Test helper: writes audit records the way the checklist does.
check_PROGRAMS += tests/session/audit_fill
tests_session_audit_fill_SOURCES = tests/session/audit_fill.c
TESTS += tests/integration/audit_verify.sh
EXTRA_DIST += tests/integration/audit_verify.sh

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_event_json tests/unit/test_audit tests/unit/test_recorder \
	tests/unit/test_session_dir tests/unit/test_blockgz
TESTS += tests/unit/test_event_json tests/unit/test_audit tests/unit/test_recorder \
	tests/unit/test_session_dir tests/unit/test_blockgz
endif
# The disk-full tests of the audit log and the recorder share a small tmpfs.
tests_unit_test_audit_SOURCES = tests/unit/test_audit.c tests/unit/small_disk.c \
	tests/unit/small_disk.h
tests_unit_test_recorder_SOURCES = tests/unit/test_recorder.c tests/unit/small_disk.c \
	tests/unit/small_disk.h
