/* Plan parsing: good plans give the right values and defaults; every kind of
 * mistake gives the right line, column and message. In the inline cases a
 * backtick marks where the error must point; it is removed before parsing
 * and its line and column are computed here, independently of the parser. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "lib/redact.h"
#include "plan/jsonc.h"
#include "plan/steps.h"
#include "plan/plan.h"
#include "plan/secret.h"
#include "tests/unit/unit.h"

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "."
#endif

static const char *srcdir(void)
{
    const char *dir = getenv("top_srcdir");
    return dir && *dir ? dir : TEST_SRCDIR;
}

/* Strips the backtick marker from text into out and reports its position
 * as "LINE:COL:" (columns count UTF-8 characters, as the parser promises). */
static size_t strip_marker(const char *text, char *out, char *where, size_t wsize)
{
    int line = 1, col = 1;
    size_t n = 0;
    where[0] = '\0';
    for (const char *c = text; *c; c++) {
        if (*c == '`') {
            snprintf(where, wsize, "%d:%d: ", line, col);
            continue;
        }
        out[n++] = *c;
        if (*c == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)*c & 0xC0) != 0x80) {
            col++;
        }
    }
    out[n] = '\0';
    return n;
}

typedef struct BadCase {
    const char *text;    /* with ` where the error must point */
    const char *message; /* what must follow "t.plan:LINE:COL: " */
} BadCase;

#define HEAD                                                                                       \
    "{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\"}, "   \
    "\"target\": {\"host\": \"b\", \"user\": \"u\", \"tls\": \"preferred\"}, "
#define STEPS_NONE "\"steps\": []}"

