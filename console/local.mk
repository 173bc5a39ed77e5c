# console: the screen drawn from the model, the key table, the live loop.
libcutover_a_SOURCES += console/keys.c console/keys.h console/screen.c console/screen.h
