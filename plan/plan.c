#include "plan/plan.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "plan/actions.h"
#include "plan/notify.h"
#include "plan/jsonc.h"
#include "plan/reader.h"
#include "plan/server_options.h"
#include "plan/steps.h"

/* A plan is a page of settings; anything this big is the wrong file. */

enum { TIMEOUT_MIN_MS = 100, TIMEOUT_MAX_MS = 3600000 };

static const char *const Plan_tls_names[] = {"off",       "preferred",       "required",
                                             "verify-ca", "verify-identity", NULL};

const char *Plan_step_id(StepKind kind)
{
    return Steps_facts(kind)->id;
}

const char *Plan_step_default_title(StepKind kind)
{
    return Steps_facts(kind)->title;
}

/* "preflight, maintenance-on, ...": the ids in order, for messages. */
static void Plan_step_list(char *out, size_t size)
{
    const char *ids[STEP_KIND_COUNT + 1] = {NULL};
    for (int k = 0; k < STEP_KIND_COUNT; k++)
        ids[k] = Plan_step_id((StepKind)k);
    Reader_join(ids, out, size);
}

int Plan_step_parse(const char *id)
{
    for (int i = 0; id && i < STEP_KIND_COUNT; i++) {
        if (strcmp(id, Steps_facts((StepKind)i)->id) == 0)
            return i;
    }
    return -1;
}

int Plan_fence_schema(const Plan *plan, char *out, size_t size)
{
    const char *t = plan->lag_zero.fence_table; /* set at load: "cutover.fence" by default */
    size_t n = t ? strcspn(t, ".") : 0;
    if (n == 0 || n >= size)
        return -1;
    memcpy(out, t, n);
    out[n] = '\0';
    return 0;
}

const char *Plan_tls_name(TlsMode mode)
{
    return mode <= TLS_VERIFY_IDENTITY ? Plan_tls_names[mode] : "unknown";
}

static void Plan_defaults(Plan *plan)
{
    plan->confirm = CONFIRM_ARMED;
    plan->source.port = plan->target.port = 3306;
    plan->source.tls = plan->target.tls = TLS_PREFERRED;
    plan->thresholds = (PlanThresholds){-1, -1, -1, -1, -1, -1};
    plan->timings = (PlanTimings){1000, 250, 2000, 2000};
    plan->preflight_lag_window_s = 10;
    plan->binlog_retention_min_hours = 24;
    plan->readonly.method = READONLY_GLOBAL;
    plan->lag_zero.timeout_ms = 60000;
    plan->lag_zero.fence = true;
    plan->verify.mode = VERIFY_CHECKSUM;
    plan->verify.timeout_ms = 600000;
    plan->verify.chunk_ms = 200;
    plan->freeze = (PlanFreeze){
        .max_lag_ms = 500, .samples = 3, .timeout_ms = 300000, .wait_for_verify = true};
    plan->target_health.timeout_ms = 10000;
    for (int i = 0; i < STEP_KIND_COUNT; i++)
        plan->steps[i].kind = (StepKind)i;
}

/* schema.table, unquoted: these names go into SQL as they are. */
static bool Plan_table_name_ok(const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot || dot == name || !dot[1] || strchr(dot + 1, '.'))
        return false;
    for (const char *c = name; *c; c++) {
        if (c != dot && !isalnum((unsigned char)*c) && *c != '_' && *c != '$')
            return false;
    }
    return true;
}

static bool Plan_table_error(const Reader *r, JsoncPos at, const char *path, const char *name)
{
    return Reader_fail(r, at,
                       "%s: \"%.64s\" is not a table name; expected schema.table (letters, "
                       "digits, _ and $)",
                       path, name);
}

static bool Plan_read_table(const Reader *r, const ReaderObj *o, const char *key, char **out)
{
    char path[160];
    if (!Reader_string(r, o, key, false, out))
        return false;
    if (Plan_table_name_ok(*out))
        return true;
    Reader_path(o, key, path, sizeof path);
    return Plan_table_error(r, Reader_value_pos(r, o, key), path, *out);
}

static bool Plan_server_target(const Reader *r, const ReaderObj *o, PlanServer *s)
{
    if (!s->host && !s->socket)
        return Reader_fail(r, Reader_obj_pos(r, o),
                           "%s: missing required key \"host\"; expected \"host\" (with \"port\") "
                           "or \"socket\"",
                           o->path);
    if (s->host && s->socket)
        return Reader_fail(r, Reader_key_pos(r, o, "socket"),
                           "%s: both \"host\" and \"socket\" given; expected only one", o->path);
    if (s->tls >= TLS_VERIFY_CA && !s->tls_ca)
        return Reader_fail(r, Reader_value_pos(r, o, "tls"),
                           "%s.tls: %s checks the server certificate; expected \"tls_ca\" (the CA "
                           "certificate file) in %s",
                           o->path, Plan_tls_name(s->tls), o->path);
    return true;
}

