/* Secrets never reach the screen, the session file or the audit log. Every
 * secret the process learns (a resolved password, an expanded token) is
 * registered here, and every writer of text for humans or files passes its
 * text through Redact_apply before it leaves the process. */
#ifndef CUTOVER_LIB_REDACT_H
#define CUTOVER_LIB_REDACT_H

#include <stddef.h>

/* The text that replaces a secret. */
#define REDACT_MASK "***"

/* Secrets shorter than this are masked only where they stand as a whole
 * word (not inside a longer run of letters and digits): masking every "ab"
 * in every log line would destroy the log, and leaving them unmasked would
 * print them. */
#define REDACT_MIN_LENGTH 4

/* Remembers a secret (copied) for the life of the process. Thread-safe;
 * registering the same secret twice is harmless. NULL and "" are ignored. */
void Redact_register(const char *secret);

/* Replaces, in place, every occurrence of every registered secret in the
 * NUL-terminated text (a buffer of size bytes) with "***", longest secrets
 * first, then hides URL passwords as Redact_url_password does and keyed
 * ones as Redact_keyed_password does. Thread-safe. */
void Redact_apply(char *text, size_t size);

/* Hides the password of every "scheme://user:PASSWORD@host" in text:
 * "mysql://app:s3cret@db:3306/shop" becomes "mysql://app:***@db:3306/shop".
 * If growing a short password to "***" would not fit in size, the end of the
 * text is cut instead; the password never survives. */
void Redact_url_password(char *text, size_t size);

/* Hides the value of every password key of a DSN or a key=value string,
 * whatever the password: "Server=db;Uid=app;Pwd=s3cret;" becomes
 * "Server=db;Uid=app;Pwd=***;"; the keys are pwd, password and passwd in any
 * case, the value runs to ';', a blank or the end ({braced} and quoted
 * values to their close). */
void Redact_keyed_password(char *text, size_t size);

/* How many secrets are registered (for tests and diagnostics). */
size_t Redact_count(void);

/* Forgets (and wipes) every registered secret; for tests. */
void Redact_clear(void);

#endif
