/* What verification by chunks needs, checked before the night: the binlog
 * reader on this machine, the console's account allowed to read the
 * binlog as a replica, and every table of the plan on the source with the
 * key its chunks follow (a table without a single integer key is compared
 * whole, and named). Without the reader or the privilege every chunk would
 * be compared again inside the window: a no-go, since the lead chose
 * chunks to keep the window short. */
#include <stdio.h>
#include <string.h>

#include "checklist/checks.h"
#include "lib/subprocess.h"
#include "verify/table.h"
#include "verify/table_list.h"

#define VERIFY_READER "mariadb-binlog"

static bool Pfv_applies(const StepCtx *c)
{
    return c->plan->verify.mode == VERIFY_CHUNKS && c->plan->steps[STEP_VERIFY].enabled;
}

static void Pfv_reader(Checks *k)
{
    char *argv[] = {VERIFY_READER, "--version", NULL};
    char out[256], err[256];
    int rc = Subprocess_run(argv, 5000, NULL, out, sizeof out, err, sizeof err);
    if (rc == 0)
        Check(k, "binlog reader", true, "%s", out);
    else
        Check(k, "binlog reader", false,
              "verify mode chunks reads the source's binlog with " VERIFY_READER
              " (Debian: mariadb-client): %s",
              rc < 0 ? err : "it did not run");
}

static void Pfv_privilege(Checks *k)
{
    Db *src = k->c->source;
    int64_t n = 0;
    const char *sql = "SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = "
                      "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', "
                      "SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''') AND PRIVILEGE_TYPE IN "
                      "('REPLICATION SLAVE', 'REPLICATION REPLICA')";
    if (!src) {
        Check(k, "binlog access", false, "no connection to the source");
        return;
    }
    if (Step_int(k->c, src, "source", sql, &n) < 0) {
        Check(k, "binlog access", false, "%s", k->c->error);
        return;
    }
    Check(k, "binlog access", n > 0, "%s",
          n > 0 ? "the console's account has REPLICATION SLAVE on the source"
                : "the console's account lacks REPLICATION SLAVE on the source (granted through "
                  "a role it is not seen here): the binlog reader cannot follow the changes");
}

static void Pfv_tables(Checks *k)
{
    char whole[300] = "", err[600];
    size_t keyed = 0, nwhole = 0, len = 0;
    TableList list;
    if (!k->c->source)
        return;
    if (TableList_resolve(k->c->plan, k->c->source, &list, err, sizeof err) != 0) {
        Check(k, "verify tables", false, "%s", err);
        return;
    }
    for (size_t i = 0; i < list.n; i++) {
        VerifyTable t;
        if (VerifyTable_load(k->c->source, list.names[i], &t, err, sizeof err) != 0) {
            Check(k, "verify tables", false, "%s", err);
            TableList_free(&list);
            return;
        }
        if (t.key[0]) {
            keyed++;
        } else {
            int n = snprintf(whole + len, sizeof whole - len, "%s%s (%s)", len ? ", " : "", t.name,
                             t.why_whole);
            len = n > 0 && (size_t)n < sizeof whole - len ? len + (size_t)n : len;
            nwhole++;
        }
        Chunk_table_free(&t);
    }
    Check(k, "verify tables", true,
          "%s%s%zu table(s) in chunks by an integer key, %zu compared whole%s%s",
          k->c->plan->verify.all_tables ? list.summary : "",
          k->c->plan->verify.all_tables ? "; " : "", keyed, nwhole, nwhole ? ": " : "", whole);
    TableList_free(&list);
}

void PreflightVerify_run(Checks *k)
{
    if (!Pfv_applies(k->c))
        return;
    Pfv_reader(k);
    Pfv_privilege(k);
    Pfv_tables(k);
}

void PreflightVerify_describe(StepCtx *c)
{
    if (!Pfv_applies(c))
        return;
    Step_say(c, VERIFY_READER
             " --version; source: the console's REPLICATION SLAVE "
             "(information_schema.USER_PRIVILEGES); source: the columns and keys of every "
             "table to verify (information_schema.COLUMNS, STATISTICS)");
}