/* Loopback: 127.0.0.0/8, ::1, localhost, or a socket. */
static bool Plan_is_loopback(const PlanServer *s)
{
    const char *h = s->host;
    return !h || strncmp(h, "127.", 4) == 0 || strcmp(h, "::1") == 0 || strcmp(h, "localhost") == 0;
}

/* TLS not given: a night that moves personal data verifies who answers
 * (CA and host name) on every host that is not loopback. That needs the
 * CA: asked for here rather than discovered at the first connection. */
static bool Plan_tls_default(const Reader *r, const ReaderObj *o, PlanServer *s)
{
    if (Plan_is_loopback(s)) {
        s->tls = TLS_PREFERRED;
        return true;
    }
    s->tls = TLS_VERIFY_IDENTITY;
    if (s->tls_ca)
        return true;
    return Reader_fail(r, Reader_key_pos(r, o, "host"),
                       "%s: %s is not loopback, so the server's certificate is verified (tls "
                       "\"verify-identity\" by default); expected \"tls_ca\" (the CA file: for RDS "
                       "the global bundle), or \"tls\" said explicitly (\"verify-ca\" through a "
                       "PrivateLink endpoint, whose name is not the certificate's)",
                       o->path, s->host);
}

/* The mysql client's names for the TLS settings (ssl-mode, ssl-ca,
 * ssl-cert, ssl-key), taken as aliases so a DBA's habits work; a setting
 * given under both names is refused rather than one silently winning. */
static const char *const Plan_ssl_modes[] = {"DISABLED",  "PREFERRED",       "REQUIRED",
                                             "VERIFY_CA", "VERIFY_IDENTITY", NULL};

static bool Plan_one_of(const Reader *r, const ReaderObj *o, const char *name, const char *alias)
{
    if (!Reader_has(o, name) || !Reader_has(o, alias))
        return true;
    return Reader_fail(r, Reader_key_pos(r, o, alias),
                       "%s: both \"%s\" and \"%s\" given (the mysql client's name for it); "
                       "expected one",
                       o->path, name, alias);
}

/* With option files the pair is checked once they have filled in theirs. */
static bool Plan_read_server_tls(const Reader *r, const ReaderObj *o, PlanServer *s, bool files)
{
    int tls = (int)s->tls, mode = -1;
    if (!Plan_one_of(r, o, "tls", "ssl-mode") || !Plan_one_of(r, o, "tls_ca", "ssl-ca") ||
        !Plan_one_of(r, o, "tls_cert", "ssl-cert") || !Plan_one_of(r, o, "tls_key", "ssl-key") ||
        !Reader_enum(r, o, "tls", Plan_tls_names, false, &tls) ||
        !Reader_enum(r, o, "ssl-mode", Plan_ssl_modes, false, &mode) ||
        !Reader_string(r, o, "tls_ca", false, &s->tls_ca) ||
        !Reader_string(r, o, "ssl-ca", false, &s->tls_ca) ||
        !Reader_string(r, o, "tls_cert", false, &s->tls_cert) ||
        !Reader_string(r, o, "ssl-cert", false, &s->tls_cert) ||
        !Reader_string(r, o, "tls_key", false, &s->tls_key) ||
        !Reader_string(r, o, "ssl-key", false, &s->tls_key))
        return false;
    s->tls = (TlsMode)(mode >= 0 ? mode : tls); /* the two lists name the modes in one order */
    if (!files && !s->tls_cert != !s->tls_key)
        return Reader_fail(r, Reader_obj_pos(r, o),
                           "%s: a client certificate needs both \"tls_cert\" and \"tls_key\" "
                           "(or ssl-cert and ssl-key)",
                           o->path);
    return true;
}

static bool Plan_read_server(const Reader *r, const ReaderObj *root, const char *key, PlanServer *s)
{
    static const char *const keys[] = {
        "host",    "port",         "socket",      "user",         "password", "tls",
        "tls_ca",  "tls_cert",     "tls_key",     "ssl-mode",     "ssl-ca",   "ssl-cert",
        "ssl-key", "rds_instance", "option_file", "option_group", NULL};
    ReaderObj o;
    bool tls_from_files;
    if (!(s->label = strdup(key)))
        return Reader_out_of_memory(r);
    if (!Reader_object(r, root, key, true, &o) || !Reader_allow_keys(r, &o, keys, NULL))
        return false;
    bool files = Reader_has(&o, "option_file") || Reader_has(&o, "option_group");
    if (!Reader_string(r, &o, "host", false, &s->host) ||
        !Reader_int(r, &o, "port", 1, 65535, &s->port) ||
        !Reader_string(r, &o, "socket", false, &s->socket) ||
        !Reader_string(r, &o, "user", !files, &s->user) ||
        !Reader_secret(r, &o, "password", false, &s->password) ||
        !Plan_read_server_tls(r, &o, s, files) ||
        !Reader_string(r, &o, "rds_instance", false, &s->rds_instance) ||
        !ServerOptions_read(r, &o, s, &tls_from_files))
        return false;
    s->password.aws_side = strcmp(key, "source") == 0 ? AWS_SIDE_SOURCE : AWS_SIDE_TARGET;
    bool given = Reader_has(&o, "tls") || Reader_has(&o, "ssl-mode") || tls_from_files;
    if (!Plan_server_target(r, &o, s))
        return false;
    return given || Plan_tls_default(r, &o, s);
}

