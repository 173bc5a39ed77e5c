/* Swap the application's connection string. file: rewrite KEY=value
 * atomically, the old value kept for rollback in a 0600 sidecar next to the
 * file (it may hold a password) and, redacted, in the audit. exec: a command
 * with templates, then the readback command, compared. aws-secret: the
 * RDS-style secret rewritten with the target's host and port, every other
 * field kept (PutSecretValue, read back with GetSecretValue; undo puts the
 * previous SecretString back). ssm: PutParameter with Overwrite, keeping the
 * parameter's type, KMS key and tier (DescribeParameters), read back.
 * route53: a CNAME UPSERT followed to INSYNC, read back with
 * ListResourceRecordSets; undo UPSERTs the old name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "aws/route53.h"
#include "aws/secrets.h"
#include "aws/ssm.h"
#include "checklist/fsutil.h"
#include "checklist/proc.h"
#include "lib/subprocess.h"
#include "checklist/step.h"
#include "lib/clock.h"
#include "lib/redact.h"

/* The new value; the plan parser requires it, "" guards a plan without. */
static const char *Swap_value(const StepCtx *c)
{
    return c->plan->swap.value ? c->plan->swap.value : "";
}

static void Swap_sidecar(const StepCtx *c, char *out, size_t size)
{
    snprintf(out, size, "%s.cutover-old", c->plan->swap.path);
}

/* A value as it may appear in messages and the audit. */
static void Swap_shown(const char *value, char *out, size_t size)
{
    snprintf(out, size, "%s", value);
    Redact_apply(out, size);
}

static int Swap_readback_cmd(StepCtx *c, char *out, size_t size)
{
    ProcVars vars = {.plan = c->plan, .value = Swap_value(c)};
    char **argv = Proc_expand(&c->plan->swap.readback_cmd, &vars);
    char err[512];
    int rc = Subprocess_run(argv, c->plan->swap.readback_cmd.timeout_ms, c->cancel, out, size, err,
                            sizeof err);
    Proc_free(argv);
    if (rc != 0)
        return rc < 0 ? Step_fail(c, "readback command: %s", err)
                      : Step_fail(c, "readback command exited %d: %s", rc, err);
    return 0;
}

/* The current value: 1 read, -1 error. */
static int Swap_current(StepCtx *c, char *out, size_t size)
{
    const PlanSwap *s = &c->plan->swap;
    if (s->method == SWAP_EXEC)
        return Swap_readback_cmd(c, out, size) == 0 ? 1 : -1;
    char err[512];
    int rc = Fs_read_key(s->path, s->key, out, size, err, sizeof err);
    if (rc < 0)
        return Step_fail(c, "swap: %s", err);
    if (rc == 0)
        return Step_fail(c, "swap: %s has no %s= line", s->path, s->key);
    return 1;
}

/* ---- AWS: Secrets Manager, SSM, Route 53 ------------------------------ */

#define SWAP_INSYNC_WAIT_MS 300000 /* Route 53 says INSYNC within 60 s normally */

static bool Swap_is_aws(const StepCtx *c)
{
    SwapMethod m = c->plan->swap.method;
    return m == SWAP_AWS_SECRET || m == SWAP_SSM || m == SWAP_ROUTE53;
}

static Aws_client *Swap_client(StepCtx *c)
{
    return Step_aws(c, AWS_SIDE_TARGET, "swap");
}

/* The endpoint the secret is to name: swap.value "HOST[:PORT]", else the
 * plan's target. */
static void Swap_secret_endpoint(const StepCtx *c, char *host, size_t size, int *port)
{
    const char *v = c->plan->swap.value;
    if (v && *v) {
        const char *colon = strrchr(v, ':');
        snprintf(host, size, "%.*s", colon ? (int)(colon - v) : (int)strlen(v), v);
        *port = colon ? atoi(colon + 1) : 3306;
        return;
    }
    snprintf(host, size, "%s", c->plan->target.host ? c->plan->target.host : "");
    *port = c->plan->target.port > 0 ? c->plan->target.port : 3306;
}

