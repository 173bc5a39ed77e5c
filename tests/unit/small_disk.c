#include "tests/unit/small_disk.h"

#include <stdio.h>
#include <stdlib.h>
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
