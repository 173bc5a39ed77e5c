/* The plan `cutover init` writes: commented JSON, each detected fact said
 * beside the setting it decided, every password a reference (an
 * environment variable or an option file's group), never a value. */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli/init.h"

/* A JSON string literal of s. */
static void Init_str(FILE *out, const char *s)
{
    json_object *o = json_object_new_string(s ? s : "");
    fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_NOSLASHESCAPE), out);
    json_object_put(o);
}

static void Init_size(int64_t bytes, char *out, size_t size)
{
    if (bytes >= 1000000000)
        snprintf(out, size, "%.1f GB", (double)bytes / 1e9);
    else if (bytes >= 1000000)
        snprintf(out, size, "%.1f MB", (double)bytes / 1e6);
    else
        snprintf(out, size, "%.0f kB", (double)bytes / 1e3);
}

static void Init_password(FILE *out, const SecretRef *ref)
{
    if (ref->kind == SECRET_ENV) {
        fputs("{ \"env\": ", out);
        Init_str(out, ref->env);
        fputs(" }", out);
    } else if (ref->kind == SECRET_OPTION_FILE) {
        fputs("{ \"option_file\": ", out);
        Init_str(out, ref->file);
        fputs(", \"group\": ", out);
        Init_str(out, ref->group);
        fputs(" }", out);
    }
}

static void Init_facts_comment(FILE *out, const InitServer *s)
{
    fprintf(out, "    // %s%s; binlog %s, format %s; %s", s->version, s->rds ? " on RDS" : "",
            s->log_bin ? "on" : "OFF", s->binlog_format[0] ? s->binlog_format : "?", s->gtid);
    if (s->retention_h >= 0)
        fprintf(out, "; binlogs kept %.0f h", s->retention_h);
    fputs(s->tls ? "; TLS in use\n" : "; no TLS on this connection\n", out);
    if (s->replica)
        fprintf(out, "    // a replica of %s\n", s->replica_of);
}

static void Init_server_section(FILE *out, const char *key, const InitServer *s)
{
    const PlanServer *p = &s->plan;
    fprintf(out, "  \"%s\": {\n", key);
    Init_facts_comment(out, s);
    if (p->socket && !p->host) {
        fputs("    \"socket\": ", out);
        Init_str(out, p->socket);
    } else {
        fputs("    \"host\": ", out);
        Init_str(out, p->host);
        fprintf(out, ", \"port\": %d", p->port);
    }
    fputs(",\n    \"user\": ", out);
    Init_str(out, p->user);
    if (p->password.kind != SECRET_NONE) {
        fputs(",\n    \"password\": ", out);
        Init_password(out, &p->password);
    }
    fprintf(out, ",\n    \"tls\": \"%s\"", Plan_tls_name(p->tls));
    if (s->rds)
        fputs(
            "\n    // , \"rds_instance\": \"DB-INSTANCE-ID\"  (for CloudWatch metrics and the RDS "
            "checks)",
            out);
    fputs("\n  },\n", out);
}

/* The tables verification covers: "all" when every one has a key,
 * else the keyed ones by name, the others named in a comment. */
static void Init_verify_section(FILE *out, const InitFacts *f)
{
    char total[32];
    Init_size(f->bytes, total, sizeof total);
    fprintf(out, "  // The application's tables on the source: %zu, %s in all.\n", f->ntables,
            total);
    for (size_t i = 0; i < f->ntables; i++) {
        char size[32];
        Init_size(f->tables[i].bytes, size, sizeof size);
        const InitTable *t = &f->tables[i];
        fprintf(out, "  //   %-40s ~%lld rows, %s%s%s\n", t->name, (long long)t->rows, size,
                t->keyed ? "" : "  NO primary or unique key: not verifiable in chunks",
                t->carried ? "" : "  not carried by the DMS task: not verified");
    }
    fputs("  // Compared range by range before the freeze; the window rechecks only what\n"
          "  // changed since (needs REPLICATION SLAVE for the console's account).\n",
          out);
    /* "all" leaves out what a DMS task does not carry by itself. */
    if (f->nkeyless == 0) {
        fputs("  \"verify\": { \"mode\": \"chunks\", \"tables\": \"all\" },\n", out);
        return;
    }
    fputs("  \"verify\": { \"mode\": \"chunks\", \"tables\": [", out);
    size_t n = 0;
    for (size_t i = 0; i < f->ntables; i++) {
        if (!f->tables[i].keyed || !f->tables[i].carried)
            continue;
        fputs(n++ ? ", " : "", out);
        Init_str(out, f->tables[i].name);
    }
    fputs("] },\n", out);
}

static size_t Init_verifiable(const InitFacts *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->ntables; i++)
        n += f->tables[i].keyed && f->tables[i].carried;
    return n;
}

static void Init_steps(FILE *out, const InitArgs *a, const InitFacts *f)
{
    fputs("  \"steps\": [\"preflight\"", out);
    if (a->maintenance_flag)
        fputs(", \"maintenance-on\"", out);
    fputs(", \"read-only\", \"lag-zero\"", out);
    if (Init_verifiable(f) > 0)
        fputs(", \"verify\"", out);
    if (a->swap_file)
        fputs(", \"swap\"", out);
    if (a->app_user)
        fputs(", \"target-health\"", out);
    if (a->maintenance_flag)
        fputs(", \"maintenance-off\"", out);
    if (f->target.replica || a->dms_task_arn)
        fputs(", \"stop-replication\"", out);
    fputs("]\n", out);
}

