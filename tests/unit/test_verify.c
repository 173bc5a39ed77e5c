/* The verifier's pure parts: the row changes read from recorded
 * `mariadb-binlog --verbose` output (the lab's MariaDB 10.11) and from
 * hand-written UPDATE/DELETE images, the chunk map (lookup, split, what
 * "settled" means) and the SQL it sends. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/binlog.h"
#include "tests/unit/unit.h"
#include "verify/binlog_rows.h"
#include "verify/chunk.h"

typedef struct Seen {
    int n;
    char table[8][BINLOG_ROWS_NAME_MAX];
    bool has_key[8];
    int64_t key[8];
    uint64_t coord[8];
} Seen;

static int Key_of(const char *table, void *ctx)
{
    (void)ctx;
    if (strcmp(table, "shop.orders") == 0 || strcmp(table, "shop.customers") == 0)
        return 1;
    return strcmp(table, "shop.notes") == 0 ? 0 : -1;
}

static void On_change(const char *table, bool has_key, int64_t key, uint64_t coord, void *ctx)
{
    Seen *s = ctx;
    if (s->n >= 8)
        return;
    snprintf(s->table[s->n], sizeof s->table[0], "%s", table);
    s->has_key[s->n] = has_key;
    s->key[s->n] = key;
    s->coord[s->n] = coord;
    s->n++;
}

static char *Fixture(size_t *len)
{
    return Unit_fixture("tests/data/binlog/mariadb-10.11-verbose.txt", len);
}

START_TEST(recorded_insert_is_one_change)
{
    size_t len;
    char *text = Fixture(&len);
    Seen seen = {0};
    BinlogRows b;
    BinlogRows_init(&b, "mariadb-bin.000001", Key_of, On_change, &seen);
    /* fed in odd pieces, as a pipe hands them */
    for (size_t off = 0; off < len; off += 7)
        BinlogRows_feed(&b, text + off, len - off < 7 ? len - off : 7);
    free(text);
    ck_assert_int_eq(seen.n, 1);
    ck_assert_str_eq(seen.table[0], "shop.orders");
    ck_assert(seen.has_key[0]);
    ck_assert_int_eq(seen.key[0], 1796576955102956LL);
    ck_assert_uint_eq(seen.coord[0], Binlog_coord("mariadb-bin.000001", 2620019));
    /* the stream ends in the next file; a restart begins at the last GTID */
    ck_assert_str_eq(b.file, "mariadb-bin.000002");
    ck_assert_uint_eq(b.coord, Binlog_coord("mariadb-bin.000002", 4));
    ck_assert_str_eq(b.trx_file, "mariadb-bin.000002");
}
END_TEST

static const char *const UPDATE_TEXT =
    "# at 500\n"
    "#261206 17:09:15 server id 1  end_log_pos 540 CRC32 0x1 \tGTID 0-1-9 trans\n"
    "# at 540\n"
    "#261206 17:09:15 server id 1  end_log_pos 700 CRC32 0x2 \tUpdate_rows: table id 28\n"
    "### UPDATE `shop`.`customers`\n"
    "### WHERE\n"
    "###   @1=41\n"
    "###   @2='a'\n"
    "### SET\n"
    "###   @1=42\n"
    "###   @2='b'\n"
    "### DELETE FROM `shop`.`orders`\n"
    "### WHERE\n"
    "###   @1=-6 (250)\n"
    "### INSERT INTO `shop`.`notes`\n"
    "### SET\n"
    "###   @1='x'\n"
    "### INSERT INTO `other`.`t`\n"
    "### SET\n"
    "###   @1=5\n";

START_TEST(update_marks_both_images)
{
    Seen seen = {0};
    BinlogRows b;
    BinlogRows_init(&b, "bin.000003", Key_of, On_change, &seen);
    BinlogRows_feed(&b, UPDATE_TEXT, strlen(UPDATE_TEXT));
    ck_assert_int_eq(seen.n, 4);
    ck_assert_int_eq(seen.key[0], 41); /* the row before ... */
    ck_assert_int_eq(seen.key[1], 42); /* ... and after: both ranges changed */
    ck_assert_str_eq(seen.table[2], "shop.orders");
    ck_assert_int_eq(seen.key[2], 250); /* an unsigned column's value */
    ck_assert_str_eq(seen.table[3], "shop.notes");
    ck_assert(!seen.has_key[3]); /* a table tracked whole */
    ck_assert_uint_eq(seen.coord[0], Binlog_coord("bin.000003", 700));
    ck_assert_str_eq(b.trx_file, "bin.000003");
    ck_assert_uint_eq(b.trx_pos, 500);
}
END_TEST

