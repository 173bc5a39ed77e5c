# cli: the command line; main.c picks a subcommand, one file per command.
cutover_SOURCES += cli/main.c cli/commands.h cli/options.c cli/options.h cli/run.c cli/runtime.c cli/runtime.h
cutover_SOURCES += cli/verify.c cli/init.c cli/init.h cli/init_detect.c cli/init_write.c \
	cli/init_dms.c cli/init_ask.c
cutover_SOURCES += cli/check.c cli/check_offline.c cli/check_offline.h cli/headless.c cli/headless.h
TESTS += tests/integration/cli_basics.sh tests/integration/headless_alarms.sh \
	tests/integration/downtime_one_rule.sh tests/integration/check_offline.sh
EXTRA_DIST += tests/integration/cli_basics.sh tests/integration/headless_alarms.sh \
	tests/integration/downtime_one_rule.sh tests/integration/check_offline.sh
cutover_SOURCES += cli/replay.c cli/follow.c
cutover_SOURCES += cli/report.c cli/export.c cli/export_recording.c cli/export_recording.h \
	cli/check_report.c cli/check_report.h
TESTS += tests/integration/init_lab.sh tests/integration/init_prompts.sh
EXTRA_DIST += tests/integration/init_lab.sh tests/integration/init_prompts.sh
