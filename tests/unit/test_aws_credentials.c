/* Credentials: the environment, the two profile files, credential_process
 * (word splitting, JSON, Expiration, failures), the order between them,
 * refreshing before expiry, and the registration of every secret with the
 * redactor. Container and IMDS sources are driven against a local server
 * in tests/integration/aws_credentials_http.sh. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/credentials.h"
#include "aws/sso.h"
#include "lib/redact.h"
#include "tests/unit/unit.h"

static char dir[256];

static void write_file(const char *name, const char *text, int mode)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    chmod(path, (mode_t)mode);
}

static char *path_of(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static void clean_env(void)
{
    static const char *const VARS[] = {"AWS_ACCESS_KEY_ID",
                                       "AWS_SECRET_ACCESS_KEY",
                                       "AWS_SESSION_TOKEN",
                                       "AWS_PROFILE",
                                       "AWS_SHARED_CREDENTIALS_FILE",
                                       "AWS_CONFIG_FILE",
                                       "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                       "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                       "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                       "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                       "AWS_EC2_METADATA_SERVICE_ENDPOINT"};
    for (size_t i = 0; i < sizeof VARS / sizeof VARS[0]; i++)
        unsetenv(VARS[i]);
    snprintf(dir, sizeof dir, "/tmp/cutover-cred-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    setenv("HOME", dir, 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

static void remove_dir(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(environment_first)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecretkey", 1);
    setenv("AWS_SESSION_TOKEN", "envsessiontoken", 1);
    write_file("credentials", "[default]\naws_access_key_id=AKIAFILE\naws_secret_access_key=x\n",
               0600);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path_of("credentials"), 1);
    Credentials c;
    char err[512];
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), 0);
    ck_assert_str_eq(c.access_key_id, "AKIAENV");
    ck_assert_str_eq(c.secret_access_key, "envsecretkey");
    ck_assert_str_eq(c.session_token, "envsessiontoken");
    ck_assert_str_eq(c.source, "environment variables");
    ck_assert_int_eq(c.expires_ms, 0);
    /* Both secrets are now masked wherever text is redacted. */
    char line[128] = "key envsecretkey token envsessiontoken id AKIAENV";
    Redact_apply(line, sizeof line);
    ck_assert_str_eq(line, "key *** token *** id AKIAENV");
    Credentials_clear(&c);
}
END_TEST

START_TEST(environment_half_set_is_an_error)
{
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    Credentials c;
    char err[512];
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "AWS_SECRET_ACCESS_KEY"));
}
END_TEST

START_TEST(profile_from_credentials_file)
{
    write_file("credentials",
               "# comment\n[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = "
               "defsecret1\n\n[prod]\naws_access_key_id=AKIAPROD\n"
               "aws_secret_access_key=prodsecret\naws_session_token = prodtoken \n",
               0600);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path_of("credentials"), 1);
    Credentials c;
    char err[512];
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), 0);
    ck_assert_str_eq(c.access_key_id, "AKIADEF");
    ck_assert_ptr_null(c.session_token);
    Credentials_clear(&c);

    setenv("AWS_PROFILE", "prod", 1);
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), 0);
    ck_assert_str_eq(c.access_key_id, "AKIAPROD");
    Credentials_clear(&c);
    unsetenv("AWS_PROFILE");
    ck_assert_int_eq(Credentials_resolve("prod", &c, err, sizeof err), 0);
    ck_assert_str_eq(c.access_key_id, "AKIAPROD");
    ck_assert_str_eq(c.secret_access_key, "prodsecret");
    ck_assert_str_eq(c.session_token, "prodtoken");
    ck_assert_ptr_nonnull(strstr(c.source, "profile \"prod\""));
    Credentials_clear(&c);
}
END_TEST

START_TEST(profile_from_home_config_file)
{
    ck_assert_int_eq(mkdir(path_of(".aws"), 0700), 0);
    write_file(".aws/config",
               "[default]\nregion = eu-west-1\n[profile ops]\nregion=us-east-1\n"
               "aws_access_key_id=AKIACFG\naws_secret_access_key=cfgsecret\n",
               0600);
    setenv("AWS_PROFILE", "ops", 1);
    Credentials c;
    char err[512];
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), 0);
    ck_assert_str_eq(c.access_key_id, "AKIACFG");
    ck_assert_ptr_nonnull(strstr(c.source, ".aws/config"));
    Credentials_clear(&c);
}
END_TEST

