/* Who is at the keyboard: the identity written into the audit log and the
 * session header, so a reviewer can tell which person, terminal and remote
 * connection confirmed each step. */
#ifndef CUTOVER_LIB_OPERATOR_H
#define CUTOVER_LIB_OPERATOR_H

#include <json-c/json.h>

typedef struct Operator {
    char user[64];      /* login name, or the numeric uid when unknown */
    char host[256];     /* this machine's host name */
    char tty[64];       /* the terminal on stdin, or "none" */
    char ssh[128];      /* "client-address client-port" of the SSH session, or "" */
    char tmux[256];     /* the tmux server socket path, or "" outside tmux */
    char tmux_pane[32]; /* "%3", or "" outside tmux */
} Operator;

/* Fills op from the process's uid, host name, terminal and environment
 * (SSH_CONNECTION or SSH_CLIENT, TMUX, TMUX_PANE). Never fails: what cannot
 * be found is left empty (or "none" for the tty). */
void Operator_describe(Operator *op);

/* A new JSON object {"user","host","tty"[,"ssh"][,"tmux","tmux_pane"]};
 * empty identifiers are left out. The caller owns the reference. */
struct json_object *Operator_to_json(const Operator *op);

#endif
