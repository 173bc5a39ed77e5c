/* cutover verify FILE: checks an audit log's hash chain. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "lib/clock.h"
#include "session/audit.h"

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
    fprintf(out, "Usage: cutover verify FILE\n"
                 "Checks the hash chain of an audit log.\n"
                 "Exit status: 0 intact, 1 broken (the first bad line is named), 2 unreadable.\n");
}

int Command_verify(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        Verify_usage(stdout);
        return EXIT_OK;
    }
    if (argc != 2 || (argv[1][0] == '-' && argv[1][1] != '\0')) {
        Verify_usage(stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[1];
    long bad_line = 0;
    char msg[512];
    int rc = Audit_verify(path, &bad_line, msg, sizeof msg);
    if (rc == 2) {
        fprintf(stderr, "cutover verify: %s: %s\n", path, msg);
        return EXIT_USAGE;
    }
    if (rc == 1) {
        printf("%s: broken at line %ld: %s\n", path, bad_line, msg);
        return EXIT_NO;
    }
    VerifySummary sum = {0, 0};
    char err[512];
    if (Audit_read(path, Verify_count, &sum, err, sizeof err) != 0) {
        fprintf(stderr, "cutover verify: %s\n", err);
        return EXIT_USAGE;
    }
    if (sum.records == 0) {
        printf("%s: intact, 0 records\n", path);
    } else {
        char when[32];
        Clock_format_utc(sum.last_wall_ms, when, sizeof when);
        printf("%s: intact, %ld record%s, last at %s\n", path, sum.records,
               sum.records == 1 ? "" : "s", when);
    }
    return EXIT_OK;
}