static void Init_actions(FILE *out, const InitArgs *a)
{
    if (a->maintenance_flag) {
        fputs("  // The application pauses while this file exists (or use \"http\" or \"exec\").\n"
              "  \"maintenance\": { \"method\": \"file\", \"path\": ",
              out);
        Init_str(out, a->maintenance_flag);
        fputs(" },\n", out);
    } else {
        fputs("  // No maintenance switch given (--maintenance-flag): the freeze is read_only\n"
              "  // alone. Add a \"maintenance\" section and the steps maintenance-on/off.\n",
              out);
    }
    fputs("  \"read_only\": { \"method\": \"global\" },\n", out);
    if (a->swap_file) {
        fputs("  // The application's connection string, swapped to the target.\n"
              "  \"swap\": { \"method\": \"file\", \"path\": ",
              out);
        Init_str(out, a->swap_file);
        fputs(", \"key\": ", out);
        Init_str(out, a->swap_key);
        fputs(",\n            \"value\": ", out);
        Init_str(out, a->swap_value);
        fputs(" },\n", out);
    } else {
        fputs("  // No swap given (--swap-file, --swap-key, --swap-value): add a \"swap\"\n"
              "  // section (file, ssm, route53, secretsmanager or exec) and the step.\n",
              out);
    }
    if (a->app_user) {
        fputs("  \"target_health\": { \"app_user\": ", out);
        Init_str(out, a->app_user);
        fputs(", \"app_password\": { \"env\": ", out);
        Init_str(out, a->app_password_env);
        fputs(" } },\n", out);
    }
}

/* What the task said when init read it, and what would make the
 * pre-flight say no-go. */
static void Init_dms_comment(FILE *out, const InitFacts *f)
{
    if (!f->dms.read)
        return;
    fprintf(out, "  // Task %s: %s; its mappings carry %zu of the %zu application tables.\n",
            f->dms.identifier, f->dms.status, f->dms.ncarried, f->ntables);
    if (!f->dms.heartbeat || !f->dms.fence)
        fprintf(out,
                "  // NOT carried:%s%s. Add a selection rule for them to the task's mappings:\n"
                "  // without them lag zero cannot be proven and the pre-flight says no-go.\n",
                f->dms.heartbeat ? "" : " cutover.heartbeat", f->dms.fence ? "" : " cutover.fence");
}

static void Init_replication(FILE *out, const InitArgs *a, const InitFacts *f)
{
    if (a->dms_task_arn) {
        fputs("  // Fed by AWS DMS: the pre-flight checks the task runs in CDC and that its\n"
              "  // table mappings carry the heartbeat, the fence and every verified table.\n"
              "  \"replication\": \"dms\",\n  \"aws\": { \"region\": ",
              out);
        Init_str(out, a->aws_region);
        if (a->aws_endpoint_url) {
            fputs(", \"endpoint_url\": ", out);
            Init_str(out, a->aws_endpoint_url);
        }
        fputs(", \"dms_task_arn\": ", out);
        Init_str(out, a->dms_task_arn);
        fputs(" },\n", out);
        Init_dms_comment(out, f);
    } else if (f->target.replica) {
        fprintf(out, "  // The target is a native replica (of %s): stopped by the last step.\n",
                f->target.replica_of);
    } else {
        fputs("  // The target is not a replica and no DMS task was given: lag zero is proven\n"
              "  // by the fence alone (\"replication\": \"external\").\n"
              "  \"replication\": \"external\",\n",
              out);
    }
}

int Init_write(const InitArgs *a, const InitFacts *f, FILE *out)
{
    fputs("// cutover plan written by `cutover init`: check it, then `cutover check` it.\n"
          "// Every key: man 5 cutover-plan. Passwords are references, never values.\n{\n"
          "  \"$schema\": \"https://cutover.invalid/cutover-plan.schema.json\",\n  \"name\": ",
          out);
    Init_str(out, a->name);
    fputs(",\n", out);
    if (a->session_dir) {
        fputs("  \"session_dir\": ", out);
        Init_str(out, a->session_dir);
        fputs(",\n", out);
    }
    Init_server_section(out, "source", &f->source);
    Init_server_section(out, "target", &f->target);
    if (f->endpoint_host[0]) {
        fputs("  \"endpoint\": { \"host\": ", out);
        Init_str(out, f->endpoint_host);
        if (f->endpoint_port)
            fprintf(out, ", \"port\": %d", f->endpoint_port);
        fputs(" },\n", out);
    }
    Init_replication(out, a, f);
    Init_actions(out, a);
    fputs("  \"lag_zero\": { \"fence\": true },\n", out);
    if (Init_verifiable(f) > 0)
        Init_verify_section(out, f);
    Init_steps(out, a, f);
    fputs("}\n", out);
    return ferror(out) ? -1 : 0;
}
