/* SigV4: every case of the published test suite (canonical request, string
 * to sign, Authorization header compared exactly), plus the helpers. The
 * suite is vendored in $top_srcdir/tests/data/aws4_testsuite (Apache-2.0,
 * its LICENSE and NOTICE beside it; $CUTOVER_AWS4_TESTSUITE points
 * elsewhere); without it the test fails. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/sigv4.h"
#include "tests/unit/unit.h"

#define MAX_CASES   128
#define MAX_HEADERS 32

static const Sigv4_credentials SUITE_CRED = {"AKIDEXAMPLE",
                                             "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};
static char *case_dirs[MAX_CASES];
static char *case_names[MAX_CASES];
static int n_cases;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    Awsbuf b;
    Awsbuf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        for (size_t i = 0; i < n; i++)
            if (chunk[i] != '\r')
                Awsbuf_putc(&b, chunk[i]);
    fclose(f);
    Awsbuf_putc(&b, '\0');
    b.len--;
    return Awsbuf_steal(&b);
}

static char *case_file(int i, const char *ext)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.%s", case_dirs[i], case_names[i], ext);
    return slurp(path);
}

/* A case is any directory holding NAME/NAME.req; cases nest (normalize-path). */
static void find_cases(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char sub[1024], req[1300];
        struct stat st;
        snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
        if (stat(sub, &st) < 0 || !S_ISDIR(st.st_mode))
            continue;
        snprintf(req, sizeof req, "%s/%s.req", sub, de->d_name);
        if (access(req, R_OK) == 0 && n_cases < MAX_CASES) {
            case_dirs[n_cases] = strdup(sub);
            case_names[n_cases++] = strdup(de->d_name);
        }
        find_cases(sub);
    }
    closedir(d);
}

typedef struct {
    char *text; /* the .req, cut in place */
    char *method, *path, *query, *body;
    Sigv4_header headers[MAX_HEADERS];
    size_t n_headers;
} Raw_request;

/* "METHOD PATH[?QUERY] HTTP/1.1", header lines (a line starting with white
 * space continues the previous value), a blank line, the body. */
static void parse_request(Raw_request *r, char *text)
{
    memset(r, 0, sizeof *r);
    r->text = text;
    char *eol = strchr(text, '\n');
    char *next = eol ? eol + 1 : text + strlen(text);
    if (eol)
        *eol = '\0';
    r->method = text;
    char *sp = strchr(text, ' ');
    ck_assert_ptr_nonnull(sp);
    *sp = '\0';
    r->path = sp + 1;
    char *proto = strstr(r->path, " HTTP/");
    ck_assert_ptr_nonnull(proto);
    for (char *p; (p = strstr(proto + 1, " HTTP/")) != NULL;)
        proto = p;
    *proto = '\0';
    char *q = strchr(r->path, '?');
    if (q) {
        *q = '\0';
        r->query = q + 1;
    }
    char *line = next;
    char *prev_end = NULL;
    while (line && *line) {
        eol = strchr(line, '\n');
        next = eol ? eol + 1 : NULL;
        if (eol)
            *eol = '\0';
        if (!*line)
            break; /* the blank line before the body */
        if ((line[0] == ' ' || line[0] == '\t') && r->n_headers) {
            /* Folded value: glue it back on with the line break. */
            prev_end[0] = '\n';
        } else {
            char *colon = strchr(line, ':');
            ck_assert_ptr_nonnull(colon);
            *colon = '\0';
            ck_assert_uint_lt(r->n_headers, MAX_HEADERS);
            r->headers[r->n_headers].name = line;
            r->headers[r->n_headers++].value = colon + 1;
        }
        prev_end = eol;
        line = next;
    }
    r->body = next ? next : (char *)"";
}

static const char *header_in(const char *text, const char *name)
{
    const char *p = strstr(text, name);
    return p ? p + strlen(name) : NULL;
}