/* Each field of the endpoint defaults to the source's: in the field the
 * console reaches the source through the endpoint. */
static bool Plan_read_endpoint(const Reader *r, const ReaderObj *root, Plan *plan)
{
    static const char *const keys[] = {"host", "port", "target_group_arn", NULL};
    ReaderObj o;
    plan->endpoint.port = plan->source.host ? plan->source.port : 0;
    if (plan->source.host && !(plan->endpoint.host = strdup(plan->source.host)))
        return Reader_out_of_memory(r);
    if (!Reader_object(r, root, "endpoint", false, &o) || !Reader_allow_keys(r, &o, keys, NULL) ||
        !Reader_string(r, &o, "host", false, &plan->endpoint.host) ||
        !Reader_string(r, &o, "target_group_arn", false, &plan->endpoint.target_group_arn))
        return false;
    if (o.jso && !plan->endpoint.port)
        plan->endpoint.port = 3306;
    if (!Reader_int(r, &o, "port", 1, 65535, &plan->endpoint.port))
        return false;
    if (o.jso && !plan->endpoint.host)
        return Reader_missing(r, &o, "host");
    return true;
}

static bool Plan_read_thresholds(const Reader *r, const ReaderObj *root, PlanThresholds *t)
{
    static const char *const keys[] = {"lag_seconds",
                                       "connections_max",
                                       "freeable_memory_min_mb",
                                       "cpu_max_percent",
                                       "endpoint_p95_ms",
                                       "endpoint_loss_percent",
                                       NULL};
    ReaderObj o;
    return Reader_object(r, root, "thresholds", false, &o) &&
           Reader_allow_keys(r, &o, keys, NULL) &&
           Reader_number(r, &o, "lag_seconds", 0, 86400, &t->lag_seconds) &&
           Reader_number(r, &o, "connections_max", 0, 1e9, &t->connections_max) &&
           Reader_number(r, &o, "freeable_memory_min_mb", 0, 1e9, &t->freeable_memory_min_mb) &&
           Reader_number(r, &o, "cpu_max_percent", 0, 100, &t->cpu_max_percent) &&
           Reader_number(r, &o, "endpoint_p95_ms", 0, 600000, &t->endpoint_p95_ms) &&
           Reader_number(r, &o, "endpoint_loss_percent", 0, 100, &t->endpoint_loss_percent);
}

static bool Plan_read_timings(const Reader *r, const ReaderObj *root, PlanTimings *t)
{
    static const char *const keys[] = {"refresh_ms", "heartbeat_ms", "connect_timeout_ms",
                                       "read_timeout_ms", NULL};
    ReaderObj o;
    return Reader_object(r, root, "timings", false, &o) && Reader_allow_keys(r, &o, keys, NULL) &&
           Reader_int(r, &o, "refresh_ms", 100, 60000, &t->refresh_ms) &&
           Reader_int(r, &o, "heartbeat_ms", 10, 60000, &t->heartbeat_ms) &&
           Reader_int(r, &o, "connect_timeout_ms", TIMEOUT_MIN_MS, 600000,
                      &t->connect_timeout_ms) &&
           Reader_int(r, &o, "read_timeout_ms", TIMEOUT_MIN_MS, 600000, &t->read_timeout_ms);
}

static bool Plan_read_preflight(const Reader *r, const ReaderObj *root, Plan *plan)
{
    static const char *const keys[] = {"lag_window_seconds", "binlog_retention_min_hours", NULL};
    ReaderObj o;
    return Reader_object(r, root, "preflight", false, &o) && Reader_allow_keys(r, &o, keys, NULL) &&
           Reader_number(r, &o, "lag_window_seconds", 0, 3600, &plan->preflight_lag_window_s) &&
           Reader_int(r, &o, "binlog_retention_min_hours", 0, 8760,
                      &plan->binlog_retention_min_hours);
}

static bool Plan_read_lag_zero(const Reader *r, const ReaderObj *root, PlanLagZero *lz)
{
    static const char *const keys[] = {"timeout_ms", "fence", "fence_table", "heartbeat_table",
                                       NULL};
    ReaderObj o;
    if (!(lz->fence_table = strdup("cutover.fence")) ||
        !(lz->heartbeat_table = strdup("cutover.heartbeat")))
        return Reader_out_of_memory(r);
    return Reader_object(r, root, "lag_zero", false, &o) && Reader_allow_keys(r, &o, keys, NULL) &&
           Reader_int(r, &o, "timeout_ms", 1000, 86400000, &lz->timeout_ms) &&
           Reader_bool(r, &o, "fence", &lz->fence) &&
           Plan_read_table(r, &o, "fence_table", &lz->fence_table) &&
           Plan_read_table(r, &o, "heartbeat_table", &lz->heartbeat_table);
}

