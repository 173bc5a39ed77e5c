# themes: semantic roles x schemes. The .theme files are compiled in through
# embed.sh (dark first: the default) and installed for users to copy into
# their own theme directory ($XDG_CONFIG_HOME/cutover/themes), where
# --theme NAME finds them.
THEME_FILES = themes/dark.theme themes/light.theme themes/high-contrast.theme themes/monochrome.theme
themesdir = $(pkgdatadir)/themes
dist_themes_DATA = $(THEME_FILES)
EXTRA_DIST += themes/embed.sh
libcutover_a_SOURCES += themes/theme.c themes/theme.h themes/builtin_themes.h
nodist_libcutover_a_SOURCES = themes/builtin_themes.c
BUILT_SOURCES = themes/builtin_themes.c
CLEANFILES += themes/builtin_themes.c

themes/builtin_themes.c: $(THEME_FILES) $(srcdir)/themes/embed.sh
	$(AM_V_GEN)$(MKDIR_P) themes && \
	$(SHELL) $(srcdir)/themes/embed.sh $(srcdir) $(THEME_FILES) > $@.tmp && mv $@.tmp $@
