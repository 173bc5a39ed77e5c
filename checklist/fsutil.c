#include "checklist/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/atomic_file.h"
#include "lib/read_file.h"

/* A KEY=value file (an application's env file) is small; this bounds it. */
#define FS_FILE_MAX (16u << 20)

static int Fs_write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        text += n;
        len -= (size_t)n;
    }
    return 0;
}

int Fs_write_durable(const char *path, const char *text, int mode, char *err, size_t errsize)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return snprintf(err, errsize, "%s: %s", path, strerror(errno)), -1;
    if (Fs_write_all(fd, text, strlen(text)) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        return snprintf(err, errsize, "%s: %s", path, strerror(e)), -1;
    }
    close(fd);
    return AtomicFile_sync_dir(path, err, errsize);
}

int Fs_remove_durable(const char *path, char *err, size_t errsize)
{
    if (unlink(path) != 0 && errno != ENOENT)
        return snprintf(err, errsize, "%s: %s", path, strerror(errno)), -1;
    return AtomicFile_sync_dir(path, err, errsize);
}

bool Fs_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The line "KEY=..." (at the start of a line); NULL when absent. */
static const char *Fs_find_key(const char *text, const char *key)
{
    size_t klen = strlen(key);
    for (const char *line = text; line && *line;) {
        if (strncmp(line, key, klen) == 0 && line[klen] == '=')
            return line;
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return NULL;
}

int Fs_read_key(const char *path, const char *key, char *value, size_t size, char *err,
                size_t errsize)
{
    size_t len;
    char *text = ReadFile_all(path, FS_FILE_MAX, &len, err, errsize);
    if (!text)
        return -1;
    const char *line = Fs_find_key(text, key);
    if (!line) {
        free(text);
        return 0;
    }
    const char *v = line + strlen(key) + 1;
    size_t vlen = strcspn(v, "\r\n");
    snprintf(value, size, "%.*s", (int)vlen, v);
    free(text);
    return 1;
}

/* The temp file gets the original's mode, owner and group (the application
 * reading it may run as another user); when the owner cannot be kept the
 * swap fails rather than leave a file the application may not read. */
static int Fs_keep_owner(int fd, const struct stat *st, const char *path, char *err, size_t errsize)
{
    struct stat now;
    if (fstat(fd, &now) != 0)
        return snprintf(err, errsize, "%s: %s", path, strerror(errno)), -1;
    if (now.st_uid == st->st_uid && now.st_gid == st->st_gid)
        return 0;
    if (fchown(fd, st->st_uid, st->st_gid) != 0)
        return snprintf(err, errsize, "%s: cannot keep its owner %ld:%ld (%s): not replaced", path,
                        (long)st->st_uid, (long)st->st_gid, strerror(errno)),
               -1;
    return 0;
}

static int Fs_write_temp(const char *path, const char *a, size_t alen, const char *mid,
                         const char *b, char *tmp, size_t tmpsize, char *err, size_t errsize)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return snprintf(err, errsize, "%s: %s", path, strerror(errno)), -1;
    snprintf(tmp, tmpsize, "%s.cutover-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return snprintf(err, errsize, "%s: %s", tmp, strerror(errno)), -1;
    if (Fs_keep_owner(fd, &st, path, err, errsize) != 0) {
        close(fd);
        unlink(tmp);
        return -1;
    }
    if (fchmod(fd, st.st_mode & 07777) != 0 || Fs_write_all(fd, a, alen) != 0 ||
        Fs_write_all(fd, mid, strlen(mid)) != 0 || Fs_write_all(fd, b, strlen(b)) != 0 ||
        fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return snprintf(err, errsize, "%s: %s", tmp, strerror(e)), -1;
    }
    close(fd);
    return 0;
}

static int Fs_replace_key_at(const char *path, const char *key, const char *value, char *err,
                             size_t errsize)
{
    size_t len;
    char *text = ReadFile_all(path, FS_FILE_MAX, &len, err, errsize);
    if (!text)
        return -1;
    const char *line = Fs_find_key(text, key);
    if (!line) {
        free(text);
        return snprintf(err, errsize, "%s: no line %s=... to replace", path, key), -1;
    }
    const char *rest = line + strcspn(line, "\r\n");
    size_t midsize = strlen(key) + strlen(value) + 2;
    char *mid = malloc(midsize);
    char tmp[4200];
    int rc = -1;
    if (mid) {
        snprintf(mid, midsize, "%s=%s", key, value);
        rc = Fs_write_temp(path, text, (size_t)(line - text), mid, rest, tmp, sizeof tmp, err,
                           errsize);
        memset(mid, 0, midsize);
        free(mid);
    }
    memset(text, 0, len);
    free(text);
    if (rc != 0)
        return -1;
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return snprintf(err, errsize, "rename %s: %s", path, strerror(e)), -1;
    }
    return AtomicFile_sync_dir(path, err, errsize);
}

int Fs_replace_key(const char *link, const char *key, const char *value, char *err, size_t errsize)
{
    /* Through a symlink to the file it names: renaming over the link would
     * replace the link with a plain file and leave the real one unchanged. */
    char *path = realpath(link, NULL);
    if (!path)
        return snprintf(err, errsize, "%s: %s", link, strerror(errno)), -1;
    int rc = Fs_replace_key_at(path, key, value, err, errsize);
    free(path);
    return rc;
}