START_TEST(suite_case)
{
    char *req_text = case_file(_i, "req");
    char *creq = case_file(_i, "creq");
    char *sts = case_file(_i, "sts");
    char *authz = case_file(_i, "authz");
    char *sreq = case_file(_i, "sreq");
    ck_assert_msg(req_text && creq && sts && authz && sreq, "%s: a file is missing",
                  case_names[_i]);

    /* The token of get-vanilla-with-session-token is only in its .sreq;
     * post-sts-header-after adds its token after signing, unsigned. */
    Sigv4_credentials cred = SUITE_CRED;
    char token[2048] = "";
    const char *tok = header_in(sreq, "X-Amz-Security-Token:");
    if (tok && !header_in(req_text, "X-Amz-Security-Token:") &&
        strcmp(case_names[_i], "post-sts-header-after") != 0) {
        snprintf(token, sizeof token, "%.*s", (int)strcspn(tok, "\n"), tok);
        cred.session_token = token;
    }

    Raw_request r;
    parse_request(&r, req_text);
    Sigv4_request req = {r.method, r.path, r.query, r.headers, r.n_headers, r.body, strlen(r.body)};
    Sigv4_result out;
    char err[256];
    ck_assert_int_eq(Sigv4_sign(&req, &cred, "us-east-1", "service",
                                Sigv4_parse_amz_date("20150830T123600Z"), &out, err, sizeof err),
                     0);
    ck_assert_msg(!strcmp(out.canonical_request, creq), "%s: canonical request\n%s\nwanted\n%s",
                  case_names[_i], out.canonical_request, creq);
    ck_assert_msg(!strcmp(out.string_to_sign, sts), "%s: string to sign\n%s\nwanted\n%s",
                  case_names[_i], out.string_to_sign, sts);
    ck_assert_msg(!strcmp(out.authorization, authz), "%s: authorization\n%s\nwanted\n%s",
                  case_names[_i], out.authorization, authz);
    Sigv4_result_free(&out);
    free(req_text);
    free(creq);
    free(sts);
    free(authz);
    free(sreq);
}
END_TEST

static const char *encoded_uri(const char *path)
{
    static char buf[512];
    Awsbuf b;
    Awsbuf_init(&b);
    Sigv4_canonical_uri(&b, path);
    snprintf(buf, sizeof buf, "%s", b.data);
    Awsbuf_free(&b);
    return buf;
}

START_TEST(canonical_uri_normalises)
{
    ck_assert_str_eq(encoded_uri(NULL), "/");
    ck_assert_str_eq(encoded_uri("/a/./b/../c//d/"), "/a/c/d/");
    ck_assert_str_eq(encoded_uri("/../.."), "/");
    /* The wire path is encoded once; the canonical form encodes it again. */
    ck_assert_str_eq(encoded_uri("/a%20b"), "/a%2520b");
    ck_assert_str_eq(encoded_uri("/k=v&x+y:@!"), "/k%3Dv%26x%2By%3A%40%21");
}
END_TEST

static const char *canonical_query(const char *q)
{
    static char buf[512];
    Awsbuf b;
    Awsbuf_init(&b);
    Sigv4_canonical_query(&b, q);
    snprintf(buf, sizeof buf, "%s", b.data ? b.data : "");
    Awsbuf_free(&b);
    return buf;
}

START_TEST(canonical_query_sorts_and_encodes)
{
    ck_assert_str_eq(canonical_query(NULL), "");
    ck_assert_str_eq(canonical_query("b=2&a=&a=1&c"), "a=&a=1&b=2&c=");
    ck_assert_str_eq(canonical_query("x=a%2fb&y=a b&z=%zz"), "x=a%2Fb&y=a%20b&z=%25zz");
    ck_assert_str_eq(canonical_query("Z=1&a=1&_=1"), "Z=1&_=1&a=1");
    ck_assert_str_eq(canonical_query("p=1+1"), "p=1%2B1");
}
END_TEST

START_TEST(host_from_url)
{
    char host[128];
    ck_assert_int_eq(Sigv4_host_from_url("https://DMS.us-east-1.amazonaws.com/", host, 128), 0);
    ck_assert_str_eq(host, "dms.us-east-1.amazonaws.com");
    ck_assert_int_eq(Sigv4_host_from_url("http://127.0.0.1:8080/x", host, 128), 0);
    ck_assert_str_eq(host, "127.0.0.1:8080");
    ck_assert_int_eq(Sigv4_host_from_url("https://h:443", host, 128), 0);
    ck_assert_str_eq(host, "h");
    ck_assert_int_eq(Sigv4_host_from_url("http://u:p@[::1]:9/", host, 128), 0);
    ck_assert_str_eq(host, "[::1]:9");
    ck_assert_int_eq(Sigv4_host_from_url("no-scheme", host, 128), -1);
}
END_TEST

