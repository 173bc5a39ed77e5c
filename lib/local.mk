# lib: small shared helpers (time, strings, files).
libcutover_a_SOURCES += lib/clock.c lib/clock.h
libcutover_a_SOURCES += lib/atomic_file.c lib/atomic_file.h
libcutover_a_SOURCES += lib/operator.c lib/operator.h
libcutover_a_SOURCES += lib/redact.c lib/redact.h lib/read_file.c lib/read_file.h
libcutover_a_SOURCES += lib/env_expand.c lib/env_expand.h lib/home_path.c lib/home_path.h
libcutover_a_SOURCES += lib/subprocess.c lib/subprocess.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_subprocess
TESTS += tests/unit/test_subprocess
endif
