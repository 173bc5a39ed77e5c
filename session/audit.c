/* The audit log. Each record is one line written with a single write() and
 * fsynced before Audit_append returns; its "prev" is the SHA-256 of the
 * previous line's bytes (without the newline), so editing, removing or
 * reordering a line breaks the chain at a line verify can name.
 *
 * A torn last line (a write cut short by a power loss or a full disk) is
 * never truncated away on reopen: it may be the only trace of an action. The
 * next record starts after a newline and chains to the torn line's bytes, so
 * the torn line cannot be removed quietly either, and verify reports it. */
#include "session/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/operator.h"
#include "lib/redact.h"

#define AUDIT_HASH_HEX 65 /* 64 hex digits and the NUL */

struct Audit {
    pthread_mutex_t lock;
    int fd;
    long next_seq;
    char prev[AUDIT_HASH_HEX];
    bool need_newline; /* the file ends in a torn line */
    bool wedged;       /* a failed write could not be undone: refuse more */
    char key[257];     /* the HMAC key, "" when none */
    Operator op;
    char path[1024];
};

static const char zero_hash[AUDIT_HASH_HEX] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void Audit_hash(const char *data, size_t len, char hex[AUDIT_HASH_HEX])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

/* The HMAC of a record's text, as 64 hex digits. */
static void Audit_hmac(const char *key, const char *data, size_t len, char hex[AUDIT_HASH_HEX])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)data, len, md, &mdlen);
    for (unsigned i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

/* ,"hmac":"<64 hex>"} closes a keyed record. */
#define AUDIT_HMAC_SUFFIX_LEN (9 + 64 + 2)

/* ---- reading lines and records ---- */

typedef struct AuditLine {
    char *text;
    size_t len;    /* without the newline */
    bool complete; /* ended by a newline */
    long number;
} AuditLine;

typedef struct AuditReader {
    FILE *file;
    char *buf;
    size_t cap;
    AuditLine line;
} AuditReader;

static bool AuditReader_next(AuditReader *r)
{
    ssize_t n = getline(&r->buf, &r->cap, r->file);
    if (n <= 0)
        return false;
    r->line.text = r->buf;
    r->line.complete = r->buf[n - 1] == '\n';
    r->line.len = (size_t)n - (r->line.complete ? 1 : 0);
    r->line.text[r->line.len] = '\0';
    r->line.number++;
    return true;
}

static void AuditReader_close(AuditReader *r)
{
    free(r->buf);
    if (r->file)
        fclose(r->file);
}

static const char *Audit_optional_string(struct json_object *obj, const char *name, bool *bad)
{
    struct json_object *v;
    if (!json_object_object_get_ex(obj, name, &v) || v == NULL)
        return NULL;
    if (!json_object_is_type(v, json_type_string)) {
        *bad = true;
        return NULL;
    }
    return json_object_get_string(v);
}

static bool Audit_is_hash(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static bool Audit_get_int(struct json_object *obj, const char *name, int64_t *out)
{
    struct json_object *v;
    if (!json_object_object_get_ex(obj, name, &v) || !json_object_is_type(v, json_type_int))
        return false;
    *out = json_object_get_int64(v);
    return true;
}

/* The line as one JSON value with nothing after it; NULL with why. */
static struct json_object *Audit_parse_json(const AuditLine *line, char *why, size_t whysize)
{
    if (line->len == 0 || strlen(line->text) != line->len) {
        snprintf(why, whysize, "%s", line->len ? "a NUL byte inside the line" : "empty line");
        return NULL;
    }
    struct json_tokener *tok = json_tokener_new();
    if (!tok) {
        snprintf(why, whysize, "out of memory");
        return NULL;
    }
    struct json_object *obj = json_tokener_parse_ex(tok, line->text, (int)line->len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!obj)
        snprintf(why, whysize, "not valid JSON (%s)",
                 jerr == json_tokener_continue ? "the line ends early"
                                               : json_tokener_error_desc(jerr));
    else if (end != line->len)
        snprintf(why, whysize, "text after the JSON object");
    else
        return obj;
    json_object_put(obj);
    return NULL;
}

/* Checks the fields every record has. Returns the parsed object (the
 * record's strings point into it) or NULL with why. */
static struct json_object *Audit_parse(const AuditLine *line, AuditRecord *rec, const char **prev,
                                       char *why, size_t whysize)
{
    struct json_object *obj = Audit_parse_json(line, why, whysize);
    if (!obj)
        return NULL;
    memset(rec, 0, sizeof *rec);
    rec->line = line->number;
    int64_t seq = 0;
    struct json_object *p;
    bool bad = false;
    if (!json_object_is_type(obj, json_type_object))
        snprintf(why, whysize, "not a JSON object");
    else if (!Audit_get_int(obj, "seq", &seq) || seq < 1)
        snprintf(why, whysize, "no \"seq\" (a positive integer)");
    else if (!Audit_get_int(obj, "wall_ms", &rec->wall_ms))
        snprintf(why, whysize, "no \"wall_ms\" (an integer)");
    else if (!json_object_object_get_ex(obj, "prev", &p) ||
             !json_object_is_type(p, json_type_string) || !Audit_is_hash(json_object_get_string(p)))
        snprintf(why, whysize, "no \"prev\" (64 hex digits)");
    else {
        Audit_get_int(obj, "mono_ms", &rec->mono_ms);
        rec->seq = (long)seq;
        *prev = json_object_get_string(p);
        rec->step = Audit_optional_string(obj, "step", &bad);
        rec->action = Audit_optional_string(obj, "action", &bad);
        rec->executed = Audit_optional_string(obj, "executed", &bad);
        rec->result = Audit_optional_string(obj, "result", &bad);
        rec->error = Audit_optional_string(obj, "error", &bad);
        if (!bad)
            return obj;
        snprintf(why, whysize, "step, action, executed, result and error must be strings");
    }
    json_object_put(obj);
    return NULL;
}

/* fopen for reading, 0 on success; a missing file is ENOENT in *errnum. */
static int AuditReader_open(AuditReader *r, const char *path, int *errnum)
{
    memset(r, 0, sizeof *r);
    r->file = fopen(path, "re");
    if (!r->file) {
        *errnum = errno;
        return -1;
    }
    struct stat st;
    if (fstat(fileno(r->file), &st) != 0 || !S_ISREG(st.st_mode)) {
        *errnum = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        fclose(r->file);
        r->file = NULL;
        return -1;
    }
    return 0;
}

static const char *Audit_strerror(int errnum)
{
    return errnum == EINVAL ? "not a regular file" : strerror(errnum);
}

/* ---- writing ---- */

/* The line's seq when it is a record, else 0. */
static long Audit_line_seq(const AuditLine *line)
{
    AuditRecord rec;
    const char *prev;
    char why[128];
    struct json_object *obj = Audit_parse(line, &rec, &prev, why, sizeof why);
    long seq = obj ? rec.seq : 0;
    json_object_put(obj);
    return seq;
}

/* Reads the existing log to carry on its sequence and chain. */
static int Audit_resume(Audit *audit, char *err, size_t errsize)
{
    AuditReader r;
    int errnum = 0;
    if (AuditReader_open(&r, audit->path, &errnum) != 0) {
        snprintf(err, errsize, "audit log %s: %s", audit->path, Audit_strerror(errnum));
        return -1;
    }
    while (AuditReader_next(&r)) {
        long seq = Audit_line_seq(&r.line);
        if (seq > 0)
            audit->next_seq = seq + 1;
        Audit_hash(r.line.text, r.line.len, audit->prev);
        audit->need_newline = !r.line.complete;
    }
    errnum = ferror(r.file) ? errno : 0;
    AuditReader_close(&r);
    if (errnum) {
        snprintf(err, errsize, "audit log %s: %s", audit->path, strerror(errnum));
        return -1;
    }
    return 0;
}

/* A new log's name must survive a power loss as well as its records. */
static void Audit_sync_dir(const char *path)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        slash[slash == dir ? 1 : 0] = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

Audit *Audit_open(const char *path, char *err, size_t errsize)
{
    Audit *audit = calloc(1, sizeof *audit);
    if (!audit) {
        snprintf(err, errsize, "audit log %s: out of memory", path);
        return NULL;
    }
    snprintf(audit->path, sizeof audit->path, "%s", path);
    audit->next_seq = 1;
    memcpy(audit->prev, zero_hash, sizeof zero_hash);
    audit->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    struct stat st;
    if (audit->fd < 0 || fstat(audit->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errsize, "audit log %s: %s", path,
                 audit->fd < 0 ? strerror(errno) : "not a regular file");
        if (audit->fd >= 0)
            close(audit->fd);
        free(audit);
        return NULL;
    }
    if (st.st_size == 0)
        Audit_sync_dir(path);
    if (Audit_resume(audit, err, errsize) != 0) {
        close(audit->fd);
        free(audit);
        return NULL;
    }
    Operator_describe(&audit->op);
    pthread_mutex_init(&audit->lock, NULL);
    return audit;
}

/* Adds a string member after redacting a copy; NULL is left out. */
static void Audit_add_string(struct json_object *obj, const char *name, const char *value)
{
    if (!value)
        return;
    /* Room for a short URL password to grow into the mask. */
    size_t size = strlen(value) * 2 + 16;
    char *copy = malloc(size);
    if (!copy)
        return;
    snprintf(copy, size, "%s", value);
    Redact_apply(copy, size);
    json_object_object_add(obj, name, json_object_new_string(copy));
    free(copy);
}

static struct json_object *Audit_operator_json(const Operator *op)
{
    Operator redacted = *op;
    Redact_apply(redacted.user, sizeof redacted.user);
    Redact_apply(redacted.host, sizeof redacted.host);
    Redact_apply(redacted.tty, sizeof redacted.tty);
    Redact_apply(redacted.ssh, sizeof redacted.ssh);
    Redact_apply(redacted.tmux, sizeof redacted.tmux);
    Redact_apply(redacted.tmux_pane, sizeof redacted.tmux_pane);
    return Operator_to_json(&redacted);
}

static struct json_object *Audit_record_json(const Audit *audit, const AuditEntry *entry)
{
    int64_t wall = Clock_wall_ms();
    char utc[32];
    Clock_format_utc(wall, utc, sizeof utc);
    struct json_object *obj = json_object_new_object();
    json_object_object_add(obj, "seq", json_object_new_int64(audit->next_seq));
    json_object_object_add(obj, "time", json_object_new_string(utc));
    json_object_object_add(obj, "wall_ms", json_object_new_int64(wall));
    /* Raw CLOCK_MONOTONIC: durations between records stay right across a
     * restart of the console (same boot), whatever the wall clock did. */
    json_object_object_add(obj, "mono_ms", json_object_new_int64(Clock_mono_ms()));
    json_object_object_add(obj, "operator", Audit_operator_json(&audit->op));
    Audit_add_string(obj, "step", entry->step);
    Audit_add_string(obj, "action", entry->action);
    Audit_add_string(obj, "executed", entry->executed);
    Audit_add_string(obj, "result", entry->result);
    Audit_add_string(obj, "error", entry->error);
    json_object_object_add(obj, "prev", json_object_new_string(audit->prev));
    return obj;
}

/* Writes data at the end. On failure the file is cut back to where it was,
 * so a half-written record never stays behind in a running console. */
static int Audit_write(Audit *audit, const char *data, size_t len, char *err, size_t errsize)
{
    off_t end = lseek(audit->fd, 0, SEEK_END);
    size_t done = 0;
    int errnum = 0;
    while (done < len) {
        ssize_t n = write(audit->fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            errnum = n < 0 ? errno : EIO;
            break;
        }
        done += (size_t)n;
    }
    if (!errnum)
        return 0;
    snprintf(err, errsize, "audit log %s: %s", audit->path, strerror(errnum));
    if (done > 0 && (end < 0 || ftruncate(audit->fd, end) != 0))
        audit->wedged = true;
    return -1;
}

int Audit_append(Audit *audit, const AuditEntry *entry, char *err, size_t errsize)
{
    pthread_mutex_lock(&audit->lock);
    if (audit->wedged) {
        snprintf(err, errsize,
                 "audit log %s: an earlier write failed and could not be undone; "
                 "nothing more is appended until the log is reopened",
                 audit->path);
        pthread_mutex_unlock(&audit->lock);
        return -1;
    }
    struct json_object *obj = Audit_record_json(audit, entry);
    size_t jlen = 0;
    const char *json = json_object_to_json_string_length(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &jlen);
    size_t skip = audit->need_newline ? 1 : 0;
    size_t tlen = jlen + (audit->key[0] ? AUDIT_HMAC_SUFFIX_LEN - 1 : 0);
    size_t len = skip + tlen + 1;
    char *line = malloc(len + 1);
    int rc = -1;
    if (!json || !line) {
        snprintf(err, errsize, "audit log %s: out of memory", audit->path);
    } else {
        line[0] = '\n';
        memcpy(line + skip, json, jlen);
        if (audit->key[0]) {
            char mac[AUDIT_HASH_HEX];
            Audit_hmac(audit->key, json, jlen, mac);
            snprintf(line + skip + jlen - 1, AUDIT_HMAC_SUFFIX_LEN + 1, ",\"hmac\":\"%s\"}", mac);
        }
        line[len - 1] = '\n';
        rc = Audit_write(audit, line, len, err, errsize);
    }
    if (rc == 0) {
        /* The line is in the file: the chain moves on even if fsync fails. */
        Audit_hash(line + skip, tlen, audit->prev);
        audit->next_seq++;
        audit->need_newline = false;
        if (fsync(audit->fd) != 0) {
            snprintf(err, errsize, "audit log %s: fsync: %s", audit->path, strerror(errno));
            rc = -1;
        }
    }
    free(line);
    json_object_put(obj);
    pthread_mutex_unlock(&audit->lock);
    return rc;
}

void Audit_close(Audit *audit)
{
    if (!audit)
        return;
    close(audit->fd);
    OPENSSL_cleanse(audit->key, sizeof audit->key);
    pthread_mutex_destroy(&audit->lock);
    free(audit);
}

/* ---- verifying ---- */

typedef struct AuditCheck {
    char prev[AUDIT_HASH_HEX]; /* hash of the line before */
    long last_seq;             /* of the last record */
    long candidate;            /* a line that is not a record: torn if the next chains to it */
    char candidate_why[128];
    long torn_line;  /* the first line found torn */
    long after_torn; /* records that chain on after it */
    long bad_line;   /* where verification stopped */
    bool torn_last;  /* stopped at a last record cut short (a crash mid-write) */
    char why[256];
} AuditCheck;

/* Checks one record against what came before; false with c->why set. */
static bool AuditCheck_record(AuditCheck *c, const AuditRecord *rec, const char *prev)
{
    if (rec->seq != c->last_seq + 1) {
        if (c->last_seq == 0)
            snprintf(c->why, sizeof c->why, "seq %ld where the log starts at 1", rec->seq);
        else
            snprintf(c->why, sizeof c->why, "seq %ld follows %ld (a record removed or reordered?)",
                     rec->seq, c->last_seq);
        return false;
    }
    if (strcmp(prev, c->prev) != 0) {
        if (rec->line == 1)
            snprintf(c->why, sizeof c->why,
                     "prev is not 64 zeros: the log does not start here (lines removed?)");
        else
            snprintf(c->why, sizeof c->why,
                     "prev hash does not match line %ld (edited or removed?)", rec->line - 1);
        return false;
    }
    return true;
}

static bool AuditCheck_fail(AuditCheck *c, long line, const char *why)
{
    c->bad_line = line;
    if (why != c->why)
        snprintf(c->why, sizeof c->why, "%s", why);
    return false;
}

/* Handles one line; false when verification stops there. */
static bool AuditCheck_line(AuditCheck *c, const AuditLine *line)
{
    AuditRecord rec;
    const char *prev = NULL;
    char why[128];
    struct json_object *obj = Audit_parse(line, &rec, &prev, why, sizeof why);
    bool ok = obj && AuditCheck_record(c, &rec, prev);
    json_object_put(obj);
    if (c->candidate) {
        /* The line before was not a record. It was torn (and kept) if this
         * record chains to it; otherwise the break is that line. */
        if (!ok)
            return AuditCheck_fail(c, c->candidate, c->candidate_why);
        if (!c->torn_line)
            c->torn_line = c->candidate;
        c->candidate = 0;
    }
    if (!obj && line->complete) {
        c->candidate = line->number;
        snprintf(c->candidate_why, sizeof c->candidate_why, "%s", why);
    } else if (!obj) {
        snprintf(c->why, sizeof c->why, "torn last record (%s): the write was cut short", why);
        c->torn_last = true;
        return AuditCheck_fail(c, line->number, c->why);
    } else if (!ok) {
        return AuditCheck_fail(c, line->number, c->why);
    } else if (!line->complete) {
        c->torn_last = true;
        return AuditCheck_fail(c, line->number,
                               "torn last record: its newline is missing (the write was cut "
                               "short)");
    } else {
        c->last_seq = rec.seq;
        if (c->torn_line)
            c->after_torn++;
    }
    Audit_hash(line->text, line->len, c->prev);
    return true;
}

/* Puts the outcome into bad_line and msg; returns 0 intact or 1 broken. */
static int AuditCheck_report(AuditCheck *c, long *bad_line, char *msg, size_t msgsize)
{
    if (c->candidate && !c->bad_line)
        AuditCheck_fail(c, c->candidate, c->candidate_why); /* nothing after it vouches */
    if (c->torn_line && c->bad_line)
        snprintf(msg, msgsize,
                 "torn record, kept as found; the chain goes on after it, then breaks at line "
                 "%ld: %s",
                 c->bad_line, c->why);
    else if (c->torn_line)
        snprintf(msg, msgsize,
                 "torn record (a write cut short by a crash or a full disk), kept as found; "
                 "the chain goes on intact after it (%ld more records)",
                 c->after_torn);
    else if (c->bad_line)
        snprintf(msg, msgsize, "%s", c->why);
    *bad_line = c->torn_line ? c->torn_line : c->bad_line;
    return *bad_line ? 1 : 0;
}

int Audit_verify(const char *path, long *bad_line, char *msg, size_t msgsize)
{
    *bad_line = 0;
    if (msgsize)
        msg[0] = '\0';
    AuditReader r;
    int errnum = 0;
    if (AuditReader_open(&r, path, &errnum) != 0) {
        snprintf(msg, msgsize, "%s", Audit_strerror(errnum));
        return 2;
    }
    AuditCheck c = {.last_seq = 0};
    memcpy(c.prev, zero_hash, sizeof zero_hash);
    while (AuditReader_next(&r) && AuditCheck_line(&c, &r.line))
        ;
    errnum = ferror(r.file) ? errno : 0;
    AuditReader_close(&r);
    if (errnum) {
        snprintf(msg, msgsize, "%s", strerror(errnum));
        return 2;
    }
    return AuditCheck_report(&c, bad_line, msg, msgsize);
}

int Audit_set_key(Audit *audit, const char *key)
{
    if (!key || !key[0] || strlen(key) >= sizeof audit->key)
        return -1;
    pthread_mutex_lock(&audit->lock);
    snprintf(audit->key, sizeof audit->key, "%s", key);
    pthread_mutex_unlock(&audit->lock);
    return 0;
}

/* Checks one complete line's HMAC; false with why. */
static bool Audit_line_hmac_ok(const char *key, const AuditLine *line, char *why, size_t whysize)
{
    static const char tag[] = ",\"hmac\":\"";
    size_t n = line->len;
    const char *suffix = n >= AUDIT_HMAC_SUFFIX_LEN ? line->text + n - AUDIT_HMAC_SUFFIX_LEN : NULL;
    if (!suffix || strncmp(suffix, tag, sizeof tag - 1) != 0 ||
        strncmp(line->text + n - 2, "\"}", 2))
        return snprintf(why, whysize, "carries no HMAC (written without the key?)"), false;
    size_t base = n - AUDIT_HMAC_SUFFIX_LEN;
    char *text = malloc(base + 2);
    if (!text)
        return snprintf(why, whysize, "out of memory"), false;
    memcpy(text, line->text, base);
    text[base] = '}';
    char mac[AUDIT_HASH_HEX];
    Audit_hmac(key, text, base + 1, mac);
    free(text);
    if (CRYPTO_memcmp(mac, suffix + sizeof tag - 1, 64) != 0)
        return snprintf(why, whysize, "HMAC does not match: edited, or another key"), false;
    return true;
}

int Audit_verify_hmac(const char *path, const char *key, long *bad_line, char *msg, size_t msgsize)
{
    *bad_line = 0;
    AuditReader r;
    int errnum = 0;
    if (AuditReader_open(&r, path, &errnum) != 0)
        return snprintf(msg, msgsize, "%s", Audit_strerror(errnum)), 2;
    char why[128];
    while (AuditReader_next(&r)) {
        if (!r.line.complete || r.line.len == 0)
            continue;
        if (!Audit_line_hmac_ok(key, &r.line, why, sizeof why)) {
            *bad_line = r.line.number;
            snprintf(msg, msgsize, "%s", why);
            break;
        }
    }
    AuditReader_close(&r);
    return *bad_line ? 1 : 0;
}

void Audit_head(Audit *audit, long *seq, char head[AUDIT_HEAD_HEX])
{
    pthread_mutex_lock(&audit->lock);
    *seq = audit->next_seq - 1;
    memcpy(head, audit->prev, AUDIT_HEAD_HEX);
    pthread_mutex_unlock(&audit->lock);
}

/* Walks the records; stops after the one with seq `want` (0: to the end).
 * Fills the last record's seq and line hash. 0, or -1 unreadable. */
static int Audit_walk_to(const char *path, long want, long *seq, char head[AUDIT_HEAD_HEX],
                         int *errnum)
{
    AuditReader r;
    *seq = 0;
    memcpy(head, zero_hash, AUDIT_HEAD_HEX);
    if (AuditReader_open(&r, path, errnum) != 0)
        return -1;
    while (AuditReader_next(&r)) {
        long line_seq = r.line.complete ? Audit_line_seq(&r.line) : 0;
        if (line_seq > 0) {
            *seq = line_seq;
            Audit_hash(r.line.text, r.line.len, head);
        }
        if (want > 0 && *seq == want)
            break;
    }
    *errnum = ferror(r.file) ? errno : 0;
    AuditReader_close(&r);
    return *errnum ? -1 : 0;
}

int Audit_file_head(const char *path, long *seq, char head[AUDIT_HEAD_HEX], char *msg,
                    size_t msgsize)
{
    int errnum = 0;
    if (Audit_walk_to(path, 0, seq, head, &errnum) != 0)
        return snprintf(msg, msgsize, "%s", Audit_strerror(errnum)), -1;
    return 0;
}

int Audit_check_anchor(const char *path, long seq, const char *head, char *msg, size_t msgsize)
{
    long got = 0;
    char hash[AUDIT_HEAD_HEX];
    int errnum = 0;
    if (Audit_walk_to(path, seq, &got, hash, &errnum) != 0)
        return snprintf(msg, msgsize, "%s", Audit_strerror(errnum)), 2;
    if (got < seq)
        return snprintf(msg, msgsize,
                        "the log ends at record %ld, but record %ld (head %.12s...) was written: "
                        "its tail was cut",
                        got, seq, head),
               1;
    if (strcmp(hash, head) != 0)
        return snprintf(msg, msgsize,
                        "record %ld is not the one written (its hash %.12s..., the anchor says "
                        "%.12s...): edited",
                        seq, hash, head),
               1;
    return 0;
}

int Audit_verify_for_resume(const char *path, char *msg, size_t msgsize)
{
    if (msgsize)
        msg[0] = '\0';
    AuditReader r;
    int errnum = 0;
    if (AuditReader_open(&r, path, &errnum) != 0) {
        if (errnum == ENOENT)
            return 0;
        snprintf(msg, msgsize, "%s", Audit_strerror(errnum));
        return 2;
    }
    AuditCheck c = {.last_seq = 0};
    memcpy(c.prev, zero_hash, sizeof zero_hash);
    while (AuditReader_next(&r) && AuditCheck_line(&c, &r.line))
        ;
    AuditReader_close(&r);
    long bad = 0;
    AuditCheck_report(&c, &bad, msg, msgsize);
    /* Torn by a cut-short write: kept, and the chain vouches for the rest. */
    return !c.bad_line || c.torn_last ? 0 : 1;
}

int Audit_read(const char *path, AuditVisitFn fn, void *ctx, char *err, size_t errsize)
{
    AuditReader r;
    int errnum = 0;
    if (AuditReader_open(&r, path, &errnum) != 0) {
        if (errnum == ENOENT)
            return 0;
        snprintf(err, errsize, "audit log %s: %s", path, Audit_strerror(errnum));
        return -1;
    }
    int rc = 0;
    while (rc == 0 && AuditReader_next(&r)) {
        AuditRecord rec;
        const char *prev;
        char why[128];
        struct json_object *obj = Audit_parse(&r.line, &rec, &prev, why, sizeof why);
        if (obj && fn(&rec, ctx) != 0)
            rc = 1;
        json_object_put(obj);
    }
    if (rc == 0 && ferror(r.file)) {
        snprintf(err, errsize, "audit log %s: %s", path, strerror(errno));
        AuditReader_close(&r);
        return -1;
    }
    AuditReader_close(&r);
    return 0;
}
