/* A plan server's "option_file" / "option_group": the settings the plan
 * leaves out are taken from the MySQL option files (plan/option_file.h),
 * as the mysql client takes what its command line leaves out. Read once,
 * when the plan is loaded, so every part of the console (connections,
 * labels, swap templates, the binlog reader it starts) uses one answer. */
#ifndef CUTOVER_PLAN_SERVER_OPTIONS_H
#define CUTOVER_PLAN_SERVER_OPTIONS_H

#include <stdbool.h>

#include "plan/plan.h"
#include "plan/reader.h"

/* Reads "option_file" and "option_group" of o into s and, when either is
 * given, fills what o did not say; *tls_given tells whether the files chose
 * the TLS mode. false with the reader's error set. */
bool ServerOptions_read(const Reader *r, const ReaderObj *o, PlanServer *s, bool *tls_given);

#endif
