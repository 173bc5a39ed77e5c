# replay: the recording: reading session files, the seek index, the player
# (a model at any moment of a recording), time arguments, and a session
# generator for tests and the seek benchmark. What shows a recording on the
# terminal (replay, follow, --snapshot) is in console/.
libcutover_a_SOURCES += replay/reader.c replay/reader.h replay/quickscan.c replay/quickscan.h \
	replay/index.c replay/index.h replay/index_file.c replay/index_file.h \
	replay/player.c replay/player.h \
	replay/timearg.c replay/timearg.h

# gen-session: realistic session files without a lab (tests, bench).
noinst_PROGRAMS += replay/gen-session
replay_gen_session_SOURCES = replay/gen-session.c

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_replay_reader tests/unit/test_replay_timearg \
	tests/unit/test_replay_index
TESTS += tests/unit/test_replay_reader tests/unit/test_replay_timearg tests/unit/test_replay_index
endif

# seek-bench: the measuring half of bench/replay_seek.sh.
noinst_PROGRAMS += replay/seek-bench
replay_seek_bench_SOURCES = replay/seek-bench.c
EXTRA_DIST += bench/replay_seek.sh

TESTS += tests/integration/recording_compressed.sh
EXTRA_DIST += tests/integration/recording_compressed.sh
TESTS += tests/integration/replay_snapshot.sh tests/integration/golden_screens.sh \
	tests/tmux/replay_controls.sh tests/tmux/replay_follow.sh
EXTRA_DIST += tests/integration/replay_snapshot.sh tests/integration/golden_screens.sh \
	tests/data/golden tests/tmux/replay_controls.sh \
	tests/tmux/replay_follow.sh

# The session reader's fuzzer (clang libFuzzer), built by its own script.
TESTS += tests/integration/fuzz_session.sh
EXTRA_DIST += tests/integration/fuzz_session.sh tests/fuzz/run.sh tests/fuzz/fuzz_session.c \
	tests/fuzz/corpus/session/short.session tests/fuzz/corpus/session/damaged.session \
	tests/fuzz/corpus/session/newer.session tests/fuzz/corpus/session/text.session \
	tests/fuzz/corpus/session/handmade.session \
	tests/fuzz/corpus/session/regress-time-overflow.session \
	tests/fuzz/corpus/session/regress-empty-summary.session \
	tests/fuzz/corpus/session/regress-resize-overflow.session \
	tests/fuzz/corpus/session/compressed.session
