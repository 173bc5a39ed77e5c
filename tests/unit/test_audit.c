/* The audit log: the chain verifies, every kind of tampering is found at an
 * exact line, a reopened log carries on its chain, a torn line is kept and
 * reported, and a log that cannot be written says why. */
#include <check.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/small_disk.h"
#include "lib/redact.h"
#include "session/audit.h"

#include <openssl/evp.h>

static char dir[256];
static char path[300];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_audit.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/plan.audit.jsonl", dir);
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void append_n(const char *file, int from, int n)
{
    char err[512] = "";
    Audit *audit = Audit_open(file, err, sizeof err);
    ck_assert_msg(audit != NULL, "%s", err);
    for (int i = from; i < from + n; i++) {
        char executed[64];
        snprintf(executed, sizeof executed, "SET GLOBAL read_only=ON /* %d */", i);
        AuditEntry e = {
            .step = "read-only", .action = "done", .executed = executed, .result = "read_only=1"};
        ck_assert_msg(Audit_append(audit, &e, err, sizeof err) == 0, "%s", err);
    }
    Audit_close(audit);
}

static int verify(long *bad, char *msg, size_t size)
{
    return Audit_verify(path, bad, msg, size);
}

static void assert_broken(long line, const char *reason)
{
    long bad = -1;
    char msg[512] = "";
    ck_assert_int_eq(verify(&bad, msg, sizeof msg), 1);
    ck_assert_msg(bad == line, "bad line %ld, wanted %ld (%s)", bad, line, msg);
    ck_assert_msg(strstr(msg, reason) != NULL, "\"%s\" lacks \"%s\"", msg, reason);
}