/* "tables": "all", the one string it may be. */
static bool Plan_read_verify_all(const Reader *r, const ReaderObj *o, PlanVerify *v, bool *done)
{
    json_object *val = NULL;
    *done = json_object_object_get_ex(o->jso, "tables", &val) &&
            json_object_is_type(val, json_type_string);
    if (!*done)
        return true;
    if (strcmp(json_object_get_string(val), "all") != 0)
        return Reader_fail(r, Reader_value_pos(r, o, "tables"),
                           "%s.tables: expected an array of schema.table or \"all\", got \"%.40s\"",
                           o->path, json_object_get_string(val));
    if (v->mode != VERIFY_CHUNKS)
        return Reader_fail(r, Reader_value_pos(r, o, "tables"),
                           "%s.tables: \"all\" needs mode \"chunks\": counting or checksumming "
                           "every table inside the window would cost minutes at a real size",
                           o->path);
    v->all_tables = true;
    return true;
}

static bool Plan_read_verify_tables(const Reader *r, const ReaderObj *o, PlanVerify *v)
{
    char path[160];
    bool all;
    if (!Plan_read_verify_all(r, o, v, &all))
        return false;
    if (all)
        return true;
    if (!Reader_strings(r, o, "tables", true, &v->tables, &v->ntables))
        return false;
    for (size_t i = 0; i < v->ntables; i++) {
        if (Plan_table_name_ok(v->tables[i]))
            continue;
        json_object *arr = NULL;
        JsoncPos at = Reader_value_pos(r, o, "tables");
        json_object_object_get_ex(o->jso, "tables", &arr);
        Jsonc_element_pos(r->doc, arr, i, &at);
        snprintf(path, sizeof path, "%s.tables[%zu]", o->path, i);
        return Plan_table_error(r, at, path, v->tables[i]);
    }
    return true;
}

static bool Plan_read_verify(const Reader *r, const ReaderObj *root, PlanVerify *v)
{
    static const char *const keys[] = {"mode", "tables", "timeout_ms", "chunk_ms", NULL};
    static const char *const modes[] = {"count", "checksum", "chunks", NULL};
    ReaderObj o;
    int mode = (int)v->mode;
    if (!Reader_object(r, root, "verify", false, &o))
        return false;
    if (!o.jso)
        return true; /* absent: the verify step is off unless listed */
    if (!Reader_allow_keys(r, &o, keys, NULL) || !Reader_enum(r, &o, "mode", modes, false, &mode) ||
        !Reader_int(r, &o, "timeout_ms", TIMEOUT_MIN_MS, 86400000, &v->timeout_ms) ||
        !Reader_int(r, &o, "chunk_ms", 10, 60000, &v->chunk_ms))
        return false;
    v->mode = (VerifyMode)mode;
    return Plan_read_verify_tables(r, &o, v);
}

static bool Plan_read_freeze(const Reader *r, const ReaderObj *root, PlanFreeze *f)
{
    static const char *const keys[] = {"max_lag_at_freeze_ms", "samples", "timeout_ms",
                                       "wait_for_verify", NULL};
    ReaderObj o;
    if (!Reader_object(r, root, "freeze", false, &o))
        return false;
    if (!o.jso)
        return true; /* absent: no gate, the key freezes at once */
    f->gate = true;
    return Reader_allow_keys(r, &o, keys, NULL) &&
           Reader_int(r, &o, "max_lag_at_freeze_ms", 0, 3600000, &f->max_lag_ms) &&
           Reader_int(r, &o, "samples", 1, 100, &f->samples) &&
           Reader_int(r, &o, "timeout_ms", TIMEOUT_MIN_MS, 86400000, &f->timeout_ms) &&
           Reader_bool(r, &o, "wait_for_verify", &f->wait_for_verify);
}

static bool Plan_read_target_health(const Reader *r, const ReaderObj *root, PlanTargetHealth *th)
{
    static const char *const keys[] = {"app_user", "app_password", "timeout_ms", NULL};
    ReaderObj o;
    if (!Reader_object(r, root, "target_health", false, &o))
        return false;
    if (!o.jso)
        return true; /* absent: reported if the target-health step is on */
    return Reader_allow_keys(r, &o, keys, NULL) &&
           Reader_string(r, &o, "app_user", true, &th->app_user) &&
           Reader_secret(r, &o, "app_password", false, &th->app_password) &&
           Reader_int(r, &o, "timeout_ms", 1000, 3600000, &th->timeout_ms);
}

static bool Plan_read_audit(const Reader *r, const ReaderObj *root, Plan *plan)
{
    static const char *const keys[] = {"hmac_key", NULL};
    ReaderObj o;
    if (!Reader_object(r, root, "audit", false, &o))
        return false;
    if (!o.jso)
        return true;
    return Reader_allow_keys(r, &o, keys, NULL) &&
           Reader_secret(r, &o, "hmac_key", true, &plan->audit_hmac_key);
}

