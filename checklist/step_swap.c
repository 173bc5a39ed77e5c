/* Swap the application's connection string. file: rewrite KEY=value
 * atomically, the old value kept for rollback in a 0600 sidecar next to the
 * file (it may hold a password) and, redacted, in the audit. exec: a command
 * with templates, then the readback command, compared. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checklist/fsutil.h"
#include "checklist/proc.h"
#include "checklist/step.h"
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
    int rc = Proc_run(argv, c->plan->swap.readback_cmd.timeout_ms, c->cancel, out, size, err,
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

static int Swap_unsupported(StepCtx *c)
{
    return Step_fail(c, "swap method aws-secret/ssm/route53 is not carried out by this build; use "
                        "\"file\" or \"exec\"");
}

/* Before the swap: remember the old value. If the file already holds the new
 * value and a sidecar exists, an earlier attempt swapped it: the sidecar has
 * the real old value. */
static int Swap_prepare(StepCtx *c)
{
    const PlanSwap *s = &c->plan->swap;
    StepMemo *m = c->memo;
    if (s->method != SWAP_FILE && s->method != SWAP_EXEC)
        return Swap_unsupported(c);
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
    } else {
        Step_say(c, "swap method not carried out by this build");
    }
}

static void Swap_describe(StepCtx *c)
{
    const char *old = c->memo->swap_old_known ? c->memo->swap_old : "<current value>";
    Swap_describe_to(c, old, Swap_value(c), false);
}

static void Swap_describe_undo(StepCtx *c)
{
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
        int rc = Proc_run(argv, s->cmd.timeout_ms, c->cancel, out, sizeof out, err, sizeof err);
        Proc_free(argv);
        if (rc != 0)
            return rc < 0 ? Step_fail(c, "swap command: %s", err)
                          : Step_fail(c, "swap command exited %d: %s", rc, err);
    } else {
        return Swap_unsupported(c);
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
    return Swap_put(c, Swap_value(c), false);
}

static int Swap_undo(StepCtx *c)
{
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
    if (c->plan->swap.method != SWAP_FILE && c->plan->swap.method != SWAP_EXEC)
        return EFFECT_UNKNOWN;
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
