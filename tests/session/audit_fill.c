/* Test helper: appends N records to an audit log through Audit_append, the
 * way the checklist does, so shell tests can check `cutover verify`.
 * Usage: audit_fill FILE N */
#include <stdio.h>
#include <stdlib.h>

#include "session/audit.h"

int main(int argc, char **argv)
{
    if (argc != 3 || atoi(argv[2]) < 0) {
        fprintf(stderr, "usage: audit_fill FILE N\n");
        return 2;
    }
    static const char *const steps[] = {"maintenance-on", "read-only", "lag-zero", "swap"};
    char err[1024];
    Audit *audit = Audit_open(argv[1], err, sizeof err);
    if (!audit) {
        fprintf(stderr, "audit_fill: %s\n", err);
        return 1;
    }
    for (int i = 0, n = atoi(argv[2]); i < n; i++) {
        char executed[96];
        snprintf(executed, sizeof executed, "SET GLOBAL read_only=ON -- %d", i);
        AuditEntry e = {.step = steps[i / 2 % 4],
                        .action = i % 2 ? "done" : "start",
                        .executed = executed,
                        .result = i % 2 ? "ok" : NULL};
        if (Audit_append(audit, &e, err, sizeof err) != 0) {
            fprintf(stderr, "audit_fill: %s\n", err);
            Audit_close(audit);
            return 1;
        }
    }
    Audit_close(audit);
    return 0;
}
