#include "lib/operator.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Copies at most n-1 bytes of src up to the first `stop` character. */
static void Operator_copy_until(char *dst, size_t n, const char *src, char stop)
{
    size_t len = 0;
    while (src[len] && src[len] != stop && len + 1 < n)
        len++;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static void Operator_user(Operator *op)
{
    struct passwd pw, *found = NULL;
    char buf[4096];
    if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &found) == 0 && found)
        snprintf(op->user, sizeof op->user, "%s", found->pw_name);
    else
        snprintf(op->user, sizeof op->user, "%u", (unsigned)getuid());
}

/* SSH_CONNECTION is "client port server port", SSH_CLIENT "client port
 * sport": the first two fields name the remote end either way. */
static void Operator_ssh(Operator *op)
{
    const char *conn = getenv("SSH_CONNECTION");
    if (!conn || !*conn)
        conn = getenv("SSH_CLIENT");
    if (!conn || !*conn)
        return;
    char addr[64] = "", port[16] = "";
    if (sscanf(conn, "%63s %15s", addr, port) >= 1)
        snprintf(op->ssh, sizeof op->ssh, "%s%s%s", addr, *port ? " " : "", port);
}

/* TMUX is "socket-path,server-pid,session-index". */
static void Operator_tmux(Operator *op)
{
    const char *tmux = getenv("TMUX");
    if (!tmux || !*tmux)
        return;
    Operator_copy_until(op->tmux, sizeof op->tmux, tmux, ',');
    const char *pane = getenv("TMUX_PANE");
    if (pane)
        Operator_copy_until(op->tmux_pane, sizeof op->tmux_pane, pane, '\0');
}

void Operator_describe(Operator *op)
{
    memset(op, 0, sizeof *op);
    Operator_user(op);
    if (gethostname(op->host, sizeof op->host) != 0)
        snprintf(op->host, sizeof op->host, "unknown");
    op->host[sizeof op->host - 1] = '\0';
    const char *tty = ttyname(0);
    snprintf(op->tty, sizeof op->tty, "%s", tty ? tty : "none");
    Operator_ssh(op);
    Operator_tmux(op);
}

static void Operator_add(struct json_object *obj, const char *key, const char *value)
{
    if (*value)
        json_object_object_add(obj, key, json_object_new_string(value));
}

struct json_object *Operator_to_json(const Operator *op)
{
    struct json_object *obj = json_object_new_object();
    json_object_object_add(obj, "user", json_object_new_string(op->user));
    json_object_object_add(obj, "host", json_object_new_string(op->host));
    json_object_object_add(obj, "tty", json_object_new_string(op->tty));
    Operator_add(obj, "ssh", op->ssh);
    Operator_add(obj, "tmux", op->tmux);
    Operator_add(obj, "tmux_pane", op->tmux_pane);
    return obj;
}