/* Rows and statements of one stream: Seen first, so On_change reads it. */
typedef struct Both {
    Seen seen;
    int n;
    char line[4][128];
} Both;

static void On_statement(const char *line, uint64_t coord, void *ctx)
{
    (void)coord;
    Both *s = ctx;
    if (s->n < 4)
        snprintf(s->line[s->n++], sizeof s->line[0], "%s", line);
}

START_TEST(statements_without_row_images)
{
    static const char *const text = "/*!50530 SET @@SESSION.PSEUDO_SLAVE_MODE=1*/;\n"
                                    "DELIMITER /*!*/;\n"
                                    "BEGIN\n"
                                    "SET TIMESTAMP=1796576947/*!*/;\n"
                                    "use `shop`/*!*/;\n"
                                    "TRUNCATE TABLE customers\n"
                                    "/*!*/;\n"
                                    "ALTER TABLE shop.orders\n"
                                    "  ADD COLUMN x INT\n"
                                    "COMMIT/*!*/;\n"
                                    "START TRANSACTION\n";
    Both both = {0};
    BinlogRows b;
    BinlogRows_init(&b, "bin.000001", Key_of, On_change, &both);
    b.on_statement = On_statement;
    BinlogRows_feed(&b, text, strlen(text));
    ck_assert_int_eq(both.n, 3);
    ck_assert_str_eq(both.line[0], "TRUNCATE TABLE customers");
    ck_assert_str_eq(both.line[1], "ALTER TABLE shop.orders");
    ck_assert_str_eq(both.line[2], "  ADD COLUMN x INT");
    ck_assert_int_eq(both.seen.n, 0);
}
END_TEST

START_TEST(values_and_coordinates)
{
    int n;
    int64_t v;
    ck_assert_int_eq(BinlogRows_value("@3=-17", &n, &v), 1);
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(v, -17);
    ck_assert_int_eq(BinlogRows_value("@1='text'", &n, &v), 0);
    ck_assert_int_eq(BinlogRows_value("@1=NULL", &n, &v), 0);
    ck_assert_int_eq(BinlogRows_value("@1=-1 (18446744073709551615)", &n, &v), 0);
    ck_assert_int_eq(BinlogRows_value("# Number of rows", &n, &v), -1);
    ck_assert_uint_gt(Binlog_coord("mysql-bin.000010", 4), Binlog_coord("mysql-bin.000009", 99999));
    ck_assert_uint_eq(Binlog_coord("no-suffix", 4), 0);
}
END_TEST

static VerifyTable Table_three_chunks(void)
{
    VerifyTable t = {
        .name = "shop.orders", .quoted = "`shop`.`orders`", .key = "`id`", .key_ordinal = 1};
    const char *cols[] = {"id", "note"};
    t.row_digest = Chunk_row_digest(cols, 2);
    ck_assert_int_eq(Chunk_append(&t, INT64_MIN, 999), 0);
    ck_assert_int_eq(Chunk_append(&t, 1000, 1999), 0);
    ck_assert_int_eq(Chunk_append(&t, 2000, INT64_MAX), 0);
    return t;
}