/* An account id is twelve digits; anything else would make every identity
 * check a no-go for a typo. */
static bool Plan_read_account(const Reader *r, const ReaderObj *o, const char *where, char **out)
{
    if (!Reader_string(r, o, "account_id", false, out))
        return false;
    if (!*out)
        return true;
    size_t n = strlen(*out);
    if (n == 12 && strspn(*out, "0123456789") == 12)
        return true;
    return Reader_fail(r, Reader_value_pos(r, o, "account_id"),
                       "%s.account_id: expected the twelve digits of an AWS account id, got \"%s\"",
                       where, *out);
}

static bool Plan_read_aws_side(const Reader *r, const ReaderObj *aws, const char *name,
                               PlanAwsSide *side)
{
    static const char *const keys[] = {"region",      "profile",    "role_arn",
                                       "external_id", "account_id", NULL};
    char where[32];
    snprintf(where, sizeof where, "aws.%s", name);
    ReaderObj o;
    return Reader_object(r, aws, name, false, &o) &&
           (!o.jso || (Reader_allow_keys(r, &o, keys, NULL) &&
                       Reader_string(r, &o, "region", false, &side->region) &&
                       Reader_string(r, &o, "profile", false, &side->profile) &&
                       Reader_string(r, &o, "role_arn", false, &side->role_arn) &&
                       Reader_string(r, &o, "external_id", false, &side->external_id) &&
                       Plan_read_account(r, &o, where, &side->account_id)));
}

PlanAwsSide Plan_aws_side(const PlanAws *aws, AwsSide which)
{
    const PlanAwsSide *s = &aws->side[which];
    PlanAwsSide out = {
        .region = s->region ? s->region : aws->region,
        .profile = s->profile ? s->profile : aws->profile,
        .role_arn = s->role_arn ? s->role_arn : aws->role_arn,
        .external_id = s->role_arn ? s->external_id : aws->external_id,
        .account_id = s->account_id ? s->account_id : aws->account_id,
    };
    return out;
}

static bool Plan_read_aws(const Reader *r, const ReaderObj *root, PlanAws *aws)
{
    static const char *const keys[] = {
        "region",       "profile",      "role_arn", "external_id", "account_id",
        "endpoint_url", "dms_task_arn", "source",   "target",      NULL};
    ReaderObj o;
    if (!Reader_object(r, root, "aws", false, &o) || !Reader_allow_keys(r, &o, keys, NULL) ||
        !Reader_string(r, &o, "region", false, &aws->region) ||
        !Reader_string(r, &o, "profile", false, &aws->profile) ||
        !Reader_string(r, &o, "role_arn", false, &aws->role_arn) ||
        !Reader_string(r, &o, "external_id", false, &aws->external_id) ||
        !Plan_read_account(r, &o, "aws", &aws->account_id) ||
        !Reader_string(r, &o, "endpoint_url", false, &aws->endpoint_url) ||
        !Reader_string(r, &o, "dms_task_arn", false, &aws->dms_task_arn) ||
        (o.jso && (!Plan_read_aws_side(r, &o, "source", &aws->side[AWS_SIDE_SOURCE]) ||
                   !Plan_read_aws_side(r, &o, "target", &aws->side[AWS_SIDE_TARGET]))))
        return false;
    if (aws->endpoint_url && strncmp(aws->endpoint_url, "http://", 7) != 0 &&
        strncmp(aws->endpoint_url, "https://", 8) != 0)
        return Reader_fail(r, Reader_value_pos(r, &o, "endpoint_url"),
                           "aws.endpoint_url: expected an http:// or https:// URL");
    return true;
}

static const char *const Plan_replication_names[] = {"auto", "native", "dms", "external", NULL};

const char *Plan_replication_name(ReplicationKind kind)
{
    return kind <= REPLICATION_EXTERNAL ? Plan_replication_names[kind] : "?";
}

static bool Plan_read_replication(const Reader *r, const ReaderObj *root, Plan *plan)
{
    int kind = REPLICATION_AUTO;
    if (!Reader_enum(r, root, "replication", Plan_replication_names, false, &kind))
        return false;
    plan->replication = (ReplicationKind)kind;
    if (kind == REPLICATION_DMS && !plan->aws.dms_task_arn)
        return Reader_fail(r, Reader_value_pos(r, root, "replication"),
                           "replication: dms needs the task; expected \"dms_task_arn\" in "
                           "\"aws\"");
    return true;
}

/* A method that cannot work with how the target is fed is refused here
 * rather than in the middle of the night. */
static bool Plan_check_stop_method(const Reader *r, const ReaderObj *root, const Plan *plan)
{
    ReaderObj o;
    if (plan->stop_replication.method != STOP_REPLICATION_REPLICA ||
        plan->replication != REPLICATION_EXTERNAL || !plan->steps[STEP_STOP_REPLICATION].enabled)
        return true;
    Reader_object(r, root, "stop_replication", false, &o);
    return Reader_fail(r, o.jso ? Reader_obj_pos(r, &o) : Reader_value_pos(r, root, "replication"),
                       "replication: external, but stop-replication would STOP SLAVE on a "
                       "target that is no replica; expected \"stop_replication\": "
                       "{\"method\": \"exec\", \"stop\": [...], \"start\": [...]}, or "
                       "the step left out");
}

