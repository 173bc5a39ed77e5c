#include "themes/theme.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/read_file.h"
#include "themes/builtin_themes.h"

/* A theme is a few dozen lines; anything past 64 KiB is not one. */
#define THEME_FILE_MAX 65536

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_NORMAL] = "normal",   [ROLE_MUTED] = "muted",     [ROLE_TITLE] = "title",
    [ROLE_BORDER] = "border",   [ROLE_VALUE] = "value",     [ROLE_OK] = "ok",
    [ROLE_WARN] = "warn",       [ROLE_ALARM] = "alarm",     [ROLE_SELECTION] = "selection",
    [ROLE_STATUS] = "status",   [ROLE_KEY] = "key",         [ROLE_KEY_LABEL] = "key_label",
    [ROLE_GRAPH_1] = "graph_1", [ROLE_GRAPH_2] = "graph_2", [ROLE_DIALOG] = "dialog",
};

static const char *const color_names[8] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

const char *Theme_role_name(Role role)
{
    return (int)role >= 0 && role < ROLE_COUNT ? role_names[role] : NULL;
}

static int Theme_role_parse(const char *name)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (strcmp(role_names[i], name) == 0)
            return i;
    return -1;
}

/* "red", "bright-red", "color196", "default" -> colour number, or -2. */
static int Theme_color_parse(const char *word)
{
    if (strcmp(word, "default") == 0)
        return THEME_COLOR_DEFAULT;
    bool bright = strncmp(word, "bright-", 7) == 0;
    const char *base = bright ? word + 7 : word;
    for (int i = 0; i < 8; i++)
        if (strcmp(base, color_names[i]) == 0)
            return bright ? i + 8 : i;
    if (!bright && strncmp(word, "color", 5) == 0 && isdigit((unsigned char)word[5])) {
        char *end;
        long n = strtol(word + 5, &end, 10);
        if (*end == '\0' && n >= 0 && n <= 255)
            return (int)n;
    }
    return -2;
}

static int Theme_attr_parse(const char *word)
{
    static const struct {
        const char *name;
        unsigned bit;
    } attrs[] = {{"bold", THEME_ATTR_BOLD},
                 {"dim", THEME_ATTR_DIM},
                 {"reverse", THEME_ATTR_REVERSE},
                 {"underline", THEME_ATTR_UNDERLINE}};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
        if (strcmp(word, attrs[i].name) == 0)
            return (int)attrs[i].bit;
    return -1;
}

