/* cutover verify FILE [--session REC] [--against-target PLAN]: checks an
 * audit log's hash chain, prints its head, and proves against an anchor
 * kept outside the file (the recording, the target's cutover.audit_head
 * table) that nothing after it was cut. */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdbool.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist/audit_anchor.h"
#include "cli/commands.h"
#include "lib/clock.h"
#include "plan/secret.h"
#include "replay/reader.h"
#include "session/audit.h"

/* Where the verdicts go: lines for a person, or with --json members of one
 * document printed at the end ({"file", "chain", "session", "hmac",
 * "target"}, each {"verdict", "message"}, plus "records", "last_at" and
 * "head" of an intact chain). */
static json_object *Verify_doc;

static void Verify_say(const char *what, const char *verdict, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void Verify_say(const char *what, const char *verdict, const char *fmt, ...)
{
    char text[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (!Verify_doc) {
        printf("%s\n", text);
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "verdict", json_object_new_string(verdict));
    json_object_object_add(o, "message", json_object_new_string(text));
    json_object_object_add(Verify_doc, what, o);
}

/* A figure of the intact chain, in the document only. */
static void Verify_field(const char *name, json_object *value)
{
    if (Verify_doc)
        json_object_object_add(Verify_doc, name, value);
    else
        json_object_put(value);
}

typedef struct VerifySummary {
    long records;
    int64_t last_wall_ms;
} VerifySummary;

static int Verify_count(const AuditRecord *record, void *ctx)
{
    VerifySummary *sum = ctx;
    sum->records++;
    sum->last_wall_ms = record->wall_ms;
    return 0;
}

static void Verify_usage(FILE *out)
{
    fprintf(out,
            "Usage: cutover verify [--session RECORDING] [--against-target PLAN] [--json] FILE\n"
            "Checks the hash chain of an audit log and prints its head (the last record's\n"
            "hash). The chain shows an edited or removed record but not a removed tail:\n"
            "  --session RECORDING     the head the recording last saw must still be in FILE\n"
            "  --against-target PLAN   the head on the plan's target (cutover.audit_head)\n"
            "                          must still be in FILE\n"
            "  --json                  one JSON document on standard output: file, ok,\n"
            "                          exit, chain/session/hmac/target {verdict, message},\n"
            "                          records, last_at, head\n"
            "Exit status: 0 intact (and anchored), 1 broken or cut (the first bad line or\n"
            "the missing records are named), 2 unreadable or bad usage.\n");
}

/* The last audit head the recording carries: 1 found, 0 none, -1 error. */
static int Verify_session_head(const char *path, long *seq, char head[AUDIT_HEAD_HEX], char *err,
                               size_t errsize)
{
    SessionReader *r = SessionReader_open(path, false, err, errsize);
    if (!r)
        return -1;
    int found = 0;
    Event ev;
    ReaderStatus st;
    while ((st = SessionReader_next(r, &ev)) == READER_LINE) {
        if (ev.kind != EVENT_SAMPLE || strcmp(ev.key, AUDIT_HEAD_KEY) != 0 ||
            strlen(ev.text) != AUDIT_HEAD_HEX - 1)
            continue;
        *seq = (long)ev.value;
        memcpy(head, ev.text, AUDIT_HEAD_HEX);
        found = 1;
    }
    if (st == READER_ERROR) {
        snprintf(err, errsize, "%s", SessionReader_error(r));
        found = -1;
    }
    SessionReader_close(r);
    return found;
}

/* FILE against one anchor; prints the verdict. Returns an exit status. */
static int Verify_anchor(const char *path, const char *what, const char *where, long seq,
                         const char *head)
{
    char msg[512];
    int rc = Audit_check_anchor(path, seq, head, msg, sizeof msg);
    if (rc == 2) {
        fprintf(stderr, "cutover verify: %s: %s\n", path, msg);
        return EXIT_USAGE;
    }
    if (rc == 1) {
        Verify_say(what, "cut", "%s: CUT or edited against %s: %s", path, where, msg);
        return EXIT_NO;
    }
    Verify_say(what, "anchored",
               "%s: anchored: %s saw record %ld with head %s, and the log still holds it", path,
               where, seq, head);
    return EXIT_OK;
}

static int Verify_against_session(const char *path, const char *recording)
{
    long seq = 0;
    char head[AUDIT_HEAD_HEX], err[512];
    int found = Verify_session_head(recording, &seq, head, err, sizeof err);
    if (found < 0) {
        fprintf(stderr, "cutover verify: %s\n", err);
        return EXIT_USAGE;
    }
    if (found == 0) {
        Verify_say("session", "no-anchor",
                   "%s: the recording %s carries no audit head (no step ran while it "
                   "recorded)",
                   path, recording);
        return EXIT_NO;
    }
    return Verify_anchor(path, "session", "the recording", seq, head);
}

static int Verify_against_target(const char *path, const char *plan_path)
{
    long seq = 0;
    char head[AUDIT_HEAD_HEX], err[1024];
    int found = AuditAnchor_read_target(plan_path, &seq, head, err, sizeof err);
    if (found < 0) {
        fprintf(stderr, "cutover verify: %s\n", err);
        return EXIT_USAGE;
    }
    if (found == 0) {
        Verify_say("target", "no-anchor", "%s: the target has no audit head for this plan (%s)",
                   path, err);
        return EXIT_NO;
    }
    return Verify_anchor(path, "target", "the target", seq, head);
}

static int Verify_hmac(const char *path, const char *plan_path)
{
    char err[1024], key[257];
    Plan *plan = Plan_load(plan_path, err, sizeof err);
    if (!plan) {
        fprintf(stderr, "cutover verify: %s\n", err);
        return EXIT_USAGE;
    }
    int rc = EXIT_USAGE;
    if (plan->audit_hmac_key.kind == SECRET_NONE)
        fprintf(stderr, "cutover verify: %s names no audit.hmac_key\n", plan_path);
    else if (Secret_resolve(&plan->audit_hmac_key, key, sizeof key, err, sizeof err) != 0)
        fprintf(stderr, "cutover verify: audit.hmac_key: %s\n", err);
    else {
        long bad = 0;
        int v = Audit_verify_hmac(path, key, &bad, err, sizeof err);
        OPENSSL_cleanse(key, sizeof key);
        if (v == 2)
            fprintf(stderr, "cutover verify: %s: %s\n", path, err);
        else if (v == 1)
            Verify_say("hmac", "bad", "%s: line %ld: %s", path, bad, err);
        else
            Verify_say("hmac", "valid", "%s: every record carries a valid HMAC", path);
        rc = v == 0 ? EXIT_OK : v == 1 ? EXIT_NO : EXIT_USAGE;
    }
    Plan_free(plan);
    return rc;
}

static int Verify_chain(const char *path)
{
    long bad_line = 0;
    char msg[512];
    int rc = Audit_verify(path, &bad_line, msg, sizeof msg);
    if (rc == 2) {
        fprintf(stderr, "cutover verify: %s: %s\n", path, msg);
        return EXIT_USAGE;
    }
    if (rc == 1) {
        Verify_say("chain", "broken", "%s: broken at line %ld: %s", path, bad_line, msg);
        Verify_field("line", json_object_new_int64(bad_line));
        return EXIT_NO;
    }
    VerifySummary sum = {0, 0};
    char err[512], head[AUDIT_HEAD_HEX];
    long seq = 0;
    if (Audit_read(path, Verify_count, &sum, err, sizeof err) != 0 ||
        Audit_file_head(path, &seq, head, err, sizeof err) != 0) {
        fprintf(stderr, "cutover verify: %s\n", err);
        return EXIT_USAGE;
    }
    Verify_field("records", json_object_new_int64(sum.records));
    if (sum.records == 0) {
        Verify_say("chain", "intact", "%s: intact, 0 records", path);
        return EXIT_OK;
    }
    char when[32];
    Clock_format_utc(sum.last_wall_ms, when, sizeof when);
    Verify_field("last_at", json_object_new_string(when));
    Verify_field("head", json_object_new_string(head));
    Verify_say("chain", "intact", "%s: intact, %ld record%s, last at %s, head %s", path,
               sum.records, sum.records == 1 ? "" : "s", when, head);
    return EXIT_OK;
}

int Command_verify(int argc, char **argv)
{
    static const struct option longopts[] = {{"session", required_argument, NULL, 's'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"against-target", required_argument, NULL, 't'},
                                             {"hmac", required_argument, NULL, 'k'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *session = NULL, *target_plan = NULL, *hmac_plan = NULL;
    bool json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            Verify_usage(stdout);
            return EXIT_OK;
        }
        if (c == 's')
            session = optarg;
        else if (c == 't')
            target_plan = optarg;
        else if (c == 'k')
            hmac_plan = optarg;
        else if (c == 'j')
            json = true;
        else {
            Verify_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        Verify_usage(stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    if (json) {
        Verify_doc = json_object_new_object();
        json_object_object_add(Verify_doc, "file", json_object_new_string(path));
    }
    int rc = Verify_chain(path);
    if (rc == EXIT_OK && session)
        rc = Verify_against_session(path, session);
    if (rc == EXIT_OK && hmac_plan)
        rc = Verify_hmac(path, hmac_plan);
    if (rc == EXIT_OK && target_plan)
        rc = Verify_against_target(path, target_plan);
    if (json) {
        /* Exit 2 (unreadable, bad usage) said its reason on stderr. */
        json_object_object_add(Verify_doc, "ok", json_object_new_boolean(rc == EXIT_OK));
        json_object_object_add(Verify_doc, "exit", json_object_new_int(rc));
        printf("%s\n", json_object_to_json_string_ext(
                           Verify_doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(Verify_doc);
        Verify_doc = NULL;
    }
    return rc;
}
