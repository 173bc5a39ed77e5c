# panels: one file per panel, each a const PanelClass; shared formatting and widgets.
libcutover_a_SOURCES += panels/panel.c panels/panel.h panels/format.c panels/format.h \
	panels/widgets.c panels/widgets.h panels/lag.c panels/cdc.c panels/endpoint.c \
	panels/servers.c panels/checklist.c panels/events.c

# The AWS DMS panel (shown when the plan has a DMS task).
libcutover_a_SOURCES += panels/dms.c panels/dms.h
TESTS += tests/tmux/aws_panels.sh
EXTRA_DIST += tests/tmux/aws_panels.sh
