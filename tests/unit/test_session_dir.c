/* The session directory: where files go, and the one-executor lock. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session/session_dir.h"
#include "tests/unit/unit.h"

static char dir[256];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_session_dir.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static Plan plan_named(const char *name)
{
    Plan plan;
    memset(&plan, 0, sizeof plan);
    plan.name = (char *)name;
    return plan;
}

static void prepare(SessionDir *sd, const Plan *plan, const char *override)
{
    char err[512] = "";
    ck_assert_msg(SessionDir_prepare(sd, plan, override, err, sizeof err) == 0, "%s", err);
}

START_TEST(paths_use_the_slug)
{
    Plan plan = plan_named("Lab Cutover #1 -- Ünïcode!");
    char over[300];
    snprintf(over, sizeof over, "%s/deep/er/", dir);
    SessionDir sd;
    prepare(&sd, &plan, over);
    char want[400];
    snprintf(want, sizeof want, "%s/deep/er", dir);
    ck_assert_str_eq(sd.dir, want);
    snprintf(want, sizeof want, "%s/deep/er/lab-cutover-1-n-code.audit.jsonl", dir);
    ck_assert_str_eq(sd.audit, want);
    snprintf(want, sizeof want, "%s/deep/er/lab-cutover-1-n-code.lock", dir);
    ck_assert_str_eq(sd.lock, want);
    ck_assert_str_eq(sd.name, "Lab Cutover #1 -- Ünïcode!");
    struct stat st;
    ck_assert_int_eq(stat(sd.dir, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    /* DIR/SLUG-YYYYMMDDTHHMMSSZ.session.jsonl */
    const char *base = strrchr(sd.recording, '/') + 1;
    ck_assert_uint_eq(strlen(base), strlen("lab-cutover-1-n-code-20261121T002900Z.session.jsonl"));
    ck_assert_int_eq(strncmp(base, "lab-cutover-1-n-code-20", 23), 0);
    ck_assert_int_eq(base[29], 'T');
    ck_assert_str_eq(base + 36, "Z.session.jsonl");
}
END_TEST

START_TEST(a_name_without_letters_still_has_a_slug)
{
    Plan plan = plan_named("!!!");
    SessionDir sd;
    prepare(&sd, &plan, dir);
    char want[400];
    snprintf(want, sizeof want, "%s/plan.lock", dir);
    ck_assert_str_eq(sd.lock, want);
}
END_TEST

START_TEST(second_run_in_the_same_second_gets_its_own_recording)
{
    Plan plan = plan_named("lab");
    SessionDir a, b;
    prepare(&a, &plan, dir);
    FILE *f = fopen(a.recording, "w");
    fclose(f);
    prepare(&b, &plan, dir);
    if (strncmp(a.recording, b.recording, strlen(a.recording) - strlen(".session.jsonl")) == 0)
        ck_assert_ptr_nonnull(strstr(b.recording, "Z-2.session.jsonl"));
    ck_assert_str_ne(a.recording, b.recording);
}
END_TEST

START_TEST(directory_precedence)
{
    char a[300], b[300], c[300];
    snprintf(a, sizeof a, "%s/override", dir);
    snprintf(b, sizeof b, "%s/plan", dir);
    snprintf(c, sizeof c, "%s/xdg", dir);
    Plan plan = plan_named("lab");
    plan.session_dir = b;
    setenv("XDG_STATE_HOME", c, 1);
    setenv("HOME", dir, 1);
    SessionDir sd;
    prepare(&sd, &plan, a);
    ck_assert_str_eq(sd.dir, a);
    prepare(&sd, &plan, NULL);
    ck_assert_str_eq(sd.dir, b);
    plan.session_dir = NULL;
    prepare(&sd, &plan, NULL);
    snprintf(a, sizeof a, "%s/xdg/cutover", dir);
    ck_assert_str_eq(sd.dir, a);
    unsetenv("XDG_STATE_HOME");
    prepare(&sd, &plan, NULL);
    snprintf(a, sizeof a, "%s/.local/state/cutover", dir);
    ck_assert_str_eq(sd.dir, a);
}
END_TEST

START_TEST(a_file_in_the_way_is_reported)
{
    char file[300], err[512] = "";
    snprintf(file, sizeof file, "%s/file", dir);
    FILE *f = fopen(file, "w");
    fclose(f);
    Plan plan = plan_named("lab");
    SessionDir sd;
    ck_assert_int_eq(SessionDir_prepare(&sd, &plan, file, err, sizeof err), -1);
    char want[400];
    snprintf(want, sizeof want, "session directory %s: not a directory", file);
    ck_assert_str_eq(err, want);
}
END_TEST

/* A child takes the lock and waits to be killed. */
static pid_t hold_lock_in_child(const SessionDir *sd)
{
    int ready[2];
    ck_assert_int_eq(pipe(ready), 0);
    pid_t pid = fork();
    if (pid == 0) {
        char err[512];
        int fd = SessionDir_lock(sd, err, sizeof err);
        char ok = fd >= 0 ? 'y' : 'n';
        ssize_t w = write(ready[1], &ok, 1);
        (void)w;
        for (;;)
            pause();
    }
    char ok = 0;
    ck_assert_int_eq(read(ready[0], &ok, 1), 1);
    ck_assert_int_eq(ok, 'y');
    close(ready[0]);
    close(ready[1]);
    return pid;
}

START_TEST(second_executor_is_refused_and_dead_holder_is_replaced)
{
    Plan plan = plan_named("lab cutover");
    SessionDir sd;
    prepare(&sd, &plan, dir);
    pid_t child = hold_lock_in_child(&sd);
    char err[512] = "", host[256] = "";
    gethostname(host, sizeof host);
    ck_assert_int_eq(SessionDir_lock(&sd, err, sizeof err), -1);
    char want[400];
    snprintf(want, sizeof want, "plan 'lab cutover' is being run by pid %ld on host %s since 20",
             (long)child, host);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
    ck_assert_ptr_nonnull(strstr(err, "Z; open it with --readonly to watch"));

    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    int fd = SessionDir_lock(&sd, err, sizeof err);
    ck_assert_msg(fd >= 0, "%s", err);
    FILE *f = fopen(sd.lock, "r");
    long pid = 0;
    ck_assert_int_eq(fscanf(f, "%ld", &pid), 1);
    fclose(f);
    ck_assert_int_eq(pid, (long)getpid());
    struct stat st;
    ck_assert_int_eq(stat(sd.lock, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    close(fd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("session_dir");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, paths_use_the_slug);
    tcase_add_test(tc, a_name_without_letters_still_has_a_slug);
    tcase_add_test(tc, second_run_in_the_same_second_gets_its_own_recording);
    tcase_add_test(tc, directory_precedence);
    tcase_add_test(tc, a_file_in_the_way_is_reported);
    tcase_add_test(tc, second_executor_is_refused_and_dead_holder_is_replaced);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