/* What the swap compares: "host:port" for a secret, the value otherwise. */
static void Swap_aws_wanted(const StepCtx *c, char *out, size_t size)
{
    if (c->plan->swap.method == SWAP_AWS_SECRET) {
        char host[512];
        int port;
        Swap_secret_endpoint(c, host, sizeof host, &port);
        snprintf(out, size, "%s:%d", host, port);
    } else {
        snprintf(out, size, "%s", Swap_value(c));
    }
}

/* Reads the current value: the compared form into shown, and what undo
 * needs (the whole SecretString, or the value) into whole. 1, or -1. */
static int Swap_aws_read(StepCtx *c, Aws_client *a, char *shown, size_t ssize, char *whole,
                         size_t wsize, long *ttl)
{
    const PlanSwap *s = &c->plan->swap;
    char err[1024];
    if (s->method == SWAP_AWS_SECRET) {
        Secret_db db;
        if (Secrets_get(a, s->aws_id, &db, err, sizeof err) != 0)
            return Step_fail(c, "swap: %s", err);
        snprintf(shown, ssize, "%s:%d", db.host, db.port ? db.port : 3306);
        bool fits = strlen(db.secret_string) < wsize;
        if (fits)
            snprintf(whole, wsize, "%s", db.secret_string);
        Secrets_db_clear(&db);
        return fits ? 1 : Step_fail(c, "swap: secret %s is too long to keep for undo", s->aws_id);
    }
    if (s->method == SWAP_SSM) {
        Ssm_parameter prm;
        if (Ssm_get(a, s->aws_id, &prm, err, sizeof err) != 0)
            return Step_fail(c, "swap: %s", err);
        snprintf(shown, ssize, "%s", prm.value);
        if (strlen(prm.value) >= wsize)
            return Step_fail(c, "swap: parameter %s is too long to keep for undo", s->aws_id);
        snprintf(whole, wsize, "%s", prm.value);
        return 1;
    }
    R53_record_id r;
    if (R53_parse_id(s->aws_id, &r, err, sizeof err) != 0)
        return Step_fail(c, "swap: %s", err);
    long t = 0;
    int rc = R53_get_cname(a, &r, shown, ssize, &t, err, sizeof err);
    if (rc < 0)
        return Step_fail(c, "swap: %s", err);
    if (rc == 0)
        return Step_fail(c, "swap: Route 53 zone %s has no CNAME %s", r.zone, r.name);
    snprintf(whole, wsize, "%s", shown);
    if (ttl)
        *ttl = t;
    return 1;
}

/* Route 53 names compare as DNS does (any case, the root's dot optional);
 * anything else exactly. */
static bool Swap_same_name(const StepCtx *c, const char *a, const char *b)
{
    if (c->plan->swap.method != SWAP_ROUTE53)
        return !strcmp(a, b);
    size_t na = strlen(a), nb = strlen(b);
    na -= na && a[na - 1] == '.';
    nb -= nb && b[nb - 1] == '.';
    return na == nb && !strncasecmp(a, b, na);
}

/* The plan's swap.from as the old value, when it has one. */
static bool Swap_take_from(StepCtx *c)
{
    const char *from = c->plan->swap.from;
    if (!from || strlen(from) >= sizeof c->memo->swap_old)
        return false;
    snprintf(c->memo->swap_old, sizeof c->memo->swap_old, "%s", from);
    c->memo->swap_old_known = true;
    return true;
}

