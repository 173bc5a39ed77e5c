/* lib/subprocess: what a hook or credential_process inherits (an empty
 * signal mask even when the caller blocks SIGTERM, as headless mode does),
 * that a timeout kills the whole process group (grandchildren too), and
 * the exit status, stdout and the first line of stderr. */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/subprocess.h"
#include "tests/unit/unit.h"

static int run_sh(const char *script, int timeout_ms, atomic_bool *cancel, char *out, size_t size,
                  char *err, size_t errsize)
{
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    return Subprocess_run(argv, timeout_ms, cancel, out, size, err, errsize);
}

START_TEST(child_starts_with_an_empty_mask)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    char out[256], err[256];
    int rc = run_sh("grep ^SigBlk /proc/self/status", 5000, NULL, out, sizeof out, err, sizeof err);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(out, "SigBlk:\t0000000000000000");
}
END_TEST

START_TEST(child_has_its_own_process_group)
{
    char out[256], err[256];
    int rc = run_sh("cat /proc/$$/stat", 5000, NULL, out, sizeof out, err, sizeof err);
    ck_assert_int_eq(rc, 0);
    long pid = 0, ppid = 0, pgrp = -1;
    char state = 0;
    ck_assert_int_eq(sscanf(out, "%ld (%*[^)]) %c %ld %ld", &pid, &state, &ppid, &pgrp), 4);
    ck_assert_int_eq(pgrp, pid);
}
END_TEST

/* The grandchild keeps the pipes open: the deadline passes and the group
 * is killed, the grandchild with it. */
static bool gone(long pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    for (int i = 0; i < 100; i++) {
        FILE *f = fopen(path, "r");
        if (!f)
            return true;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        const char *state = strrchr(buf, ')');
        if (state && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X'))
            return true; /* killed, not yet reaped by whoever adopted it */
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

START_TEST(timeout_kills_the_group)
{
    char out[256], err[256];
    char script[256];
    char path[] = "/tmp/cutover-subprocess-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    snprintf(script, sizeof script, "sleep 30 & echo $! > %s; wait", path);
    int rc = run_sh(script, 300, NULL, out, sizeof out, err, sizeof err);
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_nonnull(strstr(err, "no answer within 300 ms (killed)"));
    long grandchild = 0;
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%ld", &grandchild), 1);
    fclose(f);
    unlink(path);
    close(fd);
    ck_assert(gone(grandchild));
}
END_TEST

START_TEST(status_stdout_and_first_stderr_line)
{
    char out[256], err[256];
    int rc = run_sh("echo out; echo first >&2; echo second >&2; exit 7", 5000, NULL, out,
                    sizeof out, err, sizeof err);
    ck_assert_int_eq(rc, 7);
    ck_assert_str_eq(out, "out");
    ck_assert_str_eq(err, "first");
}
END_TEST

START_TEST(cancel_and_missing_program)
{
    char out[256], err[256];
    atomic_bool cancel;
    atomic_init(&cancel, true);
    ck_assert_int_eq(run_sh("sleep 5", 5000, &cancel, out, sizeof out, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cancelled (killed)"));
    char *argv[] = {"/nonexistent/program", NULL};
    ck_assert_int_eq(Subprocess_run(argv, 1000, NULL, out, sizeof out, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot run /nonexistent/program"));
}
END_TEST

static Suite *subprocess_suite(void)
{
    Suite *s = suite_create("subprocess");
    TCase *t = tcase_create("run");
    tcase_set_timeout(t, 20);
    tcase_add_test(t, child_starts_with_an_empty_mask);
    tcase_add_test(t, child_has_its_own_process_group);
    tcase_add_test(t, timeout_kills_the_group);
    tcase_add_test(t, status_stdout_and_first_stderr_line);
    tcase_add_test(t, cancel_and_missing_program);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return Unit_run(subprocess_suite());
}
