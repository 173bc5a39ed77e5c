# lib: small shared helpers (time, strings, files).
libcutover_a_SOURCES += lib/clock.c lib/clock.h
libcutover_a_SOURCES += lib/operator.c lib/operator.h
libcutover_a_SOURCES += lib/redact.c lib/redact.h
