#include "aws/profile.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/home_path.h"

const char *Profile_name(void)
{
    const char *p = getenv("AWS_PROFILE");
    return p && *p ? p : "default";
}

const char *Profile_path(Profile_file which, char *buf, size_t size)
{
    const char *var =
        which == PROFILE_CREDENTIALS_FILE ? "AWS_SHARED_CREDENTIALS_FILE" : "AWS_CONFIG_FILE";
    const char *path = getenv(var);
    const char *home = getenv("HOME");
    if (path && *path)
        return HomePath_expand(path, buf, size) == 0 ? buf : NULL;
    if (!home || !*home)
        return NULL;
    snprintf(buf, size, "%s/.aws/%s", home,
             which == PROFILE_CREDENTIALS_FILE ? "credentials" : "config");
    return buf;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Whether "KIND NAME" (any blanks between) names kind's section name. */
static bool kind_matches(const char *section, const char *kind, const char *name)
{
    size_t n = strlen(kind);
    if (strncmp(section, kind, n) != 0 || !isspace((unsigned char)section[n]))
        return false;
    const char *rest = section + n;
    while (isspace((unsigned char)*rest))
        rest++;
    return !strcmp(rest, name);
}

/* Whether a "[...]" header names the profile: in the credentials file the
 * section is the bare name; in the config file it is "profile NAME" (or
 * kind's: "sso-session NAME"), and the default profile may also be a bare
 * "[default]". */
static bool section_matches(Profile_file which, const char *kind, const char *section,
                            const char *profile)
{
    if (which == PROFILE_CREDENTIALS_FILE)
        return !strcmp(section, profile);
    if (!strcmp(kind, "profile") && !strcmp(profile, "default") && !strcmp(section, "default"))
        return true;
    return kind_matches(section, kind, profile);
}

/* Walks the file; with key NULL it only reports whether the section exists. */
static int scan_kind(Profile_file which, const char *kind, const char *profile, const char *key,
                     char **value, char *err, size_t errlen)
{
    char path[4096];
    if (!Profile_path(which, path, sizeof path))
        return 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    bool in_section = false;
    int found = 0;
    while (!found && getline(&line, &cap, f) > 0) {
        /* Indented lines belong to a nested block (s3 = ...): not ours. */
        if (line[0] == ' ' || line[0] == '\t')
            continue;
        char *l = trim(line);
        if (*l == '#' || *l == ';' || !*l)
            continue;
        if (*l == '[') {
            char *close = strchr(l, ']');
            if (close)
                *close = '\0';
            in_section = section_matches(which, kind, trim(l + 1), profile);
            found = in_section && !key;
            continue;
        }
        char *eq = strchr(l, '=');
        if (!in_section || !key || !eq)
            continue;
        *eq = '\0';
        if (!strcmp(trim(l), key)) {
            *value = strdup(trim(eq + 1));
            found = 1;
        }
    }
    if (line)
        OPENSSL_cleanse(line, cap); /* it may have held a secret key */
    free(line);
    fclose(f);
    return found;
}

static int scan(Profile_file which, const char *profile, const char *key, char **value, char *err,
                size_t errlen)
{
    return scan_kind(which, "profile", profile, key, value, err, errlen);
}

int Profile_get_sso_session(const char *session, const char *key, char **value, char *err,
                            size_t errlen)
{
    *value = NULL;
    return scan_kind(PROFILE_CONFIG_FILE, "sso-session", session, key, value, err, errlen);
}

bool Profile_sso_session_exists(const char *session)
{
    char err[256];
    return scan_kind(PROFILE_CONFIG_FILE, "sso-session", session, NULL, NULL, err, sizeof err) == 1;
}

int Profile_get(Profile_file which, const char *profile, const char *key, char **value, char *err,
                size_t errlen)
{
    *value = NULL;
    return scan(which, profile, key, value, err, errlen);
}

int Profile_get_any(const char *profile, const char *key, char **value, char *err, size_t errlen)
{
    int rc = Profile_get(PROFILE_CONFIG_FILE, profile, key, value, err, errlen);
    return rc ? rc : Profile_get(PROFILE_CREDENTIALS_FILE, profile, key, value, err, errlen);
}

bool Profile_exists(const char *profile)
{
    char err[256];
    return scan(PROFILE_CREDENTIALS_FILE, profile, NULL, NULL, err, sizeof err) == 1 ||
           scan(PROFILE_CONFIG_FILE, profile, NULL, NULL, err, sizeof err) == 1;
}
