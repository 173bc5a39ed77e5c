/* A really full disk for unit tests: a 64 KiB tmpfs, mounted when the test
 * runs as root (tests that need it say so and go on without it). */
#ifndef CUTOVER_TESTS_UNIT_SMALL_DISK_H
#define CUTOVER_TESTS_UNIT_SMALL_DISK_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

/* Mounts a 64 KiB tmpfs on a new directory /tmp/NAME.XXXXXX, written into
 * dir. False when it cannot (not root, no mount permission). */
bool SmallDisk_mount(const char *name, char *dir, size_t size);

/* Unmounts and removes it; nothing when dir is empty. */
void SmallDisk_unmount(char *dir);

/* Runs suite s, with a "disk full" case of test (and the fixture) added when
 * the tmpfs mounts on dir (else a note says the test is skipped); unmounts
 * afterwards. Returns the exit status for main. */
int SmallDisk_run(Suite *s, const char *name, char *dir, size_t size, const TTest *test, SFun setup,
                  SFun teardown);

#endif