static const BadCase bad_cases[] = {
    /* TLS: not given, not loopback: verified, so the CA is needed */
    {"{\"name\": \"t\", \"source\": {`\"host\": \"db.example\", \"user\": \"u\"}}",
     "source: db.example is not loopback, so the server's certificate is verified (tls "
     "\"verify-identity\" by default); expected \"tls_ca\" (the CA file: for RDS the global "
     "bundle), or \"tls\" said explicitly (\"verify-ca\" through a PrivateLink endpoint, whose "
     "name is not the certificate's)"},
    /* syntax */
    {"`", "the file holds no value; expected a JSON value"},
    {"// only a comment\n/* and another */\n`", "the file holds no value"},
    {"{\"name\": `}", "unexpected '}'; expected a value"},
    {"{\"name\": \"t\",`", "unexpected end of file; expected a key in double quotes"},
    {"{\"name\": `\"abc", "string is never closed; expected '\"'"},
    {"{\"name\": `\"ab\ncd\"}", "string is not closed on its line"},
    {"{\"name\": \"t\"}\n  `x", "unexpected word 'x'; expected the end of the file"},
    {"{\"name\": \"t\"} `}", "unexpected '}'; expected the end of the file after the value that "
                             "started at 1:1"},
    {"{`name: \"t\"}", "unexpected word 'name'; expected a key in double quotes or '}'"},
    {"{`'name': \"t\"}", "unexpected single quote; expected a key in double quotes or '}'"},
    {"{\"name\": `True}", "unexpected word 'True'; expected a value"},
    {"{\"name\" `\"t\"}", "unexpected '\"' after key \"name\"; expected ':'"},
    {"{\"name\": \"t\" `\"x\": 1}",
     "unexpected '\"'; expected ',' or '}' (the object opened at 1:1); is a comma "
     "missing?"},
    {"{\"a\": [1, 2 `3]}", "unexpected '3'; expected ',' or ']' (the array opened at 1:7)"},
    {"{\"a\": [1, `, 2]}", "unexpected ','; expected a value"},
    {"{\"a\": `01}", "invalid number; expected no leading zeros"},
    {"{\"a\": `-x}", "invalid number; expected a digit after '-'"},
    {"{\"a\": `1.}", "invalid number; expected a digit after '.'"},
    {"{\"a\": `1e+}", "invalid number; expected a digit in the exponent"},
    {"{\"a\": `0x1F}", "invalid number '0x1F'; expected a decimal number"},
    {"{\"a\": `1e999}", "number '1e999' is out of range"},
    {"{\"a\": \"x`\\q\"}", "invalid escape in string"},
    {"{\"a\": \"x`\\u12\"}", "invalid \\u escape; expected \\u and 4 hex digits"},
    {"{\"a\": \"`\\ud83d\"}", "lone high surrogate \\uD83D"},
    {"{\"a\": \"`\\ude00\"}", "lone low surrogate \\uDE00"},
    {"{\"a\": \"`\\u0000\"}", "\\u0000 is not allowed"},
    {"{\"a\": \"x`\x01\"}", "control character 0x01 in string"},
    {"{\"a\": \"x`\xc3\x28\"}", "invalid UTF-8 byte 0xC3 in string"},
    {"{\"é\": \"ü\", `\"é\": 2}", "duplicate key \"é\" (first at 1:2)"},
    {"{\"a\": 1, `/x}", "unexpected '/'; expected // or /* to start a comment"},
    {"{\"a\": 1 `/* never closed", "comment opened here is never closed; expected '*/'"},
    {"\xef\xbb\xbf\n  `]", "unexpected ']'; expected a value"},
    /* the plan's shape */
    {"`[1, 2]", "the plan is not an object; expected { ... }"},
    {"`{\"source\": {}}", "the plan: missing required key \"name\""},
    {HEAD "`\"nmae\": 1, " STEPS_NONE, "unknown key \"nmae\" in the top level (did you mean "
                                       "\"name\"?); expected one of: name, session_dir"},
    {"{\"name\": \"t\", \"source\": `{\"host\": \"a\"}}", "source: missing required key \"user\""},
    {"{\"name\": \"t\", \"source\": `{\"user\": \"u\", \"tls\": \"preferred\"}}",
     "source: missing required key \"host\"; expected \"host\" (with \"port\") or \"socket\""},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\", "
     "`\"socket\": \"/s\"}}",
     "source: both \"host\" and \"socket\" given; expected only one"},
    {"`{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\"}}",
     "the plan: missing required key \"target\""},
    {"{\"name\": `7}", "name: expected a non-empty string, got an integer"},
    {"{\"name\": `\"red\\u001b[31m\"}",
     "name: control character 0x1B in the string; expected one line of text"},
    {HEAD "\"maintenance\": {\"method\": \"exec\", \"on\": [\"/bin/m\", `\"a\\nb\"], \"off\": "
          "[\"/bin/m\"]}, " STEPS_NONE,
     "maintenance.on[1]: control character in the string; expected one line of text"},
    {HEAD "\"maintenance\": {\"method\": \"http\", \"on\": {\"url\": \"https://o/m\", "
          "\"headers\": {\"X-Note\": `\"a\\r\\nX-Evil: 1\"}}, \"off\": {\"url\": "
          "\"https://o/m\"}}, " STEPS_NONE,
     "maintenance.on.headers.X-Note: line break in a header value; expected one line"},
    {HEAD "\"maintenance\": {\"method\": \"http\", \"on\": {\"url\": \"https://o/m\", "
          "\"body\": \"line 1\\nline 2\\t\"}, \"off\": {\"url\": \"https://o/m\", \"body\": "
          "`\"\\u0007\"}}, " STEPS_NONE,
     "maintenance.off.body: control character 0x07 in the string; expected text (tabs and line "
     "breaks allowed)"},
    {"{\"name\": `\"\"}", "name: expected a non-empty string, got an empty string"},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\", "
     "\"port\": `70000}}",
     "source.port: expected an integer 1-65535, got 70000"},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\", "
     "\"port\": `3306.0}}",
     "source.port: expected an integer 1-65535, got a number with a fraction or exponent"},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\", "
     "`\"ssl-mode\": \"REQUIRED\"}}",
     "source: both \"tls\" and \"ssl-mode\" given (the mysql client's name for it); expected one"},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"ssl-mode\": "
     "`\"required\"}}",
     "source.ssl-mode: unknown value \"required\"; expected one of: DISABLED, PREFERRED, REQUIRED, "
     "VERIFY_CA, VERIFY_IDENTITY"},
    {"{\"name\": \"t\", \"source\": `{\"host\": \"a\", \"user\": \"u\", \"tls\": \"required\", "
     "\"ssl-cert\": \"/c.pem\"}}",
     "source: a client certificate needs both \"tls_cert\" and \"tls_key\" (or ssl-cert and "
     "ssl-key)"},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": `\"verify\"}}",
     "source.tls: unknown value \"verify\"; expected one of: off, preferred, required, "
     "verify-ca, verify-identity"},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\", "
     "\"password\": "
     "`\"pw12345\"}}",
     "source.password: passwords are never inline; expected a reference"},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\", "
     "\"password\": {\"env\": "
     "\"A\", `\"option_file\": \"/f\"}}}",
     "source.password: both \"env\" and \"option_file\" given; expected exactly one source"},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\", "
     "\"password\": `{}}}",
     "source.password: no password source; expected \"env\", \"option_file\" or \"aws_secret\""},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\", "
     "\"password\": {\"env\": "
     "`\"MY-VAR\"}}}",
     "source.password.env: \"MY-VAR\" is not a variable name"},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\", "
     "\"password\": {\"env\": "
     "\"X\", `\"group\": \"g\"}}}",
     "source.password.group: only used with \"option_file\""},
    {"{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\", "
     "\"password\": {`\"file\": "
     "\"/f\"}}}",
     "unknown key \"file\" in source.password (did you mean \"field\"?); expected one of: env, "
     "option_file, group, aws_secret, field"},
    {HEAD "\"thresholds\": {\"cpu_max_percent\": `150}, " STEPS_NONE,
     "thresholds.cpu_max_percent: expected a number 0-100, got 150"},
    {HEAD "\"thresholds\": {\"lag_seconds\": `\"5\"}, " STEPS_NONE,
     "thresholds.lag_seconds: expected a number 0-86400, got a string"},
    {HEAD "\"timings\": {\"refresh_ms\": `5}, " STEPS_NONE,
     "timings.refresh_ms: expected an integer 100-60000, got 5"},
    {HEAD "\"lag_zero\": {\"fence\": `\"yes\"}, " STEPS_NONE,
     "lag_zero.fence: expected true or false, got a string"},
    {HEAD "\"lag_zero\": {\"fence_table\": `\"fence\"}, " STEPS_NONE,
     "lag_zero.fence_table: \"fence\" is not a table name; expected schema.table"},
    {HEAD "\"verify\": {\"tables\": [\"shop.a\", `\"shop.b; drop\"]}, " STEPS_NONE,
     "verify.tables[1]: \"shop.b; drop\" is not a table name"},
    {HEAD "\"verify\": `{\"mode\": \"count\"}, " STEPS_NONE,
     "verify: missing required key \"tables\""},
    {HEAD
     "\"verify\": {\"mode\": \"chunks\", \"tables\": [\"s.t\"], \"chunk_ms\": `5}, " STEPS_NONE,
     "verify.chunk_ms: expected an integer 10-60000, got 5"},
    {HEAD "\"verify\": {\"mode\": \"chunks\", \"tables\": `\"some\"}, " STEPS_NONE,
     "verify.tables: expected an array of schema.table or \"all\", got \"some\""},
    {HEAD "\"verify\": {\"mode\": \"checksum\", \"tables\": `\"all\"}, " STEPS_NONE,
     "verify.tables: \"all\" needs mode \"chunks\": counting or checksumming every table inside "
     "the window would cost minutes at a real size"},
    {HEAD "\"freeze\": {\"max_lag_at_freeze_ms\": `-1}, " STEPS_NONE,
     "freeze.max_lag_at_freeze_ms: expected an integer 0-3600000, got -1"},
    {HEAD "\"freeze\": {\"samples\": `0}, " STEPS_NONE,
     "freeze.samples: expected an integer 1-100, got 0"},
    {HEAD "\"freeze\": {`\"max_lag_ms\": 500}, " STEPS_NONE,
     "unknown key \"max_lag_ms\" in freeze; expected one of: max_lag_at_freeze_ms, samples, "
     "timeout_ms, wait_for_verify"},
    {HEAD "\"notify\": {\"team\": {\"url\": `\"ftp://x\"}}, " STEPS_NONE,
     "notify.team.url: expected an http:// or https:// URL, or ${NAME} to take it from the "
     "environment"},
    {HEAD "\"notify\": {\"team\": {\"url\": `\"https://u:pw@hooks.example/x\"}}, " STEPS_NONE,
     "notify.team.url: credentials in the URL are never inline; expected a ${NAME} reference"},
    {HEAD "\"notify\": {\"team\": {\"url\": \"https://h/x\", \"format\": `\"teams\"}}, " STEPS_NONE,
     "notify.team.format: unknown value \"teams\"; expected one of: json, slack"},
    {HEAD "\"notify\": {\"team\": {\"url\": \"https://h/x\", \"headers\": {\"X-Token\": "
          "`\"abc\"}}}, " STEPS_NONE,
     "notify.team.headers.X-Token: credentials are never inline; expected a ${VARIABLE} reference "
     "such as \"Bearer ${OPS_TOKEN}\""},
    {HEAD "\"notify\": {\"team\": {\"url\": \"https://h/x\", \"queue\": `0}}, " STEPS_NONE,
     "notify.team.queue: expected an integer 1-100000, got 0"},
    {HEAD "\"notify\": {\"team\": {\"url\": \"${U}\", \"secrets\": {\"U\": `{\"env\": "
          "\"X\"}}}}, " STEPS_NONE,
     "notify.team.secrets.U: expected { \"aws_secret\": \"ID\" } (an environment variable is used "
     "directly as ${NAME})"},
    {HEAD "\"notify\": {\"team\": {\"url\": \"${U}\", \"secrets\": {`\"1U\": {\"aws_secret\": "
          "\"s\"}}}}, " STEPS_NONE,
     "notify.team.secrets.1U: \"1U\" is not a variable name; expected letters, digits and _"},
    {HEAD "\"notify\": {\"team\": {\"url\": \"${U}\", \"secrets\": {\"U\": {\"env\": \"X\", "
          "`\"field\": \"url\"}}}}, " STEPS_NONE,
     "notify.team.secrets.U.field: only used with \"aws_secret\""},
    {HEAD "\"notify\": {\"team\": `\"https://h/x\"}, " STEPS_NONE,
     "notify.team: expected an object { ... }, got a string"},
    {HEAD "\"verify\": {\"mode\": `\"rows\", \"tables\": [\"s.t\"]}, " STEPS_NONE,
     "verify.mode: unknown value \"rows\"; expected one of: count, checksum, chunks"},
    {HEAD "\"maintenance\": `{\"method\": \"file\"}, " STEPS_NONE,
     "maintenance: missing required key \"path\""},
    {HEAD "\"maintenance\": `{\"path\": \"/f\"}, " STEPS_NONE,
     "maintenance: missing required key \"method\""},
    {HEAD "\"maintenance\": {\"method\": `\"webhook\"}, " STEPS_NONE,
     "maintenance.method: unknown value \"webhook\"; expected one of: file, http, exec"},
    {HEAD "\"maintenance\": {\"method\": \"file\", \"path\": \"/f\", `\"on\": "
          "[\"/bin/x\"]}, " STEPS_NONE,
     "unknown key \"on\" in maintenance with method \"file\"; expected one of: method, path"},
    {HEAD
     "\"maintenance\": `{\"method\": \"http\", \"on\": {\"url\": \"https://o/m\"}}, " STEPS_NONE,
     "maintenance: missing required key \"off\""},
    {HEAD "\"maintenance\": {\"method\": \"http\", \"on\": {\"url\": `\"ftp://o/m\"}, \"off\": "
          "{\"url\": \"https://o/m\"}}, " STEPS_NONE,
     "maintenance.on.url: expected an http:// or https:// URL"},
    {HEAD "\"maintenance\": {\"method\": \"http\", \"on\": {\"url\": `\"https://u:pw@o/m\"}, "
          "\"off\": {\"url\": \"https://o/m\"}}, " STEPS_NONE,
     "maintenance.on.url: the URL holds a password"},
    {HEAD "\"maintenance\": {\"method\": \"http\", \"on\": {\"url\": \"https://o/m\", \"body\": "
          "`\"${OPS\"}, \"off\": {\"url\": \"https://o/m\"}}, " STEPS_NONE,
     "maintenance.on.body: malformed variable reference \"${OPS\"; expected ${NAME}"},
    {HEAD "\"maintenance\": {\"method\": \"exec\", \"on\": [\"/bin/m\", `7], \"off\": "
          "[\"/bin/m\"]}, " STEPS_NONE,
     "maintenance.on[1]: expected a non-empty string, got an integer"},
    {HEAD "\"maintenance\": {\"method\": \"exec\", \"on\": [\"/bin/m\", `\"{taget.host}\"], "
          "\"off\": [\"/bin/m\"]}, " STEPS_NONE,
     "maintenance.on[1]: unknown template {taget.host}; expected one of: source.host, "
     "source.port, target.host, target.port, value, plan.name"},
    {HEAD
     "\"maintenance\": {\"method\": \"exec\", \"on\": [\"/bin/m\", \"{}\", \"{\\\"a\\\":1}\"], "
     "\"off\": [\"/bin/m\", `\"{target.user}\"]}, " STEPS_NONE,
     "maintenance.off[1]: unknown template {target.user}"},
    {HEAD "\"read_only\": `{\"method\": \"lock-accounts\"}, " STEPS_NONE,
     "read_only: missing required key \"accounts\""},
    {HEAD "\"read_only\": {\"method\": \"lock-accounts\", \"accounts\": [`\"app@%\"]}, " STEPS_NONE,
     "read_only.accounts[0]: \"app@%\" is not an account; expected 'user'@'host'"},
    {HEAD "\"read_only\": {\"method\": \"global\", `\"accounts\": [\"'a'@'%'\"]}, " STEPS_NONE,
     "unknown key \"accounts\" in read_only with method \"global\"; expected one of: method"},
    {HEAD "\"read_only\": `{\"method\": \"rds-parameter-group\"}, " STEPS_NONE,
     "read_only: missing required key \"parameter_group\""},
    {HEAD "\"swap\": {\"method\": \"file\", \"path\": \"/c\", \"key\": \"DATABASE_URL\", "
          "\"value\": `\"mysql://app:secret@b/shop\"}, " STEPS_NONE,
     "swap.value: the connection string holds a password; expected one without"},
    {HEAD "\"swap\": {\"method\": \"file\", \"path\": \"/c\", \"key\": \"DATABASE_URL\", "
          "\"value\": `\"mysql://app:${PW}@b/shop\"}, " STEPS_NONE,
     "swap.value: the connection string holds a password"},
    {HEAD "\"swap\": {\"method\": \"file\", \"path\": \"/c\", \"key\": \"DSN\", "
          "\"value\": `\"Server=b;User=app;Password=x\"}, " STEPS_NONE,
     "swap.value: the connection string holds a password"},
    {HEAD "\"swap\": `{\"method\": \"exec\", \"command\": [\"/bin/s\", \"{value}\"], "
          "\"readback\": [\"/bin/r\"]}, " STEPS_NONE,
     "swap: missing required key \"value\""},
    {HEAD "\"swap\": {\"method\": \"file\", \"path\": \"/c\", \"key\": `\"DATABASE URL\", "
          "\"value\": \"x\"}, " STEPS_NONE,
     "swap.key: \"DATABASE URL\" is not a KEY of KEY=value lines"},
    {HEAD "\"swap\": `{\"method\": \"exec\", \"command\": [\"/bin/s\"]}, " STEPS_NONE,
     "swap: missing required key \"readback\""},
    {HEAD "\"swap\": `{\"method\": \"ssm\", \"id\": \"/app/db\"}, " STEPS_NONE,
     "swap: missing required key \"value\""},
    {HEAD "\"swap\": {\"method\": \"route53\", \"id\": \"Z1/db.x\", \"value\": \"b.x\", "
          "\"from\": `\"b.x\"}, " STEPS_NONE,
     "swap.from: the same as swap.value (\"b.x\"); from is the value the swap replaces"},
    {HEAD "\"swap\": {\"method\": \"ssm\", \"id\": \"/app/db\", \"value\": \"mysql://b/s\", "
          "\"from\": `\"mysql://app:pw@a/s\"}, " STEPS_NONE,
     "swap.from: the connection string holds a password"},
    {HEAD "\"swap\": {\"method\": \"aws-secret\", \"id\": \"s\", `\"from\": \"a\"}, " STEPS_NONE,
     "unknown key \"from\" in swap with method \"aws-secret\"; expected one of: method, id, "
     "value"},
    {HEAD "\"target_health\": `{\"timeout_ms\": 5000}, " STEPS_NONE,
     "target_health: missing required key \"app_user\""},
    {HEAD "\"stop_replication\": {\"method\": `\"dms\"}, " STEPS_NONE,
     "stop_replication.method: dms needs the task; expected \"dms_task_arn\" in \"aws\""},
    {HEAD "\"replication\": `\"dms\", " STEPS_NONE,
     "replication: dms needs the task; expected \"dms_task_arn\" in \"aws\""},
    {HEAD "\"stop_replication\": `{\"method\": \"exec\", \"stop\": [\"/bin/true\"]}, " STEPS_NONE,
     "stop_replication: missing required key \"start\""},
    {HEAD "\"replication\": \"external\", \"stop_replication\": `{\"method\": \"replica\"}, "
          "\"steps\": [\"stop-replication\"]}",
     "replication: external, but stop-replication would STOP SLAVE on a target that is no "
     "replica"},
    {HEAD "\"$schema\": `42, " STEPS_NONE, "$schema: expected a non-empty string, got an integer"},
    {HEAD "\"reverse_replication\": `{\"method\": \"replica\", \"host\": \"t\"}, " STEPS_NONE,
     "reverse_replication: missing required key \"user\""},
    {HEAD "\"reverse_replication\": {\"method\": \"dms\", `\"host\": \"t\"}, " STEPS_NONE,
     "unknown key \"host\" in reverse_replication with method \"dms\""},
    {HEAD "\"reverse_replication\": {\"method\": \"exec\", \"start\": [\"x\"], \"stop\": "
          "[`\"{point.bin}\"]}, " STEPS_NONE,
     "reverse_replication.stop[0]: unknown template {point.bin}"},
    {HEAD "\"maintenance\": {\"method\": \"exec\", \"on\": [\"x\", `\"{point.binlog}\"], "
          "\"off\": [\"y\"]}, " STEPS_NONE,
     "maintenance.on[1]: {point.binlog} is known only in reverse_replication's commands"},
    {HEAD "\"aws\": {\"endpoint_url\": `\"localhost:4566\"}, " STEPS_NONE,
     "aws.endpoint_url: expected an http:// or https:// URL"},
    /* steps */
    {HEAD "\"steps\": `\"all\"}", "steps: expected an array of step ids, got a string"},
    {HEAD "\"steps\": [\"preflight\", `\"readonly\"]}",
     "steps[1]: unknown step \"readonly\"; expected one of: preflight, maintenance-on"},
    {HEAD "\"steps\": [\"lag-zero\", `\"read-only\"]}",
     "steps[1]: \"read-only\" comes after \"lag-zero\"; expected the steps in this order"},
    {HEAD "\"steps\": [\"preflight\", `\"preflight\"]}",
     "steps[1]: \"preflight\" is listed twice; expected each step once"},
    {HEAD "\"steps\": [`3]}", "steps[0]: expected a step id or { \"id\": ..., \"title\": ... }"},
    {HEAD "\"steps\": [{\"id\": \"preflight\", `\"titel\": \"x\"}]}",
     "unknown key \"titel\" in steps[0] (did you mean \"title\"?)"},
    {HEAD "\"steps\": [{\"id\": `\"warmup\"}]}", "steps[0]: unknown step \"warmup\""},
    {HEAD "`\"steps\": [\"maintenance-on\"]}",
     "step \"maintenance-on\" is on but the plan has no \"maintenance\" section"},
    {"`" HEAD "\"maintenance\": {\"method\": \"file\", \"path\": \"/m\"}}",
     "step \"swap\" is on but the plan has no \"swap\" section"},
    {HEAD "\"aws\": {\"source\": {\"account_id\": `\"11111111111\"}}, " STEPS_NONE,
     "aws.source.account_id: expected the twelve digits of an AWS account id, got "
     "\"11111111111\""},
    {HEAD "\"aws\": {\"target\": {`\"role\": \"x\"}}, " STEPS_NONE,
     "unknown key \"role\" in aws.target"},
};

