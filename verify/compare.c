#include "verify/compare.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"

enum { COMPARE_SQL_MAX = 64 * 1024 };

typedef struct CompareSide {
    Db *db;
    const char *who;
    const char *sql;
    VerifySum *sum;
    int64_t ms;
    char error[400];
} CompareSide;

static void *Compare_side_run(void *arg)
{
    CompareSide *s = arg;
    const char **cols;
    size_t ncols;
    char err[300];
    int64_t t0 = Clock_mono_ms();
    int rc = Db_query_row(s->db, s->sql, &cols, &ncols, err, sizeof err);
    s->ms = Clock_mono_ms() - t0;
    s->error[0] = '\0';
    if (rc != 1 || ncols < 2 || !cols[0] || !cols[1]) {
        snprintf(s->error, sizeof s->error, "%s: %s", s->who, rc < 0 ? err : "no answer");
        return NULL;
    }
    s->sum->rows = strtoll(cols[0], NULL, 10);
    snprintf(s->sum->sum, sizeof s->sum->sum, "%s", cols[1]);
    return NULL;
}

int Compare_chunk(Db *source, Db *target, const VerifyTable *t, const VerifyChunk *c, bool parallel,
                  CompareResult *r)
{
    memset(r, 0, sizeof *r);
    char *sql = malloc(COMPARE_SQL_MAX);
    if (!sql)
        return snprintf(r->error, sizeof r->error, "out of memory"), -1;
    Chunk_sum_sql(t, c, sql, COMPARE_SQL_MAX);
    CompareSide src = {source, "source", sql, &r->source, 0, ""};
    CompareSide tgt = {target, "target", sql, &r->target, 0, ""};
    pthread_t thread;
    bool threaded = parallel && pthread_create(&thread, NULL, Compare_side_run, &tgt) == 0;
    Compare_side_run(&src);
    if (threaded)
        pthread_join(thread, NULL);
    else
        Compare_side_run(&tgt);
    free(sql);
    r->source_ms = src.ms;
    const char *e = src.error[0] ? src.error : tgt.error;
    snprintf(r->error, sizeof r->error, "%s", e);
    return e[0] ? -1 : 0;
}

bool Compare_equal(const CompareResult *r)
{
    return r->source.rows == r->target.rows && strcmp(r->source.sum, r->target.sum) == 0;
}

void Compare_describe(const CompareResult *r, char *out, size_t size)
{
    snprintf(out, size, "source %" PRId64 " rows, sum %s; target %" PRId64 " rows, sum %s",
             r->source.rows, r->source.sum, r->target.rows, r->target.sum);
}
