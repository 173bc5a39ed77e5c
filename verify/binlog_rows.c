#include "verify/binlog_rows.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/binlog.h"

void BinlogRows_init(BinlogRows *b, const char *file, BinlogRowsKeyFn key_of,
                     BinlogRowsChangeFn on_change, void *ctx)
{
    memset(b, 0, sizeof *b);
    b->key_of = key_of;
    b->on_change = on_change;
    b->ctx = ctx;
    b->ordinal = -1;
    snprintf(b->file, sizeof b->file, "%s", file);
    snprintf(b->trx_file, sizeof b->trx_file, "%s", file);
}

static bool Br_int64(const char *s, char **end, int64_t *out)
{
    errno = 0;
    long long v = strtoll(s, end, 10);
    if (errno != 0 || *end == s)
        return false;
    *out = v;
    return true;
}

int BinlogRows_value(const char *text, int *n, int64_t *value)
{
    char *end;
    if (text[0] != '@')
        return -1;
    long ord = strtol(text + 1, &end, 10);
    if (end == text + 1 || *end != '=' || ord <= 0 || ord > 4096)
        return -1;
    *n = (int)ord;
    const char *v = end + 1;
    if (!Br_int64(v, &end, value))
        return 0;
    /* An unsigned column whose value reads negative as signed is printed
     * "-6 (250)": the parenthesised figure is the column's value. */
    if (strncmp(end, " (", 2) == 0)
        return Br_int64(end + 2, &end, value) && *end == ')' ? 1 : 0;
    return *end == '\0' || *end == ' ' ? 1 : 0;
}

/* "#261206 17:09:15 server id 1  end_log_pos 2619898 ...", and the Rotate
 * event's "Rotate to mariadb-bin.000002  pos: 4". */
static void Br_header(BinlogRows *b, const char *line)
{
    const char *rot = strstr(line, "\tRotate to ");
    if (rot) {
        rot += strlen("\tRotate to ");
        size_t n = strcspn(rot, " \t");
        if (n > 0 && n < sizeof b->file) {
            memcpy(b->file, rot, n);
            b->file[n] = '\0';
        }
        const char *at = strstr(rot, "pos: ");
        b->pos = at ? strtoull(at + 5, NULL, 10) : 4;
        b->coord = Binlog_coord(b->file, b->pos);
        snprintf(b->trx_file, sizeof b->trx_file, "%s", b->file);
        b->trx_pos = b->pos;
        return;
    }
    const char *end = strstr(line, "end_log_pos ");
    if (!end)
        return;
    uint64_t pos = strtoull(end + strlen("end_log_pos "), NULL, 10);
    if (pos == 0)
        return; /* a fake event the dump makes up, at no position */
    b->pos = pos;
    b->coord = Binlog_coord(b->file, pos);
    if (b->at && (strstr(line, "\tGTID") || strstr(line, "\tAnonymous_GTID"))) {
        snprintf(b->trx_file, sizeof b->trx_file, "%s", b->file);
        b->trx_pos = b->at;
    }
}

/* "### INSERT INTO `a`.`b`" (UPDATE, DELETE FROM): a row of table a.b. */
static bool Br_row_start(BinlogRows *b, const char *line)
{
    static const char *const heads[] = {"### INSERT INTO ", "### UPDATE ", "### DELETE FROM ",
                                        NULL};
    for (size_t i = 0; heads[i]; i++) {
        size_t hl = strlen(heads[i]);
        if (strncmp(line, heads[i], hl) != 0)
            continue;
        size_t o = 0;
        for (const char *p = line + hl; *p && o + 1 < sizeof b->table; p++)
            if (*p != '`')
                b->table[o++] = *p;
        b->table[o] = '\0';
        b->ordinal = b->key_of(b->table, b->ctx);
        b->image_open = b->ordinal > 0;
        if (b->ordinal == 0)
            b->on_change(b->table, false, 0, b->coord, b->ctx);
        return true;
    }
    return false;
}

static void Br_row_line(BinlogRows *b, const char *line)
{
    if (Br_row_start(b, line))
        return;
    if (b->ordinal <= 0)
        return;
    if (strcmp(line, "### WHERE") == 0 || strcmp(line, "### SET") == 0) {
        b->image_open = true;
        return;
    }
    const char *v = line + 3;
    v += strspn(v, " ");
    int n;
    int64_t key;
    int rc = BinlogRows_value(v, &n, &key);
    if (rc < 0 || n != b->ordinal || !b->image_open)
        return;
    b->image_open = false;
    b->on_change(b->table, rc == 1, key, b->coord, b->ctx);
}

/* A statement's text, not the dump's framing, transaction control or a
 * session setting (those change no table). */
static bool Br_statement(const char *line)
{
    static const char *const framing[] = {
        "/*",       "SET ", "BEGIN",     "COMMIT",    "START TRANSACTION",
        "ROLLBACK", "use ", "DELIMITER", "SAVEPOINT", "XA ",
        "'",        NULL};
    if (!line[0])
        return false;
    for (size_t i = 0; framing[i]; i++)
        if (strncmp(line, framing[i], strlen(framing[i])) == 0)
            return false;
    return true;
}

static void Br_line(BinlogRows *b, const char *line)
{
    if (line[0] != '#') {
        if (b->on_statement && Br_statement(line))
            b->on_statement(line, b->coord, b->ctx);
        return;
    }
    if (strncmp(line, "# at ", 5) == 0)
        b->at = strtoull(line + 5, NULL, 10);
    else if (line[1] >= '0' && line[1] <= '9')
        Br_header(b, line);
    else if (strncmp(line, "###", 3) == 0)
        Br_row_line(b, line);
}

void BinlogRows_feed(BinlogRows *b, const char *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = bytes[i];
        if (ch == '\n') {
            b->line[b->len] = '\0';
            Br_line(b, b->line);
            b->len = 0;
        } else if (b->len + 1 < sizeof b->line) {
            b->line[b->len++] = ch;
        } /* else the rest of an overlong line is dropped: only heads are read */
    }
}
