/* The scheme files of themes/, compiled in (see embed.sh). */
#ifndef CUTOVER_THEMES_BUILTIN_THEMES_H
#define CUTOVER_THEMES_BUILTIN_THEMES_H

typedef struct BuiltinTheme {
    const char *name;
    const char *text;
} BuiltinTheme;

extern const BuiltinTheme builtin_themes[];
extern const unsigned builtin_theme_count;

#endif