/* The default method follows how the target is fed: DMS's task when the
 * plan names one (unless it says the target is a native replica). */
static bool Plan_read_stop_replication(const Reader *r, const ReaderObj *root, Plan *plan)
{
    static const char *const keys[] = {"method", "stop", "start", "check", "timeout_ms", NULL};
    static const char *const methods[] = {"replica", "dms", "exec", NULL};
    PlanStopReplication *s = &plan->stop_replication;
    ReaderObj o;
    int timeout = 60000;
    int method = plan->aws.dms_task_arn && plan->replication != REPLICATION_NATIVE
                     ? STOP_REPLICATION_DMS
                     : STOP_REPLICATION_REPLICA;
    if (!Reader_object(r, root, "stop_replication", false, &o) ||
        !Reader_allow_keys(r, &o, keys, NULL) ||
        !Reader_enum(r, &o, "method", methods, false, &method))
        return false;
    s->method = (StopReplicationMethod)method;
    if (method == STOP_REPLICATION_DMS && !plan->aws.dms_task_arn)
        return Reader_fail(r, Reader_value_pos(r, &o, "method"),
                           "stop_replication.method: dms needs the task; expected "
                           "\"dms_task_arn\" in \"aws\"");
    if (method != STOP_REPLICATION_EXEC)
        return true;
    if (!Actions_read_command(r, &o, "stop", &s->stop) ||
        !Actions_read_command(r, &o, "start", &s->start) ||
        (Reader_has(&o, "check") && !Actions_read_command(r, &o, "check", &s->check)) ||
        !Reader_int(r, &o, "timeout_ms", 100, 3600000, &timeout))
        return false;
    s->stop.timeout_ms = s->start.timeout_ms = s->check.timeout_ms = timeout;
    return true;
}

static bool Plan_read_general(const Reader *r, const ReaderObj *root, Plan *plan)
{
    static const char *const confirms[] = {"armed", "per-step", NULL};
    int confirm = (int)plan->confirm;
    char *schema = NULL; /* for editors (completion, hover text): read, checked, not kept */
    bool ok = Reader_string(r, root, "$schema", false, &schema);
    free(schema);
    if (!ok || !Reader_string(r, root, "name", true, &plan->name) ||
        !Reader_string(r, root, "session_dir", false, &plan->session_dir) ||
        !Reader_string(r, root, "rehearsal", false, &plan->rehearsal) ||
        !Reader_string(r, root, "theme", false, &plan->theme) ||
        !Reader_enum(r, root, "confirm", confirms, false, &confirm))
        return false;
    plan->confirm = (ConfirmMode)confirm;
    return true;
}

/* --- steps --------------------------------------------------------------- */

static JsoncPos Plan_step_pos(const Reader *r, const ReaderObj *root, json_object *steps, size_t i)
{
    JsoncPos at = Reader_value_pos(r, root, "steps");
    Jsonc_element_pos(r->doc, steps, i, &at);
    return at;
}

static bool Plan_unknown_step(const Reader *r, JsoncPos at, size_t i, const char *id)
{
    char list[256];
    Plan_step_list(list, sizeof list);
    return Reader_fail(r, at, "steps[%zu]: unknown step \"%.40s\"; expected one of: %s", i, id,
                       list);
}

/* One entry: "swap" or { "id": "swap", "title": "..." }. */
static bool Plan_step_entry(const Reader *r, const ReaderObj *root, json_object *steps, size_t i,
                            int *kind, char **title)
{
    static const char *const keys[] = {"id", "title", NULL};
    json_object *e = json_object_array_get_idx(steps, i);
    JsoncPos at = Plan_step_pos(r, root, steps, i);
    ReaderObj o = {.jso = e};
    snprintf(o.path, sizeof o.path, "steps[%zu]", i);
    if (json_object_is_type(e, json_type_object)) {
        char *id = NULL;
        bool ok = Reader_allow_keys(r, &o, keys, NULL) && Reader_string(r, &o, "id", true, &id) &&
                  Reader_string(r, &o, "title", false, title);
        *kind = ok ? Plan_step_parse(id) : -1;
        if (ok && *kind < 0)
            ok = Plan_unknown_step(r, Reader_value_pos(r, &o, "id"), i, id);
        free(id);
        return ok;
    }
    if (!json_object_is_type(e, json_type_string))
        return Reader_fail(r, at,
                           "steps[%zu]: expected a step id or { \"id\": ..., \"title\": ... }", i);
    *kind = Plan_step_parse(json_object_get_string(e));
    return *kind >= 0 ? true : Plan_unknown_step(r, at, i, json_object_get_string(e));
}

