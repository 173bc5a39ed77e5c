/* The cutover plan: what the console watches and what the checklist does.
 * Parsed from a JSON file (comments allowed) by Plan_load; every field here
 * is owned by the Plan and freed by Plan_free. Passwords are never stored in
 * the plan: only references (SecretRef) that are resolved when needed. */
#ifndef CUTOVER_PLAN_PLAN_H
#define CUTOVER_PLAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>

/* Where a secret comes from. Exactly one of the sources is set. */
typedef enum {
    SECRET_NONE = 0,
    SECRET_ENV,         /* environment variable `env` */
    SECRET_OPTION_FILE, /* MySQL option file `file`, group `group` (password= line) */
    SECRET_AWS_SECRET,  /* AWS Secrets Manager secret `secret_id` (RDS-style JSON) */
} SecretKind;

typedef struct SecretRef {
    SecretKind kind;
    char *env;
    char *file;
    char *group;
    char *secret_id;
    char *field;  /* SECRET_AWS_SECRET: the JSON field taken; NULL: an RDS-style secret's
                   * password; "": the whole SecretString, which must not be a JSON object */
    int aws_side; /* an AwsSide: whose account holds secret_id (the source's for its own) */
} SecretRef;

/* Frees what a SecretRef holds (not the ref itself). */
void Plan_free_secret(SecretRef *ref);

/* A ${NAME} of a webhook's url or headers whose value is a secret read
 * when the webhook starts, rather than an environment variable. */
typedef struct PlanSecretVar {
    char *name;
    SecretRef ref;
} PlanSecretVar;

typedef enum {
    TLS_OFF = 0,   /* plaintext (only sensible on loopback) */
    TLS_PREFERRED, /* TLS if the server offers it */
    TLS_REQUIRED,  /* TLS or fail, no certificate check */
    TLS_VERIFY_CA, /* TLS with the server certificate checked against `ca` */
    TLS_VERIFY_IDENTITY,
} TlsMode;

/* A MySQL-compatible server as the console reaches it. */
typedef struct PlanServer {
    char *label;  /* "source" / "target" */
    char *host;   /* host name or address; NULL when socket is used */
    int port;     /* default 3306 */
    char *socket; /* Unix socket path, optional */
    char *user;
    SecretRef password; /* SECRET_NONE: no password (socket or passwordless auth) */
    TlsMode tls;        /* not given: preferred on loopback, verify-identity elsewhere */
    char *tls_ca;
    char *tls_cert, *tls_key; /* a client certificate, for accounts that REQUIRE X509 */
    char *rds_instance;       /* RDS DB instance identifier, for CloudWatch (optional) */
    char *option_file;        /* MySQL option file the rest came from (NULL: the default files) */
    char *option_group;       /* its group, read after [client]; NULL when none is used */
} PlanServer;

/* The PrivateLink interface endpoint (or, in the lab, the proxy). */
typedef struct PlanEndpoint {
    char *host; /* resolved on every probe, so DNS changes show; NULL when the
                 * source is reached by socket and no endpoint is given */
    int port;
    char *target_group_arn; /* the NLB target group behind the endpoint service, in the
                             * source's account: the failover sentinel compares its
                             * targets with the source instance's address (optional) */
} PlanEndpoint;

/* Alarm thresholds; a value < 0 means "not set". */
typedef struct PlanThresholds {
    double lag_seconds;     /* lag above this is an alarm */
    double connections_max; /* DatabaseConnections above this */
    double freeable_memory_min_mb;
    double cpu_max_percent;
    double endpoint_p95_ms; /* endpoint latency p95 above this */
    double endpoint_loss_percent;
} PlanThresholds;

typedef struct PlanTimings {
    int refresh_ms;         /* panel probes, default 1000 */
    int heartbeat_ms;       /* heartbeat write interval, default 250 */
    int connect_timeout_ms; /* default 2000 */
    int read_timeout_ms;    /* default 2000 */
} PlanTimings;

/* An external command, run without a shell. argv entries may hold templates
 * such as {target.host}; see doc/cutover-plan.5. */
typedef struct PlanCommand {
    char **argv; /* NULL-terminated */
    size_t argc;
    int timeout_ms;
} PlanCommand;

