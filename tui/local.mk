# tui: the canvas (cell grid, no curses) and the terminal (the only curses code).
libcutover_a_SOURCES += tui/canvas.c tui/canvas.h tui/term.c tui/term.h