static bool Plan_step_order(const Reader *r, JsoncPos at, size_t i, int kind, int last)
{
    char list[256];
    if (kind > last)
        return true;
    if (kind == last)
        return Reader_fail(r, at, "steps[%zu]: \"%s\" is listed twice; expected each step once", i,
                           Plan_step_id((StepKind)kind));
    Plan_step_list(list, sizeof list);
    return Reader_fail(r, at,
                       "steps[%zu]: \"%s\" comes after \"%s\"; expected the steps in this order: "
                       "%s",
                       i, Plan_step_id((StepKind)kind), Plan_step_id((StepKind)last), list);
}

static bool Plan_read_step_list(const Reader *r, const ReaderObj *root, json_object *steps,
                                Plan *plan)
{
    int last = -1;
    for (size_t i = 0; i < json_object_array_length(steps); i++) {
        int kind;
        char *title = NULL;
        if (!Plan_step_entry(r, root, steps, i, &kind, &title) ||
            !Plan_step_order(r, Plan_step_pos(r, root, steps, i), i, kind, last)) {
            free(title);
            return false;
        }
        plan->steps[kind].enabled = true;
        if (title) {
            free(plan->steps[kind].title);
            plan->steps[kind].title = title;
        }
        last = kind;
    }
    return true;
}

static bool Plan_read_steps(const Reader *r, const ReaderObj *root, Plan *plan)
{
    json_object *steps = NULL;
    for (int i = 0; i < STEP_KIND_COUNT; i++) {
        if (!(plan->steps[i].title = strdup(Plan_step_default_title((StepKind)i))))
            return Reader_out_of_memory(r);
    }
    if (!json_object_object_get_ex(root->jso, "steps", &steps)) {
        for (int i = 0; i < STEP_KIND_COUNT; i++)
            plan->steps[i].enabled = i != STEP_VERIFY || Reader_has(root, "verify");
        return true;
    }
    if (!json_object_is_type(steps, json_type_array))
        return Reader_type_error(r, root, "steps", "an array of step ids");
    return Plan_read_step_list(r, root, steps, plan);
}

/* A step that is on needs its section: better said now than at 00:30. */
static bool Plan_check_step_sections(const Reader *r, const ReaderObj *root, const Plan *plan)
{
    static const struct {
        StepKind kind;
        const char *section;
    } needs[] = {
        {STEP_MAINTENANCE_ON, "maintenance"},
        {STEP_VERIFY, "verify"},
        {STEP_SWAP, "swap"},
        {STEP_TARGET_HEALTH, "target_health"},
        {STEP_MAINTENANCE_OFF, "maintenance"},
    };
    for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
        if (!plan->steps[needs[i].kind].enabled || Reader_has(root, needs[i].section))
            continue;
        JsoncPos at = Reader_key_pos(r, root, "steps");
        return Reader_fail(r, at,
                           "step \"%s\" is on but the plan has no \"%s\" section; expected a "
                           "\"%s\" section, or a \"steps\" list without \"%s\"",
                           Plan_step_id(needs[i].kind), needs[i].section, needs[i].section,
                           Plan_step_id(needs[i].kind));
    }
    return true;
}

/* --- the whole plan -------------------------------------------------------- */

static bool Plan_read(const Reader *r, Plan *plan)
{
    static const char *const keys[] = {
        "name",        "session_dir", "rehearsal",
        "theme",       "confirm",     "source",
        "target",      "endpoint",    "thresholds",
        "timings",     "preflight",   "maintenance",
        "read_only",   "lag_zero",    "verify",
        "freeze",      "swap",        "target_health",
        "steps",       "aws",         "stop_replication",
        "replication", "audit",       "reverse_replication",
        "notify",      "$schema",     NULL,
    };
    ReaderObj root = Reader_root(r);
    if (!json_object_is_type(root.jso, json_type_object))
        return Reader_fail(r, Jsonc_root_pos(r->doc),
                           "the plan is not an object; expected { ... }");
    return Reader_allow_keys(r, &root, keys, NULL) && Plan_read_general(r, &root, plan) &&
           Plan_read_server(r, &root, "source", &plan->source) &&
           Plan_read_server(r, &root, "target", &plan->target) &&
           Plan_read_endpoint(r, &root, plan) &&
           Plan_read_thresholds(r, &root, &plan->thresholds) &&
           Plan_read_timings(r, &root, &plan->timings) && Plan_read_preflight(r, &root, plan) &&
           Actions_read_maintenance(r, &root, &plan->maintenance) &&
           Actions_read_readonly(r, &root, &plan->readonly) &&
           Plan_read_lag_zero(r, &root, &plan->lag_zero) &&
           Plan_read_verify(r, &root, &plan->verify) && Plan_read_freeze(r, &root, &plan->freeze) &&
           PlanNotify_read(r, &root, &plan->notify) && Actions_read_swap(r, &root, &plan->swap) &&
           Plan_read_target_health(r, &root, &plan->target_health) &&
           Plan_read_audit(r, &root, plan) && Plan_read_aws(r, &root, &plan->aws) &&
           Plan_read_replication(r, &root, plan) && Plan_read_stop_replication(r, &root, plan) &&
           Actions_read_reverse(r, &root, &plan->reverse) && Plan_read_steps(r, &root, plan) &&
           Plan_check_step_sections(r, &root, plan) && Plan_check_stop_method(r, &root, plan);
}

