/* The shared AWS files: ~/.aws/credentials ([name] sections) and
 * ~/.aws/config ([profile name] sections, [default]), found through
 * AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE when those are set. */
#ifndef CUTOVER_AWS_PROFILE_H
#define CUTOVER_AWS_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { PROFILE_CREDENTIALS_FILE, PROFILE_CONFIG_FILE } Profile_file;

/* The profile in use: AWS_PROFILE, else "default". */
const char *Profile_name(void);

/* The path of one of the files into buf ("~/" expanded with $HOME).
 * Returns buf, or NULL when neither the variable nor $HOME is set. */
const char *Profile_path(Profile_file which, char *buf, size_t size);

/* Looks up key in profile's section of one file. Returns 1 and a malloc'd
 * value (trimmed), 0 when the file, section or key is absent, -1 when the
 * file exists but cannot be read (err says which). */
int Profile_get(Profile_file which, const char *profile, const char *key, char **value, char *err,
                size_t errlen);

/* The same from the config file, else the credentials file (the CLI reads
 * both for most settings). */
int Profile_get_any(const char *profile, const char *key, char **value, char *err, size_t errlen);

/* Looks up key in the config file's [sso-session NAME] section; returns as
 * Profile_get does. */
int Profile_get_sso_session(const char *session, const char *key, char **value, char *err,
                            size_t errlen);

/* Whether the config file has an [sso-session NAME] section. */
bool Profile_sso_session_exists(const char *session);

/* Whether either file has a section for the profile. */
bool Profile_exists(const char *profile);

#endif
