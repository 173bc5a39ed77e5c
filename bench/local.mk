# bench: benchmark scripts (run by hand, never part of TESTS) and the two
# small programs they need: the independent drain poller and the lag-zero
# loop over the executor's own step.
noinst_PROGRAMS += bench/drainpoll bench/lagzero
bench_drainpoll_SOURCES = bench/drainpoll.c
bench_drainpoll_CFLAGS = $(AM_CFLAGS) $(MYSQL_CFLAGS)
bench_drainpoll_LDADD = $(MYSQL_LIBS)
bench_lagzero_SOURCES = bench/lagzero.c

EXTRA_DIST += bench/README.md bench/console_idle.sh bench/console_keypress.sh \
	bench/downtime.sh bench/runbook.sh bench/lagzero.sh bench/verify.sh bench/notify.sh