Plan *Plan_parse(const char *name, const char *text, size_t len, char *err, size_t errsize)
{
    char scratch[1];
    Reader r = {.name = name ? name : "(plan)",
                .err = errsize ? err : scratch,
                .errsize = errsize ? errsize : sizeof scratch};
    JsoncDoc *doc = Jsonc_parse(r.name, text, len, r.err, r.errsize);
    if (!doc)
        return NULL;
    r.doc = doc;
    Plan *plan = calloc(1, sizeof *plan);
    bool ok = plan && (plan->path = strdup(r.name)) != NULL;
    if (!ok) {
        Reader_out_of_memory(&r);
    } else {
        Plan_defaults(plan);
        EVP_Digest(text, len, plan->sha256, NULL, EVP_sha256(), NULL);
        ok = Plan_read(&r, plan);
    }
    Jsonc_free(doc);
    if (!ok) {
        Plan_free(plan);
        return NULL;
    }
    return plan;
}

static char *Plan_read_file(const char *path, size_t *len, char *err, size_t errsize)
{
    /* O_NONBLOCK: a FIFO given by mistake must not hang the start. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    char *text = NULL;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errsize, "%s: cannot open the plan: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(err, errsize, "%s: not a regular file; expected a plan file", path);
    } else if (st.st_size > PLAN_MAX_BYTES) {
        snprintf(err, errsize, "%s: %lld bytes; expected a plan under %d bytes", path,
                 (long long)st.st_size, PLAN_MAX_BYTES);
    } else if (!(text = malloc((size_t)st.st_size + 1))) {
        snprintf(err, errsize, "%s: out of memory", path);
    } else {
        ssize_t n = read(fd, text, (size_t)st.st_size + 1);
        if (n < 0 || n > st.st_size) {
            snprintf(err, errsize, "%s: cannot read the plan: %s", path,
                     n < 0 ? strerror(errno) : "it grew while being read");
            free(text);
            text = NULL;
        }
        *len = n < 0 ? 0 : (size_t)n;
    }
    if (fd >= 0)
        close(fd);
    return text;
}

Plan *Plan_load(const char *path, char *err, size_t errsize)
{
    size_t len = 0;
    char *text = Plan_read_file(path, &len, err, errsize);
    if (!text)
        return NULL;
    Plan *plan = Plan_parse(path, text, len, err, errsize);
    free(text);
    return plan;
}

void Plan_free_secret(SecretRef *ref)
{
    free(ref->env);
    free(ref->file);
    free(ref->group);
    free(ref->secret_id);
    free(ref->field);
}

static void Plan_free_server(PlanServer *s)
{
    free(s->label);
    free(s->host);
    free(s->socket);
    free(s->user);
    Plan_free_secret(&s->password);
    free(s->tls_ca);
    free(s->tls_cert);
    free(s->tls_key);
    free(s->option_file);
    free(s->option_group);
    free(s->rds_instance);
}

static void Plan_free_aws(PlanAws *aws)
{
    free(aws->region);
    free(aws->profile);
    free(aws->role_arn);
    free(aws->external_id);
    free(aws->account_id);
    free(aws->endpoint_url);
    free(aws->dms_task_arn);
    for (int i = 0; i < 2; i++) {
        PlanAwsSide *s = &aws->side[i];
        free(s->region);
        free(s->profile);
        free(s->role_arn);
        free(s->external_id);
        free(s->account_id);
    }
}

void Plan_free(Plan *plan)
{
    if (!plan)
        return;
    free(plan->path);
    free(plan->name);
    free(plan->theme);
    free(plan->session_dir);
    free(plan->rehearsal);
    Plan_free_server(&plan->source);
    Plan_free_server(&plan->target);
    free(plan->endpoint.host);
    free(plan->endpoint.target_group_arn);
    Actions_free_maintenance(&plan->maintenance);
    Actions_free_readonly(&plan->readonly);
    free(plan->lag_zero.fence_table);
    free(plan->lag_zero.heartbeat_table);
    Reader_free_strings(plan->verify.tables);
    Actions_free_swap(&plan->swap);
    PlanNotify_free(&plan->notify);
    free(plan->target_health.app_user);
    Plan_free_secret(&plan->target_health.app_password);
    Plan_free_secret(&plan->audit_hmac_key);
    for (int i = 0; i < STEP_KIND_COUNT; i++)
        free(plan->steps[i].title);
    Plan_free_aws(&plan->aws);
    Actions_free_command(&plan->stop_replication.stop);
    Actions_free_command(&plan->stop_replication.start);
    Actions_free_command(&plan->stop_replication.check);
    Actions_free_reverse(&plan->reverse);
    Plan_free_secret(&plan->reverse.password);
    free(plan);
}
