/* Maintenance on and off: a flag file, a webhook or a command. Each is the
 * other's undo. */
#include <stdio.h>
#include <string.h>

#include "checklist/fsutil.h"
#include "checklist/http.h"
#include "checklist/proc.h"
#include "lib/subprocess.h"
#include "checklist/step.h"
#include "lib/clock.h"

static const PlanHttp *Maint_http(const StepCtx *c, bool on)
{
    return on ? &c->plan->maintenance.on_http : &c->plan->maintenance.off_http;
}

static const PlanCommand *Maint_cmd(const StepCtx *c, bool on)
{
    return on ? &c->plan->maintenance.on_cmd : &c->plan->maintenance.off_cmd;
}

static void Maint_describe(StepCtx *c, bool on)
{
    const PlanMaintenance *m = &c->plan->maintenance;
    char line[2048];
    ProcVars vars = {.plan = c->plan};
    char **argv;
    switch (m->method) {
    case METHOD_FILE:
        if (on)
            Step_say(c, "create %s (fsync file and directory); read back: it exists", m->path);
        else
            Step_say(c, "remove %s (fsync directory); read back: it is gone", m->path);
        break;
    case METHOD_HTTP:
        Http_describe(Maint_http(c, on), line, sizeof line);
        Step_say(c, "HTTP %s; expect 2xx", line);
        break;
    case METHOD_EXEC:
        argv = Proc_expand(Maint_cmd(c, on), &vars);
        Proc_describe(argv, line, sizeof line);
        Proc_free(argv);
        Step_say(c, "exec %s; expect exit 0", line);
        break;
    }
}

static int Maint_file(StepCtx *c, bool on)
{
    const char *path = c->plan->maintenance.path;
    char err[512], text[256], when[32];
    if (on) {
        Clock_format_utc(Clock_wall_ms(), when, sizeof when);
        snprintf(text, sizeof text, "maintenance on since %s (cutover plan \"%s\")\n", when,
                 c->plan->name);
        if (Fs_write_durable(path, text, 0644, err, sizeof err) != 0)
            return Step_fail(c, "cannot create the maintenance flag: %s", err);
    } else if (Fs_remove_durable(path, err, sizeof err) != 0) {
        return Step_fail(c, "cannot remove the maintenance flag: %s", err);
    }
    if (Fs_exists(path) != on)
        return Step_fail(c, "read back: %s is %s", path, on ? "missing" : "still there");
    Step_result(c, "%s %s (read back)", path, on ? "present" : "gone");
    return 0;
}

static int Maint_http_run(StepCtx *c, bool on)
{
    long status;
    char err[512];
    if (Http_send(Maint_http(c, on), c->cancel, &status, err, sizeof err) != 0)
        return Step_fail(c, "maintenance %s webhook: %s", on ? "on" : "off", err);
    Step_result(c, "webhook answered HTTP %ld", status);
    return 0;
}

static int Maint_exec_run(StepCtx *c, bool on)
{
    ProcVars vars = {.plan = c->plan};
    char **argv = Proc_expand(Maint_cmd(c, on), &vars);
    char out[512], err[512];
    const PlanCommand *cmd = Maint_cmd(c, on);
    int rc = Subprocess_run(argv, cmd->timeout_ms, c->cancel, out, sizeof out, err, sizeof err);
    Proc_free(argv);
    if (rc != 0)
        return rc < 0 ? Step_fail(c, "maintenance command: %s", err)
                      : Step_fail(c, "maintenance command exited %d: %s", rc, err);
    Step_result(c, "command exited 0");
    return 0;
}

static int Maint_set(StepCtx *c, bool on)
{
    switch (c->plan->maintenance.method) {
    case METHOD_FILE: return Maint_file(c, on);
    case METHOD_HTTP: return Maint_http_run(c, on);
    case METHOD_EXEC: return Maint_exec_run(c, on);
    }
    return Step_fail(c, "unknown maintenance method");
}

/* Only a flag file can be read back; a webhook or command leaves no trace. */
static Effect Maint_effect(StepCtx *c, bool on)
{
    if (c->plan->maintenance.method != METHOD_FILE)
        return EFFECT_UNKNOWN;
    return Fs_exists(c->plan->maintenance.path) == on ? EFFECT_PRESENT : EFFECT_ABSENT;
}

static void On_describe(StepCtx *c)
{
    Maint_describe(c, true);
}
static void Off_describe(StepCtx *c)
{
    Maint_describe(c, false);
    if (c->plan->steps[STEP_TARGET_HEALTH].enabled && c->plan->target_health.app_user)
        Step_say(c,
                 "target and source: processlist sessions of %s until target > 0 and "
                 "source = 0",
                 c->plan->target_health.app_user);
}
static void Plain_off_describe(StepCtx *c)
{
    Maint_describe(c, false);
}
static int On_run(StepCtx *c)
{
    return Maint_set(c, true);
}
static int Plain_off_run(StepCtx *c)
{
    return Maint_set(c, false);
}
/* Maintenance off lets the application write again; when the plan checks
 * target health, the read-back includes the app's sessions reaching the
 * target (they cannot before: the app is paused during maintenance). */
static int Off_run(StepCtx *c)
{
    if (Maint_set(c, false) != 0)
        return -1;
    if (!c->plan->steps[STEP_TARGET_HEALTH].enabled || !c->plan->target_health.app_user)
        return 0;
    char flag[sizeof c->result];
    snprintf(flag, sizeof flag, "%s", c->result);
    int n = TargetHealth_wait_app(c, true);
    if (n < 0)
        return -1;
    Step_result(c, "%s; %d app session(s) on the target, none on the source", flag, n);
    return 0;
}
static Effect On_effect(StepCtx *c)
{
    return Maint_effect(c, true);
}
static Effect Off_effect(StepCtx *c)
{
    return Maint_effect(c, false);
}

const StepOps StepMaintenanceOn_ops = {
    .kind = STEP_MAINTENANCE_ON,
    .describe = On_describe,
    .run = On_run,
    .describe_undo = Plain_off_describe,
    .undo = Plain_off_run,
    .effect = On_effect,
};

const StepOps StepMaintenanceOff_ops = {
    .kind = STEP_MAINTENANCE_OFF,
    .describe = Off_describe,
    .run = Off_run,
    .describe_undo = On_describe,
    .undo = On_run,
    .effect = Off_effect,
};