static int Swap_aws_prepare(StepCtx *c)
{
    StepMemo *m = c->memo;
    char shown[1100], wanted[1100];
    Aws_client *a = Swap_client(c);
    if (!a)
        return -1;
    int rc = Swap_aws_read(c, a, shown, sizeof shown, m->swap_old, sizeof m->swap_old, NULL);
    Aws_client_free(a);
    if (rc < 0)
        return -1;
    Swap_aws_wanted(c, wanted, sizeof wanted);
    const char *from = c->plan->swap.from;
    bool swapped = strcmp(shown, wanted) == 0;
    if (!swapped && from && !Swap_same_name(c, shown, from))
        return Step_fail(c,
                         "swap: %s names %s, not %s as the plan's swap.from says; is it the "
                         "right %s?",
                         c->plan->swap.aws_id, shown, from,
                         c->plan->swap.method == SWAP_SSM ? "parameter" : "record");
    /* Already swapped by an earlier attempt: what is there now is not the old value. */
    m->swap_found_done = swapped;
    m->swap_old_known = !swapped || Swap_take_from(c);
    if (!m->swap_old_known)
        Step_log(c, LOG_WARN, "swap: %s already names %s; the value before it is not known here",
                 c->plan->swap.aws_id, wanted);
    return 0;
}

/* The old value as shown ("host:port" of the kept secret). */
static void Swap_aws_old_shown(const StepCtx *c, char *out, size_t size)
{
    const StepMemo *m = c->memo;
    if (!m->swap_old_known) {
        snprintf(out, size, "%s",
                 c->plan->swap.from ? c->plan->swap.from : "<the value before the swap>");
        return;
    }
    if (c->plan->swap.method != SWAP_AWS_SECRET) {
        Swap_shown(m->swap_old, out, size);
        return;
    }
    Secret_db db;
    char err[256];
    memset(&db, 0, sizeof db);
    if (Secrets_parse_db(m->swap_old, &db, err, sizeof err) == 0)
        snprintf(out, size, "%s:%d", db.host, db.port ? db.port : 3306);
    else
        snprintf(out, size, "<the previous secret>");
    Secrets_db_clear(&db);
}

static void Swap_aws_describe_to(StepCtx *c, const char *from, const char *to)
{
    const PlanSwap *s = &c->plan->swap;
    if (s->method == SWAP_AWS_SECRET) {
        Step_say(c,
                 "Secrets Manager PutSecretValue %s: host:port %s -> %s (every other field "
                 "kept, new version AWSCURRENT)",
                 s->aws_id, from, to);
        Step_say(c, "Secrets Manager GetSecretValue %s (read back: host:port %s)", s->aws_id, to);
    } else if (s->method == SWAP_SSM) {
        Step_say(c, "SSM DescribeParameters %s (its type, KMS key and tier, kept)", s->aws_id);
        Step_say(c, "SSM PutParameter %s Overwrite: %s -> %s", s->aws_id, from, to);
        Step_say(c, "SSM GetParameter %s WithDecryption (read back: %s)", s->aws_id, to);
    } else {
        Step_say(c, "Route 53 ChangeResourceRecordSets %s: UPSERT CNAME %s -> %s (TTL kept)",
                 s->aws_id, from, to);
        Step_say(c,
                 "Route 53 GetChange until INSYNC (up to %d s); ListResourceRecordSets (read "
                 "back: %s)",
                 SWAP_INSYNC_WAIT_MS / 1000, to);
    }
}

static void Swap_aws_describe(StepCtx *c, bool undo)
{
    char old[1100], wanted[1100];
    Swap_aws_old_shown(c, old, sizeof old);
    Swap_aws_wanted(c, wanted, sizeof wanted);
    if (undo)
        Swap_aws_describe_to(c, wanted, old);
    else
        Swap_aws_describe_to(c, old, wanted);
}

/* UPSERT and follow the change until INSYNC. */
static int Swap_route53(StepCtx *c, Aws_client *a, const char *value)
{
    R53_record_id r;
    char err[1024], cur[1100], change[128], status[32] = "";
    long ttl = 300;
    if (R53_parse_id(c->plan->swap.aws_id, &r, err, sizeof err) != 0)
        return Step_fail(c, "swap: %s", err);
    if (R53_get_cname(a, &r, cur, sizeof cur, &ttl, err, sizeof err) < 0)
        return Step_fail(c, "swap: %s", err);
    if (R53_upsert_cname(a, &r, value, ttl, change, sizeof change, err, sizeof err) != 0)
        return Step_fail(c, "swap: %s", err);
    int64_t deadline = Clock_mono_ms() + SWAP_INSYNC_WAIT_MS;
    while (strcmp(status, "INSYNC") != 0) {
        if (R53_change_status(a, change, status, sizeof status, err, sizeof err) != 0)
            return Step_fail(c, "swap: %s", err);
        if (!strcmp(status, "INSYNC"))
            break;
        if (Clock_mono_ms() >= deadline)
            return Step_fail(c, "swap: Route 53 change %s still %s after %d s", change, status,
                             SWAP_INSYNC_WAIT_MS / 1000);
        if (Step_pause(c, 1000))
            return Step_fail(c, "cancelled (abort) while Route 53 change %s was %s", change,
                             status);
    }
    Step_log(c, LOG_INFO, "Route 53 change %s INSYNC", change);
    return 0;
}

