#include "lib/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <unistd.h>

int AtomicFile_sync_dir(const char *path, char *err, size_t errsize)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", path);
    const char *dir = dirname(copy);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return snprintf(err, errsize, "%s: %s", dir, strerror(errno)), -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0)
        return snprintf(err, errsize, "fsync %s: %s", dir, strerror(e)), -1;
    return 0;
}

/* The content into an open temporary file, on disk; errno on failure. */
static int AtomicFile_fill(FILE *f, AtomicFileWriter write, void *ctx, char *why, size_t size)
{
    int rc = write(f, ctx, why, size);
    int saved = errno;
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        rc = -1, saved = errno;
    if (fclose(f) != 0 && rc == 0)
        rc = -1, saved = errno;
    errno = saved;
    return rc;
}

int AtomicFile_write(const char *path, int mode, AtomicFileWriter write, void *ctx, char *err,
                     size_t errsize)
{
    char tmp[4200], why[512] = "";
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    /* Read-write: a writer may read back what it wrote before it counts
     * (the compressed export compares its copy). */
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return -1;
    }
    int rc = AtomicFile_fill(f, write, ctx, why, sizeof why);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc != 0) {
        int saved = errno;
        unlink(tmp);
        snprintf(err, errsize, "cannot write %s: %s", path, why[0] ? why : strerror(saved));
        return -1;
    }
    return AtomicFile_sync_dir(path, err, errsize);
}