typedef struct PlanHeader {
    char *name;  /* "Authorization" */
    char *value; /* may hold ${ENV_VAR}, expanded at run time and redacted in logs */
} PlanHeader;

typedef struct PlanHttp {
    char *method; /* GET, POST, PUT, DELETE ... */
    char *url;
    PlanHeader *headers;
    size_t nheaders;
    char *body;
    int timeout_ms;
} PlanHttp;

typedef enum { NOTIFY_JSON = 0, NOTIFY_SLACK } NotifyFormat;

/* A webhook told of the night's transitions (notify/): POSTed, never
 * waited for by a step. */
typedef struct PlanWebhook {
    char *name; /* its key under "notify", for messages */
    NotifyFormat format;
    PlanHttp http;          /* POST to url with headers; the body is each message */
    int queue;              /* messages held while it is slow; the oldest dropped beyond */
    int retries;            /* attempts after the first, before a message is dropped */
    PlanSecretVar *secrets; /* names taken from Secrets Manager, not the environment */
    size_t nsecrets;
} PlanWebhook;

typedef struct PlanNotify {
    PlanWebhook *hooks;
    size_t n;
} PlanNotify;

typedef enum { METHOD_FILE = 0, METHOD_HTTP, METHOD_EXEC } ActionMethod;

/* Maintenance on/off: a flag file, a webhook, or a command. */
typedef struct PlanMaintenance {
    ActionMethod method;
    char *path;       /* METHOD_FILE: the flag file */
    PlanHttp on_http; /* METHOD_HTTP */
    PlanHttp off_http;
    PlanCommand on_cmd; /* METHOD_EXEC */
    PlanCommand off_cmd;
} PlanMaintenance;

typedef enum {
    READONLY_GLOBAL = 0,
    READONLY_LOCK_ACCOUNTS,
    READONLY_RDS_PARAMETER_GROUP
} ReadonlyMethod;

typedef struct PlanReadonly {
    ReadonlyMethod method;
    char **accounts; /* READONLY_LOCK_ACCOUNTS: "'app'@'%'" */
    size_t naccounts;
    char *parameter_group; /* READONLY_RDS_PARAMETER_GROUP */
} PlanReadonly;

typedef struct PlanLagZero {
    int timeout_ms;        /* default 60000 */
    bool fence;            /* write a fence row (default true) */
    char *fence_table;     /* default "cutover.fence" */
    char *heartbeat_table; /* default "cutover.heartbeat" */
} PlanLagZero;

/* COUNT(*) or CHECKSUM TABLE of each table inside the window, or chunks:
 * compared before the freeze and only what changed since compared inside
 * (verify/verifier.h). */
typedef enum { VERIFY_COUNT = 0, VERIFY_CHECKSUM, VERIFY_CHUNKS } VerifyMode;

typedef struct PlanVerify {
    VerifyMode mode;
    char **tables; /* "schema.table" */
    size_t ntables;
    bool all_tables; /* "tables": "all" (mode chunks): every base table of the source outside
                        the system schemas, those the DMS task carries when it names one */
    int timeout_ms;  /* per table and server: a checksum of a big table takes real time */
    int chunk_ms;    /* chunks: the time one chunk's comparison should take (default 200) */
} PlanVerify;

/* The freeze gate (plan section "freeze"): arming waits before the freeze
 * step until the figures say the drain will be short, then freezes at once.
 * Absent: the freeze starts when the lead presses the key. */
typedef struct PlanFreeze {
    bool gate;            /* the section is present */
    int max_lag_ms;       /* heartbeat lag and drain estimate at most this */
    int samples;          /* consecutive fresh lag samples under it (default 3) */
    int timeout_ms;       /* the longest the gate waits; then nothing is frozen */
    bool wait_for_verify; /* verify mode chunks: every chunk compared once first */
} PlanFreeze;

typedef enum { SWAP_FILE = 0, SWAP_EXEC, SWAP_AWS_SECRET, SWAP_SSM, SWAP_ROUTE53 } SwapMethod;