/* Writes the new state: for a secret, whole is the SecretString to put. */
static int Swap_aws_write(StepCtx *c, Aws_client *a, const char *whole)
{
    const PlanSwap *s = &c->plan->swap;
    char err[1024], version[80];
    if (s->method == SWAP_AWS_SECRET) {
        if (Secrets_put(a, s->aws_id, whole, version, sizeof version, err, sizeof err) != 0)
            return Step_fail(c, "swap: %s", err);
        return 0;
    }
    if (s->method == SWAP_SSM) {
        StepMemo *m = c->memo;
        long v = 0;
        if (!m->swap_ssm_known && Ssm_describe(a, s->aws_id, &m->swap_ssm, err, sizeof err) != 0)
            return Step_fail(c, "swap: %s (its KMS key and tier must be kept)", err);
        m->swap_ssm_known = true;
        if (Ssm_put(a, s->aws_id, whole, &m->swap_ssm, &v, err, sizeof err) != 0)
            return Step_fail(c, "swap: %s", err);
        return 0;
    }
    return Swap_route53(c, a, whole);
}

/* Puts the secret/parameter/record to `whole` and reads back `expect`. */
static int Swap_aws_apply(StepCtx *c, Aws_client *a, const char *whole, const char *expect)
{
    char now[1100], kept[sizeof c->memo->swap_old];
    if (Swap_aws_write(c, a, whole) != 0)
        return -1;
    if (Swap_aws_read(c, a, now, sizeof now, kept, sizeof kept, NULL) < 0)
        return -1;
    memset(kept, 0, sizeof kept);
    if (strcmp(now, expect) != 0)
        return Step_fail(c, "read back: %s names %s, not %s", c->plan->swap.aws_id, now, expect);
    Step_result(c, "%s = %s (read back)", c->plan->swap.aws_id, now);
    return 0;
}

static int Swap_aws_run(StepCtx *c)
{
    char wanted[1100], err[512], shown[1100], whole[sizeof c->memo->swap_old];
    Aws_client *a = Swap_client(c);
    if (!a)
        return -1;
    Swap_aws_wanted(c, wanted, sizeof wanted);
    int rc = 0;
    if (c->plan->swap.method == SWAP_AWS_SECRET) {
        char host[512];
        int port;
        Swap_secret_endpoint(c, host, sizeof host, &port);
        /* The secret as it is now, so a field changed since prepare is kept. */
        rc = Swap_aws_read(c, a, shown, sizeof shown, whole, sizeof whole, NULL) < 0 ? -1 : 0;
        char *next = rc == 0 ? Secrets_with_endpoint(whole, host, port, err, sizeof err) : NULL;
        if (rc == 0 && !next)
            rc = Step_fail(c, "swap: %s", err);
        if (rc == 0)
            rc = Swap_aws_apply(c, a, next, wanted);
        if (next) {
            memset(next, 0, strlen(next));
            free(next);
        }
        memset(whole, 0, sizeof whole);
    } else {
        rc = Swap_aws_apply(c, a, Swap_value(c), wanted);
    }
    Aws_client_free(a);
    return rc;
}

/* AWSPREVIOUS is the value our swap replaced when AWSCURRENT (current) is
 * exactly it with host:port changed to the swap's endpoint (and it fits the
 * memo). */
