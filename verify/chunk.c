#include "verify/chunk.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `name` with any backtick doubled, appended at out + *len. */
static void Chunk_quote(const char *name, char *out, size_t size, size_t *len)
{
    if (*len + 1 < size)
        out[(*len)++] = '`';
    for (const char *p = name; *p && *len + 3 < size; p++) {
        if (*p == '`')
            out[(*len)++] = '`';
        out[(*len)++] = *p;
    }
    if (*len + 1 < size)
        out[(*len)++] = '`';
    out[*len] = '\0';
}

void Chunk_quote_name(const char *name, char *out, size_t size)
{
    size_t len = 0;
    Chunk_quote(name, out, size, &len);
}

static void Chunk_add(const char *text, char *out, size_t size, size_t *len)
{
    int n = snprintf(out + *len, size - *len, "%s", text);
    *len = n < 0 ? *len : (*len + (size_t)n < size ? *len + (size_t)n : size - 1);
}

char *Chunk_row_digest(const char *const *columns, size_t n)
{
    size_t size = 160 + n * 2 * 140;
    char *out = malloc(size);
    if (!out)
        return NULL;
    size_t len = 0;
    out[0] = '\0';
    Chunk_add("CAST(CONV(LEFT(MD5(CONCAT_WS('#'", out, size, &len);
    for (size_t i = 0; i < n; i++) {
        Chunk_add(", ", out, size, &len);
        Chunk_quote(columns[i], out, size, &len);
    }
    Chunk_add(", CONCAT(''", out, size, &len);
    for (size_t i = 0; i < n; i++) {
        Chunk_add(", ISNULL(", out, size, &len);
        Chunk_quote(columns[i], out, size, &len);
        Chunk_add(")", out, size, &len);
    }
    Chunk_add("))), 16), 16, 10) AS UNSIGNED)", out, size, &len);
    return out;
}

/* " WHERE `id` IN (5, 9, 12)" */
static void Chunk_where_keys(const VerifyTable *t, const VerifyChunk *c, char *out, size_t size)
{
    size_t len = 0;
    int n = snprintf(out, size, " WHERE %s IN (", t->key);
    len = n < 0 ? 0 : (size_t)n;
    for (int i = 0; i < c->ndirty && len < size; i++) {
        n = snprintf(out + len, size - len, "%s%" PRId64, i ? ", " : "", c->dirty_keys[i]);
        len += n < 0 ? 0 : (size_t)n;
    }
    if (len < size)
        snprintf(out + len, size - len, ")");
}

static void Chunk_where(const VerifyTable *t, const VerifyChunk *c, char *out, size_t size)
{
    out[0] = '\0';
    if (!c || !t->key[0])
        return;
    if (c->keys_only && c->ndirty > 0) {
        Chunk_where_keys(t, c, out, size);
        return;
    }
    if (c->lo == INT64_MIN && c->hi == INT64_MAX)
        return;
    if (c->lo == INT64_MIN)
        snprintf(out, size, " WHERE %s <= %" PRId64, t->key, c->hi);
    else if (c->hi == INT64_MAX)
        snprintf(out, size, " WHERE %s >= %" PRId64, t->key, c->lo);
    else
        snprintf(out, size, " WHERE %s BETWEEN %" PRId64 " AND %" PRId64, t->key, c->lo, c->hi);
}

void Chunk_sum_sql(const VerifyTable *t, const VerifyChunk *c, char *sql, size_t size)
{
    char where[128 + CHUNK_DIRTY_KEYS * 24];
    Chunk_where(t, c, where, sizeof where);
    snprintf(sql, size, "SELECT COUNT(*), COALESCE(SUM(%s), 0) FROM %s%s", t->row_digest, t->quoted,
             where);
}

void Chunk_boundary_sql(const VerifyTable *t, int64_t lo, int64_t n, char *sql, size_t size)
{
    snprintf(sql, size,
             "SELECT %s FROM %s WHERE %s >= %" PRId64 " ORDER BY %s LIMIT 1 OFFSET %" PRId64,
             t->key, t->quoted, t->key, lo, t->key, n);
}

static int Chunk_reserve(VerifyTable *t, size_t n)
{
    if (n <= t->cap)
        return 0;
    size_t cap = t->cap ? t->cap * 2 : 64;
    while (cap < n)
        cap *= 2;
    VerifyChunk *grown = realloc(t->chunks, cap * sizeof *grown);
    if (!grown)
        return -1;
    t->chunks = grown;
    t->cap = cap;
    return 0;
}

int Chunk_append(VerifyTable *t, int64_t lo, int64_t hi)
{
    if (Chunk_reserve(t, t->nchunks + 1) != 0)
        return -1;
    t->chunks[t->nchunks++] = (VerifyChunk){.lo = lo, .hi = hi, .dirty_lo = 1, .dirty_hi = 0};
    return 0;
}

/* After a split: the keys of the list that lie in the chunk, and their
 * span (a half without one keeps the span it had: it may cover it). */
static void Chunk_keep_keys(VerifyChunk *c)
{
    int n = 0;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int i = 0; i < c->ndirty; i++) {
        int64_t k = c->dirty_keys[i];
        if (k < c->lo || k > c->hi)
            continue;
        c->dirty_keys[n++] = k;
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    if (c->ndirty <= 0)
        return;
    c->ndirty = n;
    if (n > 0) {
        c->dirty_lo = lo;
        c->dirty_hi = hi;
    }
}