START_TEST(chunk_map_and_settled)
{
    VerifyTable t = Table_three_chunks();
    ck_assert_ptr_eq(Chunk_of(&t, -5), &t.chunks[0]);
    ck_assert_ptr_eq(Chunk_of(&t, 1000), &t.chunks[1]);
    ck_assert_ptr_eq(Chunk_of(&t, 1999), &t.chunks[1]);
    ck_assert_ptr_eq(Chunk_of(&t, INT64_MAX), &t.chunks[2]);
    VerifyChunk *c = &t.chunks[1];
    ck_assert(!Chunk_settled(c)); /* never compared */
    c->state = CHUNK_EQUAL;
    c->checked_at = 100;
    Chunk_mark_changed(&t, true, 1500, 90); /* before the comparison: seen by it */
    ck_assert(Chunk_settled(c));
    Chunk_mark_changed(&t, true, 1500, 101);
    ck_assert(!Chunk_settled(c));
    ck_assert(!Chunk_settled(&t.chunks[2]));
    ck_assert_uint_eq(t.chunks[0].changed_at, 0); /* other chunks untouched */
    Chunk_mark_changed(&t, false, 0, 200);        /* no key: every chunk */
    ck_assert_uint_eq(t.chunks[0].changed_at, 200);
    ck_assert_int_eq(Chunk_split(&t, 2, 5000), 0);
    ck_assert_int_eq(t.nchunks, 4);
    ck_assert_int_eq(t.chunks[2].hi, 4999);
    ck_assert_int_eq(t.chunks[3].lo, 5000);
    ck_assert_uint_eq(t.chunks[3].changed_at, 200); /* the halves keep what was known */
    ck_assert_int_eq(Chunk_split(&t, 0, INT64_MIN), -1);
    Chunk_table_free(&t);
}
END_TEST

START_TEST(recheck_narrows_to_changed_keys)
{
    VerifyTable t = Table_three_chunks();
    VerifyChunk *c = &t.chunks[2]; /* 2000..end: rows are added here */
    VerifyChunk span;
    ck_assert(!Chunk_recheck_span(c, &span)); /* never compared: all of it */
    Chunk_compared(c, true, 100);
    Chunk_mark_changed(&t, true, 5000, 101);
    Chunk_mark_changed(&t, true, 5003, 102);
    ck_assert(Chunk_recheck_span(c, &span));
    ck_assert_int_eq(span.lo, 5000);
    ck_assert_int_eq(span.hi, 5003);
    /* a comparison at 101 keeps the span: a change at 102 is already known */
    Chunk_compared(c, true, 101);
    ck_assert(!Chunk_settled(c));
    ck_assert(Chunk_recheck_span(c, &span));
    ck_assert_int_eq(span.lo, 5000);
    Chunk_compared(c, true, 102); /* all seen: forgotten */
    ck_assert(Chunk_settled(c));
    Chunk_mark_changed(&t, false, 0, 200); /* no key: the whole chunk again */
    ck_assert(!Chunk_recheck_span(c, &span));
    ck_assert_int_eq(span.lo, 2000);
    ck_assert_int_eq(span.hi, INT64_MAX);
    /* settled neighbours join, up to a size; an unsettled one does not */
    Chunk_compared(&t.chunks[0], true, 300);
    Chunk_compared(&t.chunks[1], true, 250);
    t.chunks[0].rows = 10;
    t.chunks[1].rows = 20;
    ck_assert_int_eq(Chunk_merge_settled(&t, 0, 29), 0);
    ck_assert_int_eq(Chunk_merge_settled(&t, 1, 1000), 0); /* chunk 2 is not settled */
    ck_assert_int_eq(Chunk_merge_settled(&t, 0, 30), 1);
    ck_assert_int_eq(t.nchunks, 2);
    ck_assert_int_eq(t.chunks[0].hi, 1999);
    ck_assert_uint_eq(t.chunks[0].checked_at, 250); /* the older comparison stands */
    ck_assert_int_eq(t.chunks[0].rows, 30);
    c = &t.chunks[1];
    Chunk_compared(c, false, 201); /* differed: all of it next time */
    Chunk_mark_changed(&t, true, 2500, 202);
    ck_assert(!Chunk_recheck_span(c, &span));
    Chunk_table_free(&t);
}
END_TEST

/* A few changed rows are compared alone (an IN list), many or a change
 * without a key fall back to their span; a split keeps each half's keys. */
