# model: the fold of events into screen state (no curses, no I/O).
libcutover_a_SOURCES += model/model.c model/model.h
