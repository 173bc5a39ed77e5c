#include "lab/cdc_stream.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Until the dump says DELIMITER, statements end with ";" */
static const char *Cs_delimiter(const CdcStream *s)
{
    return s->dump_delimiter ? "/*!*/;" : ";";
}

static bool Cs_grow(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 4096;
    while (n < need)
        n *= 2;
    char *p = realloc(*buf, n);
    if (!p)
        return false;
    *buf = p;
    *cap = n;
    return true;
}

void CdcStream_feed(CdcStream *s, const char *bytes, size_t n)
{
    if (s->in_off > 0) { /* drop the lines already consumed */
        memmove(s->in, s->in + s->in_off, s->in_len - s->in_off);
        s->in_len -= s->in_off;
        s->in_off = 0;
    }
    if (!Cs_grow(&s->in, &s->in_cap, s->in_len + n + 1))
        return;
    memcpy(s->in + s->in_len, bytes, n);
    s->in_len += n;
}

void CdcStream_reset(CdcStream *s)
{
    s->in_len = s->in_off = s->stmt_len = 0;
    s->nmaps = 0;
    s->end_pos = 0;
    s->dump_delimiter = false;
}

void CdcStream_free(CdcStream *s)
{
    free(s->in);
    free(s->stmt);
    memset(s, 0, sizeof *s);
}

/* `a`.`b`, a.b, `b` or b at p into out as "a.b" (db for a bare name);
 * returns the characters consumed, 0 when there is no name. */
static size_t Cs_name(const char *p, const char *db, char *out, size_t size)
{
    char part[2][64] = {"", ""};
    int n = 0;
    const char *q = p;
    while (n < 2) {
        size_t len = 0;
        if (*q == '`') {
            const char *end = strchr(q + 1, '`');
            if (!end)
                return 0;
            len = (size_t)(end - q - 1);
            snprintf(part[n], sizeof part[n], "%.*s", (int)len, q + 1);
            q = end + 1;
        } else {
            while (isalnum((unsigned char)q[len]) || q[len] == '_' || q[len] == '$')
                len++;
            if (len == 0)
                return 0;
            snprintf(part[n], sizeof part[n], "%.*s", (int)len, q);
            q += len;
        }
        n++;
        if (*q != '.')
            break;
        q++;
    }
    if (n == 2)
        snprintf(out, size, "%s.%s", part[0], part[1]);
    else if (db && db[0])
        snprintf(out, size, "%s.%s", db, part[0]);
    else
        return 0;
    return (size_t)(q - p);
}

/* Skips whitespace and the words given (case-insensitive) when they come
 * next, in order, each optional. */
