/* lib/redact: registered secrets and URL passwords never survive. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/redact.h"
#include "tests/unit/unit.h"

static void setup(void)
{
    Redact_clear();
}

START_TEST(test_masks_registered_secret)
{
    char text[128] = "login as app with abcd1234, then abcd1234abcd1234 again";
    Redact_register("abcd1234");
    Redact_apply(text, sizeof text);
    ck_assert_str_eq(text, "login as app with ***, then ****** again");
}
END_TEST

/* A short secret is masked where it stands as a word, not inside others. */
START_TEST(test_short_secret_masked_as_a_word)
{
    char text[80] = "password ab, tab and abc stay; (ab) goes";
    Redact_register("ab");
    Redact_register("");
    Redact_register(NULL);
    ck_assert_uint_eq(Redact_count(), 1);
    Redact_apply(text, sizeof text);
    ck_assert_str_eq(text, "password ***, tab and abc stay; (***) goes");
}
END_TEST

START_TEST(test_keyed_passwords_masked)
{
    char odbc[96] = "Server=db;Uid=app;Pwd=s3;Database=shop";
    Redact_apply(odbc, sizeof odbc);
    ck_assert_str_eq(odbc, "Server=db;Uid=app;Pwd=***;Database=shop");
    char braced[96] = "Driver={MySQL};PASSWORD={a;b c};User=app";
    Redact_apply(braced, sizeof braced);
    ck_assert_str_eq(braced, "Driver={MySQL};PASSWORD=***;User=app");
    char libpq[96] = "host=db user=app password='x y' dbname=shop";
    Redact_apply(libpq, sizeof libpq);
    ck_assert_str_eq(libpq, "host=db user=app password=*** dbname=shop");
    char query[96] = "mysql://db/shop?user=app&passwd=zz&ssl=1";
    Redact_apply(query, sizeof query);
    ck_assert_str_eq(query, "mysql://db/shop?user=app&passwd=***&ssl=1");
    char prose[96] = "no_password=1 stays, newpassword=x stays";
    Redact_apply(prose, sizeof prose);
    ck_assert_str_eq(prose, "no_password=1 stays, newpassword=x stays");
}
END_TEST

START_TEST(test_duplicates_counted_once)
{
    Redact_register("password1");
    Redact_register("password1");
    Redact_register("password2");
    ck_assert_uint_eq(Redact_count(), 2);
}
END_TEST

/* A secret that contains another is masked whole, whatever the order in
 * which they were registered. */
START_TEST(test_longest_first)
{
    char text[128] = "token tok3n-extended and tok3n";
    Redact_register("tok3n");
    Redact_register("tok3n-extended");
    Redact_apply(text, sizeof text);
    ck_assert_str_eq(text, "token *** and ***");
}
END_TEST

START_TEST(test_url_password)
{
    char text[128] = "DATABASE_URL=mysql://app:s3cret@db.example:3306/shop ok";
    Redact_url_password(text, sizeof text);
    ck_assert_str_eq(text, "DATABASE_URL=mysql://app:***@db.example:3306/shop ok");
    /* idempotent */
    Redact_url_password(text, sizeof text);
    ck_assert_str_eq(text, "DATABASE_URL=mysql://app:***@db.example:3306/shop ok");
}
END_TEST

START_TEST(test_url_without_password_untouched)
{
    char text[160] = "mysql://app@127.0.0.1:40002/shop https://ops.example:443/m?a=b@c x://";
    char before[160];
    memcpy(before, text, sizeof text);
    Redact_url_password(text, sizeof text);
    ck_assert_str_eq(text, before);
}
END_TEST

START_TEST(test_url_password_with_at_sign)
{
    char text[96] = "mysql://u:p@ss@host/db and https://a:b@c/d";
    Redact_url_password(text, sizeof text);
    ck_assert_str_eq(text, "mysql://u:***@host/db and https://a:***@c/d");
}
END_TEST

/* A one-letter password grows to "***": the end of the text is cut
 * rather than overflowing the buffer, and the password is still gone. */
START_TEST(test_url_short_password_in_full_buffer)
{
    char text[] = "x mysql://u:p@host/db";
    Redact_url_password(text, sizeof text);
    ck_assert_str_eq(text, "x mysql://u:***@host/");
    char tiny[] = "a://u:p@h";
    Redact_url_password(tiny, sizeof tiny);
    ck_assert_str_eq(tiny, "a://u:***");
    char cut[] = "a://u:p@";
    Redact_url_password(cut, sizeof cut);
    ck_assert_ptr_null(strstr(cut, ":p@"));
}
END_TEST

START_TEST(test_apply_does_urls_too)
{
    char text[96] = "connecting to mysql://app:apppass@tgt/shop";
    Redact_apply(text, sizeof text);
    ck_assert_str_eq(text, "connecting to mysql://app:***@tgt/shop");
}
END_TEST

START_TEST(test_degenerate_buffers)
{
    char one[1] = {'\0'};
    Redact_register("abcdef");
    Redact_apply(NULL, 10);
    Redact_apply(one, 0);
    Redact_apply(one, 1);
    Redact_url_password(NULL, 5);
    ck_assert_int_eq(one[0], '\0');
    /* unterminated input is bounded by size */
    char raw[6] = {'a', 'b', 'c', 'd', 'e', 'f'};
    Redact_apply(raw, sizeof raw);
    ck_assert_int_eq(raw[5], '\0');
}
END_TEST

enum { THREADS = 4, PER_THREAD = 50 };

static void *register_many(void *arg)
{
    int id = *(int *)arg;
    char secret[32], text[128];
    for (int i = 0; i < PER_THREAD; i++) {
        snprintf(secret, sizeof secret, "secret-%d-%03d", id, i);
        Redact_register(secret);
        snprintf(text, sizeof text, "[%s]", secret);
        Redact_apply(text, sizeof text);
        if (strcmp(text, "[***]") != 0)
            return (void *)1;
    }
    return NULL;
}

START_TEST(test_threads)
{
    pthread_t threads[THREADS];
    int ids[THREADS];
    for (int i = 0; i < THREADS; i++) {
        ids[i] = i;
        ck_assert_int_eq(pthread_create(&threads[i], NULL, register_many, &ids[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        void *result;
        pthread_join(threads[i], &result);
        ck_assert_ptr_null(result);
    }
    ck_assert_uint_eq(Redact_count(), THREADS * PER_THREAD);
    char text[64] = "a secret-3-049 b secret-0-000";
    Redact_apply(text, sizeof text);
    ck_assert_str_eq(text, "a *** b ***");
}
END_TEST

static Suite *redact_suite(void)
{
    Suite *s = suite_create("redact");
    TCase *tc = tcase_create("redact");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_masks_registered_secret);
    tcase_add_test(tc, test_short_secret_masked_as_a_word);
    tcase_add_test(tc, test_keyed_passwords_masked);
    tcase_add_test(tc, test_duplicates_counted_once);
    tcase_add_test(tc, test_longest_first);
    tcase_add_test(tc, test_url_password);
    tcase_add_test(tc, test_url_without_password_untouched);
    tcase_add_test(tc, test_url_password_with_at_sign);
    tcase_add_test(tc, test_url_short_password_in_full_buffer);
    tcase_add_test(tc, test_apply_does_urls_too);
    tcase_add_test(tc, test_degenerate_buffers);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return Unit_run(redact_suite());
}
