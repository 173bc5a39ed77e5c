/* Secrets Manager helpers on canned secret strings: the RDS-style secret
 * parsed (port as number or string), the swap rewriting only host and port,
 * the password registered with the redactor, and request tokens that are
 * UUIDs. The calls themselves go through aws/http (tested against the local
 * endpoint). */
#include <check.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws/secrets.h"
#include "lib/redact.h"
#include "tests/unit/unit.h"

static const char *RDS_SECRET = "{\"engine\":\"mysql\",\"host\":\"old.rds.amazonaws.com\","
                                "\"port\":3306,\"username\":\"app\",\"password\":\"pw-in-secret\","
                                "\"dbname\":\"shop\"}";

START_TEST(parse_rds_secret)
{
    Secret_db s;
    memset(&s, 0, sizeof s);
    char err[256];
    ck_assert_int_eq(Secrets_parse_db(RDS_SECRET, &s, err, sizeof err), 0);
    ck_assert_str_eq(s.host, "old.rds.amazonaws.com");
    ck_assert_int_eq(s.port, 3306);
    ck_assert_str_eq(s.username, "app");
    ck_assert_str_eq(s.password, "pw-in-secret");
    ck_assert_str_eq(s.dbname, "shop");
    ck_assert_str_eq(s.engine, "mysql");
    char line[64] = "password=pw-in-secret";
    Redact_apply(line, sizeof line);
    ck_assert_str_eq(line, "password=***");
    Secrets_db_clear(&s);

    memset(&s, 0, sizeof s);
    ck_assert_int_eq(Secrets_parse_db("{\"host\":\"h\",\"port\":\"3307\",\"username\":\"u\","
                                      "\"password\":\"p4ss\"}",
                                      &s, err, sizeof err),
                     0);
    ck_assert_int_eq(s.port, 3307);
    ck_assert_ptr_null(s.dbname);
    Secrets_db_clear(&s);
}
END_TEST

START_TEST(bad_secrets_say_what_is_missing)
{
    Secret_db s;
    memset(&s, 0, sizeof s);
    char err[256];
    ck_assert_int_eq(Secrets_parse_db("{\"host\":\"h\",\"username\":\"u\"}", &s, err, sizeof err),
                     -1);
    ck_assert_str_eq(err, "the secret has no password");
    ck_assert_int_eq(Secrets_parse_db("plain-password-string", &s, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not a JSON object"));
    ck_assert_ptr_null(strstr(err, "plain-password-string"));
    ck_assert_int_eq(Secrets_parse_db("{\"host\":\"h\",\"port\":70000,\"username\":\"u\","
                                      "\"password\":\"pppp\"}",
                                      &s, err, sizeof err),
                     -1);
    ck_assert_str_eq(err, "the secret has no valid port");
}
END_TEST

/* A webhook's value from a secret: a plain-text secret whole, or one field
 * of a JSON secret; each mismatch said without the value. */
START_TEST(a_field_or_the_whole_secret)
{
    char out[64], err[256];
    ck_assert_int_eq(
        Secrets_text_field("https://hooks.example/T/B/x", "", out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "https://hooks.example/T/B/x");
    ck_assert_int_eq(Secrets_text_field("{\"url\":\"https://h/x\",\"token\":\"t0k\"}", "token", out,
                                        sizeof out, err, sizeof err),
                     0);
    ck_assert_str_eq(out, "t0k");
    ck_assert_int_eq(
        Secrets_text_field("{\"url\":\"https://h/x\"}", "", out, sizeof out, err, sizeof err), -1);
    ck_assert_str_eq(err, "is a JSON object; expected \"field\" naming the value to take");
    ck_assert_int_eq(Secrets_text_field("plain-s3cret", "url", out, sizeof out, err, sizeof err),
                     -1);
    ck_assert_str_eq(err, "is not a JSON object, so it has no field \"url\"; leave \"field\" out "
                          "to take it whole");
    ck_assert_int_eq(Secrets_text_field("{\"url\":42}", "url", out, sizeof out, err, sizeof err),
                     -1);
    ck_assert_str_eq(err, "has no string field \"url\"");
    ck_assert_int_eq(Secrets_text_field("0123456789abcdef", "", out, 8, err, sizeof err), -1);
    ck_assert_str_eq(err, "the value is longer than 7 bytes");
}
END_TEST

START_TEST(swap_rewrites_host_and_port_only)
{
    char err[256];
    char *next = Secrets_with_endpoint(RDS_SECRET, "new.rds.amazonaws.com", 3307, err, sizeof err);
    ck_assert_ptr_nonnull(next);
    Secret_db s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(Secrets_parse_db(next, &s, err, sizeof err), 0);
    ck_assert_str_eq(s.host, "new.rds.amazonaws.com");
    ck_assert_int_eq(s.port, 3307);
    ck_assert_str_eq(s.password, "pw-in-secret");
    ck_assert_str_eq(s.dbname, "shop");
    Secrets_db_clear(&s);
    free(next);
    ck_assert_ptr_null(Secrets_with_endpoint("[1]", "h", 1, err, sizeof err));
}
END_TEST

/* The undo after a restart trusts AWSPREVIOUS only when AWSCURRENT is exactly
 * what the swap would have written over it. */
START_TEST(endpoint_change_recognised_only_when_exact)
{
    char err[256];
    const char *host = "new.rds.amazonaws.com";
    char *swapped = Secrets_with_endpoint(RDS_SECRET, host, 3307, err, sizeof err);
    ck_assert_ptr_nonnull(swapped);
    ck_assert(Secrets_is_endpoint_change(RDS_SECRET, swapped, host, 3307));
    /* Not for another endpoint than the swap's. */
    ck_assert(!Secrets_is_endpoint_change(RDS_SECRET, swapped, host, 3306));
    /* Not when the secret changed in another field since (a rotated password). */
    char *rotated = Secrets_with_endpoint(
        "{\"engine\":\"mysql\",\"host\":\"old.rds.amazonaws.com\",\"port\":3306,"
        "\"username\":\"app\",\"password\":\"rotated-pw\",\"dbname\":\"shop\"}",
        host, 3307, err, sizeof err);
    ck_assert(!Secrets_is_endpoint_change(RDS_SECRET, rotated, host, 3307));
    /* Not when "before" already named the endpoint (a second swap version). */
    ck_assert(!Secrets_is_endpoint_change(swapped, swapped, host, 3307));
    /* Not for what is not an RDS-style secret, or nothing. */
    ck_assert(!Secrets_is_endpoint_change("[1]", swapped, host, 3307));
    ck_assert(!Secrets_is_endpoint_change(RDS_SECRET, NULL, host, 3307));
    free(swapped);
    free(rotated);
}
END_TEST

START_TEST(request_tokens_are_uuids)
{
    char a[37], b[37];
    Secrets_uuid(a);
    Secrets_uuid(b);
    ck_assert_uint_eq(strlen(a), 36);
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(a[14], '4');
    ck_assert(strchr("89ab", a[19]));
    for (int i = 0; i < 36; i++)
        ck_assert(i == 8 || i == 13 || i == 18 || i == 23 ? a[i] == '-' : isxdigit(a[i]));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aws_secrets");
    TCase *tc = tcase_create("secrets");
    tcase_add_test(tc, parse_rds_secret);
    tcase_add_test(tc, bad_secrets_say_what_is_missing);
    tcase_add_test(tc, a_field_or_the_whole_secret);
    tcase_add_test(tc, swap_rewrites_host_and_port_only);
    tcase_add_test(tc, endpoint_change_recognised_only_when_exact);
    tcase_add_test(tc, request_tokens_are_uuids);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