START_TEST(credentials_file_wins_over_config)
{
    write_file("credentials", "[ops]\naws_access_key_id=AKIACRED\naws_secret_access_key=s1s1\n",
               0600);
    write_file("config",
               "[profile ops]\naws_access_key_id=AKIACFG\naws_secret_access_key=s2s2\n"
               "credential_process = /bin/false\n",
               0600);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path_of("credentials"), 1);
    setenv("AWS_CONFIG_FILE", path_of("config"), 1);
    setenv("AWS_PROFILE", "ops", 1);
    Credentials c;
    char err[512];
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), 0);
    ck_assert_str_eq(c.access_key_id, "AKIACRED");
    Credentials_clear(&c);
}
END_TEST

START_TEST(unknown_profile_is_an_error)
{
    write_file("credentials", "[default]\naws_access_key_id=A\naws_secret_access_key=B\n", 0600);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path_of("credentials"), 1);
    Credentials c;
    char err[512];
    /* Named by the plan: */
    ck_assert_int_eq(Credentials_resolve("fromplan", &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "\"fromplan\""));
    /* Named by AWS_PROFILE: */
    setenv("AWS_PROFILE", "nosuch", 1);
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "\"nosuch\""));
}
END_TEST

START_TEST(half_profile_is_an_error)
{
    write_file("credentials", "[default]\naws_access_key_id=AKIAHALF\n", 0600);
    setenv("AWS_SHARED_CREDENTIALS_FILE", path_of("credentials"), 1);
    Credentials c;
    char err[512];
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "aws_secret_access_key"));
}
END_TEST

/* The script records its arguments, so word splitting is checked too. */
static void write_process(const char *json)
{
    char script[2048];
    snprintf(script, sizeof script,
             "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done > '%s/args'\n"
             "echo x >> '%s/runs'\ncat <<'EOF'\n%s\nEOF\n",
             dir, dir, json);
    write_file("proc.sh", script, 0700);
    char config[1024];
    snprintf(config, sizeof config,
             "[default]\ncredential_process = %s/proc.sh 'one two' \"three \\\"3\\\"\" four\\ 4\n",
             dir);
    write_file("config", config, 0600);
    setenv("AWS_CONFIG_FILE", path_of("config"), 1);
}

static char *slurp(const char *name)
{
    static char text[1024];
    FILE *f = fopen(path_of(name), "r");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[n] = '\0';
    if (f)
        fclose(f);
    return text;
}

START_TEST(credential_process_json)
{
    write_process("{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", \"SecretAccessKey\": "
                  "\"procsecret\", \"SessionToken\": \"proctoken\", \"Expiration\": "
                  "\"2030-01-01T00:00:00Z\"}");
    Credentials c;
    char err[512];
    ck_assert_msg(Credentials_resolve(NULL, &c, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(c.access_key_id, "AKIAPROC");
    ck_assert_str_eq(c.secret_access_key, "procsecret");
    ck_assert_str_eq(c.session_token, "proctoken");
    ck_assert_int_eq(c.expires_ms, 1893456000000LL);
    ck_assert_str_eq(slurp("args"), "[one two]\n[three \"3\"]\n[four 4]\n");
    char line[64] = "t=proctoken";
    Redact_apply(line, sizeof line);
    ck_assert_str_eq(line, "t=***");
    Credentials_clear(&c);
}
END_TEST

START_TEST(credential_process_failures)
{
    Credentials c;
    char err[512];
    write_process("{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"B\"}");
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "Version"));

    write_process("{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"Bsecret\", "
                  "\"Expiration\": \"next tuesday\"}");
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "next tuesday"));

    write_file("fail.sh", "#!/bin/sh\necho 'sso session expired' >&2\nexit 3\n", 0700);
    char config[512];
    snprintf(config, sizeof config, "[default]\ncredential_process=%s/fail.sh\n", dir);
    write_file("config", config, 0600);
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "exit status 3"));
    ck_assert_ptr_nonnull(strstr(err, "sso session expired"));

    snprintf(config, sizeof config, "[default]\ncredential_process=%s/missing 'x\n", dir);
    write_file("config", config, 0600);
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "unterminated"));

    snprintf(config, sizeof config, "[default]\ncredential_process=%s/missing\n", dir);
    write_file("config", config, 0600);
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "missing"));
}
END_TEST

static int64_t fake_now;
static int64_t now_fn(void)
{
    return fake_now;
}

static int runs(void)
{
    int n = 0;
    for (const char *p = slurp("runs"); *p; p++)
        n += *p == '\n';
    return n;
}