static bool Swap_secret_is_ours(StepCtx *c, const char *current, const Secret_db *prev)
{
    char host[512];
    int port;
    Swap_secret_endpoint(c, host, sizeof host, &port);
    return strlen(prev->secret_string) < sizeof c->memo->swap_old &&
           Secrets_is_endpoint_change(prev->secret_string, current, host, port);
}

/* After a restart the old secret is no longer in memory. AWS keeps it as
 * the AWSPREVIOUS version, which is taken only when AWSCURRENT is exactly
 * what our swap wrote over it; anything else (the secret changed again
 * since) is refused, because putting back a value we cannot vouch for is
 * worse than a clear failure. */
static int Swap_secret_recover_old(StepCtx *c, Aws_client *a, const char *current,
                                   char *recovered_from, size_t size)
{
    const char *id = c->plan->swap.aws_id;
    char err[1024];
    Secret_db prev;
    int rc = Secrets_get_stage(a, id, "AWSPREVIOUS", &prev, err, sizeof err);
    if (rc != 0)
        Step_fail(c, "swap undo: the value before the swap is not known after a restart: %s", err);
    else if (!Swap_secret_is_ours(c, current, &prev))
        rc = Step_fail(c,
                       "swap undo: the value before the swap is not known after a restart: the "
                       "AWSPREVIOUS version %s of %s is not AWSCURRENT with only host:port "
                       "changed, so the secret changed again since the swap; put the old value "
                       "back by hand",
                       prev.version_id, id);
    if (rc == 0) {
        snprintf(recovered_from, size, "%s", prev.version_id);
        snprintf(c->memo->swap_old, sizeof c->memo->swap_old, "%s", prev.secret_string);
        c->memo->swap_old_known = true;
        /* Kept under the event text limit (200); the version id goes into the
         * undo's result, so the audit has it. */
        Step_log(c, LOG_INFO,
                 "swap undo: old value = AWSPREVIOUS %.36s (%s:%d): AWSCURRENT is it with only "
                 "host:port changed",
                 prev.version_id, prev.host, prev.port ? prev.port : 3306);
    }
    Secrets_db_clear(&prev);
    return rc;
}

/* Puts the remembered old value back; previous_version names the secret
 * version it came from after a restart ("" when it was read by this run). */
static int Swap_aws_put_old(StepCtx *c, Aws_client *a, const char *previous_version)
{
    char old[1100];
    Swap_aws_old_shown(c, old, sizeof old);
    int rc = Swap_aws_apply(c, a, c->memo->swap_old, old);
    if (rc == 0 && previous_version[0]) {
        char done[sizeof c->result];
        snprintf(done, sizeof done, "%s", c->result);
        Step_result(c, "%.150s; old value from AWSPREVIOUS %.36s", done, previous_version);
    }
    return rc;
}

/* Without the old value in memory (a restart, or a swap that failed before
 * reading it) the undo acts only when the swap's value is in place: a swap
 * that never wrote leaves nothing to undo, and writing swap.from or
 * AWSPREVIOUS over a value that is not ours would be a change of our own. */
static int Swap_aws_undo_unknown(StepCtx *c, Aws_client *a)
{
    char shown[1100], wanted[1100], whole[sizeof c->memo->swap_old];
    if (Swap_aws_read(c, a, shown, sizeof shown, whole, sizeof whole, NULL) < 0)
        return -1;
    Swap_aws_wanted(c, wanted, sizeof wanted);
    char previous[80] = "";
    int rc = 0;
    if (strcmp(shown, wanted) != 0)
        Step_result(c, "nothing to undo: %s names %s, not the swap's %s", c->plan->swap.aws_id,
                    shown, wanted);
    else if (c->plan->swap.method == SWAP_AWS_SECRET)
        rc = Swap_secret_recover_old(c, a, whole, previous, sizeof previous);
    else if (!Swap_take_from(c))
        rc = Step_fail(c, "swap undo: the value before the swap is not known (it was already "
                          "swapped when this run began, and the plan has no swap.from)");
    memset(whole, 0, sizeof whole);
    if (rc != 0 || strcmp(shown, wanted) != 0)
        return rc;
    return Swap_aws_put_old(c, a, previous);
}