START_TEST(recheck_by_changed_keys)
{
    VerifyTable t = Table_three_chunks();
    VerifyChunk *c = &t.chunks[1]; /* 1000..1999 */
    VerifyChunk span;
    char sql[2048], what[120];
    Chunk_compared(c, true, 100);
    Chunk_mark_changed(&t, true, 1500, 101);
    Chunk_mark_changed(&t, true, 1200, 102);
    Chunk_mark_changed(&t, true, 1500, 103); /* the same row again */
    ck_assert(Chunk_recheck_span(c, &span));
    ck_assert(span.keys_only);
    ck_assert_int_eq(span.ndirty, 2);
    Chunk_sum_sql(&t, &span, sql, sizeof sql);
    ck_assert_ptr_nonnull(strstr(sql, " FROM `shop`.`orders` WHERE `id` IN (1500, 1200)"));
    Chunk_describe(&t, &span, what, sizeof what);
    ck_assert_str_eq(what, "`id` 1200..1500");
    /* Split: each half keeps the keys inside it. */
    ck_assert_int_eq(Chunk_split(&t, 1, 1300), 0);
    ck_assert_int_eq(t.chunks[1].ndirty, 1);
    ck_assert_int_eq(t.chunks[1].dirty_keys[0], 1200);
    ck_assert_int_eq(t.chunks[2].ndirty, 1);
    ck_assert_int_eq(t.chunks[2].dirty_keys[0], 1500);
    /* More keys than the list holds: the span. */
    c = &t.chunks[1]; /* 1000..1299 */
    for (int k = 0; k < CHUNK_DIRTY_KEYS; k++)
        Chunk_mark_changed(&t, true, 1001 + k, 110 + (uint64_t)k);
    ck_assert(Chunk_recheck_span(c, &span));
    ck_assert(!span.keys_only);
    ck_assert_int_eq(span.lo, 1001);
    ck_assert_int_eq(span.hi, 1200);
    Chunk_sum_sql(&t, &span, sql, sizeof sql);
    ck_assert_ptr_nonnull(strstr(sql, " WHERE `id` BETWEEN 1001 AND 1200"));
    /* Compared at a coordinate that saw them all: forgotten, a list again. */
    Chunk_compared(c, true, 200);
    ck_assert_int_eq(c->ndirty, 0);
    Chunk_mark_changed(&t, true, 1100, 201);
    ck_assert(Chunk_recheck_span(c, &span) && span.keys_only);
    Chunk_mark_changed(&t, false, 0, 202); /* no key: the whole chunk */
    ck_assert(!Chunk_recheck_span(c, &span));
    Chunk_table_free(&t);
}
END_TEST

START_TEST(chunk_sql_and_names)
{
    VerifyTable t = Table_three_chunks();
    char sql[1024], what[120];
    Chunk_sum_sql(&t, &t.chunks[1], sql, sizeof sql);
    ck_assert_str_eq(sql, "SELECT COUNT(*), COALESCE(SUM(CAST(CONV(LEFT(MD5(CONCAT_WS('#', `id`, "
                          "`note`, CONCAT('', ISNULL(`id`), ISNULL(`note`)))), 16), 16, 10) AS "
                          "UNSIGNED)), 0) FROM `shop`.`orders` WHERE `id` BETWEEN 1000 AND 1999");
    Chunk_sum_sql(&t, &t.chunks[0], sql, sizeof sql);
    ck_assert_ptr_nonnull(strstr(sql, " WHERE `id` <= 999"));
    Chunk_sum_sql(&t, &t.chunks[2], sql, sizeof sql);
    ck_assert_ptr_nonnull(strstr(sql, " WHERE `id` >= 2000"));
    Chunk_boundary_sql(&t, 1000, 500, sql, sizeof sql);
    ck_assert_str_eq(sql, "SELECT `id` FROM `shop`.`orders` WHERE `id` >= 1000 ORDER BY `id` "
                          "LIMIT 1 OFFSET 500");
    Chunk_describe(&t, &t.chunks[0], what, sizeof what);
    ck_assert_str_eq(what, "`id` start..999");
    Chunk_describe(&t, &t.chunks[2], what, sizeof what);
    ck_assert_str_eq(what, "`id` 2000..end");
    Chunk_quote_name("we`ird", what, sizeof what);
    ck_assert_str_eq(what, "`we``ird`");
    Chunk_table_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("verify");
    TCase *tc = tcase_create("pure");
    tcase_add_test(tc, recorded_insert_is_one_change);
    tcase_add_test(tc, update_marks_both_images);
    tcase_add_test(tc, statements_without_row_images);
    tcase_add_test(tc, values_and_coordinates);
    tcase_add_test(tc, chunk_map_and_settled);
    tcase_add_test(tc, chunk_sql_and_names);
    tcase_add_test(tc, recheck_narrows_to_changed_keys);
    tcase_add_test(tc, recheck_by_changed_keys);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
