# console: the screen drawn from the model, the key table, the shell (the
# terminal view every mode shares), and the modes: live, replay, follow,
# snapshot.
libcutover_a_SOURCES += console/keys.c console/keys.h console/screen.c console/screen.h \
	console/loop.c console/loop.h console/shell.c console/shell.h \
	console/lines.c console/lines.h \
	console/live.c console/live.h console/live_state.h console/live_keys.c \
	console/replay.c console/replay.h console/follow.c console/follow.h \
	console/snapshot.c console/snapshot.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_screen tests/unit/test_loop
TESTS += tests/unit/test_screen tests/unit/test_loop
endif

# Terminal tests: the real binary in tmux.
TESTS += tests/tmux/console_terminal.sh tests/tmux/console_live.sh tests/tmux/console_cutover.sh \
	tests/tmux/console_hold.sh tests/tmux/console_carry_back.sh tests/tmux/replay_matches_live.sh \
	tests/tmux/console_freeze_gate.sh
EXTRA_DIST += tests/tmux.sh tests/tmux/console_terminal.sh tests/tmux/console_live.sh \
	tests/tmux/console_cutover.sh tests/tmux/console_hold.sh tests/tmux/console_carry_back.sh \
	tests/tmux/replay_matches_live.sh tests/tmux/console_freeze_gate.sh