static int Swap_aws_undo(StepCtx *c)
{
    Aws_client *a = Swap_client(c);
    if (!a)
        return -1;
    int rc = c->memo->swap_old_known ? Swap_aws_put_old(c, a, "") : Swap_aws_undo_unknown(c, a);
    Aws_client_free(a);
    return rc;
}

static Effect Swap_aws_effect(StepCtx *c)
{
    char now[1100], wanted[1100], whole[sizeof c->memo->swap_old];
    Aws_client *a = Swap_client(c);
    if (!a)
        return EFFECT_UNKNOWN;
    int rc = Swap_aws_read(c, a, now, sizeof now, whole, sizeof whole, NULL);
    Aws_client_free(a);
    memset(whole, 0, sizeof whole);
    if (rc < 0)
        return EFFECT_UNKNOWN;
    Swap_aws_wanted(c, wanted, sizeof wanted);
    return strcmp(now, wanted) == 0 ? EFFECT_PRESENT : EFFECT_ABSENT;
}

/* Before the swap: remember the old value. If the file already holds the new
 * value and a sidecar exists, an earlier attempt swapped it: the sidecar has
 * the real old value. */
static int Swap_prepare(StepCtx *c)
{
    const PlanSwap *s = &c->plan->swap;
    StepMemo *m = c->memo;
    if (Swap_is_aws(c))
        return Swap_aws_prepare(c);
    char cur[sizeof m->swap_old], side[4200], err[512];
    if (Swap_current(c, cur, sizeof cur) < 0)
        return -1;
    if (s->method == SWAP_FILE) {
        Swap_sidecar(c, side, sizeof side);
        if (strcmp(cur, Swap_value(c)) == 0 &&
            Fs_read_key(side, s->key, m->swap_old, sizeof m->swap_old, err, sizeof err) == 1) {
            m->swap_old_known = true;
            return 0;
        }
        char line[sizeof cur + 256];
        snprintf(line, sizeof line, "%s=%s\n", s->key, cur);
        unlink(side);
        int rc = Fs_write_durable(side, line, 0600, err, sizeof err);
        memset(line, 0, sizeof line);
        if (rc != 0)
            return Step_fail(c, "swap: cannot keep the old value: %s", err);
    }
    snprintf(m->swap_old, sizeof m->swap_old, "%s", cur);
    m->swap_old_known = true;
    return 0;
}

static void Swap_describe_exec(StepCtx *c, const char *value, bool undo)
{
    ProcVars vars = {.plan = c->plan, .value = value, .swap_servers = undo};
    char line[2048];
    char **argv = Proc_expand(&c->plan->swap.cmd, &vars);
    Proc_describe(argv, line, sizeof line);
    Proc_free(argv);
    Redact_apply(line, sizeof line);
    Step_say(c, "exec %s; expect exit 0", line);
    argv = Proc_expand(&c->plan->swap.readback_cmd, &vars);
    Proc_describe(argv, line, sizeof line);
    Proc_free(argv);
    Step_say(c, "exec %s (read back: the value expected)", line);
}

static void Swap_describe_to(StepCtx *c, const char *from, const char *to, bool undo)
{
    const PlanSwap *s = &c->plan->swap;
    char a[1100], b[1100], side[4200];
    Swap_shown(from, a, sizeof a);
    Swap_shown(to, b, sizeof b);
    if (s->method == SWAP_FILE) {
        Swap_sidecar(c, side, sizeof side);
        Step_say(c, "%s: %s=%s -> %s=%s (temp file, fsync, rename, fsync directory)", s->path,
                 s->key, a, s->key, b);
        Step_say(c, "old value kept in %s (mode 0600); read back %s", side, s->key);
    } else if (s->method == SWAP_EXEC) {
        Step_say(c, "old value %s -> %s", a, b);
        Swap_describe_exec(c, to, undo);
    }
}