typedef struct PlanSwap {
    SwapMethod method;
    char *path;               /* SWAP_FILE: the file holding the connection string */
    char *key;                /* SWAP_FILE: the key whose value is replaced (KEY=value lines) */
    char *value;              /* the new value (target's connection string), never a
                               * password; NULL only for SWAP_AWS_SECRET, meaning
                               * "the target's host and port" */
    PlanCommand cmd;          /* SWAP_EXEC */
    PlanCommand readback_cmd; /* SWAP_EXEC: prints the current value */
    char *aws_id;             /* secret id / parameter name / record name */
    char *from;               /* SWAP_SSM, SWAP_ROUTE53: the value the swap replaces, or
                               * NULL; checked before the swap, and what the undo puts
                               * back after a restart (when memory of it is gone) */
} PlanSwap;

typedef struct PlanTargetHealth {
    char *app_user; /* the application's account on the target */
    SecretRef app_password;
    int timeout_ms; /* how long to wait for the app's sessions to move */
} PlanTargetHealth;

/* AWS access for the CloudWatch/DMS panels and the AWS-backed steps. Every
 * field is optional; NULL means "from the environment / not used". */
/* Who the console is in one account: a profile, a role assumed with it, the
 * account it must turn out to be. NULL: the plan's top-level setting. */
typedef struct PlanAwsSide {
    char *region;
    char *profile;
    char *role_arn;    /* assumed with the profile's (or the chain's) credentials */
    char *external_id; /* for role_arn */
    char *account_id;  /* twelve digits: pre-flight is a no-go when the identity differs */
} PlanAwsSide;

/* Which account an AWS call acts in: the source's RDS instance and its
 * CloudWatch figures, or everything else (the target's instance, DMS, the
 * swap's parameter, secret or record), which lives with the target. */
typedef enum {
    AWS_SIDE_TARGET = 0, /* 0: what is not the source's lives with the target */
    AWS_SIDE_SOURCE = 1,
} AwsSide;

typedef struct PlanAws {
    char *region;        /* else AWS_REGION, AWS_DEFAULT_REGION, the profile */
    char *profile;       /* else AWS_PROFILE, "default" */
    char *role_arn;      /* both sides, unless a side names its own */
    char *external_id;   /* for role_arn */
    char *account_id;    /* both sides, unless a side names its own */
    char *endpoint_url;  /* one endpoint for every service (tests, VPC endpoints) */
    char *dms_task_arn;  /* the DMS replication task: DMS panel, stop-replication */
    PlanAwsSide side[2]; /* by AwsSide ("source", "target"): each overrides the above */
} PlanAws;

/* The settings of one side, the top level filling what the side leaves
 * out (pointers into aws). */
PlanAwsSide Plan_aws_side(const PlanAws *aws, AwsSide side);

/* How the last step stops the flow from the old source. */
typedef enum {
    STOP_REPLICATION_REPLICA = 0, /* STOP REPLICA/SLAVE on the target (native replication) */
    STOP_REPLICATION_DMS,         /* StopReplicationTask on aws.dms_task_arn */
    STOP_REPLICATION_EXEC         /* a command, for a replicator the console does not know */
} StopReplicationMethod;

typedef struct PlanStopReplication {
    StopReplicationMethod method; /* default: dms with aws.dms_task_arn, else replica */
    PlanCommand stop;             /* STOP_REPLICATION_EXEC: stops it (exit 0 = stopped) */
    PlanCommand start;            /* STOP_REPLICATION_EXEC: the undo (exit 0 = running) */
    PlanCommand check;            /* STOP_REPLICATION_EXEC, optional: exit 0 stopped, 1 not;
                                   * read back after a restart (argv NULL: unknown) */
} PlanStopReplication;

/* How a rollback past the point of no return carries the target's writes
 * back to the source before the application returns to it. NONE: it cannot;
 * the lead must type the count of writes left behind. */
typedef enum {
    REVERSE_NONE = 0,
    REVERSE_REPLICA, /* the source replicates from the target (MariaDB: CHANGE MASTER
                      * 'cutover_reverse'), from where the target stood at the point */
    REVERSE_DMS,     /* a reverse DMS task (target -> source) started at that position */
    REVERSE_EXEC     /* commands for a replicator the console does not know */
} ReverseMethod;

