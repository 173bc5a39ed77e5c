/* The one way a unit test program runs its suite: every case, the failures
 * printed by Check, and the exit status for the test harness. */
#ifndef CUTOVER_TESTS_UNIT_UNIT_H
#define CUTOVER_TESTS_UNIT_UNIT_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static inline int Unit_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* A file under the source tree ($top_srcdir, as the harness sets it),
 * read whole (up to 1 MiB) and NUL-terminated; the caller frees it. */
static inline char *Unit_fixture(const char *relpath, size_t *len)
{
    char path[1024];
    const char *dir = getenv("top_srcdir");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", relpath);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = malloc(1 << 20);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

#endif