/* Rewrites the file through a shell command acting on it (sed, head). */
static void edit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void edit(const char *fmt, ...)
{
    char script[200], cmd[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(script, sizeof script, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s '%s'", script, path);
    ck_assert_int_eq(system(cmd), 0);
}

typedef struct Collected {
    long count;
    long seqs[256];
    char last_action[64];
    char last_executed[256];
} Collected;

static int collect(const AuditRecord *rec, void *ctx)
{
    Collected *c = ctx;
    if (c->count < 256)
        c->seqs[c->count] = rec->seq;
    c->count++;
    snprintf(c->last_action, sizeof c->last_action, "%s", rec->action ? rec->action : "");
    snprintf(c->last_executed, sizeof c->last_executed, "%s", rec->executed ? rec->executed : "");
    return 0;
}

static Collected read_all(void)
{
    Collected c;
    memset(&c, 0, sizeof c);
    char err[256];
    ck_assert_int_eq(Audit_read(path, collect, &c, err, sizeof err), 0);
    return c;
}

START_TEST(chain_of_100_verifies)
{
    append_n(path, 1, 100);
    long bad = -1;
    char msg[256] = "x";
    ck_assert_int_eq(verify(&bad, msg, sizeof msg), 0);
    ck_assert_int_eq(bad, 0);
    ck_assert_str_eq(msg, "");
    Collected c = read_all();
    ck_assert_int_eq(c.count, 100);
    for (long i = 0; i < 100; i++)
        ck_assert_int_eq(c.seqs[i], i + 1);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
}
END_TEST

START_TEST(record_carries_what_the_issue_asks)
{
    append_n(path, 1, 2);
    FILE *f = fopen(path, "r");
    char line[2048];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    const char *fields[] = {
        "\"seq\":1,",
        "\"time\":\"20",
        "Z\",\"wall_ms\":",
        "\"mono_ms\":",
        "\"operator\":{\"user\":",
        "\"host\":",
        "\"tty\":",
        "\"step\":\"read-only\"",
        "\"action\":\"done\"",
        "\"executed\":\"SET GLOBAL read_only=ON /* 1 */\"",
        "\"result\":\"read_only=1\"",
        "\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\"}"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        ck_assert_msg(strstr(line, fields[i]) != NULL, "%s lacks %s", line, fields[i]);
    ck_assert_ptr_null(strstr(line, "\"error\""));
}
END_TEST

START_TEST(edited_value_breaks_the_next_link)
{
    append_n(path, 1, 100);
    /* Still valid JSON, so line 50 itself checks out; line 51 does not. */
    edit("sed -i '%ds/read_only=1/read_only=0/'", 50);
    assert_broken(51, "prev hash does not match line 50");
}
END_TEST

START_TEST(flipped_structure_byte_is_found_on_its_line)
{
    append_n(path, 1, 100);
    edit("sed -i '%ds/^{/[/'", 50);
    assert_broken(50, "not valid JSON");
}
END_TEST

START_TEST(edited_seq_is_found_on_its_line)
{
    append_n(path, 1, 100);
    edit("sed -i '%ds/\"seq\":50,/\"seq\":60,/'", 50);
    assert_broken(50, "seq 60 follows 49");
}
END_TEST

START_TEST(deleted_line_is_found)
{
    append_n(path, 1, 100);
    edit("sed -i '%dd'", 50);
    assert_broken(50, "seq 51 follows 49");
}
END_TEST

START_TEST(deleted_first_line_is_found)
{
    append_n(path, 1, 10);
    edit("sed -i '%dd'", 1);
    assert_broken(1, "seq 2 where the log starts at 1");
}
END_TEST

START_TEST(reordered_lines_are_found)
{
    append_n(path, 1, 100);
    edit("sed -i -n '%d{h;n;G};p'", 50); /* swap lines 50 and 51 */
    assert_broken(50, "seq 51 follows 49");
}
END_TEST

START_TEST(renumbered_after_deletion_is_still_found)
{
    append_n(path, 1, 10);
    /* Remove line 5 and renumber the rest: the chain still breaks at 5. */
    edit("sed -i -e '%dd' -e 's/\"seq\":6,/\"seq\":5,/'", 5);
    assert_broken(5, "prev hash does not match line 4");
}
END_TEST

START_TEST(torn_last_line_is_reported)
{
    append_n(path, 1, 20);
    edit("truncate -s -%d", 40);
    assert_broken(20, "torn last record");
}
END_TEST

START_TEST(garbage_last_line_is_reported)
{
    append_n(path, 1, 5);
    edit("echo 'not json %d' >>", 1);
    assert_broken(6, "not valid JSON");
}
END_TEST

START_TEST(text_after_the_last_record_is_found)
{
    append_n(path, 1, 5);
    /* The last line has no successor to vouch for it, so only parsing can. */
    edit("sed -i '%ds/$/ x/'", 5);
    assert_broken(5, "text after the JSON object");
}
END_TEST

START_TEST(reopen_after_torn_line_keeps_it_and_chains_on)
{
    append_n(path, 1, 20);
    edit("truncate -s -%d", 40);
    struct stat before;
    ck_assert_int_eq(stat(path, &before), 0);
    append_n(path, 21, 3);
    /* Nothing of the torn line was removed: the file only grew. */
    struct stat after;
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert_int_gt(after.st_size, before.st_size);
    assert_broken(20, "torn record (a write cut short by a crash or a full disk), kept as found; "
                      "the chain goes on intact after it (3 more records)");
    Collected c = read_all();
    ck_assert_int_eq(c.count, 22); /* 19 whole + 3 new; the torn one is skipped */
    ck_assert_int_eq(c.seqs[19], 20);
    ck_assert_int_eq(c.seqs[21], 22);
}
END_TEST

START_TEST(torn_line_then_a_real_break)
{
    append_n(path, 1, 10);
    edit("truncate -s -%d", 40);
    append_n(path, 11, 5);
    edit("sed -i '%dd'", 12); /* the second record after the torn one */
    assert_broken(10, "then breaks at line 12: seq 12 follows 10");
}
END_TEST

START_TEST(reopen_continues_seq_and_chain)
{
    append_n(path, 1, 10);
    append_n(path, 11, 10);
    append_n(path, 21, 1);
    long bad = -1;
    char msg[256];
    ck_assert_msg(verify(&bad, msg, sizeof msg) == 0, "%s", msg);
    Collected c = read_all();
    ck_assert_int_eq(c.count, 21);
    for (long i = 0; i < 21; i++)
        ck_assert_int_eq(c.seqs[i], i + 1);
}
END_TEST

static int stop_at_third(const AuditRecord *rec, void *ctx)
{
    (*(int *)ctx)++;
    return rec->seq == 3;
}

START_TEST(read_stops_when_asked_and_missing_is_empty)
{
    append_n(path, 1, 10);
    int seen = 0;
    char err[256];
    ck_assert_int_eq(Audit_read(path, stop_at_third, &seen, err, sizeof err), 0);
    ck_assert_int_eq(seen, 3);
    seen = 0;
    ck_assert_int_eq(Audit_read("/nonexistent/x.jsonl", stop_at_third, &seen, err, sizeof err), 0);
    ck_assert_int_eq(seen, 0);
    ck_assert_int_eq(Audit_read(dir, stop_at_third, &seen, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "Is a directory"));
}
END_TEST

START_TEST(unreadable_and_empty_files)
{
    long bad = -1;
    char msg[256];
    ck_assert_int_eq(Audit_verify("/nonexistent/x.jsonl", &bad, msg, sizeof msg), 2);
    ck_assert_str_eq(msg, "No such file or directory");
    ck_assert_int_eq(Audit_verify(dir, &bad, msg, sizeof msg), 2);
    edit("touch");
    ck_assert_int_eq(verify(&bad, msg, sizeof msg), 0);
    char err[256];
    ck_assert_ptr_null(Audit_open(dir, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, dir));
}
END_TEST

START_TEST(secrets_are_redacted)
{
    Redact_register("Sup3rSecretPw");
    char err[256];
    Audit *audit = Audit_open(path, err, sizeof err);
    ck_assert_ptr_nonnull(audit);
    AuditEntry e = {.step = "swap",
                    .action = "failed",
                    .executed = "mysql -pSup3rSecretPw mysql://app:pw@db/x",
                    .error = "access denied for Sup3rSecretPw"};
    ck_assert_int_eq(Audit_append(audit, &e, err, sizeof err), 0);
    Audit_close(audit);
    Collected c = read_all();
    ck_assert_str_eq(c.last_executed, "mysql -p*** mysql://app:***@db/x");
    FILE *f = fopen(path, "r");
    char line[2048];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    ck_assert_ptr_null(strstr(line, "Sup3rSecretPw"));
    ck_assert_ptr_null(strstr(line, ":pw@"));
    Redact_clear();
}
END_TEST

/* Runs fn in a child process as an unprivileged user (root ignores file
 * permissions); the child's exit status is the result. */
static int run_unprivileged(void (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(3);
        fn();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static void open_read_only_file(void)
{
    char err[512] = "";
    Audit *audit = Audit_open(path, err, sizeof err);
    char want[400];
    snprintf(want, sizeof want, "audit log %s: Permission denied", path);
    _exit(audit == NULL && strcmp(err, want) == 0 ? 0 : 1);
}

START_TEST(read_only_file_and_directory_fail_clearly)
{
    append_n(path, 1, 1);
    ck_assert_int_eq(chmod(path, 0444), 0);
    ck_assert_int_eq(chmod(dir, 0755), 0);
    ck_assert_int_eq(run_unprivileged(open_read_only_file), 0);
    /* A new log in a directory we may not write. */
    snprintf(path, sizeof path, "%s/new.audit.jsonl", dir);
    ck_assert_int_eq(chmod(dir, 0555), 0);
    ck_assert_int_eq(run_unprivileged(open_read_only_file), 0);
    chmod(dir, 0700);
}
END_TEST

/* RLIMIT_FSIZE makes writes past a size fail (EFBIG) without root: the
 * failed record must leave no trace and the chain must stay intact. */
static void append_past_file_size_limit(void)
{
    char err[512] = "";
    Audit *audit = Audit_open(path, err, sizeof err);
    if (!audit)
        _exit(1);
    struct stat st;
    stat(path, &st);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = {.rlim_cur = (rlim_t)st.st_size + 100, .rlim_max = RLIM_INFINITY};
    setrlimit(RLIMIT_FSIZE, &lim);
    char big[600];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    AuditEntry e = {.step = "swap", .action = "start", .executed = big};
    if (Audit_append(audit, &e, err, sizeof err) != -1 || !strstr(err, "File too large") ||
        !strstr(err, path))
        _exit(2);
    struct stat after;
    stat(path, &after);
    if (after.st_size != st.st_size)
        _exit(3); /* the partial record was not cut back */
    lim.rlim_cur = RLIM_INFINITY;
    setrlimit(RLIMIT_FSIZE, &lim);
    if (Audit_append(audit, &e, err, sizeof err) != 0)
        _exit(4);
    Audit_close(audit);
    _exit(0);
}

START_TEST(failed_write_leaves_the_chain_intact)
{
    append_n(path, 1, 5);
    pid_t pid = fork();
    if (pid == 0)
        append_past_file_size_limit();
    int status = 0;
    waitpid(pid, &status, 0);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    long bad = -1;
    char msg[256];
    ck_assert_msg(verify(&bad, msg, sizeof msg) == 0, "line %ld: %s", bad, msg);
    ck_assert_int_eq(read_all().count, 6);
}
END_TEST

/* ---- a really full disk: a 64 KiB tmpfs ---- */

static char small_dir[256];

/* Writes zeros until the file system is full. */
static void fill(const char *file)
{
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    static char block[1024];
    while (fwrite(block, 1, sizeof block, f) == sizeof block && fflush(f) == 0)
        ;
    fclose(f);
}

START_TEST(disk_full_fails_clearly_and_recovers)
{
    snprintf(path, sizeof path, "%s/plan.audit.jsonl", small_dir);
    char filler[300];
    snprintf(filler, sizeof filler, "%s/filler", small_dir);
    append_n(path, 1, 3);
    fill(filler);
    char err[512] = "";
    Audit *audit = Audit_open(path, err, sizeof err);
    ck_assert_ptr_nonnull(audit);
    char big[3000];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    AuditEntry e = {.step = "read-only", .action = "start", .executed = big};
    int rc = 0, appended = 0;
    while ((rc = Audit_append(audit, &e, err, sizeof err)) == 0 && appended < 100)
        appended++;
    ck_assert_int_eq(rc, -1);
    char want[400];
    snprintf(want, sizeof want, "audit log %s: No space left on device", path);
    ck_assert_str_eq(err, want);
    long bad = -1;
    char msg[256];
    ck_assert_msg(verify(&bad, msg, sizeof msg) == 0, "line %ld: %s", bad, msg);
    unlink(filler);
    ck_assert_msg(Audit_append(audit, &e, err, sizeof err) == 0, "%s", err);
    Audit_close(audit);
    ck_assert_msg(verify(&bad, msg, sizeof msg) == 0, "line %ld: %s", bad, msg);
    ck_assert_int_eq(read_all().count, 3 + appended + 1);
}
END_TEST

/* The forgery a chain alone cannot see: a record edited and every later
 * "prev" recomputed. Rewrites the file in place. */
static void rechain(void)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char lines[16][2048];
    int n = 0;
    while (n < 16 && fgets(lines[n], sizeof lines[n], f))
        n++;
    fclose(f);
    char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
    for (int i = 0; i < n; i++) {
        char *p = strstr(lines[i], "\"prev\":\"");
        ck_assert_ptr_nonnull(p);
        memcpy(p + 8, prev, 64);
        size_t len = strcspn(lines[i], "\n");
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0;
        EVP_Digest(lines[i], len, md, &mdlen, EVP_sha256(), NULL);
        for (int b = 0; b < 32; b++)
            snprintf(prev + 2 * b, 3, "%02x", md[b]);
    }
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < n; i++)
        fputs(lines[i], f);
    fclose(f);
}

START_TEST(hmac_finds_an_edit_with_the_chain_recomputed)
{
    char err[512] = "", msg[256];
    Audit *audit = Audit_open(path, err, sizeof err);
    ck_assert_msg(audit != NULL, "%s", err);
    ck_assert_int_eq(Audit_set_key(audit, "a key from the plan"), 0);
    for (int i = 0; i < 5; i++) {
        AuditEntry e = {.step = "swap", .action = "done", .result = "DATABASE_URL=target"};
        ck_assert_int_eq(Audit_append(audit, &e, err, sizeof err), 0);
    }
    Audit_close(audit);
    long bad = -1;
    ck_assert_int_eq(Audit_verify(path, &bad, msg, sizeof msg), 0);
    ck_assert_int_eq(Audit_verify_hmac(path, "a key from the plan", &bad, msg, sizeof msg), 0);
    ck_assert_int_eq(Audit_verify_hmac(path, "another key", &bad, msg, sizeof msg), 1);
    ck_assert_int_eq(bad, 1);
    edit("sed -i '3s/DATABASE_URL=target/DATABASE_URL=source/'");
    rechain();
    ck_assert_int_eq(Audit_verify(path, &bad, msg, sizeof msg), 0); /* the chain is fooled */
    ck_assert_int_eq(Audit_verify_hmac(path, "a key from the plan", &bad, msg, sizeof msg), 1);
    ck_assert_int_eq(bad, 3);
    ck_assert_ptr_nonnull(strstr(msg, "HMAC does not match"));
}
END_TEST

START_TEST(hmac_missing_on_a_record_is_found)
{
    append_n(path, 1, 2);
    long bad = -1;
    char msg[256];
    ck_assert_int_eq(Audit_verify_hmac(path, "k", &bad, msg, sizeof msg), 1);
    ck_assert_int_eq(bad, 1);
    ck_assert_ptr_nonnull(strstr(msg, "carries no HMAC"));
}
END_TEST

START_TEST(head_and_anchor)
{
    append_n(path, 1, 4);
    char err[256], head[AUDIT_HEAD_HEX], msg[256];
    long seq = 0;
    ck_assert_int_eq(Audit_file_head(path, &seq, head, err, sizeof err), 0);
    ck_assert_int_eq(seq, 4);
    ck_assert_int_eq(Audit_check_anchor(path, 4, head, msg, sizeof msg), 0);
    edit("sed -i '$d'");
    ck_assert_int_eq(Audit_check_anchor(path, 4, head, msg, sizeof msg), 1);
    ck_assert_ptr_nonnull(strstr(msg, "the log ends at record 3, but record 4"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("chain");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, chain_of_100_verifies);
    tcase_add_test(tc, hmac_finds_an_edit_with_the_chain_recomputed);
    tcase_add_test(tc, hmac_missing_on_a_record_is_found);
    tcase_add_test(tc, head_and_anchor);
    tcase_add_test(tc, record_carries_what_the_issue_asks);
    tcase_add_test(tc, edited_value_breaks_the_next_link);
    tcase_add_test(tc, flipped_structure_byte_is_found_on_its_line);
    tcase_add_test(tc, edited_seq_is_found_on_its_line);
    tcase_add_test(tc, deleted_line_is_found);
    tcase_add_test(tc, deleted_first_line_is_found);
    tcase_add_test(tc, reordered_lines_are_found);
    tcase_add_test(tc, renumbered_after_deletion_is_still_found);
    tcase_add_test(tc, torn_last_line_is_reported);
    tcase_add_test(tc, garbage_last_line_is_reported);
    tcase_add_test(tc, text_after_the_last_record_is_found);
    tcase_add_test(tc, reopen_after_torn_line_keeps_it_and_chains_on);
    tcase_add_test(tc, torn_line_then_a_real_break);
    tcase_add_test(tc, reopen_continues_seq_and_chain);
    tcase_add_test(tc, read_stops_when_asked_and_missing_is_empty);
    tcase_add_test(tc, unreadable_and_empty_files);
    tcase_add_test(tc, secrets_are_redacted);
    tcase_add_test(tc, read_only_file_and_directory_fail_clearly);
    tcase_add_test(tc, failed_write_leaves_the_chain_intact);
    suite_add_tcase(s, tc);
    return SmallDisk_run(s, "test_audit_full", small_dir, sizeof small_dir,
                         disk_full_fails_clearly_and_recovers, setup, teardown);
}
