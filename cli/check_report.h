/* The verdicts of `cutover check` (online and --offline) as the table a
 * person reads, or with --json as one JSON document for scripts:
 *   {"plan": NAME, "mode": "online"|"offline", "go": BOOL, "failed": N,
 *    "checks": [{"check": ..., "verdict": "PASS"|"FAIL"|"SKIP", "why": ...}]}
 * Every reason is redacted before it leaves the process. */
#ifndef CUTOVER_CLI_CHECK_REPORT_H
#define CUTOVER_CLI_CHECK_REPORT_H

#include <stdbool.h>

typedef struct CheckReport {
    bool json;
    int width; /* of the check's column in the table */
    int failed;
    void *checks; /* json_object array when json */
} CheckReport;

/* Starts the report; in the table the title line is printed now. */
void CheckReport_begin(CheckReport *r, bool json, int width, const char *title);

/* One verdict ("PASS", "FAIL" or "SKIP"); a FAIL counts. */
void CheckReport_line(CheckReport *r, const char *verdict, const char *check, const char *why);

/* Ends it: the table's last word (go_word or nogo_word) or the document. */
void CheckReport_end(CheckReport *r, const char *plan, const char *mode, const char *go_word,
                     const char *nogo_word);

#endif