START_TEST(provider_refreshes_before_expiry)
{
    const int64_t expiry = 1893456000000LL; /* 2030-01-01T00:00:00Z */
    write_process("{\"Version\": 1, \"AccessKeyId\": \"AKIAROT\", \"SecretAccessKey\": "
                  "\"rotsecret\", \"Expiration\": \"2030-01-01T00:00:00Z\"}");
    Credentials_provider *p = Credentials_provider_new(NULL, now_fn);
    Credentials c;
    char err[512];
    fake_now = expiry - 60 * 60 * 1000;
    ck_assert_int_eq(Credentials_provider_get(p, &c, err, sizeof err), 0);
    Credentials_clear(&c);
    ck_assert_int_eq(Credentials_provider_get(p, &c, err, sizeof err), 0);
    Credentials_clear(&c);
    ck_assert_int_eq(runs(), 1); /* an hour left: cached */

    fake_now = expiry - 5 * 60 * 1000;
    ck_assert_int_eq(Credentials_provider_get(p, &c, err, sizeof err), 0);
    Credentials_clear(&c);
    ck_assert_int_eq(runs(), 2); /* five minutes left: refreshed */

    /* The source breaks: the cached keys serve while they last. */
    char config[512];
    snprintf(config, sizeof config, "[default]\ncredential_process=/bin/false\n");
    write_file("config", config, 0600);
    ck_assert_int_eq(Credentials_provider_get(p, &c, err, sizeof err), 0);
    ck_assert_str_eq(c.access_key_id, "AKIAROT");
    Credentials_clear(&c);
    fake_now = expiry + 1;
    ck_assert_int_eq(Credentials_provider_get(p, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "credential_process"));
    Credentials_provider_free(p);
}
END_TEST

static void get_once(Credentials_provider *p)
{
    Credentials c;
    char err[512];
    ck_assert_msg(Credentials_provider_get(p, &c, err, sizeof err) == 0, "%s", err);
    Credentials_clear(&c);
}

/* Keys resolved at a step's start are held: no refresh inside the step,
 * even within the refresh margin, unless they are a minute from dying. */
START_TEST(provider_holds_prepared_keys)
{
    const int64_t expiry = 1893456000000LL, min = 60 * 1000;
    write_process("{\"Version\": 1, \"AccessKeyId\": \"AKIAHOLD\", \"SecretAccessKey\": "
                  "\"holdsecret\", \"Expiration\": \"2030-01-01T00:00:00Z\"}");
    Credentials_provider *p = Credentials_provider_new(NULL, now_fn);
    char err[512];
    int64_t expires = 0;
    fake_now = expiry - 60 * min;
    ck_assert_int_eq(Credentials_provider_prepare(p, 5 * min, &expires, err, sizeof err), 0);
    ck_assert_int_eq(expires, expiry);
    ck_assert_int_eq(runs(), 1); /* none yet: resolved at the start */
    ck_assert_int_eq(Credentials_provider_refreshes(p), 1);

    fake_now = expiry - 14 * min; /* 14 min left < 5 min hold + 10 min margin */
    ck_assert_int_eq(Credentials_provider_prepare(p, 5 * min, &expires, err, sizeof err), 0);
    ck_assert_int_eq(runs(), 2); /* refreshed at the step's start */
    fake_now = expiry - 12 * min;
    ck_assert_int_eq(Credentials_provider_prepare(p, 5 * min, &expires, err, sizeof err), 0);
    ck_assert_int_eq(runs(), 2); /* a prepare inside the hold changes nothing */

    fake_now = expiry - 10 * min; /* inside the margin, inside the hold (until -9 min) */
    get_once(p);
    ck_assert_int_eq(runs(), 2); /* held: no refresh mid-step */

    fake_now = expiry - 30 * 1000; /* a minute from dying: replaced even in a hold */
    get_once(p);
    ck_assert_int_eq(runs(), 3);
    Credentials_provider_free(p);

    p = Credentials_provider_new(NULL, now_fn); /* without a hold: the margin rules */
    fake_now = expiry - 20 * min;
    get_once(p);
    fake_now = expiry - 9 * min;
    get_once(p);
    ck_assert_int_eq(runs(), 5);
    Credentials_provider_free(p);
}
END_TEST

