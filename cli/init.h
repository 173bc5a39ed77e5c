/* `cutover init`: a first plan written from what the servers say. The
 * options (cli/init.c), what is detected (cli/init_detect.c) and the
 * commented plan (cli/init_write.c). */
#ifndef CUTOVER_CLI_INIT_H
#define CUTOVER_CLI_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "plan/plan.h"

/* What the lead says on the command line. */
typedef struct InitArgs {
    const char *output, *name, *session_dir;
    const char *source, *source_socket, *target, *target_socket, *endpoint;
    const char *source_user, *target_user;
    const char *source_password_env, *target_password_env;
    const char *option_file, *source_group, *target_group;
    const char *maintenance_flag;
    const char *swap_file, *swap_key, *swap_value;
    const char *app_user, *app_password_env;
    const char *dms_task_arn, *aws_region, *aws_endpoint_url;
    bool force;
} InitArgs;

/* "HOST[:PORT]" into host and port (0 when not given): false when the host
 * is empty or the port is not a whole number 1-65535. */
bool Init_split_hostport(const char *text, char *host, size_t size, int *port);

/* The answers `cutover init` asked for on a terminal (cli/init_ask.c);
 * InitArgs points into them. */
typedef struct InitAsk {
    char source[300], target[300], endpoint[300], user[100];
    char password_env[100], option_file[4096], source_group[64], target_group[64];
} InitAsk;

/* Asks for the source, the target, the endpoint, the account (when
 * ask_user) and where the password is, each only if a flag did not say it.
 * 0, or EXIT_USAGE when the input ended first (nothing is written). */
int Init_ask(InitArgs *a, bool ask_user, InitAsk *ans, FILE *in, FILE *out);

typedef struct InitServer {
    PlanServer plan;  /* how it was reached (the plan's own section), password included */
    char host[256];   /* plan.host points here */
    char version[96]; /* "MariaDB 10.11.19" */
    char binlog_format[16];
    bool log_bin, rds, replica, tls;
    double retention_h; /* < 0: not known */
    char gtid[96];      /* what the server says of GTIDs */
    char replica_of[160];
} InitServer;

typedef struct InitTable {
    char name[260]; /* schema.table */
    int64_t rows, bytes;
    bool keyed;   /* a primary or unique key: verifiable in chunks */
    bool carried; /* by the DMS task's mappings (true when no task was named) */
} InitTable;

/* The DMS task, when --dms-task-arn names one: read as the pre-flight reads
 * it (DescribeReplicationTasks). */
typedef struct InitDms {
    bool read;
    char identifier[128], status[32];
    size_t ncarried;       /* of the source's tables */
    bool heartbeat, fence; /* cutover.heartbeat / cutover.fence carried */
} InitDms;

typedef struct InitFacts {
    InitServer source, target;
    char endpoint_host[256]; /* --endpoint, "" when not given */
    int endpoint_port;       /* 0: not given (the source's is taken) */
    InitTable *tables;
    size_t ntables, nkeyless;
    int64_t bytes;
    InitDms dms;
} InitFacts;

/* Connects to both servers and fills facts. 0, or -1 with err. */
int Init_detect(InitFacts *facts, char *err, size_t errsize);
void Init_facts_free(InitFacts *facts);

/* With --dms-task-arn: the task's status and which of the tables its
 * mappings carry. 0 (nothing to do without a task), or -1 with err. */
int Init_dms(const InitArgs *a, InitFacts *facts, char *err, size_t errsize);

/* The plan as commented JSON (JSONC) into out; secrets only as references. */
int Init_write(const InitArgs *a, const InitFacts *facts, FILE *out);

#endif
