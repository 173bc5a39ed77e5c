# lib: small shared helpers (time, strings, files).
libcutover_a_SOURCES += lib/clock.c lib/clock.h