static const char *Cs_skip_words(const char *p, const char *const *words)
{
    for (; *words; words++) {
        while (isspace((unsigned char)*p))
            p++;
        size_t n = strlen(*words);
        if (strncasecmp(p, *words, n) == 0 && !isalnum((unsigned char)p[n]))
            p += n;
    }
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

static bool Cs_word(const char **p, const char *word)
{
    const char *q = *p;
    while (isspace((unsigned char)*q))
        q++;
    size_t n = strlen(word);
    if (strncasecmp(q, word, n) != 0 || isalnum((unsigned char)q[n]) || q[n] == '_')
        return false;
    *p = q + n;
    return true;
}

static int Cs_table_after(const char *p, const char *const *optional, const char *db, char *table,
                          size_t tsize)
{
    p = Cs_skip_words(p, optional);
    return Cs_name(p, db, table, tsize) > 0;
}

int CdcStream_ddl_target(const char *sql, const char *db, char *table, size_t tsize, char *schema,
                         size_t ssize)
{
    static const char *const create_opts[] = {"OR", "REPLACE", "TEMPORARY", NULL};
    static const char *const if_not_exists[] = {"IF", "NOT", "EXISTS", NULL};
    static const char *const if_exists[] = {"IF", "EXISTS", NULL};
    static const char *const none[] = {NULL};
    static const char *const alter_opts[] = {"ONLINE", "IGNORE", NULL};
    const char *p = sql;
    table[0] = schema[0] = '\0';
    if (Cs_word(&p, "CREATE")) {
        p = Cs_skip_words(p, create_opts);
        if (Cs_word(&p, "DATABASE") || Cs_word(&p, "SCHEMA")) {
            char name[CDC_NAME_MAX];
            p = Cs_skip_words(p, if_not_exists);
            if (Cs_name(p, "-", name, sizeof name) == 0)
                return 0;
            snprintf(schema, ssize, "%s", strchr(name, '.') + 1);
            return 1;
        }
        if (Cs_word(&p, "TABLE"))
            return Cs_table_after(p, if_not_exists, db, table, tsize);
        p = Cs_skip_words(p, (const char *const[]){"UNIQUE", "FULLTEXT", "SPATIAL", NULL});
        if (Cs_word(&p, "INDEX")) {
            const char *on = strcasestr(p, " ON ");
            return on && Cs_table_after(on + 4, none, db, table, tsize);
        }
        return 0;
    }
    if (Cs_word(&p, "ALTER")) {
        p = Cs_skip_words(p, alter_opts);
        return Cs_word(&p, "TABLE") && Cs_table_after(p, if_exists, db, table, tsize);
    }
    if (Cs_word(&p, "DROP")) {
        p = Cs_skip_words(p, (const char *const[]){"TEMPORARY", NULL});
        return Cs_word(&p, "TABLE") && Cs_table_after(p, if_exists, db, table, tsize);
    }
    if (Cs_word(&p, "TRUNCATE"))
        return Cs_table_after(p, (const char *const[]){"TABLE", NULL}, db, table, tsize);
    if (Cs_word(&p, "RENAME"))
        return Cs_word(&p, "TABLE") && Cs_table_after(p, none, db, table, tsize);
    return 0;
}

/* ---- comment lines ------------------------------------------------------ */

/* A "### INSERT INTO `a`.`b`" line: one row. */
static int Cs_row_line(CdcStream *s, const char *line, CdcItem *it)
{
    static const struct {
        const char *prefix;
        int kind;
    } kinds[] = {{"### INSERT INTO ", CDC_ROW_INSERT},
                 {"### UPDATE ", CDC_ROW_UPDATE},
                 {"### DELETE FROM ", CDC_ROW_DELETE}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t n = strlen(kinds[i].prefix);
        if (strncmp(line, kinds[i].prefix, n) != 0)
            continue;
        if (Cs_name(line + n, NULL, it->table, sizeof it->table) == 0)
            return 0;
        it->kind = CDC_ITEM_ROWS;
        it->row_kind = kinds[i].kind;
        it->ts = s->ts;
        return 1;
    }
    return 0;
}

/* "#261206 17:09:15 ..." (the client's local time, whole seconds) into
 * s->ts. Row transactions carry no SET TIMESTAMP: this is their commit
 * time. The dump's own rotation events say 700101 and are not events of
 * the source. */
static void Cs_header_time(CdcStream *s, const char *line)
{
    struct tm tm = {0};
    if (sscanf(line + 1, "%2d%2d%2d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6 ||
        tm.tm_year == 70)
        return;
    tm.tm_year += 100;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t != (time_t)-1)
        s->ts = (double)t;
}

/* An event header ("#261206 17:00:00 server id 1  end_log_pos 384 ..."):
 * its end position, a table map, a rotation. */
static int Cs_header_line(CdcStream *s, const char *line, CdcItem *it)
{
    const char *p = strstr(line, "end_log_pos ");
    if (!isdigit((unsigned char)line[1]) || !p || !strstr(line, " server id "))
        return 0;
    s->end_pos = strtoull(p + 12, NULL, 10);
    Cs_header_time(s, line);
    const char *map = strstr(line, "Table_map: ");
    if (map && s->nmaps < CDC_MAX_MAPS &&
        Cs_name(map + 11, NULL, s->maps[s->nmaps], sizeof s->maps[0]) > 0)
        s->nmaps++;
    const char *rot = strstr(line, "Rotate to ");
    if (!rot)
        return 0;
    const char *pos = strstr(rot, "pos: ");
    if (sscanf(rot + 10, "%255s", it->file) != 1 || !pos)
        return 0;
    it->kind = CDC_ITEM_ROTATE;
    it->end_pos = strtoull(pos + 5, NULL, 10);
    return 1;
}

/* ---- statements --------------------------------------------------------- */

static bool Cs_starts(const char *sql, const char *word)
{
    return strncasecmp(sql, word, strlen(word)) == 0;
}

static void Cs_classify_session(CdcStream *s, const char *sql, CdcItem *it)
{
    it->kind = CDC_ITEM_SESSION;
    if (strstr(sql, "@@session.gtid_domain_id") || strstr(sql, "@@session.server_id") ||
        strstr(sql, "@@session.gtid_seq_no") || Cs_starts(sql, "/*!\\C"))
        it->kind = CDC_ITEM_NOISE; /* the target's own GTIDs, the client's commands */
    else if (Cs_starts(sql, "SET TIMESTAMP="))
        s->ts = strtod(sql + 14, NULL);
    else if (Cs_starts(sql, "use ")) {
        char name[CDC_NAME_MAX];
        if (Cs_name(sql + 4, "-", name, sizeof name) > 0)
            snprintf(s->db, sizeof s->db, "%s", strchr(name, '.') + 1);
    }
}

static void Cs_classify(CdcStream *s, const char *sql, CdcItem *it)
{
    it->end_pos = s->end_pos;
    it->ts = s->ts;
    if (Cs_starts(sql, "BINLOG '")) {
        it->kind = CDC_ITEM_BINLOG;
        it->ntables = s->nmaps;
        memcpy(it->tables, s->maps, sizeof it->tables);
        s->nmaps = 0;
    } else if (strcasecmp(sql, "BEGIN") == 0 || strcasecmp(sql, "START TRANSACTION") == 0) {
        it->kind = CDC_ITEM_BEGIN;
    } else if (strcasecmp(sql, "COMMIT") == 0) {
        it->kind = CDC_ITEM_COMMIT;
    } else if (Cs_starts(sql, "SET ") || Cs_starts(sql, "/*!") || Cs_starts(sql, "/*M!") ||
               Cs_starts(sql, "use ") || Cs_starts(sql, "ROLLBACK")) {
        Cs_classify_session(s, sql, it);
    } else if (CdcStream_ddl_target(sql, s->db, it->table, sizeof it->table, it->schema,
                                    sizeof it->schema)) {
        it->kind = CDC_ITEM_DDL;
    } else {
        it->kind = CDC_ITEM_OTHER; /* accounts, FLUSH, ...: DMS leaves them out */
    }
}

/* Appends a line to the statement; 1 when the statement is complete. */
static int Cs_gather(CdcStream *s, const char *line, size_t len)
{
    if (!Cs_grow(&s->stmt, &s->stmt_cap, s->stmt_len + len + 2))
        return 0;
    if (s->stmt_len > 0)
        s->stmt[s->stmt_len++] = '\n';
    memcpy(s->stmt + s->stmt_len, line, len);
    s->stmt_len += len;
    s->stmt[s->stmt_len] = '\0';
    const char *d = Cs_delimiter(s);
    size_t dl = strlen(d), end = s->stmt_len;
    while (end > 0 && isspace((unsigned char)s->stmt[end - 1]))
        end--;
    if (end < dl || memcmp(s->stmt + end - dl, d, dl) != 0)
        return 0;
    end -= dl;
    while (end > 0 && isspace((unsigned char)s->stmt[end - 1]))
        end--;
    s->stmt[end] = '\0';
    s->stmt_len = end;
    return 1;
}

/* One line; 1 when it completes an item. */
static int Cs_line(CdcStream *s, char *line, size_t len, CdcItem *it)
{
    if (s->stmt_len == 0) {
        if (len == 0)
            return 0;
        if (line[0] == '#')
            return strncmp(line, "###", 3) == 0 ? Cs_row_line(s, line, it)
                                                : Cs_header_line(s, line, it);
        if (strncmp(line, "DELIMITER ", 10) == 0) {
            s->dump_delimiter = strcmp(line + 10, "/*!*/;") == 0;
            return 0;
        }
    }
    if (!Cs_gather(s, line, len))
        return 0;
    const char *sql = s->stmt;
    while (isspace((unsigned char)*sql))
        sql++;
    Cs_classify(s, sql, it);
    it->sql = sql;
    it->len = strlen(sql);
    s->stmt_len = 0; /* the buffer is reused from the next call: it->sql is valid until then */
    return 1;
}

int CdcStream_next(CdcStream *s, CdcItem *it)
{
    memset(it, 0, sizeof *it);
    for (;;) {
        char *start = s->in + s->in_off;
        char *nl = s->in_len > s->in_off ? memchr(start, '\n', s->in_len - s->in_off) : NULL;
        if (!nl)
            return 0;
        *nl = '\0';
        s->in_off = (size_t)(nl - s->in) + 1;
        size_t len = (size_t)(nl - start);
        if (len > 0 && start[len - 1] == '\r')
            start[--len] = '\0';
        if (Cs_line(s, start, len, it))
            return 1;
    }
}