/* The CLI's cache file names and formats (botocore's SSOTokenLoader). */
START_TEST(sso_cache_and_replies)
{
    char key[SSO_CACHE_KEY_LEN + 1], err[512];
    Sso_cache_key("corp", key);
    ck_assert_str_eq(key, "ee0bfd2552fbd840c02cc48b6e823320543c450f");
    Sso_token t;
    ck_assert_int_eq(Sso_parse_token("{\"accessToken\": \"tok-1\", \"expiresAt\": "
                                     "\"2030-01-01T00:00:00Z\"}",
                                     &t, err, sizeof err),
                     0);
    ck_assert_str_eq(t.access_token, "tok-1");
    ck_assert_int_eq(t.expires_ms, 1893456000000LL);
    Sso_token_clear(&t);
    ck_assert_int_eq(
        Sso_parse_token("{\"expiresAt\": \"2030-01-01T00:00:00Z\"}", &t, err, sizeof err), -1);
    ck_assert_str_eq(err, "has no accessToken");
    ck_assert_int_eq(
        Sso_parse_token("{\"accessToken\": \"x\", \"expiresAt\": \"soon\"}", &t, err, sizeof err),
        -1);
    ck_assert_ptr_nonnull(strstr(err, "soon"));

    Credentials c;
    ck_assert_int_eq(
        Sso_parse_role_credentials(
            "{\"roleCredentials\": {\"accessKeyId\": \"ASIASSO\", \"secretAccessKey\": "
            "\"ssosecret\", \"sessionToken\": \"ssotoken\", \"expiration\": "
            "1893456000000}}",
            "SSO role R", &c, err, sizeof err),
        0);
    ck_assert_str_eq(c.access_key_id, "ASIASSO");
    ck_assert_int_eq(c.expires_ms, 1893456000000LL);
    ck_assert_str_eq(c.source, "SSO role R");
    char line[64] = "k=ssosecret t=ssotoken";
    Redact_apply(line, sizeof line);
    ck_assert_str_eq(line, "k=*** t=***");
    Credentials_clear(&c);
    ck_assert_int_eq(Sso_parse_role_credentials("{\"roleCredentials\": {\"accessKeyId\": \"A\"}}",
                                                "SSO role R", &c, err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "SSO role R"));
}
END_TEST

START_TEST(container_full_uri_must_be_local_or_https)
{
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://evil.example.com/creds", 1);
    Credentials c;
    char err[512];
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "AWS_CONTAINER_CREDENTIALS_FULL_URI"));
}
END_TEST

START_TEST(nothing_found_says_what_was_tried)
{
    Credentials c;
    char err[512];
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no AWS credentials"));
    ck_assert_ptr_nonnull(strstr(err, "AWS_EC2_METADATA_DISABLED"));
}
END_TEST

START_TEST(imds_unreachable_is_quick)
{
    unsetenv("AWS_EC2_METADATA_DISABLED");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/", 1);
    Credentials c;
    char err[512];
    ck_assert_int_eq(Credentials_resolve(NULL, &c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "127.0.0.1:9/latest/api/token"));
}
END_TEST

START_TEST(parse_time)
{
    ck_assert_int_eq(Credentials_parse_time("2030-01-01T00:00:00Z"), 1893456000000LL);
    ck_assert_int_eq(Credentials_parse_time("2030-01-01T00:00:00.250Z"), 1893456000250LL);
    ck_assert_int_eq(Credentials_parse_time("2030-01-01T01:00:00+01:00"), 1893456000000LL);
    ck_assert_int_eq(Credentials_parse_time("2029-12-31T23:00:00-0100"), 1893456000000LL);
    ck_assert_int_eq(Credentials_parse_time("2030-01-01"), -1);
    ck_assert_int_eq(Credentials_parse_time("2030-01-01T00:00:00Zjunk"), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aws_credentials");
    TCase *tc = tcase_create("sources");
    tcase_add_checked_fixture(tc, clean_env, remove_dir);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, environment_first);
    tcase_add_test(tc, environment_half_set_is_an_error);
    tcase_add_test(tc, profile_from_credentials_file);
    tcase_add_test(tc, profile_from_home_config_file);
    tcase_add_test(tc, credentials_file_wins_over_config);
    tcase_add_test(tc, unknown_profile_is_an_error);
    tcase_add_test(tc, half_profile_is_an_error);
    tcase_add_test(tc, credential_process_json);
    tcase_add_test(tc, credential_process_failures);
    tcase_add_test(tc, provider_refreshes_before_expiry);
    tcase_add_test(tc, provider_holds_prepared_keys);
    tcase_add_test(tc, sso_cache_and_replies);
    tcase_add_test(tc, container_full_uri_must_be_local_or_https);
    tcase_add_test(tc, nothing_found_says_what_was_tried);
    tcase_add_test(tc, imds_unreachable_is_quick);
    tcase_add_test(tc, parse_time);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
