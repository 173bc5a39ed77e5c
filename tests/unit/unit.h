/* The one way a unit test program runs its suite: every case, the failures
 * printed by Check, and the exit status for the test harness. */
#ifndef CUTOVER_TESTS_UNIT_UNIT_H
#define CUTOVER_TESTS_UNIT_UNIT_H

#include <check.h>
#include <stdlib.h>

static inline int Unit_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