START_TEST(missing_host_is_an_error)
{
    Sigv4_header h[] = {{"Content-Type", "x"}};
    Sigv4_request req = {"GET", "/", NULL, h, 1, NULL, 0};
    Sigv4_result out;
    char err[256];
    ck_assert_int_eq(Sigv4_sign(&req, &SUITE_CRED, "us-east-1", "dms", 0, &out, err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "Host"));
    ck_assert_ptr_null(strstr(err, SUITE_CRED.secret_access_key));
    Sigv4_result_free(&out);
}
END_TEST

/* The signer owns X-Amz-Date and the token: stale copies are replaced. */
START_TEST(signer_replaces_its_own_headers)
{
    Sigv4_header h[] = {{"Host", "example.amazonaws.com"},
                        {"X-Amz-Date", "19990101T000000Z"},
                        {"X-Amz-Security-Token", "old"},
                        {"Authorization", "stale"},
                        {"User-Agent", "cutover"}};
    Sigv4_request req = {"get", "/", NULL, h, 5, NULL, 0};
    Sigv4_credentials cred = SUITE_CRED;
    cred.session_token = "new";
    Sigv4_result out;
    char err[256];
    ck_assert_int_eq(Sigv4_sign(&req, &cred, "us-east-1", "service",
                                Sigv4_parse_amz_date("20150830T123600Z"), &out, err, sizeof err),
                     0);
    ck_assert_str_eq(out.canonical_request,
                     "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"
                     "x-amz-security-token:new\n\nhost;x-amz-date;x-amz-security-token\n"
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sigv4_result_free(&out);
}
END_TEST

START_TEST(amz_date_round_trip)
{
    char buf[17];
    Sigv4_format_amz_date(1440938160, buf, sizeof buf);
    ck_assert_str_eq(buf, "20150830T123600Z");
    ck_assert_int_eq(Sigv4_parse_amz_date(buf), 1440938160);
    ck_assert_int_eq(Sigv4_parse_amz_date("2015-08-30"), -1);
}
END_TEST

static const char *suite_dir(void)
{
    static char path[1024];
    const char *env = getenv("CUTOVER_AWS4_TESTSUITE");
    if (env && *env)
        return env;
    const char *top = getenv("top_srcdir");
    snprintf(path, sizeof path, "%s/tests/data/aws4_testsuite", top ? top : ".");
    return path;
}

int main(void)
{
    struct stat st;
    const char *dir = suite_dir();
    bool have_suite = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    if (have_suite)
        find_cases(dir);

    Suite *s = suite_create("sigv4");
    TCase *helpers = tcase_create("helpers");
    tcase_add_test(helpers, canonical_uri_normalises);
    tcase_add_test(helpers, canonical_query_sorts_and_encodes);
    tcase_add_test(helpers, host_from_url);
    tcase_add_test(helpers, missing_host_is_an_error);
    tcase_add_test(helpers, signer_replaces_its_own_headers);
    tcase_add_test(helpers, amz_date_round_trip);
    suite_add_tcase(s, helpers);
    if (n_cases) {
        TCase *vectors = tcase_create("aws4_testsuite");
        tcase_add_loop_test(vectors, suite_case, 0, n_cases);
        suite_add_tcase(s, vectors);
    }
    if (Unit_run(s) != EXIT_SUCCESS)
        return EXIT_FAILURE;
    if (!have_suite || n_cases == 0) {
        /* Vendored in the repository: missing means a broken tree, not a
         * machine without it. */
        printf("FAIL: no SigV4 test suite cases at %s\n", dir);
        return EXIT_FAILURE;
    }
    printf("aws4_testsuite: %d of %d cases pass (%s)\n", n_cases, n_cases, dir);
    return n_cases > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