/* "bold white on red" -> style. Returns NULL or the word that was wrong. */
static const char *Theme_style_parse(char *spec, RoleStyle *style, char *bad, size_t badsize)
{
    style->fg = style->bg = THEME_COLOR_DEFAULT;
    style->attrs = 0;
    bool want_bg = false, have_fg = false;
    for (char *save, *w = strtok_r(spec, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        int attr = Theme_attr_parse(w), color = Theme_color_parse(w);
        if (strcmp(w, "on") == 0 && !want_bg) {
            want_bg = true;
        } else if (want_bg && color != -2) {
            style->bg = (short)color;
        } else if (!want_bg && attr >= 0) {
            style->attrs |= (unsigned)attr;
        } else if (!want_bg && !have_fg && color != -2) {
            style->fg = (short)color;
            have_fg = true;
        } else {
            snprintf(bad, badsize, "%s", w);
            return bad;
        }
    }
    return NULL;
}

static char *Theme_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* One "key = value" line; returns 0, or -1 with err. */
static int Theme_parse_line(const char *origin, int lineno, char *line, Theme *theme, bool *seen,
                            char *err, size_t errsize)
{
    char *eq = strchr(line, '=');
    if (!eq) {
        snprintf(err, errsize, "%s:%d: expected 'role = style', got '%.40s'", origin, lineno, line);
        return -1;
    }
    *eq = '\0';
    char *key = Theme_trim(line), *value = Theme_trim(eq + 1);
    if (strcmp(key, "name") == 0) {
        snprintf(theme->name, sizeof theme->name, "%s", value);
        return 0;
    }
    int role = Theme_role_parse(key);
    if (role < 0) {
        snprintf(err, errsize, "%s:%d: unknown role '%.40s' (roles: normal, muted, title, ...)",
                 origin, lineno, key);
        return -1;
    }
    char bad[64];
    if (Theme_style_parse(value, &theme->styles[role], bad, sizeof bad)) {
        snprintf(err, errsize,
                 "%s:%d: '%s' is not a colour or attribute here "
                 "(expected [bold|dim|reverse|underline] [colour] [on colour])",
                 origin, lineno, bad);
        return -1;
    }
    seen[role] = true;
    return 0;
}

int Theme_parse(const char *origin, const char *text, Theme *theme, char *err, size_t errsize)
{
    bool seen[ROLE_COUNT] = {false};
    memset(theme, 0, sizeof *theme);
    char *copy = strdup(text), *save = NULL;
    if (!copy) {
        snprintf(err, errsize, "%s: out of memory", origin);
        return -1;
    }
    int lineno = 0, rc = 0;
    for (char *line = copy; line && rc == 0; line = save) {
        save = strchr(line, '\n');
        if (save)
            *save++ = '\0';
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *body = Theme_trim(line);
        if (*body)
            rc = Theme_parse_line(origin, lineno, body, theme, seen, err, errsize);
    }
    free(copy);
    for (int r = 0; rc == 0 && r < ROLE_COUNT; r++) {
        if (!seen[r]) {
            snprintf(err, errsize, "%s: role '%s' is not given a style", origin, role_names[r]);
            rc = -1;
        }
    }
    return rc;
}

static char *Theme_read_file(const char *path, char *err, size_t errsize)
{
    char why[512];
    char *buf = ReadFile_all(path, THEME_FILE_MAX, NULL, why, sizeof why);
    if (!buf)
        snprintf(err, errsize, "theme %s", why);
    return buf;
}

int Theme_user_dir(char *out, size_t size)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int n = xdg && xdg[0] == '/' ? snprintf(out, size, "%s/cutover/themes", xdg)
            : home && home[0]    ? snprintf(out, size, "%s/.config/cutover/themes", home)
                                 : -1;
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* A bare name that is not built in: NAME.theme in the user's theme
 * directory, when it is there. */
static bool Theme_user_file(const char *name, char *path, size_t size)
{
    char dir[900];
    if (strchr(name, '/') || strstr(name, ".theme") || Theme_user_dir(dir, sizeof dir) != 0)
        return false;
    int n = snprintf(path, size, "%s/%s.theme", dir, name);
    return n > 0 && (size_t)n < size && access(path, R_OK) == 0;
}

int Theme_load(const char *name_or_path, Theme *theme, char *err, size_t errsize)
{
    char user[1024], dir[900];
    for (unsigned i = 0; i < builtin_theme_count; i++)
        if (strcmp(builtin_themes[i].name, name_or_path) == 0)
            return Theme_parse(builtin_themes[i].name, builtin_themes[i].text, theme, err, errsize);
    if (Theme_user_file(name_or_path, user, sizeof user))
        name_or_path = user;
    else if (!strchr(name_or_path, '/') && !strstr(name_or_path, ".theme")) {
        if (Theme_user_dir(dir, sizeof dir) != 0)
            snprintf(dir, sizeof dir, "$XDG_CONFIG_HOME/cutover/themes");
        snprintf(err, errsize,
                 "unknown theme '%s': use dark, light, high-contrast, monochrome, a file path, "
                 "or NAME for %s/NAME.theme",
                 name_or_path, dir);
        return -1;
    }
    char *text = Theme_read_file(name_or_path, err, errsize);
    if (!text)
        return -1;
    int rc = Theme_parse(name_or_path, text, theme, err, errsize);
    free(text);
    return rc;
}

size_t Theme_builtin_count(void)
{
    return builtin_theme_count;
}

const char *Theme_builtin_name(size_t index)
{
    return index < builtin_theme_count ? builtin_themes[index].name : NULL;
}

void Theme_strip_colors(Theme *theme)
{
    for (int r = 0; r < ROLE_COUNT; r++) {
        RoleStyle *s = &theme->styles[r];
        /* A role that was only distinguished by colour keeps a visible
         * difference: alarms and warnings must stand out in monochrome too. */
        if (s->attrs == 0 && (r == ROLE_ALARM || r == ROLE_STATUS || r == ROLE_KEY ||
                              r == ROLE_SELECTION || r == ROLE_DIALOG))
            s->attrs = THEME_ATTR_REVERSE;
        if (s->attrs == 0 && (r == ROLE_WARN || r == ROLE_TITLE || r == ROLE_VALUE))
            s->attrs = THEME_ATTR_BOLD;
        s->fg = s->bg = THEME_COLOR_DEFAULT;
    }
}
