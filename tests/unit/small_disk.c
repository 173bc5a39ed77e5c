#include "tests/unit/small_disk.h"

#include "tests/unit/unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

bool SmallDisk_mount(const char *name, char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/%s.XXXXXX", name);
    if (!mkdtemp(dir)) {
        dir[0] = '\0';
        return false;
    }
    if (mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0700") != 0) {
        rmdir(dir);
        dir[0] = '\0';
        return false;
    }
    return true;
}

void SmallDisk_unmount(char *dir)
{
    if (!dir[0])
        return;
    umount2(dir, MNT_DETACH);
    rmdir(dir);
    dir[0] = '\0';
}

int SmallDisk_run(Suite *s, const char *name, char *dir, size_t size, const TTest *test, SFun setup,
                  SFun teardown)
{
    if (SmallDisk_mount(name, dir, size)) {
        TCase *full = tcase_create("disk full");
        tcase_add_checked_fixture(full, setup, teardown);
        tcase_add_test(full, test);
        suite_add_tcase(s, full);
    } else {
        printf("note: cannot mount a tmpfs (%s): the disk-full test is skipped\n", strerror(errno));
    }
    int status = Unit_run(s);
    SmallDisk_unmount(dir);
    return status;
}
