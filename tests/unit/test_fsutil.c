/* The file swap's atomic KEY=value rewrite: every other byte kept, through
 * a symlink (the link stays a link, the file it names changes), with the
 * original's mode, owner and group. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checklist/fsutil.h"
#include "tests/unit/unit.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/cutover-fsutil-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void read_file(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(out, 1, size - 1, f);
    out[n] = '\0';
    fclose(f);
}

START_TEST(replaces_one_line_keeping_the_rest)
{
    make_dir();
    char path[128], text[256], err[256];
    snprintf(path, sizeof path, "%s/app.conf", dir);
    write_file(path, "# comment\nDATABASE_URL=mysql://old\r\nOTHER=1");
    ck_assert_int_eq(Fs_replace_key(path, "DATABASE_URL", "mysql://new", err, sizeof err), 0);
    read_file(path, text, sizeof text);
    ck_assert_str_eq(text, "# comment\nDATABASE_URL=mysql://new\r\nOTHER=1");
    ck_assert_int_eq(Fs_replace_key(path, "MISSING", "x", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no line MISSING=... to replace"));
}
END_TEST

START_TEST(follows_a_symlink)
{
    make_dir();
    char real[128], link[128], text[256], err[256];
    snprintf(real, sizeof real, "%s/release-42.env", dir);
    snprintf(link, sizeof link, "%s/current.env", dir);
    write_file(real, "DATABASE_URL=mysql://old\n");
    ck_assert_int_eq(symlink("release-42.env", link), 0);
    ck_assert_int_eq(Fs_replace_key(link, "DATABASE_URL", "mysql://new", err, sizeof err), 0);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    read_file(real, text, sizeof text);
    ck_assert_str_eq(text, "DATABASE_URL=mysql://new\n");
}
END_TEST

START_TEST(keeps_mode_owner_and_group)
{
    make_dir();
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/app.conf", dir);
    write_file(path, "DATABASE_URL=mysql://old\n");
    ck_assert_int_eq(chmod(path, 0640), 0);
    bool root = geteuid() == 0;
    if (root)
        ck_assert_int_eq(chown(path, 1, 1), 0); /* daemon:daemon, the application's */
    ck_assert_int_eq(Fs_replace_key(path, "DATABASE_URL", "mysql://new", err, sizeof err), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0640);
    if (root) {
        ck_assert_int_eq(st.st_uid, 1);
        ck_assert_int_eq(st.st_gid, 1);
    }
}
END_TEST

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static Suite *fsutil_suite(void)
{
    Suite *s = suite_create("fsutil");
    TCase *t = tcase_create("replace_key");
    tcase_add_checked_fixture(t, NULL, remove_dir);
    tcase_add_test(t, replaces_one_line_keeping_the_rest);
    tcase_add_test(t, follows_a_symlink);
    tcase_add_test(t, keeps_mode_owner_and_group);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return Unit_run(fsutil_suite());
}