typedef struct PlanReverse {
    ReverseMethod method;
    char *host;         /* REVERSE_REPLICA: the target as the source reaches it */
    int port;           /* default 3306 */
    char *user;         /* an account on the target with REPLICATION SLAVE */
    SecretRef password; /* its password */
    char *task_arn;     /* REVERSE_DMS: the reverse task (its source is the target) */
    PlanCommand start;  /* REVERSE_EXEC: starts it at {point.binlog} (exit 0 = running) */
    PlanCommand stop;   /* REVERSE_EXEC: stops it (exit 0 = stopped) */
    int timeout_ms;     /* for the fence to reach the source; default 120000 */
} PlanReverse;

/* How the target is fed, which decides the pre-flight checks and the proofs
 * of lag zero that mean something. AUTO: dms with aws.dms_task_arn, else
 * native when the target is a replica, else external (decided at connect). */
typedef enum {
    REPLICATION_AUTO = 0,
    REPLICATION_NATIVE,  /* the target is a binlog replica of the source */
    REPLICATION_DMS,     /* an AWS DMS task (aws.dms_task_arn) */
    REPLICATION_EXTERNAL /* a replicator the console cannot see: heartbeat and fence only */
} ReplicationKind;

typedef enum {
    STEP_PREFLIGHT = 0,
    STEP_MAINTENANCE_ON,
    STEP_READ_ONLY,
    STEP_LAG_ZERO,
    STEP_VERIFY,
    STEP_SWAP,
    STEP_TARGET_HEALTH,
    STEP_MAINTENANCE_OFF,
    STEP_STOP_REPLICATION,
    STEP_KIND_COUNT
} StepKind;

typedef struct PlanStep {
    StepKind kind;
    bool enabled;
    char *title; /* shown in the checklist; defaults from the kind */
} PlanStep;

typedef enum { CONFIRM_ARMED = 0, CONFIRM_PER_STEP } ConfirmMode;

typedef struct Plan {
    char *path; /* the file it came from */
    char *name;
    unsigned char sha256[32]; /* of the file's bytes, for recordings */
    char *theme;              /* optional default theme */
    char *session_dir;
    char *rehearsal; /* an earlier run's audit log: its steps' costs predict the downtime */
    ConfirmMode confirm;
    PlanServer source;
    PlanServer target;
    PlanEndpoint endpoint;
    PlanThresholds thresholds;
    PlanTimings timings;
    double preflight_lag_window_s; /* lag must stay under threshold this long */
    int binlog_retention_min_hours;
    PlanMaintenance maintenance;
    PlanReadonly readonly;
    PlanLagZero lag_zero;
    PlanVerify verify;
    PlanFreeze freeze;
    PlanNotify notify;
    PlanSwap swap;
    PlanTargetHealth target_health;
    SecretRef audit_hmac_key; /* audit.hmac_key: every audit record carries an HMAC (optional) */
    PlanStep steps[STEP_KIND_COUNT]; /* in execution order, indexed by StepKind */
    PlanAws aws;
    ReplicationKind replication;
    PlanStopReplication stop_replication;
    PlanReverse reverse;
} Plan;

/* A plan file larger than this is refused before it is read. */
#define PLAN_MAX_BYTES (4 * 1024 * 1024)

/* Loads and validates a plan. On failure returns NULL and writes into err a
 * message of the form "FILE:LINE:COL: what was wrong, what was expected". */
Plan *Plan_load(const char *path, char *err, size_t errsize);

/* The same from a string (name stands in for the file in messages). */
Plan *Plan_parse(const char *name, const char *text, size_t len, char *err, size_t errsize);

void Plan_free(Plan *plan);

/* "maintenance-on" etc: stable ids used in events, audit and recordings. */
const char *Plan_step_id(StepKind kind);
/* "Maintenance on" etc. */
const char *Plan_step_default_title(StepKind kind);
/* Returns -1 when unknown. */
int Plan_step_parse(const char *id);

/* The schema of the fence table ("cutover" for "cutover.fence"), where the
 * console keeps its own tables; -1 when it does not fit. */
int Plan_fence_schema(const Plan *plan, char *out, size_t size);

const char *Plan_tls_name(TlsMode mode);
/* "native", "dms", "external", "auto". */
const char *Plan_replication_name(ReplicationKind kind);

#endif