START_TEST(test_bad_inline)
{
    const BadCase *c = &bad_cases[_i];
    char text[2048], where[32], err[1024], expected[1200];
    size_t len = strip_marker(c->text, text, where, sizeof where);
    ck_assert_msg(where[0], "case %d has no marker", _i);
    Plan *plan = Plan_parse("t.plan", text, len, err, sizeof err);
    ck_assert_msg(plan == NULL, "case %d parsed: %s", _i, c->text);
    snprintf(expected, sizeof expected, "t.plan:%s%s", where, c->message);
    ck_assert_msg(strncmp(err, expected, strlen(expected)) == 0,
                  "case %d\n  got:      %s\n  expected: %s...", _i, err, expected);
}
END_TEST

/* "tables": "all" with mode chunks: no list, every table at run time. */
/* The mysql client's TLS names work as the console's own. */
START_TEST(test_ssl_aliases)
{
    const char *text =
        "{\"name\": \"t\", \"source\": {\"host\": \"db.example\", \"user\": \"u\", "
        "\"ssl-mode\": \"VERIFY_CA\", \"ssl-ca\": \"/ca.pem\", \"ssl-cert\": \"/c.pem\", "
        "\"ssl-key\": \"/k.pem\"}, \"target\": {\"host\": \"b\", \"user\": \"u\", \"tls\": "
        "\"preferred\"}, \"steps\": []}";
    char err[1024];
    Plan *p = Plan_parse("t.plan", text, strlen(text), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_int_eq(p->source.tls, TLS_VERIFY_CA);
    ck_assert_str_eq(p->source.tls_ca, "/ca.pem");
    ck_assert_str_eq(p->source.tls_cert, "/c.pem");
    ck_assert_str_eq(p->source.tls_key, "/k.pem");
    Plan_free(p);
}
END_TEST

START_TEST(test_verify_all)
{
    const char *text = HEAD "\"verify\": {\"mode\": \"chunks\", \"tables\": \"all\"}, " STEPS_NONE;
    char err[1024];
    Plan *p = Plan_parse("t.plan", text, strlen(text), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert(p->verify.all_tables);
    ck_assert_uint_eq(p->verify.ntables, 0);
    Plan_free(p);
}
END_TEST

/* Two accounts: each side takes its own settings, the top level fills the
 * rest; the source's password is resolved in the source's account. */
START_TEST(test_aws_sides)
{
    const char *text =
        "{\"name\": \"t\", \"source\": {\"host\": \"127.0.0.1\", \"user\": \"u\", \"password\": "
        "{\"aws_secret\": \"src/db\"}}, \"target\": {\"host\": \"127.0.0.1\", \"user\": \"u\", "
        "\"password\": {\"aws_secret\": \"tgt/db\"}}, \"aws\": {\"region\": \"eu-west-1\", "
        "\"profile\": \"base\", \"account_id\": \"222222222222\", \"source\": {\"role_arn\": "
        "\"arn:aws:iam::111111111111:role/r\", \"external_id\": \"x\", \"account_id\": "
        "\"111111111111\"}}, " STEPS_NONE;
    char err[1024];
    Plan *p = Plan_parse("t.plan", text, strlen(text), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    PlanAwsSide s = Plan_aws_side(&p->aws, AWS_SIDE_SOURCE);
    PlanAwsSide t = Plan_aws_side(&p->aws, AWS_SIDE_TARGET);
    ck_assert_str_eq(s.profile, "base");
    ck_assert_str_eq(s.region, "eu-west-1");
    ck_assert_str_eq(s.role_arn, "arn:aws:iam::111111111111:role/r");
    ck_assert_str_eq(s.external_id, "x");
    ck_assert_str_eq(s.account_id, "111111111111");
    ck_assert_ptr_null(t.role_arn);
    ck_assert_ptr_null(t.external_id);
    ck_assert_str_eq(t.account_id, "222222222222");
    ck_assert_int_eq(p->source.password.aws_side, AWS_SIDE_SOURCE);
    ck_assert_int_eq(p->target.password.aws_side, AWS_SIDE_TARGET);
    Plan_free(p);
}
END_TEST

START_TEST(test_inline_password_never_echoed)
{
    const char *text = HEAD "\"target_health\": {\"app_user\": \"app\", \"app_password\": "
                            "\"Sup3rS3cret!\"}, " STEPS_NONE;
    char err[1024];
    ck_assert_ptr_null(Plan_parse("t.plan", text, strlen(text), err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "target_health.app_password: passwords are never inline"));
    ck_assert_ptr_null(strstr(err, "Sup3rS3cret"));
}
END_TEST

START_TEST(test_nul_byte)
{
    const char text[] = "{\"name\": \"t\",\n  \0}";
    char err[512];
    ck_assert_ptr_null(Plan_parse("t.plan", text, sizeof text - 1, err, sizeof err));
    ck_assert_str_eq(err, "t.plan:2:3: unexpected NUL byte; expected a key in double quotes");
}
END_TEST

START_TEST(test_depth_limit)
{
    char text[300], err[512], expected[128];
    size_t n = 0;
    for (int i = 0; i < JSONC_MAX_DEPTH + 1; i++)
        text[n++] = '[';
    text[n] = '\0';
    ck_assert_ptr_null(Plan_parse("t.plan", text, n, err, sizeof err));
    snprintf(expected, sizeof expected, "t.plan:1:%d: nesting deeper than %d levels",
             JSONC_MAX_DEPTH + 1, JSONC_MAX_DEPTH);
    ck_assert_msg(strncmp(err, expected, strlen(expected)) == 0, "got %s", err);

    /* exactly the limit is fine for the JSON layer */
    n = 0;
    for (int i = 0; i < JSONC_MAX_DEPTH; i++)
        text[n++] = '[';
    for (int i = 0; i < JSONC_MAX_DEPTH; i++)
        text[n++] = ']';
    JsoncDoc *doc = Jsonc_parse("t", text, n, err, sizeof err);
    ck_assert_msg(doc != NULL, "%s", err);
    Jsonc_free(doc);
}
END_TEST

/* Every prefix of a good plan is either that plan or a clean error: no
 * crash, always a FILE:LINE:COL message. */
START_TEST(test_truncations)
{
    char path[1024], err[1024];
    snprintf(path, sizeof path, "%s/examples/lab.plan.jsonc", srcdir());
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char text[65536];
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);
    size_t last_brace = len;
    while (last_brace > 0 && text[last_brace - 1] != '}')
        last_brace--;
    ck_assert(last_brace > 0);
    for (size_t cut = 0; cut < last_brace; cut++) {
        Plan *plan = Plan_parse("cut", text, cut, err, sizeof err);
        ck_assert_msg(plan == NULL, "a prefix of %zu bytes parsed", cut);
        ck_assert_msg(strncmp(err, "cut:", 4) == 0, "at %zu: %s", cut, err);
    }
}
END_TEST

START_TEST(test_huge_integer_is_not_an_int)
{
    const char *text =
        "{\"name\": \"t\", \"source\": {\"host\": \"a\", \"user\": \"u\", \"tls\": \"preferred\", "
        "\"port\": 99999999999999999999999}}";
    char err[512];
    ck_assert_ptr_null(Plan_parse("t.plan", text, strlen(text), err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "source.port: expected an integer 1-65535, got a number"));
}
END_TEST

/* --- good plans ----------------------------------------------------------- */

static Plan *load_rel(const char *rel)
{
    char path[1024], err[1024];
    snprintf(path, sizeof path, "%s/%s", srcdir(), rel);
    Plan *plan = Plan_load(path, err, sizeof err);
    ck_assert_msg(plan != NULL, "%s: %s", rel, err);
    return plan;
}

START_TEST(test_lab_example)
{
    Plan *p = load_rel("examples/lab.plan.jsonc");
    ck_assert_str_eq(p->name, "lab cutover");
    ck_assert_str_eq(p->session_dir, "/tmp/cutover-lab/sessions");
    ck_assert_str_eq(p->theme, "dark");
    ck_assert_int_eq(p->confirm, CONFIRM_ARMED);
    ck_assert_str_eq(p->source.label, "source");
    ck_assert_str_eq(p->source.host, "127.0.0.1");
    ck_assert_int_eq(p->source.port, 40001);
    ck_assert_str_eq(p->source.user, "cutover");
    ck_assert_int_eq(p->source.password.kind, SECRET_OPTION_FILE);
    ck_assert_str_eq(p->source.password.file, "/tmp/cutover-lab/cutover.cnf");
    ck_assert_str_eq(p->source.password.group, "source");
    ck_assert_int_eq(p->target.port, 40002);
    ck_assert_str_eq(p->target.password.group, "target");
    ck_assert_str_eq(p->endpoint.host, "localhost");
    ck_assert_int_eq(p->endpoint.port, 40001);
    ck_assert(p->thresholds.lag_seconds == 5);
    ck_assert(p->thresholds.freeable_memory_min_mb == 256);
    ck_assert(p->thresholds.endpoint_loss_percent == 5);
    ck_assert_int_eq(p->maintenance.method, METHOD_FILE);
    ck_assert_str_eq(p->maintenance.path, "/tmp/cutover-lab/maintenance.flag");
    ck_assert_int_eq(p->readonly.method, READONLY_GLOBAL);
    ck_assert_int_eq(p->verify.mode, VERIFY_CHUNKS);
    ck_assert_int_eq(p->verify.chunk_ms, 200);
    ck_assert(p->freeze.gate);
    ck_assert_int_eq(p->freeze.max_lag_ms, 1500);
    ck_assert_int_eq(p->freeze.samples, 3);
    ck_assert_int_eq(p->freeze.timeout_ms, 300000);
    ck_assert(p->freeze.wait_for_verify);
    ck_assert_uint_eq(p->verify.ntables, 4);
    ck_assert_str_eq(p->verify.tables[3], "shop.order_history");
    ck_assert_ptr_null(p->verify.tables[4]);
    ck_assert_int_eq(p->swap.method, SWAP_FILE);
    ck_assert_str_eq(p->swap.key, "DATABASE_URL");
    ck_assert_str_eq(p->swap.value, "mysql://app@127.0.0.1:40002/shop");
    ck_assert_str_eq(p->target_health.app_user, "app");
    ck_assert_int_eq(p->target_health.app_password.kind, SECRET_ENV);
    ck_assert_str_eq(p->target_health.app_password.env, "LAB_APP_PASSWORD");
    for (int i = 0; i < STEP_KIND_COUNT; i++) {
        ck_assert_int_eq(p->steps[i].kind, i);
        ck_assert(p->steps[i].enabled);
    }
    ck_assert_str_eq(p->steps[STEP_VERIFY].title, "Checksums of shop tables");
    ck_assert_str_eq(p->steps[STEP_SWAP].title, Plan_step_default_title(STEP_SWAP));
    ck_assert_int_eq(p->stop_replication.method, STOP_REPLICATION_REPLICA);
    ck_assert_int_eq(p->reverse.method, REVERSE_REPLICA);
    ck_assert_int_eq(p->reverse.port, 40002);
    ck_assert_int_eq(p->reverse.password.kind, SECRET_ENV);
    Plan_free(p);
}
END_TEST

START_TEST(test_rds_example)
{
    Plan *p = load_rel("examples/rds.plan.jsonc");
    ck_assert_int_eq(p->source.password.kind, SECRET_AWS_SECRET);
    ck_assert_int_eq(p->source.tls, TLS_VERIFY_CA);
    ck_assert_str_eq(p->source.tls_ca, "/etc/ssl/certs/rds-global-bundle.pem");
    ck_assert_str_eq(p->source.rds_instance, "shop-prod-src");
    ck_assert_int_eq(p->target.port, 3306);
    ck_assert_str_eq(p->endpoint.host, p->source.host);
    ck_assert_int_eq(p->timings.heartbeat_ms, 250);
    ck_assert_int_eq(p->timings.connect_timeout_ms, 3000);
    ck_assert_int_eq(p->maintenance.method, METHOD_HTTP);
    ck_assert_str_eq(p->maintenance.on_http.method, "POST");
    ck_assert_str_eq(p->maintenance.on_http.url, "https://ops.example.com/api/maintenance");
    ck_assert_uint_eq(p->maintenance.on_http.nheaders, 2);
    ck_assert_str_eq(p->maintenance.on_http.headers[0].name, "Authorization");
    ck_assert_str_eq(p->maintenance.on_http.headers[0].value, "Bearer ${OPS_TOKEN}");
    ck_assert_str_eq(p->maintenance.on_http.body, "{\"service\":\"shop\",\"on\":true}");
    ck_assert_int_eq(p->maintenance.off_http.timeout_ms, 5000);
    ck_assert_int_eq(p->readonly.method, READONLY_LOCK_ACCOUNTS);
    ck_assert_uint_eq(p->readonly.naccounts, 2);
    ck_assert_str_eq(p->readonly.accounts[0], "'shop_app'@'%'");
    ck_assert_int_eq(p->lag_zero.timeout_ms, 120000);
    ck_assert_int_eq(p->verify.mode, VERIFY_COUNT);
    ck_assert_int_eq(p->swap.method, SWAP_AWS_SECRET);
    ck_assert_str_eq(p->swap.aws_id, "shop/prod/database");
    ck_assert_ptr_null(p->swap.value);
    ck_assert_int_eq(p->reverse.method, REVERSE_DMS);
    ck_assert_int_eq(p->reverse.timeout_ms, 300000);
    ck_assert_str_eq(p->reverse.task_arn,
                     "arn:aws:dms:eu-west-1:222222222222:task:REVERSEABCDEFGHIJKLMNOPQR");
    ck_assert_str_eq(p->aws.region, "eu-west-1");
    ck_assert_int_eq(p->stop_replication.method, STOP_REPLICATION_DMS);
    Plan_free(p);
}
END_TEST

START_TEST(test_defaults)
{
    Plan *p = load_rel("tests/data/plans/good/minimal.jsonc");
    ck_assert_int_eq(p->confirm, CONFIRM_ARMED);
    ck_assert_ptr_null(p->session_dir);
    ck_assert_ptr_null(p->theme);
    ck_assert_int_eq(p->source.port, 3306);
    ck_assert_int_eq(p->target.port, 3306);
    ck_assert_int_eq(p->source.tls, TLS_VERIFY_IDENTITY); /* not loopback: verified */
    ck_assert_int_eq(p->source.password.kind, SECRET_NONE);
    ck_assert_str_eq(p->endpoint.host, "src.example");
    ck_assert_int_eq(p->endpoint.port, 3306);
    ck_assert(p->thresholds.lag_seconds < 0 && p->thresholds.connections_max < 0 &&
              p->thresholds.freeable_memory_min_mb < 0 && p->thresholds.cpu_max_percent < 0 &&
              p->thresholds.endpoint_p95_ms < 0 && p->thresholds.endpoint_loss_percent < 0);
    ck_assert_int_eq(p->timings.refresh_ms, 1000);
    ck_assert_int_eq(p->timings.heartbeat_ms, 250);
    ck_assert_int_eq(p->timings.connect_timeout_ms, 2000);
    ck_assert_int_eq(p->timings.read_timeout_ms, 2000);
    ck_assert(p->preflight_lag_window_s == 10);
    ck_assert_int_eq(p->binlog_retention_min_hours, 24);
    ck_assert_int_eq(p->readonly.method, READONLY_GLOBAL);
    ck_assert_int_eq(p->lag_zero.timeout_ms, 60000);
    ck_assert(p->lag_zero.fence);
    ck_assert_str_eq(p->lag_zero.fence_table, "cutover.fence");
    ck_assert_str_eq(p->lag_zero.heartbeat_table, "cutover.heartbeat");
    ck_assert_int_eq(p->target_health.timeout_ms, 10000);
    ck_assert_int_eq(p->target_health.app_password.kind, SECRET_NONE);
    /* no "steps": all on except verify, which has no section here */
    for (int i = 0; i < STEP_KIND_COUNT; i++)
        ck_assert_int_eq(p->steps[i].enabled, i != STEP_VERIFY);
    ck_assert_int_eq(p->stop_replication.method, STOP_REPLICATION_REPLICA);
    ck_assert_int_eq(p->reverse.method, REVERSE_NONE);
    Plan_free(p);
}
END_TEST

START_TEST(test_exec_socket_titles)
{
    Plan *p = load_rel("tests/data/plans/good/exec.jsonc");
    ck_assert_int_eq(p->confirm, CONFIRM_PER_STEP);
    ck_assert_ptr_null(p->source.host);
    ck_assert_str_eq(p->source.socket, "/run/mysqld/src.sock");
    ck_assert_ptr_null(p->endpoint.host);
    ck_assert_int_eq(p->target.tls, TLS_VERIFY_CA);
    ck_assert_str_eq(p->target.password.group, "client");
    ck_assert_int_eq(p->maintenance.method, METHOD_EXEC);
    ck_assert_uint_eq(p->maintenance.on_cmd.argc, 3);
    ck_assert_str_eq(p->maintenance.on_cmd.argv[2], "{plan.name}");
    ck_assert_ptr_null(p->maintenance.on_cmd.argv[3]);
    ck_assert_int_eq(p->maintenance.off_cmd.timeout_ms, 3000);
    ck_assert_int_eq(p->readonly.method, READONLY_RDS_PARAMETER_GROUP);
    ck_assert_str_eq(p->readonly.parameter_group, "src-params");
    ck_assert_int_eq(p->swap.method, SWAP_EXEC);
    ck_assert_str_eq(p->swap.cmd.argv[3], "{\"json\":1}");
    ck_assert_str_eq(p->swap.cmd.argv[4], "{value}");
    ck_assert_str_eq(p->swap.value, "mysql://app@10.0.0.2:3307/shop");
    ck_assert_int_eq(p->swap.readback_cmd.timeout_ms, 10000);
    ck_assert_str_eq(p->steps[STEP_MAINTENANCE_ON].title, "Maintenance page up");
    ck_assert(p->steps[STEP_SWAP].enabled);
    ck_assert(!p->steps[STEP_VERIFY].enabled);
    ck_assert(!p->steps[STEP_TARGET_HEALTH].enabled);
    ck_assert(!p->steps[STEP_STOP_REPLICATION].enabled);
    Plan_free(p);
}
END_TEST

START_TEST(test_bom_and_sha256)
{
    char path[1024], err[512];
    unsigned char digest[32];
    snprintf(path, sizeof path, "%s/tests/data/plans/good/bom.jsonc", srcdir());
    Plan *p = Plan_load(path, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_str_eq(p->name, "bom");
    ck_assert_str_eq(p->path, path);
    FILE *f = fopen(path, "rb");
    static char bytes[4096];
    size_t n = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    ck_assert(n > 3 && memcmp(bytes, "\xef\xbb\xbf", 3) == 0);
    EVP_Digest(bytes, n, digest, NULL, EVP_sha256(), NULL);
    ck_assert(memcmp(digest, p->sha256, 32) == 0);
    Plan_free(p);
}
END_TEST

/* The digest of a known text, computed outside this program (sha256sum). */
START_TEST(test_sha256_known)
{
    const char *text = "{\"name\":\"t\",\"source\":{\"host\":\"127.0.0.1\",\"user\":\"u\"},"
                       "\"target\":{\"host\":\"127.0.0.2\",\"user\":\"u\"},\"steps\":[]}\n";
    static const unsigned char want[32] = {
        0x68, 0x34, 0x2a, 0x83, 0xe8, 0xe3, 0x4f, 0x2f, 0x64, 0xdc, 0x82,
        0xb0, 0xf0, 0x47, 0x94, 0xf3, 0x98, 0x1a, 0xbf, 0x26, 0xfb, 0x63,
        0x1f, 0xaf, 0x07, 0x24, 0x6a, 0xe4, 0x48, 0xfd, 0xde, 0x74,
    };
    char err[512];
    Plan *p = Plan_parse("t", text, strlen(text), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert(memcmp(p->sha256, want, 32) == 0);
    Plan_free(p);
}
END_TEST

START_TEST(test_endpoint_defaults_per_field)
{
    const char *text = HEAD "\"endpoint\": {\"port\": 40001}, " STEPS_NONE;
    char err[512];
    Plan *p = Plan_parse("t", text, strlen(text), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_str_eq(p->endpoint.host, "a");
    ck_assert_int_eq(p->endpoint.port, 40001);
    Plan_free(p);
}
END_TEST

/* The step table: every kind named once; whatever changes something can be
 * undone or is the one-way stop of replication; the roles follow the plan. */
START_TEST(test_step_facts)
{
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        const StepFacts *f = Steps_facts((StepKind)k);
        ck_assert_ptr_nonnull(f->id);
        ck_assert_ptr_nonnull(f->title);
        ck_assert_int_eq(Plan_step_parse(f->id), k);
        ck_assert_msg(!f->undo || f->destructive, "%s has an undo but changes nothing", f->id);
        ck_assert_msg(!f->destructive || f->undo, "%s changes something with no undo", f->id);
    }
    ck_assert_str_eq(Steps_facts((StepKind)99)->id, "unknown");
    bool all[STEP_KIND_COUNT], bare[STEP_KIND_COUNT], half[STEP_KIND_COUNT];
    for (int k = 0; k < STEP_KIND_COUNT; k++) {
        all[k] = true;
        bare[k] = k != STEP_MAINTENANCE_ON && k != STEP_MAINTENANCE_OFF;
        half[k] = k != STEP_MAINTENANCE_ON;
    }
    ck_assert_int_eq(Steps_with_role(all, STEP_ROLE_FREEZE), STEP_MAINTENANCE_ON);
    ck_assert_int_eq(Steps_with_role(all, STEP_ROLE_THAW), STEP_MAINTENANCE_OFF);
    ck_assert_int_eq(Steps_with_role(all, STEP_ROLE_POINT), STEP_MAINTENANCE_OFF);
    ck_assert_int_eq(Steps_with_role(bare, STEP_ROLE_FREEZE), STEP_READ_ONLY);
    ck_assert_int_eq(Steps_with_role(bare, STEP_ROLE_THAW), STEP_SWAP);
    ck_assert_int_eq(Steps_with_role(bare, STEP_ROLE_POINT), STEP_SWAP);
    /* maintenance-off without maintenance-on never held the application */
    ck_assert_int_eq(Steps_with_role(half, STEP_ROLE_POINT), STEP_SWAP);
    ck_assert_int_eq(Steps_with_role(half, STEP_ROLE_THAW), STEP_SWAP);
    bool none[STEP_KIND_COUNT] = {false};
    ck_assert_int_eq(Steps_with_role(none, STEP_ROLE_FREEZE), -1);
}
END_TEST

START_TEST(test_step_names)
{
    for (int i = 0; i < STEP_KIND_COUNT; i++) {
        ck_assert_int_eq(Plan_step_parse(Plan_step_id((StepKind)i)), i);
        ck_assert(strlen(Plan_step_default_title((StepKind)i)) > 0);
    }
    ck_assert_str_eq(Plan_step_id(STEP_MAINTENANCE_ON), "maintenance-on");
    ck_assert_str_eq(Plan_step_id(STEP_STOP_REPLICATION), "stop-replication");
    ck_assert_int_eq(Plan_step_parse("lag-zero"), STEP_LAG_ZERO);
    ck_assert_int_eq(Plan_step_parse("Lag-Zero"), -1);
    ck_assert_int_eq(Plan_step_parse(""), -1);
    ck_assert_str_eq(Plan_tls_name(TLS_OFF), "off");
    ck_assert_str_eq(Plan_tls_name(TLS_VERIFY_IDENTITY), "verify-identity");
}
END_TEST

START_TEST(test_positions_of_values)
{
    const char *text = "{\n  \"a\": null,\n\t\"é\": [1, \"x\", {\"b\": true}]\n}";
    char err[256];
    JsoncDoc *doc = Jsonc_parse("t", text, strlen(text), err, sizeof err);
    ck_assert_msg(doc != NULL, "%s", err);
    json_object *root = Jsonc_root(doc), *arr = NULL;
    JsoncPos k, v;
    ck_assert(Jsonc_member_pos(doc, root, "a", &k, &v));
    ck_assert_int_eq(k.line, 2);
    ck_assert_int_eq(k.col, 3);
    ck_assert_int_eq(v.col, 8);
    ck_assert(Jsonc_member_pos(doc, root, "é", &k, &v));
    ck_assert_int_eq(k.line, 3);
    ck_assert_int_eq(k.col, 2);
    ck_assert_int_eq(v.col, 7);
    ck_assert(json_object_object_get_ex(root, "é", &arr));
    ck_assert(Jsonc_element_pos(doc, arr, 2, &v));
    ck_assert_int_eq(v.col, 16);
    ck_assert(!Jsonc_element_pos(doc, arr, 3, &v));
    ck_assert(!Jsonc_member_pos(doc, root, "zz", &k, &v));
    Jsonc_free(doc);
}
END_TEST

START_TEST(test_load_errors)
{
    char err[512], path[1024];
    ck_assert_ptr_null(Plan_load("/nonexistent/plan.jsonc", err, sizeof err));
    ck_assert_str_eq(err, "/nonexistent/plan.jsonc: cannot open the plan: No such file or "
                          "directory");
    snprintf(path, sizeof path, "%s/tests/data/plans", srcdir());
    ck_assert_ptr_null(Plan_load(path, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
}
END_TEST

/* Each file in tests/data/plans/bad says on its first line what the error
 * must be: "// expect: LINE:COL: message". */
START_TEST(test_bad_fixtures)
{
    char dir[1024], path[1400], err[1024], first[512];
    snprintf(dir, sizeof dir, "%s/tests/data/plans/bad", srcdir());
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int checked = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!strstr(e->d_name, ".jsonc"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        ck_assert_ptr_nonnull(fgets(first, sizeof first, f));
        fclose(f);
        first[strcspn(first, "\n")] = '\0';
        ck_assert_msg(strncmp(first, "// expect: ", 11) == 0, "%s has no expect line", path);
        ck_assert_msg(Plan_load(path, err, sizeof err) == NULL, "%s loaded", path);
        ck_assert_msg(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':', "%s", err);
        const char *msg = err + strlen(path) + 1;
        ck_assert_msg(strncmp(msg, first + 11, strlen(first + 11)) == 0,
                      "%s\n  got:      %s\n  expected: %s", e->d_name, msg, first + 11);
        ck_assert_ptr_null(strstr(err, "hunter2"));
        checked++;
    }
    closedir(d);
    ck_assert_int_ge(checked, 10);
}
END_TEST

/* --- secrets -------------------------------------------------------------- */

/* Read by Connector/C: [client] first, then the group; the last password
 * line read wins; quotes and \\s escapes as the mysql client has them. */
static const char option_file_text[] = "# cutover's credentials\n"
                                       "[client]\n"
                                       "password=clientpw1\n"
                                       "\n"
                                       "[source]\n"
                                       "user = cutover\n"
                                       "password = \"s3cr#t with space\"\n"
                                       "[target]\n"
                                       "password=first-one\n"
                                       "password = t4rget\\sx\n"
                                       "[bare]\n"
                                       "password\n"
                                       "[other]\n"
                                       "user=x\n"
                                       "; password=commented-out\n";

static char option_path[64];

static void write_option_file(mode_t mode)
{
    strcpy(option_path, "/tmp/test_plan_optXXXXXX");
    int fd = mkstemp(option_path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, option_file_text, sizeof option_file_text - 1),
                     (ssize_t)(sizeof option_file_text - 1));
    close(fd);
    ck_assert_int_eq(chmod(option_path, mode), 0);
}

static int resolve_group(const char *group, char *out, size_t outsize, char *err, size_t errsize)
{
    SecretRef ref = {.kind = SECRET_OPTION_FILE, .file = option_path, .group = (char *)group};
    return Secret_resolve(&ref, out, outsize, err, errsize);
}

START_TEST(test_secret_env)
{
    SecretRef ref = {.kind = SECRET_ENV, .env = "TEST_PLAN_PASSWORD"};
    char out[64], err[256], text[64] = "pw is env-pass-42!";
    Redact_clear();
    setenv("TEST_PLAN_PASSWORD", "env-pass-42!", 1);
    ck_assert_int_eq(Secret_resolve(&ref, out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "env-pass-42!");
    Redact_apply(text, sizeof text);
    ck_assert_str_eq(text, "pw is ***");
    ck_assert_int_eq(Secret_resolve(&ref, out, 5, err, sizeof err), -1);
    ck_assert_str_eq(err, "the password in environment variable TEST_PLAN_PASSWORD is longer "
                          "than 4 bytes");
    ck_assert_str_eq(out, "");
    setenv("TEST_PLAN_PASSWORD", "", 1);
    ck_assert_int_eq(Secret_resolve(&ref, out, sizeof out, err, sizeof err), -1);
    ck_assert_str_eq(err, "environment variable TEST_PLAN_PASSWORD is empty; expected the "
                          "password in it");
    unsetenv("TEST_PLAN_PASSWORD");
    ck_assert_int_eq(Secret_resolve(&ref, out, sizeof out, err, sizeof err), -1);
    ck_assert_str_eq(err, "environment variable TEST_PLAN_PASSWORD is not set; expected the "
                          "password in it");
}
END_TEST

START_TEST(test_secret_none)
{
    SecretRef ref = {.kind = SECRET_NONE};
    char out[8] = "junk", err[64];
    ck_assert_int_eq(Secret_resolve(&ref, out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_secret_option_file)
{
    char out[64], err[512], msg[256];
    write_option_file(0600);
    ck_assert_int_eq(resolve_group("source", out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "s3cr#t with space");
    ck_assert_int_eq(resolve_group("target", out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "t4rget x");
    ck_assert_int_eq(resolve_group("client", out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "clientpw1");
    ck_assert(!Secret_file_warning(
        &(SecretRef){.kind = SECRET_OPTION_FILE, .file = option_path, .group = "client"}, msg,
        sizeof msg));
    unlink(option_path);
}
END_TEST

START_TEST(test_secret_option_file_errors)
{
    char out[64], err[512], expected[512];
    write_option_file(0600);
    /* A group with no password line gets [client]'s, as the mysql client. */
    ck_assert_int_eq(resolve_group("other", out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "clientpw1");
    ck_assert_int_eq(resolve_group("nope", out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "clientpw1");
    /* Connector/C ignores a bare "password" line (the mysql client would
     * prompt): [client]'s stands. */
    ck_assert_int_eq(resolve_group("bare", out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "clientpw1");
    ck_assert_int_eq(resolve_group("source", out, 8, err, sizeof err), -1);
    ck_assert_ptr_null(strstr(err, "s3cr"));
    ck_assert_str_eq(out, "");
    FILE *fp = fopen(option_path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("[client]\nuser=x\n[bare]\npassword\n", fp);
    fclose(fp);
    ck_assert_int_eq(resolve_group("bare", out, sizeof out, err, sizeof err), -1);
    snprintf(expected, sizeof expected,
             "%s [bare]: no password; expected a password= line in [bare] (or in [client])",
             option_path);
    ck_assert_str_eq(err, expected);
    unlink(option_path);
    ck_assert_int_eq(resolve_group("source", out, sizeof out, err, sizeof err), -1);
    snprintf(expected, sizeof expected,
             "%s: cannot read the option file: No such file or directory", option_path);
    ck_assert_str_eq(err, expected);
}
END_TEST

START_TEST(test_secret_option_file_modes)
{
    char out[64], err[512], msg[256];
    SecretRef ref = {.kind = SECRET_OPTION_FILE, .file = option_path, .group = "source"};
    write_option_file(0602);
    ck_assert_int_eq(Secret_resolve(&ref, out, sizeof out, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "anyone can write this option file"));
    ck_assert_ptr_null(strstr(err, "s3cr"));
    ck_assert_int_eq(chmod(option_path, 0644), 0);
    ck_assert_int_eq(Secret_resolve(&ref, out, sizeof out, err, sizeof err), 0);
    ck_assert(Secret_file_warning(&ref, msg, sizeof msg));
    ck_assert_ptr_nonnull(strstr(msg, "readable by every user"));
    ck_assert_int_eq(chmod(option_path, 0640), 0);
    ck_assert(Secret_file_warning(&ref, msg, sizeof msg));
    ck_assert_ptr_nonnull(strstr(msg, "readable by its group"));
    unlink(option_path);
}
END_TEST

static int fake_aws(const char *id, const char *field, int side, char *out, size_t outsize,
                    char *err, size_t errsize)
{
    (void)side;
    (void)field;
    if (strcmp(id, "shop/db") != 0) {
        snprintf(err, errsize, "%s: not found", id);
        return -1;
    }
    snprintf(out, outsize, "from-aws-%s", "pw");
    return 0;
}

START_TEST(test_secret_aws_hook)
{
    SecretRef ref = {.kind = SECRET_AWS_SECRET, .secret_id = "shop/db"};
    char out[64], err[256], text[64] = "x from-aws-pw y";
    Redact_clear();
    Secret_set_aws_resolver(NULL);
    ck_assert_int_eq(Secret_resolve(&ref, out, sizeof out, err, sizeof err), -1);
    ck_assert_str_eq(err, "AWS secret shop/db: AWS Secrets Manager secrets need the aws module, "
                          "which is not loaded");
    Secret_set_aws_resolver(fake_aws);
    ck_assert_int_eq(Secret_resolve(&ref, out, sizeof out, err, sizeof err), 0);
    ck_assert_str_eq(out, "from-aws-pw");
    Redact_apply(text, sizeof text);
    ck_assert_str_eq(text, "x *** y");
    ref.secret_id = "other";
    ck_assert_int_eq(Secret_resolve(&ref, out, sizeof out, err, sizeof err), -1);
    ck_assert_str_eq(err, "other: not found");
    Secret_set_aws_resolver(NULL);
}
END_TEST

/* A server's settings from option files: what the plan leaves out, the
 * files give (through Connector/C); what the plan says wins. */
static const char server_options_text[] = "[client]\n"
                                          "user = dba\n"
                                          "port = 3307\n"
                                          "[source]\n"
                                          "host = db.example.internal\n"
                                          "password = from-file-1\n"
                                          "ssl-ca = /etc/rds-ca.pem\n"
                                          "ssl-verify-server-cert = 1\n"
                                          "[target]\n"
                                          "host = localhost\n"
                                          "socket = /run/target.sock\n"
                                          "ssl-cert = /c.pem\n";

static char *plan_with_files(const char *source, const char *target)
{
    static char text[2048];
    snprintf(text, sizeof text,
             "{\"name\": \"t\", \"source\": {\"option_file\": \"%s\", %s}, "
             "\"target\": {\"option_file\": \"%s\", %s}, \"steps\": []}",
             option_path, source, option_path, target);
    return text;
}

START_TEST(test_server_option_files)
{
    char err[1024], pw[64];
    strcpy(option_path, "/tmp/test_plan_srvXXXXXX");
    int fd = mkstemp(option_path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, server_options_text, sizeof server_options_text - 1),
                     (ssize_t)(sizeof server_options_text - 1));
    close(fd);
    const char *text = plan_with_files("\"option_group\": \"source\"",
                                       "\"option_group\": \"source\", \"host\": \"10.0.0.9\", "
                                       "\"user\": \"cutover\", \"tls\": \"required\"");
    Plan *p = Plan_parse("t.plan", text, strlen(text), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_str_eq(p->source.host, "db.example.internal");
    ck_assert_int_eq(p->source.port, 3307);
    ck_assert_str_eq(p->source.user, "dba");
    ck_assert_int_eq(p->source.tls, TLS_VERIFY_IDENTITY);
    ck_assert_str_eq(p->source.tls_ca, "/etc/rds-ca.pem");
    ck_assert_int_eq(p->source.password.kind, SECRET_OPTION_FILE);
    ck_assert_int_eq(Secret_resolve(&p->source.password, pw, sizeof pw, err, sizeof err), 0);
    ck_assert_str_eq(pw, "from-file-1");
    ck_assert_str_eq(p->target.host, "10.0.0.9"); /* the plan's own win */
    ck_assert_str_eq(p->target.user, "cutover");
    ck_assert_int_eq(p->target.tls, TLS_REQUIRED);
    Plan_free(p);
    /* "localhost" with a socket is reached by the socket; a cert needs its key. */
    text = plan_with_files("\"option_group\": \"source\"", "\"option_group\": \"target\"");
    ck_assert_ptr_null(Plan_parse("t.plan", text, strlen(text), err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "target: a client certificate needs both a cert and a key"));
    text = plan_with_files("\"option_group\": \"source\"",
                           "\"option_group\": \"target\", \"tls_key\": \"/k.pem\"");
    p = Plan_parse("t.plan", text, strlen(text), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_ptr_null(p->target.host);
    ck_assert_str_eq(p->target.socket, "/run/target.sock");
    ck_assert_str_eq(p->target.tls_cert, "/c.pem");
    Plan_free(p);
    /* Nothing says who: the error names the files. */
    text = "{\"name\": \"t\", \"source\": {\"host\": \"h\", \"option_group\": \"none\", "
           "\"option_file\": \"/dev/null\"}, \"target\": {\"host\": \"b\", \"user\": \"u\"}, "
           "\"steps\": []}";
    ck_assert_ptr_null(Plan_parse("t.plan", text, strlen(text), err, sizeof err));
    ck_assert_msg(strstr(err, "source.option_file: /dev/null: not a regular file") != NULL, "%s",
                  err);
    ck_assert_int_eq(chmod(option_path, 0666), 0);
    text = plan_with_files("\"option_group\": \"source\"", "\"host\": \"b\"");
    ck_assert_ptr_null(Plan_parse("t.plan", text, strlen(text), err, sizeof err));
    ck_assert_msg(strstr(err, "anyone can write this option file") != NULL, "%s", err);
    ck_assert_int_eq(chmod(option_path, 0600), 0);
    ck_assert_int_eq(truncate(option_path, 0), 0);
    text = plan_with_files("\"host\": \"a\"", "\"host\": \"b\", \"user\": \"u\"");
    ck_assert_ptr_null(Plan_parse("t.plan", text, strlen(text), err, sizeof err));
    ck_assert_msg(strstr(err, "source: no user; expected \"user\" here or a user= line in") != NULL,
                  "%s", err);
    unlink(option_path);
}
END_TEST

/* A webhook's ${NAME} from Secrets Manager: taken whole without "field". */
START_TEST(test_notify_secrets)
{
    const char *text = HEAD "\"notify\": {\"chat\": {\"url\": \"${CHAT_URL}\", \"headers\": "
                            "{\"Authorization\": \"Bearer ${TOKEN}\"}, \"secrets\": {\"CHAT_URL\": "
                            "{\"aws_secret\": \"shop/slack\"}, \"TOKEN\": {\"aws_secret\": "
                            "\"shop/hooks\", \"field\": \"token\"}}}}, " STEPS_NONE;
    char err[1024];
    Plan *p = Plan_parse("t.plan", text, strlen(text), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    const PlanWebhook *w = &p->notify.hooks[0];
    ck_assert_uint_eq(w->nsecrets, 2);
    ck_assert_str_eq(w->secrets[0].name, "CHAT_URL");
    ck_assert_int_eq(w->secrets[0].ref.kind, SECRET_AWS_SECRET);
    ck_assert_str_eq(w->secrets[0].ref.secret_id, "shop/slack");
    ck_assert_str_eq(w->secrets[0].ref.field, "");
    ck_assert_str_eq(w->secrets[1].ref.field, "token");
    Plan_free(p);
}
END_TEST

START_TEST(test_secret_describe)
{
    char out[128];
    Secret_describe(&(SecretRef){.kind = SECRET_ENV, .env = "PW"}, out, sizeof out);
    ck_assert_str_eq(out, "environment variable PW");
    Secret_describe(&(SecretRef){.kind = SECRET_OPTION_FILE, .file = "/f", .group = "g"}, out,
                    sizeof out);
    ck_assert_str_eq(out, "option file /f [g]");
}
END_TEST

static Suite *plan_suite(void)
{
    Suite *s = suite_create("plan");
    TCase *bad = tcase_create("bad");
    tcase_add_loop_test(bad, test_bad_inline, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(bad, test_inline_password_never_echoed);
    tcase_add_test(bad, test_nul_byte);
    tcase_add_test(bad, test_depth_limit);
    tcase_add_test(bad, test_truncations);
    tcase_add_test(bad, test_huge_integer_is_not_an_int);
    tcase_add_test(bad, test_load_errors);
    tcase_add_test(bad, test_bad_fixtures);
    suite_add_tcase(s, bad);
    TCase *good = tcase_create("good");
    tcase_add_test(good, test_lab_example);
    tcase_add_test(good, test_rds_example);
    tcase_add_test(good, test_defaults);
    tcase_add_test(good, test_exec_socket_titles);
    tcase_add_test(good, test_bom_and_sha256);
    tcase_add_test(good, test_sha256_known);
    tcase_add_test(good, test_endpoint_defaults_per_field);
    tcase_add_test(good, test_step_names);
    tcase_add_test(good, test_step_facts);
    tcase_add_test(good, test_positions_of_values);
    suite_add_tcase(s, good);
    TCase *secret = tcase_create("secret");
    tcase_add_test(secret, test_secret_env);
    tcase_add_test(secret, test_secret_none);
    tcase_add_test(secret, test_secret_option_file);
    tcase_add_test(secret, test_secret_option_file_errors);
    tcase_add_test(secret, test_secret_option_file_modes);
    tcase_add_test(secret, test_server_option_files);
    tcase_add_test(secret, test_notify_secrets);
    tcase_add_test(secret, test_secret_aws_hook);
    tcase_add_test(secret, test_aws_sides);
    tcase_add_test(secret, test_verify_all);
    tcase_add_test(secret, test_ssl_aliases);
    tcase_add_test(secret, test_secret_describe);
    suite_add_tcase(s, secret);
    return s;
}

int main(void)
{
    return Unit_run(plan_suite());
}
