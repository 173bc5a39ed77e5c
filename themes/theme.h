/* Themes: semantic roles (what a piece of text means) mapped to attributes
 * per scheme (how it looks). Panels only ever name roles; a scheme file says
 * what each role looks like. Built-in schemes are the files in themes/,
 * embedded at build time, so a user can copy one and edit it. */
#ifndef CUTOVER_THEMES_THEME_H
#define CUTOVER_THEMES_THEME_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    ROLE_NORMAL = 0,
    ROLE_MUTED, /* labels, units, origins of figures */
    ROLE_TITLE, /* panel titles */
    ROLE_BORDER,
    ROLE_VALUE,     /* a figure that is fine */
    ROLE_OK,        /* healthy, done */
    ROLE_WARN,      /* degraded, stale, running */
    ROLE_ALARM,     /* threshold crossed, failed */
    ROLE_SELECTION, /* the selected step */
    ROLE_STATUS,    /* status line */
    ROLE_KEY,       /* key names in the key bar */
    ROLE_KEY_LABEL, /* what the key does */
    ROLE_GRAPH_1,   /* sparklines, first series */
    ROLE_GRAPH_2,   /* second series */
    ROLE_DIALOG,    /* confirmation and help overlays */
    ROLE_COUNT
} Role;

enum {
    THEME_COLOR_DEFAULT = -1, /* the terminal's own foreground/background */
};

enum {
    THEME_ATTR_BOLD = 1 << 0,
    THEME_ATTR_DIM = 1 << 1,
    THEME_ATTR_REVERSE = 1 << 2,
    THEME_ATTR_UNDERLINE = 1 << 3,
};

typedef struct RoleStyle {
    short fg; /* THEME_COLOR_DEFAULT, 0-7 normal, 8-15 bright, 16-255 xterm */
    short bg;
    unsigned attrs;
} RoleStyle;

typedef struct Theme {
    char name[32];
    RoleStyle styles[ROLE_COUNT];
} Theme;

/* "normal", "muted", ... as written in scheme files. */
const char *Theme_role_name(Role role);

/* Parses a scheme file's text. Every role must be given. Returns 0, or -1
 * with "ORIGIN:LINE: what was wrong" in err. */
int Theme_parse(const char *origin, const char *text, Theme *theme, char *err, size_t errsize);

/* Loads a built-in scheme by name, a user's scheme by name (NAME.theme in
 * Theme_user_dir), or a scheme file by path. */
int Theme_load(const char *name_or_path, Theme *theme, char *err, size_t errsize);

/* The user's theme directory: $XDG_CONFIG_HOME/cutover/themes, else
 * ~/.config/cutover/themes. 0, or -1 when neither is known. */
int Theme_user_dir(char *out, size_t size);

/* The built-in scheme names, in cycling order. */
size_t Theme_builtin_count(void);
const char *Theme_builtin_name(size_t index);

/* The same theme with every colour removed (attributes kept): NO_COLOR and
 * terminals without colour. */
void Theme_strip_colors(Theme *theme);

#endif