int Chunk_split(VerifyTable *t, size_t i, int64_t at)
{
    if (i >= t->nchunks || at <= t->chunks[i].lo || at > t->chunks[i].hi)
        return -1;
    if (Chunk_reserve(t, t->nchunks + 1) != 0)
        return -1;
    memmove(&t->chunks[i + 2], &t->chunks[i + 1], (t->nchunks - i - 1) * sizeof t->chunks[0]);
    t->nchunks++;
    t->chunks[i + 1] = t->chunks[i];
    t->chunks[i].hi = at - 1;
    t->chunks[i + 1].lo = at;
    Chunk_keep_keys(&t->chunks[i]);
    Chunk_keep_keys(&t->chunks[i + 1]);
    return 0;
}

int Chunk_merge_settled(VerifyTable *t, size_t i, int64_t max_rows)
{
    if (i + 1 >= t->nchunks)
        return 0;
    VerifyChunk *a = &t->chunks[i], *b = &t->chunks[i + 1];
    if (!Chunk_settled(a) || !Chunk_settled(b) || a->rows + b->rows > max_rows)
        return 0;
    a->hi = b->hi;
    a->rows += b->rows;
    if (b->checked_at < a->checked_at)
        a->checked_at = b->checked_at;
    if (b->changed_at > a->changed_at)
        a->changed_at = b->changed_at;
    if (b->checked_mono_ms < a->checked_mono_ms)
        a->checked_mono_ms = b->checked_mono_ms;
    memmove(&t->chunks[i + 1], &t->chunks[i + 2], (t->nchunks - i - 2) * sizeof t->chunks[0]);
    t->nchunks--;
    return 1;
}

VerifyChunk *Chunk_of(VerifyTable *t, int64_t key)
{
    size_t lo = 0, hi = t->nchunks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->chunks[mid].hi < key)
            lo = mid + 1;
        else if (t->chunks[mid].lo > key)
            hi = mid;
        else
            return &t->chunks[mid];
    }
    return NULL;
}

/* One more changed key for the list, or the list given up for the span. */
static void Chunk_touch_key(VerifyChunk *c, int64_t lo, int64_t hi)
{
    if (c->ndirty < 0)
        return;
    if (lo != hi) { /* a change without a key: the whole span */
        c->ndirty = -1;
        return;
    }
    for (int i = 0; i < c->ndirty; i++)
        if (c->dirty_keys[i] == lo)
            return;
    if (c->ndirty == CHUNK_DIRTY_KEYS)
        c->ndirty = -1;
    else
        c->dirty_keys[c->ndirty++] = lo;
}

static void Chunk_touch(VerifyChunk *c, uint64_t coord, int64_t lo, int64_t hi)
{
    if (coord > c->changed_at)
        c->changed_at = coord;
    Chunk_touch_key(c, lo, hi);
    if (c->dirty_lo > c->dirty_hi) {
        c->dirty_lo = lo;
        c->dirty_hi = hi;
        return;
    }
    if (lo < c->dirty_lo)
        c->dirty_lo = lo;
    if (hi > c->dirty_hi)
        c->dirty_hi = hi;
}

void Chunk_mark_changed(VerifyTable *t, bool has_key, int64_t key, uint64_t coord)
{
    if (has_key && t->key[0]) {
        VerifyChunk *c = Chunk_of(t, key);
        if (c)
            Chunk_touch(c, coord, key, key);
        return;
    }
    for (size_t i = 0; i < t->nchunks; i++)
        Chunk_touch(&t->chunks[i], coord, t->chunks[i].lo, t->chunks[i].hi);
}

bool Chunk_settled(const VerifyChunk *c)
{
    return c->state == CHUNK_EQUAL && c->changed_at <= c->checked_at;
}

void Chunk_compared(VerifyChunk *c, bool equal, uint64_t coord)
{
    c->state = equal ? CHUNK_EQUAL : CHUNK_UNSETTLED;
    c->checked_at = coord;
    if (c->changed_at <= coord) {
        c->dirty_lo = 1;
        c->dirty_hi = 0;
        c->ndirty = 0;
    }
}

bool Chunk_recheck_span(const VerifyChunk *c, VerifyChunk *span)
{
    *span = *c;
    if (c->state != CHUNK_EQUAL || c->dirty_lo > c->dirty_hi)
        return false;
    span->lo = c->dirty_lo > c->lo ? c->dirty_lo : c->lo;
    span->hi = c->dirty_hi < c->hi ? c->dirty_hi : c->hi;
    span->keys_only = c->ndirty > 0;
    return span->keys_only || span->lo != c->lo || span->hi != c->hi;
}

void Chunk_describe(const VerifyTable *t, const VerifyChunk *c, char *out, size_t size)
{
    if (!t->key[0]) {
        snprintf(out, size, "whole table");
        return;
    }
    char lo[24] = "start", hi[24] = "end";
    if (c->lo != INT64_MIN)
        snprintf(lo, sizeof lo, "%" PRId64, c->lo);
    if (c->hi != INT64_MAX)
        snprintf(hi, sizeof hi, "%" PRId64, c->hi);
    snprintf(out, size, "%s %s..%s", t->key, lo, hi);
}

void Chunk_table_free(VerifyTable *t)
{
    free(t->row_digest);
    free(t->chunks);
    t->row_digest = NULL;
    t->chunks = NULL;
    t->nchunks = t->cap = 0;
}