static void Swap_describe(StepCtx *c)
{
    if (Swap_is_aws(c)) {
        Swap_aws_describe(c, false);
        return;
    }
    const char *old = c->memo->swap_old_known ? c->memo->swap_old : "<current value>";
    Swap_describe_to(c, old, Swap_value(c), false);
}

static void Swap_describe_undo(StepCtx *c)
{
    if (Swap_is_aws(c)) {
        Swap_aws_describe(c, true);
        return;
    }
    const char *old = c->memo->swap_old_known ? c->memo->swap_old : "<old value from the sidecar>";
    Swap_describe_to(c, Swap_value(c), old, true);
}

static int Swap_put(StepCtx *c, const char *value, bool undo)
{
    const PlanSwap *s = &c->plan->swap;
    char err[512], now[sizeof c->memo->swap_old], shown[1100];
    if (s->method == SWAP_FILE) {
        if (Fs_replace_key(s->path, s->key, value, err, sizeof err) != 0)
            return Step_fail(c, "swap: %s", err);
    } else if (s->method == SWAP_EXEC) {
        ProcVars vars = {.plan = c->plan, .value = value, .swap_servers = undo};
        char **argv = Proc_expand(&s->cmd, &vars);
        char out[512];
        int rc =
            Subprocess_run(argv, s->cmd.timeout_ms, c->cancel, out, sizeof out, err, sizeof err);
        Proc_free(argv);
        if (rc != 0)
            return rc < 0 ? Step_fail(c, "swap command: %s", err)
                          : Step_fail(c, "swap command exited %d: %s", rc, err);
    }
    if (Swap_current(c, now, sizeof now) < 0)
        return -1;
    Swap_shown(now, shown, sizeof shown);
    if (strcmp(now, value) != 0)
        return Step_fail(c, "read back: the value is %s, not the one just written", shown);
    Step_result(c, "%s=%s (read back)", s->key ? s->key : "value", shown);
    return 0;
}

static int Swap_run(StepCtx *c)
{
    if (Swap_is_aws(c))
        return Swap_aws_run(c);
    return Swap_put(c, Swap_value(c), false);
}

static int Swap_undo(StepCtx *c)
{
    if (Swap_is_aws(c))
        return Swap_aws_undo(c);
    StepMemo *m = c->memo;
    const PlanSwap *s = &c->plan->swap;
    char side[4200], err[512];
    if (s->method == SWAP_FILE) {
        Swap_sidecar(c, side, sizeof side);
        if (Fs_read_key(side, s->key, m->swap_old, sizeof m->swap_old, err, sizeof err) == 1)
            m->swap_old_known = true;
    }
    if (!m->swap_old_known)
        return Step_fail(c, "swap undo: the old value is not known (no %s)",
                         s->method == SWAP_FILE ? side : "readback before the swap");
    if (s->method == SWAP_FILE) {
        char cur[sizeof m->swap_old];
        if (Swap_current(c, cur, sizeof cur) == 1 && strcmp(cur, m->swap_old) == 0) {
            Step_result(c, "%s already holds the old value (read back)", s->key);
            return 0;
        }
    }
    if (Swap_put(c, m->swap_old, true) != 0)
        return -1;
    if (s->method == SWAP_FILE && Fs_remove_durable(side, err, sizeof err) != 0)
        Step_log(c, LOG_WARN, "could not remove %s: %s", side, err);
    return 0;
}

static Effect Swap_effect(StepCtx *c)
{
    char cur[sizeof c->memo->swap_old];
    if (Swap_is_aws(c))
        return Swap_aws_effect(c);
    if (Swap_current(c, cur, sizeof cur) != 1)
        return EFFECT_UNKNOWN;
    return strcmp(cur, Swap_value(c)) == 0 ? EFFECT_PRESENT : EFFECT_ABSENT;
}

const StepOps StepSwap_ops = {
    .kind = STEP_SWAP,
    .prepare = Swap_prepare,
    .describe = Swap_describe,
    .run = Swap_run,
    .describe_undo = Swap_describe_undo,
    .undo = Swap_undo,
    .effect = Swap_effect,
};
